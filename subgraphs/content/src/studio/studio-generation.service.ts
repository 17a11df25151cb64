// C1: generation in the studio. A content item written by the model
// (version 1), regenerations (version n+1, whole text or one paragraph) and
// what they cost. The model is called through packages/ai's router (the
// client's route and fallbacks, every attempt recorded in tenants.ai_call);
// its credit hooks are where this service pays and writes, each step in its
// own transaction:
//   reserve — the request's job row (content.generation_job, keyed by the
//             caller's idempotency key) and the credit reservation (B2; for a
//             regeneration the ledger also checks the plan's cap per item);
//   (the model call, outside any transaction: no lock is held meanwhile)
//   settle  — item/version, approval (the mode), settlement, the call's
//             ai_call row (the item names it), job completed;
//   release — no model answered: the reservation is voided, the job failed.
// A retry with the same key finds the completed job and returns its item:
// the text is written and charged once. A refusal (no credits, cap reached,
// a channel rule broken) writes nothing and charges nothing.
import { DateTime } from 'luxon';
import type { EntityManager } from '@ensemble/db/orm';
import { ContentItem, ContentVersion, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { BrandDnaSnapshot } from '@ensemble/db/tenants/brand-dna.entity';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { AppError, badInput, isAppError, notFound } from '@ensemble/tenancy/errors';
import { newId } from '@ensemble/tenancy/ids';
import type { AiCompletion, AiRouter, CreditHooks, CreditReservation } from '@ensemble/ai/router';
import { insertAiCall, loadRoutePlan } from '@ensemble/ai/catalogue';
import { estimateCredits } from '@ensemble/ai/offline-model';
import { estimateTokenCount, promptText } from '@ensemble/ai/providers/provider';
import {
  checkRegenerationCap, ensureMonthlyGrant, getBalance, reserveCredits, settleReservation, voidReservation,
} from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql } from '../pipeline/sql.ts';
import { applyReviewPolicy, CONTENT_MODES, type ContentModeName } from './review-policy.ts';
import { CHANNELS, assertChannelConstraints, getItem, lockItem, storedChannel, type Channel } from './studio.service.ts';
import {
  CONTENT_LENGTHS, estimateWriteCredits, fitLength, maxTokensFor, paragraphCount, promptFor, replaceBlock, type ContentLength, type WriteRequest,
} from './studio-writer.ts';

/** Runs fn in a transaction entered as the caller's tenant (ctx.tx in resolvers, withTenant in tests). */
export type TenantRunner = <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>;

export interface Caller {
  tenantId: string;
  /** the user acting, null for API keys and services */
  actorId: string | null;
}

export interface GenerateInput {
  channel: Channel;
  brief: string;
  tone?: string | null;
  length?: ContentLength | null;
  keyphrase?: string | null;
  locale?: string | null;
  mode?: ContentModeName | null;
  /** the same key on a retry returns the first result: generated and charged once */
  idempotencyKey?: string | null;
}

export interface RegenerateInput {
  brief?: string | null;
  tone?: string | null;
  length?: ContentLength | null;
  /** rewrite only this block of the body (0-based, blocks are separated by blank lines) */
  paragraph?: number | null;
  idempotencyKey?: string | null;
}

const LOCALE = /^(en|fr)(-[A-Z]{2})?$/;
const KEY = /^[A-Za-z0-9_.:-]{8,100}$/;
/** A reservation outlives the slowest model call by far; an orphan is released after it. */
const RESERVATION_TTL_SECONDS = 15 * 60;

interface GenerationParams {
  brief: string;
  tone: string[];
  length: ContentLength;
}

function cleanBrief(value: string | null | undefined, required: boolean): string | null {
  const brief = value?.replace(/\s+/g, ' ').trim() ?? '';
  if (!brief) {
    if (required) throw badInput('Describe what to write: the brief cannot be empty', 'brief');
    return null;
  }
  if (brief.length < 3) throw badInput('The brief must be at least 3 characters', 'brief');
  if (brief.length > 2000) throw badInput('The brief must be at most 2,000 characters', 'brief');
  return brief;
}

