// C11 / W4: competitor watch on Temporal.
//
// One sweep for every client, started every few minutes by one Temporal
// Schedule (./competitor-watch-schedules.ts), rather than a schedule per
// client: each source has its own interval (15 minutes to a week), which the
// sweep honours by capturing only the sources that are due, so adding,
// pausing or removing a source needs no schedule to be created, updated or
// deleted, and one place bounds how much fetching happens at once. The sweep
// is short (a few captures in parallel, then the e-mails) and the schedule
// skips a fire while one still runs.
//
// "Capture now" is competitorCaptureWorkflow, one per source at a time (its
// id carries tenant and source): the same activities, so a capture and its
// e-mails behave exactly as on schedule.
import { proxyActivities } from '@temporalio/workflow';
import {
  SWEEP_CONCURRENCY,
  type CaptureRequest,
  type CaptureStatus,
  type CompetitorCaptureResult,
  type CompetitorWatchSweepResult,
} from '@ensemble/workflow-contracts/watch';
import type { WatchActivities } from './competitor-watch.activities.ts';

const { listDueCompetitorSources, captureCompetitorSource } = proxyActivities<WatchActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
});

const { emailCompetitorAlerts } = proxyActivities<WatchActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 3 },
});

export async function competitorWatchSweepWorkflow(): Promise<CompetitorWatchSweepResult> {
  const due = await listDueCompetitorSources();
  const captured: Record<CaptureStatus, number> = { baseline: 0, changed: 0, unchanged: 0, failed: 0, blocked: 0, gone: 0 };
  const crashed: CompetitorWatchSweepResult['crashed'] = [];
  for (let i = 0; i < due.length; i += SWEEP_CONCURRENCY) {
    const batch = due.slice(i, i + SWEEP_CONCURRENCY);
    const results = await Promise.allSettled(batch.map((source) => captureCompetitorSource(source)));
    results.forEach((result, j) => {
      if (result.status === 'fulfilled') captured[result.value.status] += 1;
      else crashed.push({ ...batch[j]!, error: String((result.reason as Error)?.message ?? result.reason).slice(0, 300) });
    });
  }
  // Every tenant's pending alerts, this sweep's and any an earlier e-mail run left behind.
  let mailed = { tenants: 0, sent: 0, failed: 0 };
  try {
    const mail = await emailCompetitorAlerts(null);
    mailed = { tenants: mail.tenants, sent: mail.sent, failed: mail.failed };
  } catch {
    // The next sweep sends them: nothing is lost, each e-mail is claimed once.
  }
  return { due: due.length, captured, crashed, mailed };
}

export async function competitorCaptureWorkflow(request: CaptureRequest): Promise<CompetitorCaptureResult> {
  const capture = await captureCompetitorSource(request);
  if (capture.alertIds.length === 0) return { capture, mail: null };
  try {
    const { alerts, sent, failed, skipped } = await emailCompetitorAlerts([request.tenantId]);
    return { capture, mail: { alerts, sent, failed, skipped } };
  } catch {
    // The alerts are recorded; the next sweep e-mails them.
    return { capture, mail: null };
  }
}
