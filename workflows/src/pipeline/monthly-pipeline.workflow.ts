// W1: a client's month of marketing as one durable run. Orchestration only:
// no I/O here, every effect is an idempotent activity (keys derived from the
// workflow id + step + slot/item), so a replay or a retried activity after a
// crash never acts twice.
//
// Versioning: a saved history (workflows/test/histories) is replayed against
// this code on every change. Any change to the order, number or kind of
// commands (activities, timers) must keep the old path behind
// `if (patched('<change-id>')) { new } else { old }`, then `deprecatePatch`
// once no run of the old code remains open.
import { ApplicationFailure, CancellationScope, condition, defineQuery, defineSignal, isCancellation, patched, proxyActivities, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { APPROVAL_WORKFLOW, DEFAULT_EXPIRY_HOURS, DEFAULT_REMINDER_HOURS, approvalWorkflowId, type ApprovalWorkflowInput } from '@ensemble/workflow-contracts/approval';
import {
  PIPELINE_STEPS,
  PROGRESS_QUERY,
  RETRY_STEP_SIGNAL,
  RETRY_WINDOW,
  type MonthlyPipelineInput,
  type MonthlyPipelineResult,
  type PipelineProgress,
  type PipelineStepName,
} from '@ensemble/workflow-contracts/pipeline';
import type { PipelineActivities, RunRef, SlotOutcome } from './monthly-pipeline.activities.ts';
import { PUBLISH_AT_SLOT_PATCH } from '../approval/approval.workflow.ts';

export const progressQuery = defineQuery<PipelineProgress>(PROGRESS_QUERY);
/** A person asks to run the failed step again (the steps before it are kept). */
export const retryStepSignal = defineSignal(RETRY_STEP_SIGNAL);

// Errors a retry cannot fix (bad input, missing rows): fail fast.
const NON_RETRYABLE = ['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT'];

// Every activity heartbeats while it runs (monthly-pipeline.activities.ts):
// a worker that dies mid-activity is noticed after HEARTBEAT, not after the
// start-to-close timeout (found by `npm run bench -- durability`).
const HEARTBEAT = '30 seconds';

const steps = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Publication waits out the lease of an attempt a killed worker left (90 s,
// retried right after it ends) and a crash can strike again meanwhile: more
// attempts than the other steps before the run stops and waits for a person.
const publishing = proxyActivities<Pick<PipelineActivities, 'publication'>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
});

// One slot = one model call; give real providers time, retry a little longer.
const generation = proxyActivities<Pick<PipelineActivities, 'generateSlot'>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: NON_RETRYABLE },
});

// A batch of slots in one activity: its model calls run at once.
const generationBatch = proxyActivities<Pick<PipelineActivities, 'generateSlots'>>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Recording the outcome must outlast a flaky database.
const bookkeeping = proxyActivities<Pick<PipelineActivities, 'failRun' | 'completeRun' | 'resumeRun'>>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/**
 * Slots generated at once: bounded so one client cannot monopolise the worker.
 * It shapes the command order in histories: changing it needs patched().
 */
const GENERATION_PARALLELISM = 4;

/**
 * Starts the approval workflow (W2) of every item the generation step made,
 * abandoned by the pipeline so it outlives the run. One that already runs is
 * kept; an approved item's (auto mode's) workflow waits for the slot's time
 * and publishes it then.
 */
