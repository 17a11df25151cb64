// Reads monthly pipeline histories for the pipeline benchmark: every
// activity's scheduled / started / completed times (server clock), and the
// generation step's slots grouped into the batches the workflow scheduled
// together (same WorkflowTaskCompleted event).
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time.js';

export interface ActivityRun {
  workflowId: string;
  type: string;
  scheduledEventId: number;
  /** the workflow task whose completion scheduled it: activities of one batch share it */
  batch: number;
  scheduledAt: number;
  startedAt: number | null;
  completedAt: number | null;
  attempt: number;
  /** the activity's decoded result (completed ones) */
  result: unknown;
}

/** One workflow task: scheduled → started (picked up by the worker) → completed. */
export interface WorkflowTaskRun {
  scheduledAt: number;
  startedAt: number | null;
  completedAt: number | null;
}

export interface PipelineHistory {
  workflowId: string;
  startedAt: number;
  closedAt: number | null;
  activities: ActivityRun[];
  workflowTasks: WorkflowTaskRun[];
  /** children started (approval workflows) */
  children: string[];
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export async function readHistory(temporal: Client, workflowId: string): Promise<PipelineHistory> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const byScheduled = new Map<number, ActivityRun>();
  const tasks = new Map<number, WorkflowTaskRun>();
  const taskOfStarted = new Map<number, WorkflowTaskRun>();
  const children: string[] = [];
  let startedAt = 0;
  let closedAt: number | null = null;
  for (const event of history.events ?? []) {
    const at = tsToMs(event.eventTime);
    const id = num(event.eventId);
    if (event.workflowExecutionStartedEventAttributes) startedAt = at;
    if (event.workflowExecutionCompletedEventAttributes || event.workflowExecutionFailedEventAttributes) closedAt = at;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      byScheduled.set(id, {
        workflowId, type: scheduled.activityType?.name ?? '?', scheduledEventId: id, batch: num(scheduled.workflowTaskCompletedEventId),
        scheduledAt: at, startedAt: null, completedAt: null, attempt: 0, result: undefined,
      });
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const run = byScheduled.get(num(started.scheduledEventId));
      // The started event is written when the attempt ends, with the time it started.
      if (run) {
        run.startedAt = at;
        run.attempt = started.attempt ?? 1;
      }
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const run = byScheduled.get(num(completed.scheduledEventId));
      if (run) {
        run.completedAt = at;
        const payload = completed.result?.payloads?.[0];
        run.result = payload ? defaultPayloadConverter.fromPayload(payload) : undefined;
      }
    }
    if (event.workflowTaskScheduledEventAttributes) tasks.set(id, { scheduledAt: at, startedAt: null, completedAt: null });
    const taskStarted = event.workflowTaskStartedEventAttributes;
    if (taskStarted) {
      const task = tasks.get(num(taskStarted.scheduledEventId));
      if (task) {
        task.startedAt = at;
        taskOfStarted.set(id, task);
      }
    }
    const taskCompleted = event.workflowTaskCompletedEventAttributes;
    if (taskCompleted) {
      const task = taskOfStarted.get(num(taskCompleted.startedEventId));
      if (task) task.completedAt = at;
    }
    const child = event.startChildWorkflowExecutionInitiatedEventAttributes;
    if (child?.workflowId) children.push(child.workflowId);
  }
  return { workflowId, startedAt, closedAt, activities: [...byScheduled.values()], workflowTasks: [...tasks.values()], children };
}

export async function readHistories(temporal: Client, workflowIds: string[], concurrency = 8): Promise<PipelineHistory[]> {
  const out: PipelineHistory[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < workflowIds.length) {
      const id = workflowIds[next++]!;
      out.push(await readHistory(temporal, id));
    }
  }));
  return out;
}

/**
 * How many activities the worker ran at each moment, from the started and
 * completed times of every activity it ran (all workflows): answers "were all
 * of its activity slots busy at t?".
 */
export function occupancy(activities: ActivityRun[]): (t: number) => number {
  const starts = activities.filter((a) => a.startedAt !== null && a.completedAt !== null).map((a) => a.startedAt!).sort((a, b) => a - b);
  const ends = activities.filter((a) => a.startedAt !== null && a.completedAt !== null).map((a) => a.completedAt!).sort((a, b) => a - b);
  const countUpTo = (sorted: number[], t: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (t) => countUpTo(starts, t) - countUpTo(ends, t);
}

/** Completion times of every activity, sorted: "when did a slot last free up before t?". */
export function completionTimes(activities: ActivityRun[]): number[] {
  return activities.filter((a) => a.completedAt !== null).map((a) => a.completedAt!).sort((a, b) => a - b);
}

export function lastAtOrBefore(sorted: number[], t: number): number | null {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1]! : null;
}
