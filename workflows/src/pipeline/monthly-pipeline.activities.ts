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
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { MikroORM } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { Tenant, type TenantRow } from '@ensemble/db/tenants/tenant.entity';
import { isAppError } from '@ensemble/tenancy/errors';
import { brandContext } from '@ensemble/ai/brand-context';
import { OFFLINE_MODEL_CODE, estimateCredits, generateOffline } from '@ensemble/ai/offline-model';
import { ensureMonthlyGrant, reserveCredits, settleReservation } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { countEvents, recordEvent } from '@ensemble/subgraph-analytics/events/event.service';
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
import { SITE_CHANNELS, isDue, listRunItems, markScheduled, publishToSite } from '@ensemble/subgraph-content/publication/publication.service';
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
  /** root of local file storage (the site connector writes there) */
  storageDir: string;
  /** the clock (tests move it; "due" and credit periods depend on it) */
  now?: () => Date;
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

export function createPipelineActivities(deps: PipelineActivityDeps) {
  const now = deps.now ?? (() => new Date());
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

  return {
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
        const replayed = (done: GenerationJobState): SlotOutcome => {
          const credits = (done.result?.credits ?? {}) as { reserved?: number; charged?: number };
          return { slotId, itemId: done.itemId ?? slot.itemId, status: 'replayed', creditsReserved: credits.reserved ?? 0, creditsCharged: credits.charged ?? 0 };
        };
        if (job.status === 'completed') return replayed(job);

        // Reserve before the call (B2): sized for the channel's longest output.
        const generationBrief = { goal: topic?.goal ?? brief.goals[0] ?? null, offer: topic?.offer ?? null, topic: topic?.topic ?? null, keyphrase: topic?.keyphrase ?? null };
        const estimate = estimateCredits({ inputTokens: estimateInputTokens(dna.document, generationBrief), outputTokens: MAX_OUTPUT_TOKENS[slot.channel] });
        let reserved: { done: GenerationJobState } | { reservation: { reservationId: string; amount: number } };
        try {
          reserved = await tx(ref.tenantId, async (em) => {
            // Job row first, then the credit account: one lock order for every slot transaction.
            const locked = await lockJob(em, key);
            if (locked.status === 'completed') return { done: locked };
            const period = DateTime.fromJSDate(now(), { zone: prepared.tenant.timeZone }).toFormat('yyyy-MM-01');
            await ensureMonthlyGrant(em, { tenantId: ref.tenantId, periodStart: period });
            const reservation = await reserveCredits(em, { tenantId: ref.tenantId, amount: estimate, task: 'generation', idempotencyKey: `${key}:reserve`, ttlSeconds: 3600 });
            await setJobReservation(em, job.id, reservation.reservationId);
            return { reservation };
          });
        } catch (error) {
          if (isAppError(error) && error.code === 'INSUFFICIENT_CREDITS') {
            // Hard cap: the slot stays planned and says why; the month goes on.
            await tx(ref.tenantId, (em) => failJob(em, { jobId: job.id, slotId, error: error.message, slotReason: 'insufficient_credits' }));
            return { slotId, itemId: null, status: 'skipped', reason: 'insufficient_credits', creditsReserved: 0, creditsCharged: 0 };
          }
          throw error;
        }
        if ('done' in reserved) return replayed(reserved.done);
        const { reservation } = reserved;

        const output = generateOffline({
          dna: dna.document,
          brief: generationBrief,
          channel: slot.channel.toUpperCase(),
          locale: brief.locale,
          seed: key,
        });
        const actual = estimateCredits({ inputTokens: output.meta.inputTokens, outputTokens: output.meta.outputTokens });
        const charged = Math.min(actual, reservation.amount);
        const mode = contentModeOf(dna.document);

        // Item, version, approval, slot, job and the settlement commit together.
        const saved = await tx(ref.tenantId, async (em): Promise<{ done: GenerationJobState } | { item: { itemId: string; created: boolean } }> => {
          const locked = await lockJob(em, key);
          if (locked.status === 'completed') return { done: locked };
          const result = await saveGeneratedContent(em, {
            tenantId: ref.tenantId,
            key,
            runId: ref.runId,
            snapshotId: dna.snapshotId,
            slot,
            jobId: job.id,
            mode,
            locale: brief.locale,
            topic,
            modelCode: OFFLINE_MODEL_CODE,
            output: { title: output.title, body: output.body, meta: { ...output.meta } },
            credits: { reserved: reservation.amount, charged },
          });
          await settleReservation(em, { tenantId: ref.tenantId, reservationId: reservation.reservationId, amount: charged, idempotencyKey: `${key}:settle` });
          return { item: result };
        });
        if ('done' in saved) return replayed(saved.done);
        return { slotId, itemId: saved.item.itemId, status: saved.item.created ? 'generated' : 'replayed', creditsReserved: reservation.amount, creditsCharged: charged };
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
        model: OFFLINE_MODEL_CODE,
      };
      await tx(ref.tenantId, (em) => markStepCompleted(em, ref.runId, 'generation', result));
      await announce(ref, 'generation', 'completed');
    },

    /** 6. publication: due, approved items through the site connector; the rest stays scheduled, counted honestly. */
    async publication(ref: RunRef): Promise<void> {
      await recorded(ref, 'publication', async () => {
        const at = now();
        const { tenant, items, brandName, brandUrl } = await tx(ref.tenantId, async (em) => {
          const tenant = await tenantOf(em, ref.tenantId);
          const run = await runOf(em, ref);
          const brand = brandContext(dnaOf(run).document);
          const brief = briefOf(run);
          return { tenant, items: await listRunItems(em, ref.runId), brandName: brief.brandName ?? brand.name, brandUrl: brand.website ?? null };
        });
        const counts = { items: items.length, published: 0, alreadyPublished: 0, scheduledLater: 0, awaitingApproval: 0, notPublishable: 0 };
        const noConnector: Record<string, number> = {};
        const paths: string[] = [];
        for (const item of items) {
          if (item.status === 'published') {
            counts.alreadyPublished += 1;
            continue;
          }
          if (item.status === 'draft' || item.status === 'in_review') {
            counts.awaitingApproval += 1;
            continue;
          }
          if (item.status !== 'approved' && item.status !== 'scheduled') {
            counts.notPublishable += 1;
            continue;
          }
          if (!SITE_CHANNELS.includes(item.channel)) {
            // No connector for this channel yet: it stays scheduled, and is counted as such.
            await tx(ref.tenantId, (em) => markScheduled(em, item.id));
            noConnector[item.channel] = (noConnector[item.channel] ?? 0) + 1;
            continue;
          }
          if (!isDue(item.scheduledAt, at, tenant.timeZone)) {
            await tx(ref.tenantId, (em) => markScheduled(em, item.id));
            counts.scheduledLater += 1;
            continue;
          }
          const published = await publishToSite((fn) => tx(ref.tenantId, fn), {
            tenantId: ref.tenantId,
            workflowId: ref.workflowId,
            month: ref.month,
            item,
            brandName,
            brandUrl,
            storageDir: deps.storageDir,
            now: at,
          });
          if (published.replayed) counts.alreadyPublished += 1;
          else counts.published += 1;
          if (paths.length < 50) paths.push(published.path);
        }
        return { result: { ...counts, scheduledNoConnector: noConnector, connector: 'site', paths }, output: undefined };
      });
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
        return { result: { events: fresh + duplicates, recorded: fresh, duplicates, items: items.length, byStatus }, output: undefined };
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
}

export type PipelineActivities = ReturnType<typeof createPipelineActivities>;
