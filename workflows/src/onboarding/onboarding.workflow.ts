// W3: onboarding ingestion. Orchestration only (no I/O here): every source
// is read by its activity (crawl, PDF, speech) with retries and timeouts; a
// source that cannot be read fails alone, with its reason, and the others
// go on; then the draft is extracted from whatever was read. Activities are
// idempotent (a source done stays done), so a replay or a second run of the
// same session never reads a source twice.
//
// Versioning: the command order depends on the sources (sorted by
// creation) and SOURCE_PARALLELISM; changing either needs patched().
import { ApplicationFailure, CancellationScope, defineQuery, isCancellation, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  ONBOARDING_PROGRESS_QUERY,
  type OnboardingProgress,
  type OnboardingResult,
  type OnboardingWorkflowInput,
  type SourceRef,
} from '@ensemble/workflow-contracts/onboarding';
import type { OnboardingActivities } from './onboarding.activities.ts';

export const onboardingProgressQuery = defineQuery<OnboardingProgress>(ONBOARDING_PROGRESS_QUERY);

// Input errors (a damaged PDF, a refused URL, a language without engine): retrying cannot help.
const NON_RETRYABLE = ['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT'];

const bookkeeping = proxyActivities<Pick<OnboardingActivities, 'beginOnboardingIngestion' | 'failOnboardingSource' | 'failOnboardingSession'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
});

// A crawl has its own time budget (90 s by default) and heartbeats per page.
const crawl = proxyActivities<Pick<OnboardingActivities, 'crawlOnboardingUrl'>>({
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

const files = proxyActivities<Pick<OnboardingActivities, 'parseOnboardingPdf'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Ten minutes of speech decode and recognise in a few minutes on a small machine.
const speech = proxyActivities<Pick<OnboardingActivities, 'transcribeOnboardingAudio'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
});

const extraction = proxyActivities<Pick<OnboardingActivities, 'extractOnboardingDraft'>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** Sources read at once: bounded so one onboarding cannot monopolise the worker. */
const SOURCE_PARALLELISM = 3;

function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? error.cause.message : error.message;
  return String(error);
}

export async function onboardingWorkflow(input: OnboardingWorkflowInput): Promise<OnboardingResult> {
  const { workflowId } = workflowInfo();
  const progress: OnboardingProgress = { status: 'ingesting', sources: [] };
  setHandler(onboardingProgressQuery, () => progress);

  try {
    const begun = await bookkeeping.beginOnboardingIngestion({ ...input, workflowId });
    if (begun.status !== 'ingesting') {
      // Accepted or abandoned meanwhile: nothing to read, nothing to propose.
      return { status: 'skipped', sources: [], cited: {} };
    }
    progress.sources = begun.sources.map((s) => ({ sourceId: s.sourceId, kind: s.kind, stage: 'queued' as const }));

    const read = async (ref: SourceRef) => {
      const entry = progress.sources.find((s) => s.sourceId === ref.sourceId)!;
      entry.stage = ref.kind === 'audio' ? 'transcribing' : ref.kind === 'pdf' ? 'parsing' : 'fetching';
      try {
        if (ref.kind === 'url') await crawl.crawlOnboardingUrl(ref);
        else if (ref.kind === 'pdf') await files.parseOnboardingPdf(ref);
        else await speech.transcribeOnboardingAudio(ref);
        entry.stage = 'done';
      } catch (error) {
        if (isCancellation(error)) throw error;
        // This source alone fails, with its reason; the others go on.
        const reason = reasonOf(error);
        entry.stage = 'failed';
        entry.error = reason;
        await bookkeeping.failOnboardingSource(ref, reason);
      }
    };
    for (let i = 0; i < begun.sources.length; i += SOURCE_PARALLELISM) {
      await Promise.all(begun.sources.slice(i, i + SOURCE_PARALLELISM).map(read));
    }

    const draft = await extraction.extractOnboardingDraft(input);
    progress.status = 'proposed';
    return { status: 'proposed', sources: progress.sources, cited: draft.cited };
  } catch (error) {
    const reason = isCancellation(error) ? 'Ingestion was cancelled.' : reasonOf(error);
    progress.status = 'failed';
    // Recorded even when the run is being cancelled.
    await CancellationScope.nonCancellable(() => bookkeeping.failOnboardingSession(input, reason));
    if (isCancellation(error)) throw error;
    throw ApplicationFailure.nonRetryable(`onboarding ingestion failed: ${reason}`, 'ONBOARDING_FAILED');
  }
}
