// W2 activities: thin, idempotent adapters over the approval service. Each
// enters the item's tenant (withTenant: RLS + ORM filter), writes with ids
// derived from the workflow or the signal (a retry finds what the first
// attempt wrote), then announces the change on approvals:<tenantId>.
// Instants come from the workflow (its deterministic clock), so records match
// the workflow's timers even when a test server skips time.
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { isAppError } from '@ensemble/tenancy/errors';
import { OFFLINE_MODEL_CODE, estimateCredits, generateOffline } from '@ensemble/ai/offline-model';
import { ensureMonthlyGrant, reserveCredits, settleReservation } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { latestSnapshot } from '@ensemble/subgraph-tenants/brand/brand-dna.service';
import {
  addComment,
  decideRound,
  expireRound,
  openRound,
  recordReminder,
  regenerationsOf,
  requireApproval,
  roundOfRegeneration,
  saveRegeneration,
  type ApprovalView,
} from '@ensemble/subgraph-content/approval/approval.service';
import { MAX_OUTPUT_TOKENS, estimateInputTokens } from '@ensemble/subgraph-content/generation/generation.service';
import { sql } from '@ensemble/subgraph-content/pipeline/sql';
import { approvalTopic, approvalWorkflowId, type ApprovalActor, type ApprovalEvent } from '@ensemble/workflow-contracts/approval';
import { planFor, snapshotById } from '../pipeline/tenant-reads.ts';

export interface ApprovalActivityDeps {
  orm: MikroORM;
  pubsub: { publish(topic: string, data: unknown): Promise<void> };
}

/** Which round an activity works on. */
export interface RoundRef {
  tenantId: string;
  itemId: string;
  workflowId: string;
  approvalId: string;
}

export interface RoundSummary {
  approvalId: string;
  version: number;
  status: ApprovalView['status'];
}

export interface OpenResult {
  outcome: 'pending' | 'auto_approved' | 'not_in_review';
  round: RoundSummary | null;
}

const NON_RETRYABLE_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHENTICATED', 'INSUFFICIENT_CREDITS']);

function asFailure(error: unknown): unknown {
  if (isAppError(error)) {
    return ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: NON_RETRYABLE_CODES.has(error.code), cause: error });
  }
  return error;
}

const summary = (a: ApprovalView): RoundSummary => ({ approvalId: a.id, version: a.version, status: a.status });

