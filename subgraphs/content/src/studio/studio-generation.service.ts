// C1: generation in the studio. A content item written by the model
// (version 1), regenerations (version n+1, whole text or one paragraph) and
// what they cost. Each request runs in three steps, each its own transaction:
//   1. reserve: the request's job row (content.generation_job, keyed by the
//      caller's idempotency key) and the credit reservation (B2; for a
//      regeneration the ledger also checks the plan's cap per item);
//   2. write: the model call, outside any transaction (a real model takes
//      seconds; no lock is held meanwhile);
//   3. save: item/version, approval (the mode), ai_call, settlement, job done.
// A retry with the same key finds the completed job and returns its item:
// the text is written and charged once. A failure after step 1 voids the
// reservation and marks the job failed: nothing is charged, nothing written.
import { DateTime } from 'luxon';
import type { EntityManager } from '@ensemble/db/orm';
import { ContentItem, ContentVersion, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { BrandDnaSnapshot } from '@ensemble/db/tenants/brand-dna.entity';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { AppError, badInput, isAppError, notFound } from '@ensemble/tenancy/errors';
import { newId } from '@ensemble/tenancy/ids';
import {
  checkRegenerationCap, ensureMonthlyGrant, getBalance, reserveCredits, settleReservation, voidReservation,
} from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql } from '../pipeline/sql.ts';
import { applyReviewPolicy, CONTENT_MODES, type ContentModeName } from './review-policy.ts';
import { CHANNELS, assertChannelConstraints, getItem, lockItem, storedChannel, type Channel } from './studio.service.ts';
import {
  CONTENT_LENGTHS, creditsFor, estimateWriteCredits, rewriteBlock, writeContent, type ContentLength, type WriteRequest, type WrittenText,
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
  result: Record<string, unknown> | null;
}

