// W2: one durable approval per content item (workflow id
// approval:<tenantId>:<itemId>). Orchestration only: every effect is an
// idempotent activity. A round waits for signals — approve, requestChanges,
// regenerate, comment — while timers record reminders (default after 24 h and
// 48 h) and expire it (default after 7 days). Regenerate writes a new version
// and opens the next round (reminders and expiry start again); approve,
// requestChanges and expiry end the review; an item in auto mode is
// approved as soon as it opens. An approved item (by a person, or in auto
// mode) then waits on a timer for its slot's time and is published through
// its channel's connector (W1 step 6, the pipeline's own activity and key);
// the slot is read again on waking, and when told the slot moved (dragged
// earlier, the timer would fire too late). An
// expired or sent-back item is never published. A later review of the same
// item starts a new run under the same id (or, while one waits for its slot,
// continues it as new).
//
// Versioning: workflows/test (replay) guards the command order; change it
// behind patched() as the pipeline does.
import { ActivityFailure, ApplicationFailure, condition, continueAsNew, defineQuery, defineSignal, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  APPROVAL_STATE_QUERY,
  APPROVE_SIGNAL,
  COMMENT_SIGNAL,
  REGENERATE_SIGNAL,
  REQUEST_CHANGES_SIGNAL,
  REVIEW_OPENED_SIGNAL,
  SLOT_RESCHEDULED_SIGNAL,
  type ApprovalOutcome,
  type ApprovalSignal,
  type ApprovalState,
  type ApprovalWorkflowInput,
  type SlotPublication,
} from '@ensemble/workflow-contracts/approval';
import type { ApprovalActivities, RoundRef } from './approval.activities.ts';
import type { PipelineActivities } from '../pipeline/monthly-pipeline.activities.ts';

export const approveSignal = defineSignal<[ApprovalSignal]>(APPROVE_SIGNAL);
export const requestChangesSignal = defineSignal<[ApprovalSignal]>(REQUEST_CHANGES_SIGNAL);
export const regenerateSignal = defineSignal<[ApprovalSignal]>(REGENERATE_SIGNAL);
export const commentSignal = defineSignal<[ApprovalSignal]>(COMMENT_SIGNAL);
export const reviewOpenedSignal = defineSignal(REVIEW_OPENED_SIGNAL);
export const slotRescheduledSignal = defineSignal(SLOT_RESCHEDULED_SIGNAL);
export const approvalStateQuery = defineQuery<ApprovalState>(APPROVAL_STATE_QUERY);

const NON_RETRYABLE = ['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'INSUFFICIENT_CREDITS'];

const acts = proxyActivities<ApprovalActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
});

// One model call: give it time, fewer attempts (a person is waiting and can ask again).
const generation = proxyActivities<Pick<ApprovalActivities, 'approvalRegenerate'>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
});

// Publication at the slot's time: the pipeline's publication code (it heartbeats);
// a long fan-out (a newsletter) gets time, a flaky provider or database retries.
const publication = proxyActivities<Pick<PipelineActivities, 'itemSlot' | 'publishAtSlot'>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: NON_RETRYABLE },
});

/** Approved items wait for their slot's time and are published then (older runs ended at the decision). */
export const PUBLISH_AT_SLOT_PATCH = 'publish-at-slot-time';
/**
 * A moved slot wakes a workflow waiting for it. Checked where the signal is
 * handled: a history in which code without this handler received the signal
 * (it stayed buffered, the timer ran on) replays with the signal ignored.
 */
export const SLOT_RESCHEDULED_PATCH = 'slot-rescheduled-signal';

type Kind = 'approve' | 'requestChanges' | 'regenerate' | 'comment';
type Message = ApprovalSignal & { kind: Kind };

const HOUR = 3_600_000;

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : String(cause);
}