export function createApprovalActivities(deps: ApprovalActivityDeps) {
  const tx = <T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> =>
    withTenant(deps.orm, tenantId, null, ({ em }) => fn(em));

  async function announce(tenantId: string, event: ApprovalEvent): Promise<void> {
    try {
      await deps.pubsub.publish(approvalTopic(tenantId), event);
    } catch (error) {
      // The rows are the truth; a lost notification only delays a live view.
      log.warn('approval event not published', { approvalId: event.approvalId, error: (error as Error).message });
    }
  }

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw asFailure(error);
    }
  }

  function checkRef(ref: { tenantId: string; itemId: string; workflowId: string }): void {
    if (ref.workflowId !== approvalWorkflowId(ref.tenantId, ref.itemId)) {
      throw ApplicationFailure.create({ message: `workflow ${ref.workflowId} does not belong to item ${ref.itemId}`, type: 'BAD_USER_INPUT', nonRetryable: true });
    }
  }

  return {
    /** Finds (or opens) the item's pending round, ties it to the workflow; approves it in auto mode. */
    async approvalOpen(input: { tenantId: string; itemId: string; workflowId: string; requestedBy: string | null; openedAt: string; expiresAt: string }): Promise<OpenResult> {
      checkRef(input);
      return guarded(async () => {
        const opened = await tx(input.tenantId, (em) => openRound(em, {
          itemId: input.itemId, workflowId: input.workflowId, requestedBy: input.requestedBy,
          openedAt: new Date(input.openedAt), expiresAt: new Date(input.expiresAt),
        }));
        if (opened.status !== 'not_in_review') {
          await announce(input.tenantId, { kind: opened.status === 'pending' ? 'opened' : 'decided', approvalId: opened.approval.id, itemId: input.itemId, status: opened.approval.status, at: input.openedAt });
        }
        return { outcome: opened.status, round: opened.approval ? summary(opened.approval) : null };
      });
    },

    async approvalDecide(ref: RoundRef, input: { decision: 'approved' | 'changes_requested'; actor: ApprovalActor; note: string | null; at: string; signalId: string }): Promise<{ applied: boolean; round: RoundSummary }> {
      checkRef(ref);
      return guarded(async () => {
        const result = await tx(ref.tenantId, (em) => decideRound(em, { approvalId: ref.approvalId, decision: input.decision, actor: input.actor, note: input.note, at: new Date(input.at), signalId: input.signalId }));
        if (result.applied) await announce(ref.tenantId, { kind: 'decided', approvalId: ref.approvalId, itemId: ref.itemId, status: result.approval.status, at: input.at });
        return { applied: result.applied, round: summary(result.approval) };
      });
    },

    async approvalComment(ref: RoundRef, input: { actor: ApprovalActor; body: string; at: string; signalId: string }): Promise<void> {
      checkRef(ref);
      await guarded(async () => {
        const { created } = await tx(ref.tenantId, (em) => addComment(em, { approvalId: ref.approvalId, actor: input.actor, body: input.body, signalId: input.signalId, at: new Date(input.at) }));
        const round = await tx(ref.tenantId, (em) => requireApproval(em, ref.approvalId));
        if (created) await announce(ref.tenantId, { kind: 'comment', approvalId: ref.approvalId, itemId: ref.itemId, status: round.status, at: input.at });
      });
    },

    /** A reminder of a pending round: recorded in the app (approval_reminder) and pushed live; no e-mail is sent. */
    async approvalRemind(ref: RoundRef, input: { ordinal: number; dueAt: string }): Promise<{ recorded: boolean }> {
      checkRef(ref);
      return guarded(async () => {
        const result = await tx(ref.tenantId, (em) => recordReminder(em, { approvalId: ref.approvalId, ordinal: input.ordinal, dueAt: new Date(input.dueAt) }));
        if (result.recorded) await announce(ref.tenantId, { kind: 'reminder', approvalId: ref.approvalId, itemId: ref.itemId, status: result.approval.status, at: input.dueAt });
        return { recorded: result.recorded };
      });
    },

    async approvalExpire(ref: RoundRef, input: { at: string }): Promise<{ applied: boolean; round: RoundSummary }> {
      checkRef(ref);
      return guarded(async () => {
        const result = await tx(ref.tenantId, (em) => expireRound(em, { approvalId: ref.approvalId, at: new Date(input.at) }));
        if (result.applied) await announce(ref.tenantId, { kind: 'expired', approvalId: ref.approvalId, itemId: ref.itemId, status: 'expired', at: input.at });
        return { applied: result.applied, round: summary(result.approval) };
      });
    },

    /**
     * Writes a new version with the offline model (the comment guides it),
     * paid with credits like a generation (reserve → generate → settle, keys
     * from the signal), and opens the next round on it.
     */
    async approvalRegenerate(ref: RoundRef, input: { actor: ApprovalActor; comment: string | null; at: string; expiresAt: string; signalId: string }): Promise<RoundSummary> {
      checkRef(ref);
      return guarded(async () => {
        const key = `${ref.workflowId}:regenerate:${input.signalId}`;
        const prepared = await tx(ref.tenantId, async (em) => {
          const done = await roundOfRegeneration(em, input.signalId);
          if (done) return { done };
          const round = await requireApproval(em, ref.approvalId);
          if (round.status !== 'pending') throw ApplicationFailure.create({ message: 'this round is no longer pending', type: 'CONFLICT', nonRetryable: true });
          const [item] = await sql<{ channel: string; locale: string; brief: string | null; keyphrase: string | null; dna_snapshot_id: string | null; time_zone: string }>(em,
            `select i.channel, i.locale, i.brief, i.keyphrase, i.dna_snapshot_id, t.time_zone from content.content_item i
               join tenants.tenant t on t.id = i.tenant_id where i.id = ?`, [ref.itemId]);
          if (!item) throw ApplicationFailure.create({ message: 'item not found', type: 'NOT_FOUND', nonRetryable: true });
          const plan = await planFor(em, ref.tenantId);
          const cap = Number(plan?.limits.regenerations_per_item ?? Number.POSITIVE_INFINITY);
          if ((await regenerationsOf(em, ref.itemId)) >= cap) {
            throw ApplicationFailure.create({ message: `the plan allows ${cap} regenerations per item`, type: 'CONFLICT', nonRetryable: true });
          }
          const snapshot = (item.dna_snapshot_id ? await snapshotById(em, item.dna_snapshot_id) : null) ?? (await latestSnapshot(em, ref.tenantId));
          return { item, dna: (snapshot?.document ?? {}) as Record<string, unknown> };
        });
        if (prepared.done) return summary(prepared.done);
        const { item, dna } = prepared as { item: NonNullable<typeof prepared.item>; dna: Record<string, unknown> };
        const channel = item.channel as keyof typeof MAX_OUTPUT_TOKENS;
        const brief = { goal: input.comment, topic: item.brief, keyphrase: item.keyphrase, offer: null };
        const estimate = estimateCredits({ inputTokens: estimateInputTokens(dna, brief), outputTokens: MAX_OUTPUT_TOKENS[channel] });
        const period = DateTime.fromISO(input.at, { zone: item.time_zone }).toFormat('yyyy-MM-01');
        const reservation = await tx(ref.tenantId, async (em) => {
          await ensureMonthlyGrant(em, { tenantId: ref.tenantId, periodStart: period });
          return reserveCredits(em, { tenantId: ref.tenantId, amount: estimate, task: 'generation', idempotencyKey: `${key}:reserve`, ttlSeconds: 3600 });
        });
        const output = generateOffline({ dna, brief, channel: item.channel.toUpperCase(), locale: item.locale, seed: key });
        const charged = Math.min(estimateCredits({ inputTokens: output.meta.inputTokens, outputTokens: output.meta.outputTokens }), reservation.amount);
        const next = await tx(ref.tenantId, async (em) => {
          const round = await saveRegeneration(em, {
            approvalId: ref.approvalId, signalId: input.signalId, actor: input.actor, comment: input.comment,
            output: { title: output.title, body: output.body, meta: { ...output.meta, regeneratedFrom: ref.approvalId, guidance: input.comment, credits: { reserved: reservation.amount, charged } }, author: `model:${OFFLINE_MODEL_CODE}` },
            at: new Date(input.at), expiresAt: new Date(input.expiresAt), workflowId: ref.workflowId,
          });
          await settleReservation(em, { tenantId: ref.tenantId, reservationId: reservation.reservationId, amount: charged, idempotencyKey: `${key}:settle` });
          return round;
        });
        await announce(ref.tenantId, { kind: 'regenerated', approvalId: next.id, itemId: ref.itemId, status: next.status, at: input.at });
        return summary(next);
      });
    },
  };
}

export type ApprovalActivities = ReturnType<typeof createApprovalActivities>;