function jobOf(row: Record<string, unknown>): Job {
  return {
    id: row.id as string,
    status: row.status as Job['status'],
    reservationId: (row.reservation_id as string | null) ?? null,
    itemId: (row.item_id as string | null) ?? null,
    attempts: Number(row.attempts),
    result: (row.result as Record<string, unknown> | null) ?? null,
  };
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
      where id = ? returning id, status, reservation_id, item_id, attempts, result`, [job.id]);
  return jobOf(row!);
}

async function lockJob(em: EntityManager, tenantId: string, key: string): Promise<Job> {
  const [row] = await sql(em,
    `select id, status, reservation_id, item_id, attempts, result from content.generation_job
      where tenant_id = ? and idempotency_key = ? for update`, [tenantId, key]);
  if (!row) throw new Error(`generation job ${key} is missing`);
  return jobOf(row);
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

interface Reserved {
  job: Job;
  reservationId: string;
  reserved: number;
}

/** Step 3 failed or was refused: the hold goes back, the job says why. */
async function abandon(run: TenantRunner, tenantId: string, key: string, reservationId: string, error: unknown): Promise<void> {
  await run(async (em) => {
    const job = await lockJob(em, tenantId, key);
    if (job.status === 'completed') return;
    await voidReservation(em, { tenantId, reservationId, idempotencyKey: `${key}:void:${job.attempts}` }).catch((e: unknown) => {
      // Already settled or voided by a concurrent attempt: nothing to give back.
      if (!(isAppError(e) && e.code === 'CONFLICT')) throw e;
    });
    const message = error instanceof Error ? error.message : String(error);
    await sql(em, `update content.generation_job set status = 'failed', error = ?, completed_at = now() where id = ?`, [message.slice(0, 2000), job.id]);
  });
}

async function recordAiCall(em: EntityManager, input: { tenantId: string; itemId: string; reservationId: string; text: WrittenText; credits: number }): Promise<string> {
  const id = newId();
  await sql(em,
    `insert into tenants.ai_call (id, tenant_id, task, model_id, provider_code, input_tokens, output_tokens, credits, latency_ms, outcome, reservation_id, content_item_id)
     values (?, ?, 'generation', (select m.id from tenants.ai_model m where m.code = ?), 'offline', ?, ?, ?, ?, 'ok', ?, ?)`,
    [id, input.tenantId, input.text.model, input.text.inputTokens, input.text.outputTokens, input.credits, input.text.latencyMs, input.reservationId, input.itemId]);
  return id;
}

/** Settles what the call cost (never more than was reserved) and records the call. */
async function charge(em: EntityManager, input: { tenantId: string; itemId: string; key: string; reserved: Reserved; text: WrittenText }): Promise<{ reserved: number; charged: number; aiCallId: string }> {
  const charged = Math.min(creditsFor(input.text), input.reserved.reserved);
  await settleReservation(em, { tenantId: input.tenantId, reservationId: input.reserved.reservationId, amount: charged, idempotencyKey: `${input.key}:settle` });
  const aiCallId = await recordAiCall(em, { tenantId: input.tenantId, itemId: input.itemId, reservationId: input.reserved.reservationId, text: input.text, credits: charged });
  return { reserved: input.reserved.reserved, charged, aiCallId };
}

async function completeJob(em: EntityManager, jobId: string, result: object): Promise<void> {
  await sql(em, `update content.generation_job set status = 'completed', result = ?::jsonb, completed_at = now() where id = ?`, [JSON.stringify(result), jobId]);
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
export async function generateContent(run: TenantRunner, caller: Caller, raw: GenerateInput): Promise<ContentItemRow> {
  const input = validateGenerate(raw);
  const { tenantId } = caller;
  const itemId = uuidV5(`${tenantId}:${input.key}:item`);

  const step1 = await run(async (em) => {
    const job = await openJob(em, tenantId, input.key, null, { channel: input.channel, brief: input.brief, tone: input.tone, length: input.length, keyphrase: input.keyphrase, mode: input.mode });
    if (job.status === 'completed') return { done: job } as const;
    const tenant = await em.findOne(Tenant, { id: tenantId });
    const dna = await latestDna(em, tenantId);
    const locale = input.locale ?? dna.locale ?? tenant?.locale ?? 'en';
    if (!LOCALE.test(locale)) throw badInput('Locale must be English or French, like "en" or "fr-FR"', 'locale');
    const request: WriteRequest = {
      channel: input.channel, locale, dna: dna.document, brief: { topic: input.brief, keyphrase: input.keyphrase },
      tone: input.tone, length: input.length, seed: `${tenantId}:${input.key}`,
    };
    await ensureGrant(em, tenantId);
    // The first generation of an item is not a regeneration: the reservation does not name the item.
    const reservation = await reserveCredits(em, {
      tenantId, amount: estimateWriteCredits(request), task: 'generation', idempotencyKey: `${input.key}:reserve:${job.attempts}`, ttlSeconds: RESERVATION_TTL_SECONDS,
    });
    await sql(em, `update content.generation_job set reservation_id = ? where id = ?`, [reservation.reservationId, job.id]);
    return { reserved: { job, reservationId: reservation.reservationId, reserved: reservation.amount }, request, dna } as const;
  });
  if ('done' in step1) {
    const doneItem = step1.done?.itemId ?? itemId;
    return run((em) => getItem(em, doneItem));
  }
  const { reserved, request, dna } = step1;

  try {
    const text = writeContent(request);
    assertChannelConstraints({ channel: input.channel, title: text.title, body: text.body, locale: request.locale });
    return await run(async (em) => {
      const job = await lockJob(em, tenantId, input.key);
      if (job.status === 'completed') return getItem(em, job.itemId ?? itemId);
      const item = em.create(ContentItem, {
        id: itemId, tenantId, channel: storedChannel(input.channel), title: text.title.slice(0, 300), status: 'draft',
        mode: input.mode.toLowerCase() as ContentItemRow['mode'], locale: request.locale, brief: input.brief, keyphrase: input.keyphrase,
        currentVersion: 1, dnaSnapshotId: dna.snapshotId, createdBy: caller.actorId,
      });
      await em.flush(); // the version's composite foreign key needs the item first
      const credits = await charge(em, { tenantId, itemId, key: input.key, reserved, text });
      em.create(ContentVersion, {
        id: uuidV5(`${tenantId}:${input.key}:v1`), tenantId, itemId, version: 1, title: item.title, body: text.body,
        author: `model:${text.model}`, dnaSnapshotId: dna.snapshotId, createdBy: caller.actorId,
        meta: {
          model: text.model, offline: true, dnaSnapshotId: dna.snapshotId, credits: { reserved: credits.reserved, charged: credits.charged },
          usage: { inputTokens: text.inputTokens, outputTokens: text.outputTokens }, aiCallId: credits.aiCallId, reservationId: reserved.reservationId,
          generation: { brief: input.brief, tone: input.tone, length: input.length, keyphrase: input.keyphrase, mode: input.mode }, idempotencyKey: input.key,
        },
      });
      await em.flush();
      const review = await applyReviewPolicy(em, item, 1, { title: item.title, body: text.body }, caller.actorId);
      await sql(em, `update content.generation_job set item_id = ? where id = ?`, [itemId, job.id]);
      await completeJob(em, job.id, { itemId, version: 1, credits: { reserved: credits.reserved, charged: credits.charged }, model: text.model, status: review.status, guardrail: review.guardrail });
      return item;
    });
  } catch (error) {
    await abandon(run, tenantId, input.key, reserved.reservationId, error);
    throw error;
  }
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

function paragraphCount(body: string): number {
  return body.split(/\n[ \t]*\n/).length;
}

/**
 * A new version written by the model: the whole text, or one paragraph of the
 * current one (manual mode's assist). Spends credits and counts against the
 * plan's regenerations per item (CONFLICT with reason REGENERATION_CAP once
 * reached; INSUFFICIENT_CREDITS without credits) — refused, nothing written.
 */
export async function regenerateContent(run: TenantRunner, caller: Caller, itemId: string, raw: RegenerateInput = {}): Promise<ContentItemRow> {
  const brief = cleanBrief(raw.brief, false);
  const tone = cleanTone(raw.tone);
  const length = cleanLength(raw.length);
  const paragraph = raw.paragraph ?? null;
  if (paragraph !== null && (!Number.isInteger(paragraph) || paragraph < 0)) throw badInput('paragraph must be a block number (0 or more)', 'paragraph');
  const requestKey = cleanKey(raw.idempotencyKey);

  const step1 = await run(async (em) => {
    const found = await getItem(em, itemId); // NOT_FOUND for another client's item, before anything is written
    const key = `studio:regenerate:${found.id}:${requestKey}`;
    const job = await openJob(em, found.tenantId, key, found.id, { itemId: found.id, brief, tone, length, paragraph });
    if (job.status === 'completed') return { done: job, key } as const;
    const item = await lockItem(em, found);
    editable(item);
    const last = await lastParams(em, item);
    const params: GenerationParams = { brief: brief ?? last.brief, tone: tone ?? last.tone, length: length ?? last.length };
    const body = paragraph === null ? '' : await currentBody(em, item);
    if (paragraph !== null && paragraph >= paragraphCount(body)) throw badInput(`The text has ${paragraphCount(body)} paragraphs; there is no paragraph ${paragraph}`, 'paragraph');
    const dna = await dnaById(em, item.tenantId, last.snapshotId);
    const request: WriteRequest = {
      channel: item.channel.toUpperCase() as Channel, locale: item.locale, dna: dna.document,
      brief: { topic: params.brief, keyphrase: item.keyphrase ?? null }, tone: params.tone, length: paragraph === null ? params.length : 'SHORT',
      seed: `${item.tenantId}:${key}`,
    };
    await ensureGrant(em, item.tenantId);
    // Naming the item makes it a regeneration: the ledger checks the plan's cap under the account lock.
    const reservation = await reserveCredits(em, {
      tenantId: item.tenantId, amount: estimateWriteCredits(request), task: 'generation', contentItemId: item.id, regeneration: true,
      idempotencyKey: `${key}:reserve:${job.attempts}`, ttlSeconds: RESERVATION_TTL_SECONDS,
    });
    await sql(em, `update content.generation_job set reservation_id = ? where id = ?`, [reservation.reservationId, job.id]);
    return { reserved: { job, reservationId: reservation.reservationId, reserved: reservation.amount }, key, request, params, body, dna, tenantId: item.tenantId, baseVersion: item.currentVersion } as const;
  });
  if ('done' in step1) return run((em) => getItem(em, itemId));
  const { reserved, key, request, params, body, dna, tenantId, baseVersion } = step1;

  try {
    const text = paragraph === null ? writeContent(request) : rewriteBlock(request, body, paragraph);
    return await run(async (em) => {
      const job = await lockJob(em, tenantId, key);
      if (job.status === 'completed') return getItem(em, itemId);
      const item = await lockItem(em, await getItem(em, itemId));
      editable(item);
      if (paragraph !== null && item.currentVersion !== baseVersion) {
        throw new AppError('CONFLICT', `The text changed (version ${item.currentVersion}) while paragraph ${paragraph} was rewritten from version ${baseVersion}; ask again.`, { reason: 'VERSION_CHANGED' });
      }
      const title = paragraph === null ? text.title.slice(0, 300) : item.title;
      assertChannelConstraints({ channel: item.channel.toUpperCase() as Channel, title, body: text.body, locale: item.locale });
      const version = item.currentVersion + 1;
      const credits = await charge(em, { tenantId, itemId: item.id, key, reserved, text });
      Object.assign(item, { title, currentVersion: version, regenerations: item.regenerations + 1, brief: params.brief, dnaSnapshotId: dna.snapshotId ?? item.dnaSnapshotId, updatedAt: new Date() });
      em.create(ContentVersion, {
        id: uuidV5(`${tenantId}:${key}:version`), tenantId, itemId: item.id, version, title, body: text.body,
        author: `model:${text.model}`, dnaSnapshotId: dna.snapshotId, createdBy: caller.actorId,
        meta: {
          model: text.model, offline: true, dnaSnapshotId: dna.snapshotId, credits: { reserved: credits.reserved, charged: credits.charged },
          usage: { inputTokens: text.inputTokens, outputTokens: text.outputTokens }, aiCallId: credits.aiCallId, reservationId: reserved.reservationId,
          generation: { brief: params.brief, tone: params.tone, length: params.length, keyphrase: item.keyphrase, ...(paragraph === null ? {} : { paragraph }) },
          regeneration: item.regenerations, idempotencyKey: key,
        },
      });
      await em.flush();
      const review = await applyReviewPolicy(em, item, version, { title, body: text.body }, caller.actorId);
      await completeJob(em, job.id, { itemId: item.id, version, credits: { reserved: credits.reserved, charged: credits.charged }, model: text.model, status: review.status, guardrail: review.guardrail });
      return item;
    });
  } catch (error) {
    await abandon(run, tenantId, key, reserved.reservationId, error);
    throw error;
  }
}

// --- the quote shown beside "Regenerate" ----------------------------------------------

export interface RegenerationQuote {
  itemId: string;
  /** credits reserved for a whole-text regeneration (what is charged is at most this) */
  credits: number;
  used: number;
  limit: number | null;
  remaining: number | null;
  available: number;
}

export async function regenerationQuote(em: EntityManager, itemId: string): Promise<RegenerationQuote> {
  const item = await getItem(em, itemId);
  const last = await lastParams(em, item);
  const dna = await dnaById(em, item.tenantId, last.snapshotId);
  const credits = estimateWriteCredits({ channel: item.channel.toUpperCase() as Channel, dna: dna.document, brief: { topic: last.brief, keyphrase: item.keyphrase ?? null }, length: last.length });
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