export async function approvalWorkflow(input: ApprovalWorkflowInput): Promise<ApprovalOutcome> {
  const { workflowId } = workflowInfo();
  const reminderHours = [...input.reminderAfterHours].filter((h) => h > 0 && h < input.expireAfterHours).sort((a, b) => a - b);
  const state: ApprovalState = { status: 'opening', approvalId: null, version: null, round: 0, remindersSent: 0, openedAt: null, expiresAt: null, nextReminderAt: null };
  const inbox: Message[] = [];
  const seen = new Set<string>();
  const receive = (kind: Kind) => (signal: ApprovalSignal) => {
    if (seen.has(signal.signalId)) return; // delivered twice: act once
    seen.add(signal.signalId);
    inbox.push({ ...signal, kind });
  };
  setHandler(approveSignal, receive('approve'));
  setHandler(requestChangesSignal, receive('requestChanges'));
  setHandler(regenerateSignal, receive('regenerate'));
  setHandler(commentSignal, receive('comment'));
  setHandler(approvalStateQuery, () => state);
  // Only a workflow waiting for its slot acts on it (a new round while it waits).
  let reviewOpened = false;
  setHandler(reviewOpenedSignal, () => {
    reviewOpened = true;
  });
  let slotMoved = false;
  setHandler(slotRescheduledSignal, () => {
    if (patched(SLOT_RESCHEDULED_PATCH)) slotMoved = true;
  });
  for (const message of input.carried ?? []) {
    if (seen.has(message.signalId)) continue;
    seen.add(message.signalId);
    inbox.push(message);
  }

  const finish = (status: ApprovalOutcome['status']): ApprovalOutcome => {
    state.status = status;
    state.nextReminderAt = null;
    return { status, approvalId: state.approvalId, rounds: state.round, remindersSent: state.remindersSent };
  };
  const iso = (ms: number) => new Date(ms).toISOString();

  const outcome = await review();
  if (outcome.status === 'expired' || outcome.status === 'changes_requested' || !patched(PUBLISH_AT_SLOT_PATCH)) return outcome;
  return publishAtSlot(outcome);

  /** The rounds of review, until a decision or the expiry. */
  async function review(): Promise<ApprovalOutcome> {
    let openedAt = Date.now();
    const opened = await acts.approvalOpen({
      tenantId: input.tenantId, itemId: input.itemId, workflowId, requestedBy: input.requestedBy,
      openedAt: iso(openedAt), expiresAt: iso(openedAt + input.expireAfterHours * HOUR),
    });
    if (!opened.round || opened.outcome === 'not_in_review') return finish('not_in_review');
    state.approvalId = opened.round.approvalId;
    state.version = opened.round.version;
    state.round = 1;
    if (opened.outcome === 'auto_approved') return finish('auto_approved');

    for (;;) {
      // One round: reminders at openedAt + h, expiry at openedAt + expireAfterHours.
      state.status = 'pending';
      state.remindersSent = 0;
      state.openedAt = iso(openedAt);
      const expiresAt = openedAt + input.expireAfterHours * HOUR;
      state.expiresAt = iso(expiresAt);
      const ref: RoundRef = { tenantId: input.tenantId, itemId: input.itemId, workflowId, approvalId: state.approvalId! };
      let nextRound: { approvalId: string; version: number } | null = null;

      while (!nextRound) {
        const reminderAt = state.remindersSent < reminderHours.length ? openedAt + reminderHours[state.remindersSent]! * HOUR : null;
        const deadline = reminderAt ?? expiresAt;
        state.nextReminderAt = reminderAt === null ? null : iso(reminderAt);
        const signalled = await condition(() => inbox.length > 0, Math.max(1, deadline - Date.now()));
        if (!signalled) {
          if (reminderAt !== null) {
            state.remindersSent += 1;
            await acts.approvalRemind(ref, { ordinal: state.remindersSent, dueAt: iso(reminderAt) });
            continue;
          }
          const expired = await acts.approvalExpire(ref, { at: iso(expiresAt) });
          // Decided in the database meanwhile (not through this workflow): report what it is.
          return finish(expired.applied ? 'expired' : outcomeOf(expired.round.status));
        }
        const message = inbox.shift()!;
        if (message.approvalId !== ref.approvalId) continue; // meant for an earlier round
        const at = iso(Date.now());
        if (message.kind === 'comment') {
          if (message.comment) await acts.approvalComment(ref, { actor: message.actor, body: message.comment, at, signalId: message.signalId });
          continue;
        }
        if (message.kind === 'approve' || message.kind === 'requestChanges') {
          const decision = message.kind === 'approve' ? 'approved' : 'changes_requested';
          const result = await acts.approvalDecide(ref, { decision, actor: message.actor, note: message.comment ?? null, at, signalId: message.signalId });
          return finish(result.applied ? decision : outcomeOf(result.round.status));
        }
        // regenerate
        const startedAt = Date.now();
        try {
          const next = await generation.approvalRegenerate(ref, {
            actor: message.actor, comment: message.comment ?? null, at, signalId: message.signalId,
            expiresAt: iso(startedAt + input.expireAfterHours * HOUR),
          });
          nextRound = { approvalId: next.approvalId, version: next.version };
          openedAt = startedAt;
        } catch (error) {
          // The round stays open; the reason is left where people read it.
          await acts.approvalComment(ref, {
            actor: { userId: null, external: null, name: 'Ensemble' },
            body: `Regeneration failed: ${failureMessage(error)}`,
            at: iso(Date.now()),
            signalId: `${message.signalId}:failed`,
          });
        }
      }
      state.approvalId = nextRound.approvalId;
      state.version = nextRound.version;
      state.round += 1;
    }
  }

  /**
   * Waits (a timer) until the slot's time, reads the slot again (dragged
   * later: waits again), then publishes, once. A signal meanwhile (a new
   * round opened, or a decision on it) wakes it: if the item went back to
   * review, the review starts again as a new run that receives those signals.
   * The slot moved (slotRescheduled) wakes it too: it reads the slot again and
   * waits for the new time, earlier or later.
   */
  async function publishAtSlot(decided: ApprovalOutcome): Promise<ApprovalOutcome> {
    const ended = (result: Omit<SlotPublication, 'at'>): ApprovalOutcome => {
      state.status = decided.status;
      state.publishAt = null;
      return { ...decided, publication: { ...result, at: iso(Date.now()) } };
    };
    for (let first = true; ; first = false) {
      // What they announced, this read sees (a signal during the read wakes the wait at once).
      reviewOpened = false;
      slotMoved = false;
      const slot = await publication.itemSlot({ tenantId: input.tenantId, itemId: input.itemId });
      if (slot?.status === 'in_review') return continueAsNew<typeof approvalWorkflow>({ ...input, carried: inbox });
      const publishable = slot?.status === 'approved' || slot?.status === 'scheduled';
      // Never approved (a draft the workflow found): nothing to publish.
      if (first && decided.status === 'not_in_review' && !publishable && slot?.status !== 'published') return decided;
      if (slot?.status === 'published') return ended({ status: 'already_published', publicationId: null });
      if (!slot || !publishable) return ended({ status: 'withdrawn', publicationId: null });
      if (!slot.scheduledAt) return ended({ status: 'no_slot', publicationId: null });
      const wait = Date.parse(slot.scheduledAt) - Date.now();
      if (wait > 0) {
        state.status = 'awaiting_slot';
        state.publishAt = slot.scheduledAt;
        const received = inbox.length;
        await condition(() => inbox.length > received || reviewOpened || slotMoved, wait);
        continue;
      }
      let result;
      try {
        result = await publication.publishAtSlot({ tenantId: input.tenantId, itemId: input.itemId, at: iso(Date.now()) });
      } catch (error) {
        // Retries exhausted: the item stays scheduled, "publish now" is left to a person.
        return ended({ status: 'error', publicationId: null, error: failureMessage(error) });
      }
      if (result.status === 'sent' || result.status === 'failed') {
        return ended({ status: result.status, publicationId: result.publicationId, ...(result.status === 'failed' ? { error: result.error } : {}) });
      }
      if (result.status === 'already_published' || result.status === 'no_connector') return ended({ status: result.status, publicationId: null });
      if (result.status === 'not_publishable') return ended({ status: 'withdrawn', publicationId: null });
      // not_due (dragged later meanwhile) or awaiting approval (back in review): read the slot again.
    }
  }
}

function outcomeOf(status: string): ApprovalOutcome['status'] {
  if (status === 'approved' || status === 'auto_approved' || status === 'changes_requested' || status === 'expired') return status;
  return 'not_in_review';
}