function cleanTone(value: string | null | undefined): string[] | null {
  if (value === null || value === undefined) return null;
  if (value.length > 200) throw badInput('The tone must be at most 200 characters', 'tone');
  const words = value.split(/[,;/]+/).map((t) => t.trim()).filter(Boolean);
  if (words.length > 6) throw badInput('Give at most 6 tone words, separated by commas', 'tone');
  return words;
}

function cleanLength(value: string | null | undefined): ContentLength | null {
  if (value === null || value === undefined) return null;
  if (!(CONTENT_LENGTHS as readonly string[]).includes(value)) throw badInput('Length must be SHORT, MEDIUM or LONG', 'length');
  return value as ContentLength;
}

function cleanKey(value: string | null | undefined): string {
  if (value === null || value === undefined) return newId();
  if (!KEY.test(value)) throw badInput('idempotencyKey must be 8–100 letters, digits, ".", ":", "_" or "-"', 'idempotencyKey');
  return value;
}

// --- jobs: one row per request, keyed by its idempotency key --------------------

interface Job {
  id: string;
  status: 'queued' | 'submitted' | 'running' | 'completed' | 'failed' | 'cancelled';
  reservationId: string | null;
  itemId: string | null;
  attempts: number;
}

function jobOf(row: Record<string, unknown>): Job {
  return {
    id: row.id as string,
    status: row.status as Job['status'],
    reservationId: (row.reservation_id as string | null) ?? null,
    itemId: (row.item_id as string | null) ?? null,
    attempts: Number(row.attempts),
  };
}

const JOB_COLUMNS = 'id, status, reservation_id, item_id, attempts';

async function findJob(em: EntityManager, tenantId: string, key: string): Promise<Job | null> {
  const [row] = await sql(em, `select ${JOB_COLUMNS} from content.generation_job where tenant_id = ? and idempotency_key = ?`, [tenantId, key]);
  return row ? jobOf(row) : null;
}

async function lockJob(em: EntityManager, tenantId: string, key: string): Promise<Job> {
  const [row] = await sql(em, `select ${JOB_COLUMNS} from content.generation_job where tenant_id = ? and idempotency_key = ? for update`, [tenantId, key]);
  if (!row) throw new Error(`generation job ${key} is missing`);
  return jobOf(row);
}

/**
 * The request's job, created or found, locked for the transaction. A failed
 * job starts a new attempt (with a new reservation); a running one (a crash
 * or a concurrent duplicate) keeps its reservation.
 */
async function openJob(em: EntityManager, tenantId: string, key: string, itemId: string | null, input: object): Promise<Job> {
  await sql(em,
    `insert into content.generation_job (id, tenant_id, kind, mode, status, item_id, input, idempotency_key, attempts, submitted_at)
     values (?, ?, 'text', 'immediate', 'running', ?, ?::jsonb, ?, 1, now())
     on conflict do nothing`,
    [uuidV5(`${tenantId}:${key}:job`), tenantId, itemId, JSON.stringify(input), key]);
  const job = await lockJob(em, tenantId, key);
  if (job.status !== 'failed') return job;
  const [row] = await sql(em,
    `update content.generation_job set status = 'running', attempts = attempts + 1, reservation_id = null, error = null
      where id = ? returning ${JOB_COLUMNS}`, [job.id]);
  return jobOf(row!);
}

async function completeJob(em: EntityManager, jobId: string, itemId: string, result: object): Promise<void> {
  await sql(em, `update content.generation_job set status = 'completed', item_id = ?, result = ?::jsonb, completed_at = now() where id = ?`,
    [itemId, JSON.stringify(result), jobId]);
}

// --- shared steps -----------------------------------------------------------------

interface Dna {
  snapshotId: string | null;
  locale: string | null;
  document: Record<string, unknown>;
}

async function latestDna(em: EntityManager, tenantId: string): Promise<Dna> {
  const snapshot = await em.findOne(BrandDnaSnapshot, { tenantId }, { orderBy: { version: 'desc' } });
  return snapshot
    ? { snapshotId: snapshot.id, locale: snapshot.locale, document: snapshot.document as Record<string, unknown> }
    : { snapshotId: null, locale: null, document: {} };
}

