// W1 activities: thin, idempotent adapters over the domain services. Each
// enters the client's tenant (withTenant: RLS + ORM filter) for every unit of
// work, records its step (pipeline_step: status, attempts, result, error,
// times), and announces progress on pipeline:<tenantId>:<runId>.
//
// Idempotency: every side effect carries a key derived from the workflow id +
// step (+ slot or item) and is checked before acting — slots, items, versions,
// jobs, publications and events have ids or keys derived from it; credits are
// reserved and settled under keys too. A retried activity, or a replay after a
// worker crash, therefore finds what the first attempt did.
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { Tenant, type TenantRow } from '@ensemble/db/tenants/tenant.entity';
import { isAppError } from '@ensemble/tenancy/errors';
import { brandContext } from '@ensemble/ai/brand-context';
import { createDbAiRouter, insertAiCall } from '@ensemble/ai/catalogue';
import { buildGenerationPrompt } from '@ensemble/ai/prompt';
import type { AiRouter } from '@ensemble/ai/router';
import type { ObjectStorage } from '@ensemble/storage/storage';
import { ensureMonthlyGrant, reserveCredits, settleReservation, voidReservation } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { countEvents, recordEvent } from '@ensemble/subgraph-analytics/events/event.service';
import { proposeCandidates } from '@ensemble/subgraph-content/evergreen/evergreen.service';
import { latestSnapshot } from '@ensemble/subgraph-tenants/brand/brand-dna.service';
import { mergeCascade, type CascadeLayer } from '@ensemble/subgraph-tenants/brand/cascade';
import {
  findRun,
  findRunByMonth,
  reopenRun,
  finishRun,
  markStepCompleted,
  markStepFailed,
  markStepRunning,
  mergeRunBrief,
  openRun,
  pinSnapshot,
  publishProgress,
  setRunBrief,
  type PipelineRunView,
  type ProgressPublisher,
} from '@ensemble/subgraph-content/pipeline/pipeline.service';
import { buildMonthBrief, topicForSlot, type MonthBrief } from '@ensemble/subgraph-content/pipeline/month-brief';
import { uuidV5 } from '@ensemble/subgraph-content/pipeline/deterministic-id';
import { sql, toDateOrNull } from '@ensemble/subgraph-content/pipeline/sql';
import { getRunSlot, planLimits, planRun, slotOrdinal } from '@ensemble/subgraph-content/planning/planning.service';
import { MAX_OUTPUT_TOKENS, contentModeOf, estimateInputTokens, failJob, lockJob, openJob, saveGeneratedContent, setJobReservation, type GenerationJobState } from '@ensemble/subgraph-content/generation/generation.service';
import { findRunItem, isDue, listRunItems, markScheduled, publicationKey, type RunItem } from '@ensemble/subgraph-content/publication/publication.service';
import { connectorFor, processPublisher, publicationKeyForItem, type PublishOutcome, type Publisher } from '@ensemble/subgraph-content/publication/publish-item.service';
import { ATTEMPT_LEASE_MS, AttemptInProgressError, publicationIdFor } from '@ensemble/subgraph-content/publication/attempts';
import {
  monthlyPipelineWorkflowId,
  pipelineIdempotencyKey,
  previousMonth,
  type MonthlyPipelineInput,
  type PipelineStepName,
} from '@ensemble/workflow-contracts/pipeline';
import { onboardingSourcesSince, planFor, promptLayersFor, snapshotById } from './tenant-reads.ts';

export interface PipelineActivityDeps {
  orm: MikroORM;
  pubsub: ProgressPublisher;
  /** where the site connector writes its pages */
  storage: ObjectStorage;
  /** the clock (tests move it; "due" and credit periods depend on it) */
  now?: () => Date;
  /** the AI router (default: over the database's catalogue) */
  ai?: AiRouter;
}

/** What every activity after the session gets: enough to find the run again. */
export interface RunRef {
  tenantId: string;
  runId: string;
  month: string;
  workflowId: string;
}

export interface SessionOutcome {
  run: RunRef;
  created: boolean;
}

export interface PlanningOutcome {
  slotIds: string[];
}

export interface SlotOutcome {
  slotId: string;
  itemId: string | null;
  /** generated now, found done by an earlier attempt, or not generated (reason says why) */
  status: 'generated' | 'replayed' | 'skipped';
  reason?: string;
  creditsReserved: number;
  creditsCharged: number;
  /** time spent in this attempt's body (ms); absent in runs recorded before it was measured */
  durationMs?: number;
}

/** What publishing one item came to (the publisher's outcome when it was sent or refused). */
export type ItemPublication =
  | { status: 'already_published' | 'awaiting_approval' | 'not_publishable' | 'no_connector' | 'not_due' | 'in_progress' }
  | Exclude<PublishOutcome, { status: 'no_connector' }>;

/** An item as its publication at the slot's time sees it: its status and its slot's time now. */
export interface ItemSlot {
  status: RunItem['status'];
  /** ISO instant; null when the item has no slot (it is published by hand) */
  scheduledAt: string | null;
}

