// The credit ledger's Temporal Schedule: orphaned reservations are expired by a
// sweep every few minutes (registered by the worker at start).
import type { Client } from '@temporalio/client';
import { CREDIT_EXPIRY_EVERY, CREDIT_EXPIRY_SCHEDULE_ID, CREDIT_EXPIRY_WORKFLOW } from '@ensemble/workflow-contracts/credits';
import { ensureSchedule, sweepSchedule, type SweepScheduleOptions } from '../schedules.ts';

export function creditExpirySchedule(options: SweepScheduleOptions = {}) {
  return sweepSchedule({ scheduleId: CREDIT_EXPIRY_SCHEDULE_ID, every: CREDIT_EXPIRY_EVERY, workflowType: CREDIT_EXPIRY_WORKFLOW }, options);
}

export function ensureCreditSchedules(client: Client, options: SweepScheduleOptions = {}): Promise<'created' | 'updated'> {
  return ensureSchedule(client, creditExpirySchedule(options));
}