async function dnaById(em: EntityManager, tenantId: string, id: string | null): Promise<Dna> {
  if (!id) return latestDna(em, tenantId);
  const snapshot = await em.findOne(BrandDnaSnapshot, { tenantId, id });
  return snapshot ? { snapshotId: snapshot.id, locale: snapshot.locale, document: snapshot.document as Record<string, unknown> } : latestDna(em, tenantId);
}

/** The month's grant exists before the first reservation of the month (in the client's time zone). */
async function ensureGrant(em: EntityManager, tenantId: string): Promise<void> {
  const tenant = await em.findOne(Tenant, { id: tenantId });
  if (!tenant) throw notFound('Tenant');
  const period = DateTime.now().setZone(tenant.timeZone).toFormat('yyyy-MM-01');
  await ensureMonthlyGrant(em, { tenantId, periodStart: period });
}

/** Thrown by a hook that finds the request already completed: the caller returns its item. */
class AlreadyDone extends Error {
  readonly itemId: string;
  constructor(itemId: string) {
    super('already completed');
    this.itemId = itemId;
  }
}

interface Paid {
  tenantId: string;
  key: string;
  reservation: CreditReservation;
  completion: AiCompletion;
  /** what the ledger charged */
  charged: number;
}

interface HookPlan {
  tenantId: string;
  key: string;
  /** the job's input, stored for the record */
  input: object;
  /** the item written (its id is known before it exists): recorded on the AI call */
  itemId: string;
  /** the item a regeneration rewrites: the ledger counts it against the plan's cap */
  regenerationOf: string | null;
  /** writes the item/version in the settle transaction (after the charge, atomically with it); returns the item id */
  write: (em: EntityManager, job: Job, paid: Paid) => Promise<string>;
}

/** Settles what the call cost (never more than was reserved) and reads back what the ledger charged. */
async function settle(em: EntityManager, tenantId: string, key: string, reservation: CreditReservation, credits: number): Promise<number> {
  await settleReservation(em, { tenantId, reservationId: reservation.reservationId, amount: Math.min(credits, reservation.amount), idempotencyKey: `${key}:settle` });
  const [row] = await sql<{ settled_amount: string | number | null }>(em, 'select settled_amount from billing.credit_reservation where id = ?', [reservation.reservationId]);
  return Number(row?.settled_amount ?? 0);
}

/** Voids the hold and marks the job failed, unless it completed meanwhile. */
async function abandon(em: EntityManager, tenantId: string, key: string, reservationId: string, error: unknown): Promise<void> {
  const job = await lockJob(em, tenantId, key);
  if (job.status === 'completed') return;
  await voidReservation(em, { tenantId, reservationId, idempotencyKey: `${key}:void:${job.attempts}` }).catch((e: unknown) => {
    // Already settled or voided by a concurrent attempt: nothing to give back.
    if (!(isAppError(e) && e.code === 'CONFLICT')) throw e;
  });
  const message = error instanceof Error ? error.message : String(error);
  await sql(em, `update content.generation_job set status = 'failed', error = ?, completed_at = now() where id = ?`, [message.slice(0, 2000), job.id]);
}