/** What the publication step leaves to the items' own workflows: nothing for the items it settled. */
export interface PublicationStepOutput {
  /**
   * Items with neither an approval nor a slot left to wait for: published (now
   * or before), or due and tried (no connector, refused, not publishable) —
   * at its slot's time their workflow would only try the same thing again.
   */
  settledItemIds: string[];
}

export interface FailRunInput {
  tenantId: string;
  month: string;
  workflowId: string;
  runId: string | null;
}

/** The DNA a run works from, as pinned and merged by the dna_merge step (kept in the run's brief). */
interface RunDna {
  snapshotId: string | null;
  snapshotVersion: number | null;
  document: Record<string, unknown>;
}

type RunBrief = MonthBrief & { dna?: RunDna };

/** The brief the session step wrote (the run's brief column). */
function briefOf(run: PipelineRunView): RunBrief {
  return run.brief as unknown as RunBrief;
}

/** The brand a run's publications carry (name and link), from its brief and merged DNA. */
function brandOf(run: PipelineRunView, dna: RunDna): { brandName: string; brandUrl: string | null } {
  const brand = brandContext(dna.document);
  return { brandName: briefOf(run).brandName ?? brand.name, brandUrl: brand.website ?? null };
}

/** Items of a run per model that wrote their first version (content_version.author 'model:<code>'). */
async function modelsOfRun(em: EntityManager, runId: string): Promise<Record<string, number>> {
  const rows = await sql<{ author: string; n: string }>(em,
    `select v.author, count(*) as n from content.content_version v join content.content_item i on i.id = v.item_id
      where i.pipeline_run_id = ? and v.version = 1 group by v.author order by v.author`, [runId]);
  return Object.fromEntries(rows.map((r) => [r.author.replace(/^model:/, ''), Number(r.n)]));
}

/** Median and longest slot body of a generation step (ms), when the slots measured it. */
function slotDurations(outcomes: SlotOutcome[]): { median: number; max: number } | null {
  const ms = outcomes.flatMap((o) => (typeof o.durationMs === 'number' ? [o.durationMs] : [])).sort((a, b) => a - b);
  if (!ms.length) return null;
  return { median: ms[Math.floor((ms.length - 1) / 2)]!, max: ms.at(-1)! };
}

const NON_RETRYABLE_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'UNAUTHENTICATED']);

/** AppErrors keep their stable code as the failure type; the ones a retry cannot fix are not retried. */
function asFailure(error: unknown): unknown {
  if (isAppError(error)) {
    return ApplicationFailure.create({ message: error.message, type: error.code, nonRetryable: NON_RETRYABLE_CODES.has(error.code), cause: error });
  }
  return error;
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'BAD_USER_INPUT', nonRetryable: true });
}

/** How often a running activity tells Temporal it is alive (the workflow's heartbeat timeout is 30 s; the SDK throttles the calls to one per 24 s). */
const HEARTBEAT_EVERY_MS = 5_000;

/**
 * Heartbeats while `fn` runs, so that a worker killed mid-activity is noticed
 * after the heartbeat timeout and the activity retried at once, instead of
 * after its start-to-close timeout (2–5 minutes). Outside an activity (direct
 * calls in tests) it just calls `fn`.
 */
function heartbeating<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    let context: Context;
    try {
      context = Context.current();
    } catch {
      return fn(...args);
    }
    // The first beat after HEARTBEAT_EVERY_MS: the many short activities send none.
    const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
    try {
      return await fn(...args);
    } finally {
      clearInterval(timer);
    }
  };
}

/** Thrown from a slot's reservation when another attempt already generated it. */
class SlotDone extends Error {
  readonly job: GenerationJobState;
  constructor(job: GenerationJobState) {
    super('slot already generated');
    this.job = job;
  }
}

