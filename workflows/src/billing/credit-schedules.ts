// Registers the credit ledger's Temporal Schedules (the worker does at start).
// Idempotent: an existing schedule is brought to the wanted spec and action.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';
import type { creditExpiryWorkflow } from './credit-expiry.workflow.ts';
import { CREDIT_EXPIRY_EVERY, CREDIT_EXPIRY_SCHEDULE_ID, CREDIT_EXPIRY_WORKFLOW } from '@ensemble/workflow-contracts/credits';

export interface CreditScheduleOptions {
  taskQueue?: string;
  /** tests use their own id beside a running product */
  scheduleId?: string;
}

export function creditExpirySchedule(options: CreditScheduleOptions = {}): ScheduleOptions<ScheduleOptionsStartWorkflowAction<typeof creditExpiryWorkflow>> {
  const scheduleId = options.scheduleId ?? CREDIT_EXPIRY_SCHEDULE_ID;
  return {
    scheduleId,
    spec: { intervals: [{ every: CREDIT_EXPIRY_EVERY }] },
    action: {
      type: 'startWorkflow',
      workflowType: CREDIT_EXPIRY_WORKFLOW,
      workflowId: scheduleId,
      taskQueue: options.taskQueue ?? TASK_QUEUE,
      args: [],
    },
    // A sweep still running when the next is due makes the next one pointless.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
  };
}

/** Creates the schedules, or updates them to this code's definition; says which. */
export async function ensureCreditSchedules(client: Client, options: CreditScheduleOptions = {}): Promise<'created' | 'updated'> {
  const wanted = creditExpirySchedule(options);
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