function hooks(run: TenantRunner, plan: HookPlan, state: { reservation: CreditReservation | null; itemId: string | null }): CreditHooks {
  return {
    reserve: ({ tenantId, task, amount, batch }) => run(async (em) => {
      // Job first, then the credit account: one lock order for every step of a request.
      const job = await openJob(em, plan.tenantId, plan.key, plan.regenerationOf, plan.input);
      if (job.status === 'completed') throw new AlreadyDone(job.itemId as string);
      await ensureGrant(em, tenantId);
      const reserved = await reserveCredits(em, {
        tenantId, task, amount, batch, idempotencyKey: `${plan.key}:reserve:${job.attempts}`, ttlSeconds: RESERVATION_TTL_SECONDS,
        ...(plan.regenerationOf ? { contentItemId: plan.regenerationOf, regeneration: true } : {}),
      });
      await sql(em, `update content.generation_job set reservation_id = ? where id = ?`, [reserved.reservationId, job.id]);
      state.reservation = { reservationId: reserved.reservationId, amount: reserved.amount };
      return state.reservation;
    }),
    settle: (reservation, { credits, completion, call }) => run(async (em) => {
      const job = await lockJob(em, plan.tenantId, plan.key);
      if (job.status === 'completed') {
        // A concurrent duplicate wrote and paid first: nothing more to charge, and a hold of its own goes back.
        if (job.reservationId !== reservation.reservationId) {
          await voidReservation(em, { tenantId: plan.tenantId, reservationId: reservation.reservationId, idempotencyKey: `${plan.key}:void:${reservation.reservationId}` }).catch((e: unknown) => {
            if (!(isAppError(e) && e.code === 'CONFLICT')) throw e;
          });
        }
        state.itemId = job.itemId;
        await insertAiCall(em, { ...call, credits: 0 });
        return 0;
      }
      const charged = await settle(em, plan.tenantId, plan.key, reservation, credits);
      const itemId = await plan.write(em, job, { tenantId: plan.tenantId, key: plan.key, reservation, completion, charged });
      await insertAiCall(em, { ...call, credits: charged });
      await completeJob(em, job.id, itemId, { itemId, credits: { reserved: reservation.amount, charged }, model: completion.model.code, aiCallId: completion.callId });
      state.itemId = itemId;
      return charged;
    }),
    release: (reservation, error) => run((em) => abandon(em, plan.tenantId, plan.key, reservation.reservationId, error)),
  };
}

/**
 * Calls the model through the router with this service's hooks. A request
 * already done returns its item; a failure after the model answered (a
 * channel rule broken, the write refused) voids the hold before it surfaces.
 */
async function callModel(router: AiRouter, run: TenantRunner, plan: HookPlan, request: { prompt: ReturnType<typeof promptFor>; maxTokens: number; channel: string }): Promise<string> {
  const state: { reservation: CreditReservation | null; itemId: string | null } = { reservation: null, itemId: null };
  try {
    await router.generate({
      tenantId: plan.tenantId, task: 'generation', prompt: request.prompt, maxTokens: request.maxTokens, channel: request.channel,
      contentItemId: plan.itemId,
    }, hooks(run, plan, state));
  } catch (error) {
    if (error instanceof AlreadyDone) return error.itemId;
    const reservation = state.reservation;
    if (reservation && !state.itemId) await run((em) => abandon(em, plan.tenantId, plan.key, reservation.reservationId, error));
    throw error;
  }
  if (!state.itemId) throw new Error('the model answered but nothing was written');
  return state.itemId;
}

function modelMeta(paid: Paid, dnaSnapshotId: string | null): Record<string, unknown> {
  const { completion, reservation } = paid;
  return {
    model: completion.model.code, provider: completion.model.providerCode, offline: completion.model.offline, dnaSnapshotId,
    credits: { reserved: reservation.amount, charged: paid.charged }, usage: completion.usage, aiCallId: completion.callId,
    reservationId: reservation.reservationId, fallbackUsed: completion.fallbackUsed, idempotencyKey: paid.key,
  };
}

// --- generateContent ------------------------------------------------------------

interface ValidGenerate {
  channel: Channel;
  brief: string;
  tone: string[];
  length: ContentLength;
  keyphrase: string | null;
  locale: string | null;
  mode: ContentModeName;
  key: string;
}

export function validateGenerate(raw: GenerateInput): ValidGenerate {
  if (!CHANNELS.includes(raw.channel)) throw badInput('Unknown channel', 'channel');
  const brief = cleanBrief(raw.brief, true) as string;
  const keyphrase = raw.keyphrase?.trim() || null;
  if (keyphrase && keyphrase.length > 100) throw badInput('Keyphrase must be at most 100 characters', 'keyphrase');
  const locale = raw.locale?.trim() || null;
  if (locale && !LOCALE.test(locale)) throw badInput('Locale must be English or French, like "en" or "fr-FR"', 'locale');
  const mode = raw.mode ?? 'SEMI';
  if (!(CONTENT_MODES as readonly string[]).includes(mode)) throw badInput('Mode must be MANUAL, SEMI or AUTO', 'mode');
  return {
    channel: raw.channel, brief, tone: cleanTone(raw.tone) ?? [], length: cleanLength(raw.length) ?? 'MEDIUM',
    keyphrase, locale, mode, key: `studio:generate:${cleanKey(raw.idempotencyKey)}`,
  };
}