export function createPipelineActivities(deps: PipelineActivityDeps) {
  const now = deps.now ?? (() => new Date());
  const ai = deps.ai ?? createDbAiRouter(deps.orm);
  const tx = <T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> =>
    withTenant(deps.orm, tenantId, null, ({ em }) => fn(em));

  async function announce(run: { tenantId: string; runId: string }, step: PipelineStepName | null, status: string): Promise<void> {
    try {
      await publishProgress(deps.pubsub, run.tenantId, run.runId, step, status);
    } catch (error) {
      // The rows are the truth; a lost notification only delays a live view.
      log.warn('pipeline progress not published', { runId: run.runId, step, error: (error as Error).message });
    }
  }

  async function tenantOf(em: EntityManager, tenantId: string): Promise<TenantRow> {
    const tenant = await em.findOne(Tenant, { id: tenantId });
    if (!tenant) throw invalid(`tenant ${tenantId} not found`);
    if (tenant.kind !== 'client') throw invalid('only a client has a monthly pipeline');
    return tenant;
  }

  async function runOf(em: EntityManager, ref: RunRef): Promise<PipelineRunView> {
    const run = await findRun(em, ref.runId);
    if (!run || run.tenantId !== ref.tenantId || run.month !== ref.month || run.workflowId !== ref.workflowId) {
      throw invalid(`pipeline run ${ref.runId} does not match ${ref.workflowId}`);
    }
    return run;
  }

  function dnaOf(run: PipelineRunView): RunDna {
    const dna = (run.brief as Partial<RunBrief>).dna;
    if (!dna) throw invalid('the DNA merge step has not recorded the run\'s DNA');
    return dna;
  }

  /** Runs a step's work between "running" (one more attempt) and "completed" (its result) or "failed" (its error). */
  async function recorded<T>(ref: RunRef, step: PipelineStepName, work: () => Promise<{ result: Record<string, unknown>; output: T }>): Promise<T> {
    await tx(ref.tenantId, (em) => markStepRunning(em, ref.runId, step));
    await announce(ref, step, 'running');
    try {
      const { result, output } = await work();
      await tx(ref.tenantId, (em) => markStepCompleted(em, ref.runId, step, result));
      await announce(ref, step, 'completed');
      return output;
    } catch (error) {
      await tx(ref.tenantId, (em) => markStepFailed(em, ref.runId, step, (error as Error).message)).catch(() => {});
      await announce(ref, step, 'failed');
      throw asFailure(error);
    }
  }

  /**
   * W1 step 6 for one item, shared by the pipeline's step and the item's
   * publication at its slot time: an approved (or scheduled) item that is due
   * goes out through its channel's connector, exactly once under `key`; one
   * without a connector, not due yet, or refused by its provider stays
   * scheduled (the refusal is in the publication log, replayable by id).
   */
  async function publishItem(publisher: Publisher, tenantId: string, item: RunItem, input: { key: string; due: boolean; month?: string; brandName?: string; brandUrl?: string | null }): Promise<ItemPublication> {
    if (item.status === 'published') return { status: 'already_published' };
    if (item.status === 'draft' || item.status === 'in_review') return { status: 'awaiting_approval' };
    if (item.status !== 'approved' && item.status !== 'scheduled') return { status: 'not_publishable' };
    const keepScheduled = () => tx(tenantId, (em) => markScheduled(em, item.id));
    if (!(await tx(tenantId, (em) => connectorFor(em, item.channel)))) {
      await keepScheduled();
      return { status: 'no_connector' };
    }
    if (!input.due) {
      await keepScheduled();
      return { status: 'not_due' };
    }
    let outcome: PublishOutcome;
    try {
      outcome = await publisher.publish({ tenantId, itemId: item.id, key: input.key, trigger: 'pipeline', month: input.month, brandName: input.brandName, brandUrl: input.brandUrl });
    } catch (error) {
      // An attempt younger than the lease may still be sending (or its worker was killed).
      if (error instanceof AttemptInProgressError) return { status: 'in_progress' };
      throw error;
    }
    if (outcome.status !== 'sent') await keepScheduled();
    if (outcome.status === 'no_connector') return { status: 'no_connector' };
    return outcome;
  }

  /** The failure that retries the activity once the running attempts' lease has ended. */
  async function stillRunning(tenantId: string, keys: string[], at: Date): Promise<ApplicationFailure> {
    // Measured on the clock the attempts were started with (`at`), which is the workflow's at a slot time.
    const [lease] = await tx(tenantId, (em) => sql<{ ms: number }>(em,
      `select greatest(0, extract(epoch from (max(started_at) + ? * interval '1 millisecond') - ?::timestamptz) * 1000)::float8 as ms
         from content.publication_attempt where publication_id in (select jsonb_array_elements_text(?::jsonb)::uuid) and status = 'running'`,
      [ATTEMPT_LEASE_MS, at.toISOString(), JSON.stringify(keys.map(publicationIdFor))]));
    return ApplicationFailure.create({
      message: `${keys.length} publication(s) have an attempt still running; retried when its lease ends`,
      type: 'PUBLICATION_IN_PROGRESS',
      nextRetryDelay: Math.ceil((lease?.ms ?? ATTEMPT_LEASE_MS) + 1_000),
    });
  }

  const activities = {
    /** 1. session: the run row (unique tenant + month) and the month's brief. */
    async session(input: MonthlyPipelineInput & { workflowId: string }): Promise<SessionOutcome> {
      if (input.workflowId !== monthlyPipelineWorkflowId(input.tenantId, input.month)) {
        throw invalid(`workflow id ${input.workflowId} does not belong to ${input.tenantId} / ${input.month}`);
      }
      const opened = await tx(input.tenantId, async (em) => {
        await tenantOf(em, input.tenantId);
        const { run, created } = await openRun(em, { tenantId: input.tenantId, month: input.month, workflowId: input.workflowId });
        await markStepRunning(em, run.id, 'session');
        return { runId: run.id, created };
      });
      const ref: RunRef = { tenantId: input.tenantId, runId: opened.runId, month: input.month, workflowId: input.workflowId };
      await announce(ref, 'session', 'running');
      try {
        const result = await tx(input.tenantId, async (em) => {
          const tenant = await tenantOf(em, input.tenantId);
          const run = await runOf(em, ref);
          // A restarted month keeps the snapshot it pinned; a new one reads the latest.
          const snapshot = run.dnaSnapshotId ? await snapshotById(em, run.dnaSnapshotId) : await latestSnapshot(em, input.tenantId);
          const fromMonth = previousMonth(input.month);
          const previous = await findRunByMonth(em, input.tenantId, fromMonth);
          const unpublished = previous
            ? await sql<{ title: string; brief: string | null; keyphrase: string | null }>(em,
              `select title, brief, keyphrase from content.content_item
                where pipeline_run_id = ? and status in ('draft', 'in_review', 'approved', 'scheduled') order by created_at`, [previous.id])
            : [];
          const channels = await sql<{ kind: string }>(em, `select distinct kind from content.channel where active order by kind`);
          const brief = buildMonthBrief({
            month: input.month,
            tenant: { name: tenant.name, locale: tenant.locale, timeZone: tenant.timeZone },
            snapshot: snapshot ? { id: snapshot.id, version: snapshot.version, locale: snapshot.locale, document: snapshot.document } : null,
            configuredChannels: channels.map((c) => c.kind),
            previous: { month: fromMonth, runId: previous?.id ?? null, unpublished },
          });
          const dna = (run.brief as Partial<RunBrief>).dna;
          await setRunBrief(em, ref.runId, { ...brief, ...(dna ? { dna } : {}) });
          const stepResult = {
            trigger: input.trigger,
            requestedBy: input.requestedBy ?? null,
            runCreated: opened.created,
            snapshotId: brief.snapshotId,
            snapshotVersion: brief.snapshotVersion,
            goals: brief.goals,
            offers: brief.offers.map((o) => o.name),
            channels: brief.channels,
            topics: brief.topics.length,
            carriedOver: brief.carryOver,
          };
          await markStepCompleted(em, ref.runId, 'session', stepResult);
          return stepResult;
        });
        await announce(ref, 'session', 'completed');
        log.info('pipeline session opened', { runId: ref.runId, topics: result.topics });
        return { run: ref, created: opened.created };
      } catch (error) {
        await tx(ref.tenantId, (em) => markStepFailed(em, ref.runId, 'session', (error as Error).message)).catch(() => {});
        await announce(ref, 'session', 'failed');
        throw asFailure(error);
      }
    },

    /** 2. ingestion: what arrived since the previous run (onboarding sources) and last month's analytics. */
    async ingestion(ref: RunRef): Promise<void> {
      await recorded(ref, 'ingestion', () => tx(ref.tenantId, async (em) => {
        const tenant = await tenantOf(em, ref.tenantId);
        const [previous] = await sql<{ id: string; month: string; started_at: unknown }>(em,
          `select id, month, started_at from content.pipeline_run where month < ? order by month desc limit 1`, [ref.month]);
        const since = toDateOrNull(previous?.started_at);
        const sources = await onboardingSourcesSince(em, since);
        // Last month, in the client's own time zone.
        const monthStart = DateTime.fromISO(`${ref.month}-01`, { zone: tenant.timeZone });
        const lastMonthStart = monthStart.minus({ months: 1 });
        const fromLast = await countEvents(em, ref.tenantId, { since: lastMonthStart.toJSDate() });
        const fromThis = await countEvents(em, ref.tenantId, { since: monthStart.toJSDate() });
        const [published] = await sql<{ n: string }>(em,
          `select count(*) as n from content.content_item where status = 'published' and published_at >= ? and published_at < ?`,
          [lastMonthStart.toJSDate(), monthStart.toJSDate()]);
        return {
          result: {
            previousRun: previous ? { id: previous.id, month: previous.month } : null,
            since: since ? since.toISOString() : null,
            onboardingSources: sources,
            lastMonth: { month: lastMonthStart.toFormat('yyyy-MM'), events: Math.max(0, fromLast - fromThis), published: Number(published?.n ?? 0) },
          },
          output: undefined,
        };
      }));
    },

    /** 3. DNA merge: prompt cascade (platform → distributors → client) + the pinned snapshot, with provenance. */
    async dnaMerge(ref: RunRef): Promise<void> {
      await recorded(ref, 'dna_merge', () => tx(ref.tenantId, async (em) => {
        const tenant = await tenantOf(em, ref.tenantId);
        const latest = await latestSnapshot(em, ref.tenantId);
        const pinnedId = await pinSnapshot(em, ref.runId, latest?.id ?? null);
        const snapshot = pinnedId ? await snapshotById(em, pinnedId) : null;
        const locale = snapshot?.locale ?? tenant.locale;
        const layers = await promptLayersFor(em, ref.tenantId, locale);
        const cascade: CascadeLayer[] = layers.map((l) => ({
          source: l.level === 'distributor' ? `distributor:${l.tenantId}` : l.level,
          document: l.document,
        }));
        if (snapshot) cascade.push({ source: `brand_dna:v${snapshot.version}`, document: snapshot.document });
        const merged = mergeCascade(cascade);
        const dna: RunDna = { snapshotId: snapshot?.id ?? null, snapshotVersion: snapshot?.version ?? null, document: merged.document };
        await mergeRunBrief(em, ref.runId, { dna });
        return {
          result: {
            snapshotId: dna.snapshotId,
            snapshotVersion: dna.snapshotVersion,
            locale,
            layers: layers.map((l) => ({ level: l.level, tenantId: l.tenantId, version: l.version })),
            keys: merged.keys,
            provenance: merged.topLevel,
          },
          output: undefined,
        };
      }));
    },

    /** 4. planning: the month's calendar slots per channel, within the plan's limits, at good local times. */
    async planning(ref: RunRef): Promise<PlanningOutcome> {
      return recorded(ref, 'planning', () => tx(ref.tenantId, async (em) => {
        const tenant = await tenantOf(em, ref.tenantId);
        const run = await runOf(em, ref);
        const dna = dnaOf(run);
        const limits = planLimits(await planFor(em, ref.tenantId));
        if (!limits.planCode) throw invalid('the client has no live subscription: nothing to plan');
        const brief = briefOf(run);
        const dnaChannels = brandContext(dna.document).channels;
        const { plan, slots, created } = await planRun(em, {
          tenantId: ref.tenantId,
          runId: ref.runId,
          month: ref.month,
          timeZone: tenant.timeZone,
          channels: dnaChannels.length ? dnaChannels : brief.channels,
          limits,
        });
        const byChannel: Record<string, number> = {};
        for (const slot of slots) byChannel[slot.channel] = (byChannel[slot.channel] ?? 0) + 1;
        return {
          result: {
            plan: limits.planCode,
            postsPerMonth: limits.postsPerMonth,
            maxChannels: limits.maxChannels,
            timeZone: tenant.timeZone,
            channels: plan.channels,
            skippedChannels: plan.skippedChannels,
            slots: slots.length,
            created,
            byChannel,
            first: slots[0]?.scheduledAt.toISOString() ?? null,
            last: slots.at(-1)?.scheduledAt.toISOString() ?? null,
          },
          output: { slotIds: slots.map((s) => s.id) },
        };
      }));
    },

    /** Marks a step running when its work is fanned out by the workflow (generation). */
    async beginStep(ref: RunRef, step: PipelineStepName): Promise<void> {
      await tx(ref.tenantId, (em) => markStepRunning(em, ref.runId, step));
      await announce(ref, step, 'running');
    },

    /**
     * 5. generation of one slot: reserve credits → generate → item + version 1
     * + settle, keyed `<workflowId>:generation:<slotId>`. Called twice for the
     * same slot, it creates one item and charges once.
     */
    async generateSlot(ref: RunRef, slotId: string): Promise<SlotOutcome> {
      const key = pipelineIdempotencyKey(ref.workflowId, 'generation', slotId);
      try {
        // Check before acting: a completed job is done (its item and charge exist).
        const prepared = await tx(ref.tenantId, async (em) => {
          const tenant = await tenantOf(em, ref.tenantId);
          const run = await runOf(em, ref);
          const slot = await getRunSlot(em, ref.runId, slotId);
          if (!slot) throw invalid(`slot ${slotId} is not part of run ${ref.runId}`);
          const dna = dnaOf(run);
          const brief = briefOf(run);
          const topic = topicForSlot(brief, await slotOrdinal(em, ref.runId, slot));
          const job = await openJob(em, { tenantId: ref.tenantId, key, slotId, input: { runId: ref.runId, channel: slot.channel, topic } });
          return { tenant, slot, dna, brief, topic, job };
        });
        const { slot, dna, brief, topic, job } = prepared;
        const mode = contentModeOf(dna.document);
        const replayed = (done: GenerationJobState): SlotOutcome => {
          const credits = (done.result?.credits ?? {}) as { reserved?: number; charged?: number };
          return { slotId, itemId: done.itemId ?? slot.itemId, status: 'replayed', creditsReserved: credits.reserved ?? 0, creditsCharged: credits.charged ?? 0 };
        };
        if (job.status === 'completed') return replayed(job);

        // The prompt: the run's merged DNA (this client's cascade, pinned by dna_merge) and the slot's brief, nothing else.
        const generationBrief = { goal: topic?.goal ?? brief.goals[0] ?? null, offer: topic?.offer ?? null, topic: topic?.topic ?? null, keyphrase: topic?.keyphrase ?? null };
        const prompt = buildGenerationPrompt({ dna: dna.document, brief: generationBrief, channel: slot.channel, locale: brief.locale, seed: key });
        let done: GenerationJobState | null = null;
        let saved: { itemId: string; created: boolean } | null = null;
        let reserved = 0;
        let charged = 0;
        try {
          await ai.generate({
            tenantId: ref.tenantId,
            task: 'generation',
            prompt,
            channel: slot.channel,
            maxTokens: MAX_OUTPUT_TOKENS[slot.channel],
            estimatedInputTokens: estimateInputTokens(dna.document, generationBrief),
          }, {
            // Reserve before the call (B2), sized by the router for the dearest model it may use.
            reserve: ({ amount }) => tx(ref.tenantId, async (em) => {
              // Job row first, then the credit account: one lock order for every slot transaction.
              const locked = await lockJob(em, key);
              if (locked.status === 'completed') throw new SlotDone(locked);
              const period = DateTime.fromJSDate(now(), { zone: prepared.tenant.timeZone }).toFormat('yyyy-MM-01');
              await ensureMonthlyGrant(em, { tenantId: ref.tenantId, periodStart: period });
              let reservation = await reserveCredits(em, { tenantId: ref.tenantId, amount, task: 'generation', idempotencyKey: `${key}:reserve`, ttlSeconds: 3600 });
              if (reservation.replayed) {
                // A hold released by an attempt no model answered is not reused: this attempt takes its own.
                const [held] = await sql<{ status: string }>(em, 'select status from billing.credit_reservation where id = ?', [reservation.reservationId]);
                if (held?.status !== 'open') {
                  reservation = await reserveCredits(em, { tenantId: ref.tenantId, amount, task: 'generation', idempotencyKey: `${key}:reserve:${locked.attempts}`, ttlSeconds: 3600 });
                }
              }
              await setJobReservation(em, job.id, reservation.reservationId);
              reserved = reservation.amount;
              return reservation;
            }),
            // Item, version, approval, slot, job, the settlement and the call's record (the item names it) commit together.
            settle: (reservation, { credits, completion, call }) => tx(ref.tenantId, async (em) => {
              const locked = await lockJob(em, key);
              if (locked.status === 'completed') {
                done = locked;
                await insertAiCall(em, { ...call, credits: 0 });
                return 0;
              }
              const amount = Math.min(credits, reservation.amount);
              saved = await saveGeneratedContent(em, {
                tenantId: ref.tenantId,
                key,
                runId: ref.runId,
                snapshotId: dna.snapshotId,
                slot,
                jobId: job.id,
                mode,
                locale: brief.locale,
                topic,
                modelCode: completion.model.code,
                output: {
                  title: completion.title || topic?.topic || completion.body.split('\n')[0]!.replace(/^[#*\s]+/, '').slice(0, 120),
                  body: completion.body,
                  meta: {
                    model: completion.model.code,
                    offline: completion.model.offline,
                    provider: completion.model.providerCode,
                    inputTokens: completion.usage.inputTokens,
                    outputTokens: completion.usage.outputTokens,
                    aiCallId: completion.callId,
                    fallback: completion.fallbackUsed,
                  },
                },
                credits: { reserved: reservation.amount, charged: amount },
              });
              await settleReservation(em, { tenantId: ref.tenantId, reservationId: reservation.reservationId, amount, idempotencyKey: `${key}:settle` });
              await insertAiCall(em, { ...call, credits: amount });
              charged = amount;
              return amount;
            }),
            // No model answered: the hold goes back; the activity's retry reserves again.
            release: (reservation) => tx(ref.tenantId, (em) =>
              voidReservation(em, { tenantId: ref.tenantId, reservationId: reservation.reservationId, idempotencyKey: `${key}:void:${reservation.reservationId}` })),
          });
        } catch (error) {
          if (error instanceof SlotDone) return replayed(error.job);
          if (isAppError(error) && error.code === 'INSUFFICIENT_CREDITS') {
            // Hard cap: the slot stays planned and says why; the month goes on.
            await tx(ref.tenantId, (em) => failJob(em, { jobId: job.id, slotId, error: error.message, slotReason: 'insufficient_credits' }));
            return { slotId, itemId: null, status: 'skipped', reason: 'insufficient_credits', creditsReserved: 0, creditsCharged: 0 };
          }
          throw error;
        }
        if (done) return replayed(done);
        const item = saved as { itemId: string; created: boolean } | null;
        if (!item) throw new Error(`slot ${slotId}: the model answered but nothing was saved`);
        return { slotId, itemId: item.itemId, status: item.created ? 'generated' : 'replayed', creditsReserved: reserved, creditsCharged: charged };
      } catch (error) {
        throw asFailure(error);
      }
    },

    /** Records the generation step from the slots' outcomes. */
    async completeGeneration(ref: RunRef, outcomes: SlotOutcome[]): Promise<void> {
      const count = (status: SlotOutcome['status']) => outcomes.filter((o) => o.status === status).length;
      const skipped: Record<string, number> = {};
      for (const o of outcomes) if (o.status === 'skipped') skipped[o.reason ?? 'unknown'] = (skipped[o.reason ?? 'unknown'] ?? 0) + 1;
      const result = {
        slots: outcomes.length,
        items: outcomes.filter((o) => o.itemId).length,
        generated: count('generated'),
        replayed: count('replayed'),
        skipped,
        creditsReserved: outcomes.reduce((sum, o) => sum + o.creditsReserved, 0),
        creditsCharged: outcomes.reduce((sum, o) => sum + o.creditsCharged, 0),
        slotMs: slotDurations(outcomes),
        // Which models wrote this month's items: ai_call holds every attempt.
        models: await tx(ref.tenantId, (em) => modelsOfRun(em, ref.runId)),
      };
      await tx(ref.tenantId, (em) => markStepCompleted(em, ref.runId, 'generation', result));
      await announce(ref, 'generation', 'completed');
    },

    /**
     * 6. publication: due, approved items through their channel's connector
     * (site, SMTP newsletter, Twilio SMS, Meta, LinkedIn, Google Business,
     * webhook), exactly once per `<workflowId>:publication:<itemId>`; channels
     * without one stay scheduled, counted honestly. A provider's refusal is
     * recorded in the publication log (replayable by id), not retried here.
     */
    async publication(ref: RunRef): Promise<PublicationStepOutput> {
      return recorded(ref, 'publication', async () => {
        const at = now();
        const { tenant, items, brandName, brandUrl } = await tx(ref.tenantId, async (em) => {
          const tenant = await tenantOf(em, ref.tenantId);
          const run = await runOf(em, ref);
          return { tenant, items: await listRunItems(em, ref.runId), ...brandOf(run, dnaOf(run)) };
        });
        const counts = { items: items.length, published: 0, alreadyPublished: 0, scheduledLater: 0, awaitingApproval: 0, notPublishable: 0, failed: 0 };
        const noConnector: Record<string, number> = {};
        const byConnector: Record<string, number> = {};
        const failures: Array<{ itemId: string; publicationId: string; error: string }> = [];
        const paths: string[] = [];
        const inProgress: string[] = [];
        const settledItemIds: string[] = [];
        const publisher = processPublisher(deps.orm, deps.storage, () => at);
        for (const item of items) {
          const key = publicationKey(ref.workflowId, item.id);
          const due = isDue(item.scheduledAt, at, tenant.timeZone);
          const outcome = await publishItem(publisher, ref.tenantId, item, { key, due, month: ref.month, brandName, brandUrl });
          // Not settled: waiting for a person, for its slot, for a running attempt, or for a channel to be connected before its slot.
          const waits = outcome.status === 'awaiting_approval' || outcome.status === 'not_due' || outcome.status === 'in_progress' || (outcome.status === 'no_connector' && !due);
          if (!waits) settledItemIds.push(item.id);
          switch (outcome.status) {
            case 'already_published': counts.alreadyPublished += 1; break;
            case 'awaiting_approval': counts.awaitingApproval += 1; break;
            case 'not_publishable': counts.notPublishable += 1; break;
            case 'not_due': counts.scheduledLater += 1; break;
            case 'in_progress': inProgress.push(key); break;
            case 'no_connector': noConnector[item.channel] = (noConnector[item.channel] ?? 0) + 1; break;
            case 'failed':
              byConnector[outcome.connector] = (byConnector[outcome.connector] ?? 0) + 1;
              counts.failed += 1;
              if (failures.length < 20) failures.push({ itemId: item.id, publicationId: outcome.publicationId, error: outcome.error.slice(0, 300) });
              break;
            case 'sent':
              byConnector[outcome.connector] = (byConnector[outcome.connector] ?? 0) + 1;
              if (outcome.replayed) counts.alreadyPublished += 1;
              else counts.published += 1;
              if (outcome.connector === 'site' && outcome.externalId && paths.length < 50) paths.push(outcome.externalId);
              break;
          }
        }
        if (inProgress.length) throw await stillRunning(ref.tenantId, inProgress, at);
        return { result: { ...counts, settled: settledItemIds.length, scheduledNoConnector: noConnector, connectors: byConnector, failures, paths }, output: { settledItemIds } };
      });
    },

    /** An item's status and its slot's time now (a dragged slot answers its new time). */
    async itemSlot(input: { tenantId: string; itemId: string }): Promise<ItemSlot | null> {
      const item = await tx(input.tenantId, (em) => findRunItem(em, input.itemId));
      return item ? { status: item.status, scheduledAt: item.scheduledAt?.toISOString() ?? null } : null;
    },

    /**
     * Step 6 for one item at its slot's time (called by the item's approval
     * workflow, woken by its timer): the step's own code and key — the
     * pipeline run's `<workflowId>:publication:<itemId>`, or the manual key
     * "publish now" shares — so the pipeline, the slot and a person never
     * publish it twice. `at` is the workflow's time: the publication log
     * matches its timer, and an item whose slot moved later is not due.
     */
    async publishAtSlot(input: { tenantId: string; itemId: string; at: string }): Promise<ItemPublication> {
      const at = new Date(input.at);
      try {
        const found = await tx(input.tenantId, async (em) => {
          const item = await findRunItem(em, input.itemId);
          if (!item) return null;
          const [row] = await sql<{ pipeline_run_id: string | null }>(em, 'select pipeline_run_id from content.content_item where id = ?', [item.id]);
          const run = row?.pipeline_run_id ? await findRun(em, row.pipeline_run_id) : null;
          const dna = run ? (run.brief as Partial<RunBrief>).dna : undefined;
          return { item, key: await publicationKeyForItem(em, item.id), brand: run && dna ? brandOf(run, dna) : {} };
        });
        if (!found) throw invalid(`item ${input.itemId} not found`);
        const { item, key, brand } = found;
        const due = item.scheduledAt === null || item.scheduledAt.getTime() <= at.getTime();
        const outcome = await publishItem(processPublisher(deps.orm, deps.storage, () => at), input.tenantId, item, { key, due, ...brand });
        if (outcome.status === 'in_progress') throw await stillRunning(input.tenantId, [key], at);
        return outcome;
      } catch (error) {
        throw asFailure(error);
      }
    },

    /** 7. analytics: the run's facts as events (ids derived from the workflow, so retries record nothing twice). */
    async analytics(ref: RunRef): Promise<void> {
      await recorded(ref, 'analytics', () => tx(ref.tenantId, async (em) => {
        const items = await listRunItems(em, ref.runId);
        let fresh = 0;
        let duplicates = 0;
        const track = async (name: string, subject: string, occurredAt: Date, properties: Record<string, unknown>) => {
          const { duplicate } = await recordEvent(em, ref.tenantId, {
            eventId: uuidV5(`${ref.workflowId}:analytics:${subject}:${name}`),
            name,
            occurredAt,
            source: 'pipeline',
            properties,
          });
          if (duplicate) duplicates += 1;
          else fresh += 1;
        };
        for (const item of items) {
          await track('content.generated', item.id, item.createdAt, { itemId: item.id, channel: item.channel, runId: ref.runId, month: ref.month, status: item.status });
        }
        const byStatus: Record<string, number> = {};
        for (const item of items) byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;
        await track('pipeline.completed', 'run', now(), { runId: ref.runId, month: ref.month, items: items.length, byStatus });
        // C13: what still performs is proposed for a refresh (within the month's cap; same transaction).
        const evergreen = await proposeCandidates(em, ref.tenantId, now());
        return { result: { events: fresh + duplicates, recorded: fresh, duplicates, items: items.length, byStatus, evergreen: { proposed: evergreen.proposed.length, cap: evergreen.cap } }, output: undefined };
      }));
    },

    /** Finish: the run is completed. */
    async completeRun(ref: RunRef): Promise<void> {
      await tx(ref.tenantId, (em) => finishRun(em, ref.runId, 'completed'));
      await announce(ref, null, 'completed');
    },

    /** Finish: the run failed at `step` (the step keeps its error). */
    /** A person asked to retry a failed step: the run is running again. */
    async resumeRun(input: FailRunInput, step: PipelineStepName): Promise<void> {
      const runId = input.runId ?? (await tx(input.tenantId, (em) => findRunByMonth(em, input.tenantId, input.month)))?.id ?? null;
      if (!runId) return;
      await tx(input.tenantId, (em) => reopenRun(em, runId));
      await announce({ tenantId: input.tenantId, runId }, step, 'pending');
    },

    async failRun(input: FailRunInput, step: PipelineStepName, message: string): Promise<void> {
      const runId = input.runId ?? (await tx(input.tenantId, (em) => findRunByMonth(em, input.tenantId, input.month)))?.id ?? null;
      if (!runId) return; // the session never opened a run: nothing to record
      await tx(input.tenantId, async (em) => {
        await sql(em, `update content.pipeline_step set status = 'failed', error = coalesce(error, ?), finished_at = now()
                         where run_id = ? and step = ? and status <> 'completed'`, [message.slice(0, 2000), runId, step]);
        await finishRun(em, runId, 'failed');
      });
      await announce({ tenantId: input.tenantId, runId }, null, 'failed');
    },
  };

  // The generation slot times its own body: the step records it, and the
  // pipeline benchmark subtracts it from the history's times (orchestration overhead).
  const generateSlot = activities.generateSlot;
  activities.generateSlot = async (ref: RunRef, slotId: string): Promise<SlotOutcome> => {
    const started = performance.now();
    const outcome = await generateSlot(ref, slotId);
    return { ...outcome, durationMs: Math.round(performance.now() - started) };
  };
  const all = {
    ...activities,
    /**
     * 5. generation of one batch of slots in one activity: every slot as
     * generateSlot does it (its own job, key, reservation and charge), all at
     * once. One activity per batch instead of one per slot shares the
     * orchestration among the items (npm run bench -- pipeline); a retry
     * redoes only the slots whose job is not completed.
     */
    async generateSlots(ref: RunRef, slotIds: string[]): Promise<SlotOutcome[]> {
      const settled = await Promise.allSettled(slotIds.map((slotId) => activities.generateSlot(ref, slotId)));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      return settled.map((s) => (s as PromiseFulfilledResult<SlotOutcome>).value);
    },
  };
  const alive = (fn: (...args: never[]) => Promise<unknown>) => heartbeating(fn as (...args: unknown[]) => Promise<unknown>);
  return Object.fromEntries(Object.entries(all).map(([name, fn]) => [name, alive(fn)])) as unknown as typeof all;
}

export type PipelineActivities = ReturnType<typeof createPipelineActivities>;
