// W4: registers the competitor watch's Temporal Schedule (the worker does at
// start). Idempotent: an existing schedule is brought to this code's spec
// and action. See competitor-watch.workflow.ts for why one sweep serves
// every client.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';
import { COMPETITOR_WATCH_EVERY, COMPETITOR_WATCH_SCHEDULE_ID, COMPETITOR_WATCH_SWEEP_WORKFLOW } from '@ensemble/workflow-contracts/watch';
import type { competitorWatchSweepWorkflow } from './competitor-watch.workflow.ts';

export interface WatchScheduleOptions {
  taskQueue?: string;
  /** tests use their own id beside a running product */
  scheduleId?: string;
}

export function competitorWatchSchedule(options: WatchScheduleOptions = {}): ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof competitorWatchSweepWorkflow>> {
  const scheduleId = options.scheduleId ?? COMPETITOR_WATCH_SCHEDULE_ID;
  return {
    scheduleId,
    spec: { intervals: [{ every: COMPETITOR_WATCH_EVERY }] },
    action: {
      type: 'startWorkflow',
      workflowType: COMPETITOR_WATCH_SWEEP_WORKFLOW,
      workflowId: scheduleId,
      taskQueue: options.taskQueue ?? TASK_QUEUE,
      args: [],
    },
    // A sweep still running makes the next one pointless; one missed while the
    // server was down is caught up once (the sweep takes whatever is due).
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
  };
}

export async function ensureCompetitorWatchSchedule(client: Client, options: WatchScheduleOptions = {}): Promise<'created' | 'updated'> {
  const wanted = competitorWatchSchedule(options);
  try {
    await client.schedule.create(wanted);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(wanted.scheduleId).update((previous) => ({
      ...previous,
      spec: wanted.spec,
      action: wanted.action,
      policies: { ...previous.policies, ...wanted.policies },
    }));
    return 'updated';
  }
}