/**
 * A new content item whose version 1 is written by the model (author
 * `model:<code>`, meta: DNA snapshot, model, credits), with the mode's status.
 */
export async function generateContent(router: AiRouter, run: TenantRunner, caller: Caller, raw: GenerateInput): Promise<ContentItemRow> {
  const input = validateGenerate(raw);
  const { tenantId } = caller;
  const itemId = uuidV5(`${tenantId}:${input.key}:item`);

  const prepared = await run(async (em) => {
    const done = await findJob(em, tenantId, input.key);
    if (done?.status === 'completed') return null;
    const tenant = await em.findOne(Tenant, { id: tenantId });
    const dna = await latestDna(em, tenantId);
    const locale = input.locale ?? dna.locale ?? tenant?.locale ?? 'en';
    if (!LOCALE.test(locale)) throw badInput('Locale must be English or French, like "en" or "fr-FR"', 'locale');
    return { dna, locale };
  });
  if (!prepared) return run((em) => getItem(em, itemId));
  const { dna, locale } = prepared;
  const request: WriteRequest = {
    channel: input.channel, locale, dna: dna.document, brief: { topic: input.brief, keyphrase: input.keyphrase },
    tone: input.tone, length: input.length, seed: `${tenantId}:${input.key}`,
  };

  const written = await callModel(router, run, {
    tenantId, key: input.key, itemId, regenerationOf: null,
    input: { channel: input.channel, brief: input.brief, tone: input.tone, length: input.length, keyphrase: input.keyphrase, mode: input.mode, locale },
    write: async (em, _job, paid) => {
      const title = paid.completion.title.trim().slice(0, 300) || input.brief.slice(0, 300);
      const body = fitLength(request, paid.completion.body);
      assertChannelConstraints({ channel: input.channel, title, body, locale });
      const item = em.create(ContentItem, {
        id: itemId, tenantId, channel: storedChannel(input.channel), title, status: 'draft',
        mode: input.mode.toLowerCase() as ContentItemRow['mode'], locale, brief: input.brief, keyphrase: input.keyphrase,
        currentVersion: 1, dnaSnapshotId: dna.snapshotId, createdBy: caller.actorId,
      });
      await em.flush(); // the version's composite foreign key needs the item first
      em.create(ContentVersion, {
        id: uuidV5(`${tenantId}:${input.key}:v1`), tenantId, itemId, version: 1, title, body,
        author: `model:${paid.completion.model.code}`, dnaSnapshotId: dna.snapshotId, createdBy: caller.actorId,
        meta: { ...modelMeta(paid, dna.snapshotId), generation: { brief: input.brief, tone: input.tone, length: input.length, keyphrase: input.keyphrase, mode: input.mode } },
      });
      await em.flush();
      await applyReviewPolicy(em, item, 1, { title, body }, caller.actorId);
      return itemId;
    },
  }, { prompt: promptFor(request), maxTokens: maxTokensFor(request), channel: input.channel });
  return run((em) => getItem(em, written));
}

// --- regenerateContent ------------------------------------------------------------

