// The Temporal Schedules the worker registers at start: the monthly pipeline's
// (one per client) and the platform-wide sweeps (credit expiry, competitor
// watch). Registering is idempotent: a schedule that exists already is brought
// to this code's spec, action and policies.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';

export interface SweepScheduleOptions {
  taskQueue?: string;
  /** tests use their own id beside a running product */
  scheduleId?: string;
}

/**
 * A sweep over every client, every `every`. A sweep still running when the
 * next is due makes the next one pointless (skipped); one missed while the
 * server was down is caught up once, since a sweep takes whatever is due.
 */
export function sweepSchedule(sweep: { scheduleId: string; every: Duration; workflowType: string }, options: SweepScheduleOptions = {}): ScheduleOptions {
  const scheduleId = options.scheduleId ?? sweep.scheduleId;
  return {
    scheduleId,
    spec: { intervals: [{ every: sweep.every }] },
    action: {
      type: 'startWorkflow',
      workflowType: sweep.workflowType,
      workflowId: scheduleId,
      taskQueue: options.taskQueue ?? TASK_QUEUE,
      args: [],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
  };
}

/** Creates the schedule, or updates it to this code's definition; says which. */
export async function ensureSchedule(client: Client, wanted: ScheduleOptions): Promise<'created' | 'updated'> {
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