async function startApprovalWorkflows(tenantId: string, outcomes: SlotOutcome[]): Promise<void> {
  const itemIds = [...new Set(outcomes.flatMap((o) => (o.itemId ? [o.itemId] : [])))];
  await Promise.all(itemIds.map(async (itemId) => {
    const approval: ApprovalWorkflowInput = { tenantId, itemId, requestedBy: null, reminderAfterHours: [...DEFAULT_REMINDER_HOURS], expireAfterHours: DEFAULT_EXPIRY_HOURS };
    try {
      await startChild(APPROVAL_WORKFLOW, {
        workflowId: approvalWorkflowId(tenantId, itemId),
        args: [approval],
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }));
}

export async function monthlyPipelineWorkflow(input: MonthlyPipelineInput): Promise<MonthlyPipelineResult> {
  const { workflowId } = workflowInfo();
  const progress: PipelineProgress = {
    runId: null,
    status: 'running',
    steps: PIPELINE_STEPS.map((step, position) => ({ step, position, status: 'pending' as const })),
  };
  setHandler(progressQuery, () => progress);

  const mark = (step: PipelineStepName, status: 'running' | 'completed' | 'failed', error?: string) => {
    const entry = progress.steps.find((s) => s.step === step)!;
    entry.status = status;
    if (error !== undefined) entry.error = error;
  };

  let retryRequested = false;
  setHandler(retryStepSignal, () => {
    if (progress.status === 'failed') retryRequested = true;
  });

  let run: RunRef | null = null;
  let plan: { slotIds: string[] } | null = null;
  let generated: SlotOutcome[] = [];
  let approvalsAfterPublication = false;
  const work: Array<[PipelineStepName, () => Promise<void>]> = [
    ['session', async () => {
      run = (await steps.session({ ...input, workflowId })).run;
      progress.runId = run.runId;
    }],
    ['ingestion', async () => { await steps.ingestion(run!); }],
    ['dna_merge', async () => { await steps.dnaMerge(run!); }],
    ['planning', async () => { plan = await steps.planning(run!); }],
    ['generation', async () => {
      await steps.beginStep(run!, 'generation');
      const slotIds = plan!.slotIds;
      const outcomes: SlotOutcome[] = [];
      // One activity per batch (patched: older runs had one per slot): the
      // orchestration of a slot cost more than its generation at scale.
      const perBatch = patched('generation-one-activity-per-batch');
      for (let i = 0; i < slotIds.length; i += GENERATION_PARALLELISM) {
        const batch = slotIds.slice(i, i + GENERATION_PARALLELISM);
        outcomes.push(...(perBatch
          ? await generationBatch.generateSlots(run!, batch)
          : await Promise.all(batch.map((slotId) => generation.generateSlot(run!, slotId)))));
      }
      await steps.completeGeneration(run!, outcomes);
      generated = outcomes;
      // W2: each generated item gets its approval workflow (patched: older runs had none).
      if (patched('approval-workflow-per-item')) {
        // Since they publish at the slots' times, they start after this run's publication step
        // (which publishes what is due already): the two never race for the same item.
        approvalsAfterPublication = patched(PUBLISH_AT_SLOT_PATCH);
        if (!approvalsAfterPublication) await startApprovalWorkflows(input.tenantId, outcomes);
      }
    }],
    ['publication', async () => {
      const settled = await publishing.publication(run!);
      if (approvalsAfterPublication) {
        // An item the step settled (published, or due and tried) has nothing left to wait for (patched: the first runs started one for every item).
        const out = patched('approvals-only-for-unsettled') ? new Set(settled?.settledItemIds ?? []) : new Set<string>();
        await startApprovalWorkflows(input.tenantId, generated.filter((o) => !o.itemId || !out.has(o.itemId)));
      }
    }],
    ['analytics', async () => { await steps.analytics(run!); }],
  ];

  let index = 0;
  while (index < work.length) {
    const [current, execute] = work[index]!;
    try {
      mark(current, 'running');
      await execute();
      mark(current, 'completed');
      index += 1;
    } catch (error) {
      const cancelled = isCancellation(error);
      const message = cancelled ? 'cancelled' : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      mark(current, 'failed', message);
      progress.status = 'failed';
      const failed = { tenantId: input.tenantId, month: input.month, workflowId, runId: (run as RunRef | null)?.runId ?? null };
      // Recorded even when the run is being cancelled.
      await CancellationScope.nonCancellable(() => bookkeeping.failRun(failed, current, message));
      if (cancelled) throw error;
      // A failed step waits for a person to fix the cause and retry it; the
      // steps before it are not redone. Unanswered, the execution fails, and
      // the id reuse policy then lets a person restart the month.
      if (!patched('retry-failed-step') || !(await condition(() => retryRequested, RETRY_WINDOW))) {
        throw ApplicationFailure.nonRetryable(`monthly pipeline failed at ${current}: ${message}`, 'PIPELINE_FAILED');
      }
      retryRequested = false;
      progress.status = 'running';
      await bookkeeping.resumeRun(failed, current);
    }
  }

  await bookkeeping.completeRun(run!);
  progress.status = 'completed';
  return { runId: (run as RunRef | null)!.runId, status: 'completed', steps: progress.steps };
}