/** The parameters the item was last written with: a regeneration changes only what it is given. */
async function lastParams(em: EntityManager, item: ContentItemRow): Promise<GenerationParams & { snapshotId: string | null }> {
  const [row] = await sql<{ meta: Record<string, unknown> | null; dna_snapshot_id: string | null }>(em,
    `select meta, dna_snapshot_id from content.content_version
      where tenant_id = ? and item_id = ? and jsonb_exists(meta, 'generation') order by version desc limit 1`, [item.tenantId, item.id]);
  const g = (row?.meta?.generation ?? {}) as { brief?: unknown; tone?: unknown; length?: unknown };
  return {
    brief: typeof g.brief === 'string' && g.brief ? g.brief : item.brief ?? item.title,
    tone: Array.isArray(g.tone) ? g.tone.filter((t): t is string => typeof t === 'string') : [],
    length: (CONTENT_LENGTHS as readonly unknown[]).includes(g.length) ? (g.length as ContentLength) : 'MEDIUM',
    snapshotId: row?.dna_snapshot_id ?? item.dnaSnapshotId ?? null,
  };
}

function editable(item: ContentItemRow): void {
  if (item.status === 'published' || item.status === 'archived') {
    throw new AppError('CONFLICT', `A ${item.status} item cannot be regenerated; duplicate it to write a new one.`, { status: item.status });
  }
}

async function currentBody(em: EntityManager, item: ContentItemRow): Promise<string> {
  const version = await em.findOne(ContentVersion, { tenantId: item.tenantId, itemId: item.id, version: item.currentVersion });
  return version?.body ?? '';
}

/**
 * A new version written by the model: the whole text, or one paragraph of the
 * current one (manual mode's assist). Spends credits and counts against the
 * plan's regenerations per item (CONFLICT with reason REGENERATION_CAP once
 * reached; INSUFFICIENT_CREDITS without credits) — refused, nothing written.
 */
export async function regenerateContent(router: AiRouter, run: TenantRunner, caller: Caller, itemId: string, raw: RegenerateInput = {}): Promise<ContentItemRow> {
  const brief = cleanBrief(raw.brief, false);
  const tone = cleanTone(raw.tone);
  const length = cleanLength(raw.length);
  const paragraph = raw.paragraph ?? null;
  if (paragraph !== null && (!Number.isInteger(paragraph) || paragraph < 0)) throw badInput('paragraph must be a block number (0 or more)', 'paragraph');
  const requestKey = cleanKey(raw.idempotencyKey);

  const prepared = await run(async (em) => {
    const item = await getItem(em, itemId); // NOT_FOUND for another client's item, before anything is written
    const key = `studio:regenerate:${item.id}:${requestKey}`;
    if ((await findJob(em, item.tenantId, key))?.status === 'completed') return null;
    editable(item);
    const last = await lastParams(em, item);
    const params: GenerationParams = { brief: brief ?? last.brief, tone: tone ?? last.tone, length: length ?? last.length };
    const body = paragraph === null ? '' : await currentBody(em, item);
    if (paragraph !== null && paragraph >= paragraphCount(body)) throw badInput(`The text has ${paragraphCount(body)} paragraphs; there is no paragraph ${paragraph}`, 'paragraph');
    const dna = await dnaById(em, item.tenantId, last.snapshotId);
    return { item, key, params, body, dna, baseVersion: item.currentVersion };
  });
  if (!prepared) return run((em) => getItem(em, itemId));
  const { key, params, body, dna, baseVersion } = prepared;
  const { tenantId } = prepared.item;
  const request: WriteRequest = {
    channel: prepared.item.channel.toUpperCase() as Channel, locale: prepared.item.locale, dna: dna.document,
    brief: { topic: params.brief, keyphrase: prepared.item.keyphrase ?? null }, tone: params.tone, length: paragraph === null ? params.length : 'SHORT',
    seed: `${tenantId}:${key}`,
  };

  const written = await callModel(router, run, {
    tenantId, key, itemId: prepared.item.id, regenerationOf: prepared.item.id,
    input: { itemId: prepared.item.id, brief: params.brief, tone: params.tone, length: params.length, paragraph },
    write: async (em, _job, paid) => {
      const item = await lockItem(em, await getItem(em, itemId));
      editable(item);
      if (paragraph !== null && item.currentVersion !== baseVersion) {
        throw new AppError('CONFLICT', `The text changed (version ${item.currentVersion}) while paragraph ${paragraph + 1} was rewritten from version ${baseVersion}; ask again.`, { reason: 'VERSION_CHANGED' });
      }
      const title = paragraph === null ? paid.completion.title.trim().slice(0, 300) || item.title : item.title;
      const text = paragraph === null ? fitLength(request, paid.completion.body) : replaceBlock(body, paragraph, paid.completion.body);
      assertChannelConstraints({ channel: request.channel, title, body: text, locale: item.locale });
      const version = item.currentVersion + 1;
      Object.assign(item, { title, currentVersion: version, regenerations: item.regenerations + 1, brief: params.brief, dnaSnapshotId: dna.snapshotId ?? item.dnaSnapshotId, updatedAt: new Date() });
      em.create(ContentVersion, {
        id: uuidV5(`${tenantId}:${key}:version`), tenantId, itemId: item.id, version, title, body: text,
        author: `model:${paid.completion.model.code}`, dnaSnapshotId: dna.snapshotId, createdBy: caller.actorId,
        meta: {
          ...modelMeta(paid, dna.snapshotId),
          generation: { brief: params.brief, tone: params.tone, length: params.length, keyphrase: item.keyphrase, ...(paragraph === null ? {} : { paragraph }) },
          regeneration: item.regenerations,
        },
      });
      await em.flush();
      await applyReviewPolicy(em, item, version, { title, body: text }, caller.actorId);
      return item.id;
    },
  }, { prompt: promptFor(request), maxTokens: maxTokensFor(request), channel: request.channel });
  return run((em) => getItem(em, written));
}

