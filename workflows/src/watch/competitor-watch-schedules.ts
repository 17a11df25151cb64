// W4: the competitor watch's Temporal Schedule (registered by the worker at
// start). See competitor-watch.workflow.ts for why one sweep serves every
// client.
import type { Client } from '@temporalio/client';
import { COMPETITOR_WATCH_EVERY, COMPETITOR_WATCH_SCHEDULE_ID, COMPETITOR_WATCH_SWEEP_WORKFLOW } from '@ensemble/workflow-contracts/watch';
import { ensureSchedule, sweepSchedule, type SweepScheduleOptions } from '../schedules.ts';

export function competitorWatchSchedule(options: SweepScheduleOptions = {}) {
  return sweepSchedule({ scheduleId: COMPETITOR_WATCH_SCHEDULE_ID, every: COMPETITOR_WATCH_EVERY, workflowType: COMPETITOR_WATCH_SWEEP_WORKFLOW }, options);
}

export function ensureCompetitorWatchSchedule(client: Client, options: SweepScheduleOptions = {}): Promise<'created' | 'updated'> {
  return ensureSchedule(client, competitorWatchSchedule(options));
}