// --- the quote shown beside "Regenerate" ----------------------------------------------

export interface RegenerationQuote {
  itemId: string;
  /** credits reserved for a whole-text regeneration with the offline writer (what is charged is at most the reservation) */
  credits: number;
  used: number;
  limit: number | null;
  remaining: number | null;
  available: number;
}

/**
 * What the router would reserve for a whole-text regeneration: the prompt and
 * the longest answer, at the dearest rate among the models the client's route
 * may use now (as the router reserves).
 */
async function reservationEstimate(em: EntityManager, tenantId: string, request: WriteRequest): Promise<number> {
  const plan = await loadRoutePlan(em, 'generation', tenantId);
  const usable = [...(plan.preferred ? [plan.preferred] : []), ...plan.chain].filter((c) =>
    c.active && c.provider.active && (!plan.allowedModelIds || plan.allowedModelIds.has(c.modelId)) && (c.provider.kind === 'offline' || c.provider.hasKey));
  if (usable.length === 0) return estimateWriteCredits(request);
  const inputTokens = estimateTokenCount(promptText(promptFor(request)));
  const outputTokens = maxTokensFor(request);
  return Math.max(...usable.map((c) => estimateCredits({ inputTokens, outputTokens }, c.creditRate ?? { inputPerMtok: 0, outputPerMtok: 0 })));
}

export async function regenerationQuote(em: EntityManager, itemId: string): Promise<RegenerationQuote> {
  const item = await getItem(em, itemId);
  const last = await lastParams(em, item);
  const dna = await dnaById(em, item.tenantId, last.snapshotId);
  const credits = await reservationEstimate(em, item.tenantId, {
    channel: item.channel.toUpperCase() as Channel, locale: item.locale, dna: dna.document, brief: { topic: last.brief, keyphrase: item.keyphrase ?? null },
    tone: last.tone, length: last.length, seed: 'quote',
  });
  let cap: { used: number; limit: number | null };
  try {
    cap = await checkRegenerationCap(em, { tenantId: item.tenantId, contentItemId: item.id });
  } catch (error) {
    const ext = isAppError(error) ? (error.extensions as { reason?: string; used?: number; limit?: number }) : null;
    if (ext?.reason !== 'REGENERATION_CAP') throw error;
    cap = { used: Number(ext.used), limit: Number(ext.limit) };
  }
  const balance = await getBalance(em, item.tenantId).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'NOT_FOUND') return null; // no credit account: nothing available
    throw error;
  });
  return {
    itemId: item.id, credits, used: cap.used, limit: cap.limit,
    remaining: cap.limit === null ? null : Math.max(0, cap.limit - cap.used), available: Math.max(0, balance?.available ?? 0),
  };
}
