// C11 / W4: one capture of one source. Read the source (a transaction), fetch
// it through the SSRF-safe fetcher (no transaction open), then record the
// outcome in one transaction under the source's row lock:
//
// - content unchanged since the last capture with content (same hash of
//   entries / products / paragraphs): no new capture, the source notes the fetch;
// - changed: a capture with the diff against that previous capture, and the
//   alerts the diff deserves (insert … on conflict on the dedup key: a retry,
//   or "capture now" racing the schedule, adds nothing twice);
// - the first capture is the baseline: no diff, no alerts;
// - a failed fetch: one error capture per outage (later failures count on
//   it); an alert when the destination is refused (an SSRF block does not heal
//   by itself) or after three failed fetches in a row.
import type { EntityManager } from '@ensemble/db/orm';
import { SafeFetchError, type SafeFetch } from '@ensemble/ingest/safe-fetch';
import { AppError } from '@ensemble/tenancy/errors';
import { newId } from '@ensemble/tenancy/ids';
import { sql, type Row } from '../pipeline/sql.ts';
import { alertsFor, diffCaptures, type AlertDraft, type CaptureDiff } from './watch-diff.ts';
import { extract, type Extraction, type FeedEntry, type Product } from './watch-extract.ts';
import { getSource, type SourceView } from './watch.service.ts';

export type TenantRunner = <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>;

export interface CaptureDeps {
  fetch: SafeFetch;
  now: () => Date;
}

export type CaptureStatus = 'baseline' | 'changed' | 'unchanged' | 'failed' | 'blocked' | 'gone';

export interface CaptureOutcome {
  tenantId: string;
  sourceId: string;
  status: CaptureStatus;
  /** the capture recorded (or, unchanged, the one still current) */
  captureId: string | null;
  /** alerts created by this capture (dedup may leave fewer than the diff suggests) */
  alertIds: string[];
  error: string | null;
}

/** Failed fetches in a row before an alert (a refused destination alerts at once). */
export const FAILURES_BEFORE_ALERT = 3;
const MAX_BODY = 3 * 1024 * 1024;
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';
const MAX_TEXT = 200_000;

type Fetched =
  | { ok: true; httpStatus: number; extraction: Extraction }
  | { ok: false; httpStatus: number | null; blocked: boolean; error: string };

/** Fetches and reads the source; every expected failure becomes a value, the rest throws (and the activity retries). */
export async function fetchSource(source: Pick<SourceView, 'kind' | 'url' | 'selectors'>, fetch: SafeFetch): Promise<Fetched> {
  try {
    const response = await fetch(source.url, { maxBytes: MAX_BODY, timeoutMs: 20_000, ...(source.kind === 'feed' ? { accept: FEED_ACCEPT } : {}) });
    if (response.status >= 400) return { ok: false, httpStatus: response.status, blocked: false, error: `The site answered HTTP ${response.status}.` };
    return { ok: true, httpStatus: response.status, extraction: extract(source.kind, response.body, response.charset, response.url, source.selectors) };
  } catch (error) {
    if (error instanceof SafeFetchError) return { ok: false, httpStatus: null, blocked: error.reason === 'forbidden-destination', error: error.message };
    if (error instanceof AppError) return { ok: false, httpStatus: null, blocked: false, error: error.message };
    throw error;
  }
}

interface LatestCaptures {
  latest: Row | null;
  content: Row | null;
}

async function latestCaptures(em: EntityManager, sourceId: string): Promise<LatestCaptures> {
  const [latest] = await sql(em, `select id, error, diff, content_hash from content.competitor_capture where source_id = ? order by fetched_at desc, id desc limit 1`, [sourceId]);
  const [content] = await sql(em,
    `select id, content_hash, text, entries, products from content.competitor_capture
      where source_id = ? and content_hash is not null order by fetched_at desc, id desc limit 1`, [sourceId]);
  return { latest: latest ?? null, content: content ?? null };
}

async function insertAlerts(em: EntityManager, tenantId: string, sourceId: string, captureId: string, drafts: readonly AlertDraft[], now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const draft of drafts) {
    const rows = await sql<{ id: string }>(em,
      `insert into content.competitor_alert (id, tenant_id, source_id, capture_id, kind, severity, summary, details, dedup_key, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
       on conflict (tenant_id, dedup_key) do nothing returning id`,
      [newId(), tenantId, sourceId, captureId, draft.kind, draft.severity, draft.summary, JSON.stringify(draft.details), draft.dedupKey, now.toISOString()]);
    if (rows[0]) ids.push(rows[0].id);
  }
  return ids;
}

async function tenantLocale(em: EntityManager, tenantId: string): Promise<string> {
  const [row] = await sql<{ locale: string }>(em, 'select locale from tenants.tenant where id = ?', [tenantId]);
  return row?.locale ?? 'en';
}

async function recordFailure(em: EntityManager, source: SourceView, fetched: Extract<Fetched, { ok: false }>, now: Date): Promise<CaptureOutcome> {
  const { latest } = await latestCaptures(em, source.id);
  let captureId: string;
  let failures: number;
  if (latest && latest.error) {
    // The outage goes on: count it on its capture rather than piling up rows.
    captureId = latest.id as string;
    failures = Number((latest.diff as { failures?: number } | null)?.failures ?? 1) + 1;
    await sql(em, `update content.competitor_capture set diff = jsonb_set(coalesce(diff, '{}'::jsonb), '{failures}', to_jsonb(?::integer)), error = ?, http_status = ? where id = ?`,
      [failures, fetched.error.slice(0, 2000), fetched.httpStatus, captureId]);
  } else {
    captureId = newId();
    failures = 1;
    await sql(em,
      `insert into content.competitor_capture (id, tenant_id, source_id, previous_id, fetched_at, http_status, error, diff)
       values (?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
      [captureId, source.tenantId, source.id, latest?.id ?? null, now.toISOString(), fetched.httpStatus, fetched.error.slice(0, 2000), JSON.stringify({ failures, since: now.toISOString() })]);
  }
  const alertIds: string[] = [];
  if (fetched.blocked || failures >= FAILURES_BEFORE_ALERT) {
    const fr = (await tenantLocale(em, source.tenantId)).startsWith('fr');
    const summary = fetched.blocked
      ? (fr ? `${source.competitorName} : adresse refusée (${fetched.error})` : `${source.competitorName}: address refused (${fetched.error})`)
      : (fr ? `${source.competitorName} : ${failures} lectures échouées de suite (${fetched.error})` : `${source.competitorName}: ${failures} failed reads in a row (${fetched.error})`);
    alertIds.push(...await insertAlerts(em, source.tenantId, source.id, captureId, [{
      kind: 'fetch_failed', severity: 'warning', summary: summary.slice(0, 500),
      details: { error: fetched.error, blocked: fetched.blocked, failures, httpStatus: fetched.httpStatus },
      dedupKey: `fetch_failed:${source.id}:${captureId}`,
    }], now));
  }
  await sql(em, `update content.competitor_source set last_fetched_at = ?, last_status = ?, last_error = ? where id = ?`,
    [now.toISOString(), fetched.blocked ? 'blocked' : 'error', fetched.error.slice(0, 2000), source.id]);
  return { tenantId: source.tenantId, sourceId: source.id, status: fetched.blocked ? 'blocked' : 'failed', captureId, alertIds, error: fetched.error };
}

async function recordContent(em: EntityManager, source: SourceView, fetched: Extract<Fetched, { ok: true }>, now: Date): Promise<CaptureOutcome> {
  const { extraction } = fetched;
  const { content } = await latestCaptures(em, source.id);
  const storedKind = source.kind === 'page' ? 'page' : extraction.format;
  const noteFetch = (status: 'ok' | 'not_modified') =>
    sql(em, `update content.competitor_source set last_fetched_at = ?, last_status = ?, last_error = null, kind = ? where id = ?`,
      [now.toISOString(), status, storedKind, source.id]);
  if (content && content.content_hash === extraction.hash) {
    await noteFetch('not_modified');
    return { tenantId: source.tenantId, sourceId: source.id, status: 'unchanged', captureId: content.id as string, alertIds: [], error: null };
  }
  let diff: CaptureDiff | null = null;
  let drafts: AlertDraft[] = [];
  if (content) {
    const text = (content.text as string | null) ?? '';
    const previous = {
      paragraphs: text ? text.split('\n\n') : [],
      products: (content.products ?? []) as Product[],
      entries: (content.entries ?? []) as FeedEntry[],
    };
    diff = diffCaptures(previous, extraction);
    drafts = alertsFor(diff, {
      sourceId: source.id,
      competitorName: source.competitorName,
      priceThresholdPct: source.priceThresholdPct,
      watchesText: Boolean(source.selectors.text) || !source.selectors.name,
      previousParagraphs: previous.paragraphs.length,
      day: now.toISOString().slice(0, 10),
      locale: await tenantLocale(em, source.tenantId),
    });
  }
  const captureId = newId();
  let text = '';
  for (const p of extraction.paragraphs) {
    if (text.length + p.length + 2 > MAX_TEXT) break;
    text = text ? `${text}\n\n${p}` : p;
  }
  await sql(em,
    `insert into content.competitor_capture (id, tenant_id, source_id, previous_id, fetched_at, http_status, content_hash, text, entries, products, diff)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)`,
    [captureId, source.tenantId, source.id, content?.id ?? null, now.toISOString(), fetched.httpStatus, extraction.hash, text || null,
      JSON.stringify(extraction.entries), JSON.stringify(extraction.products), JSON.stringify(diff ?? {})]);
  const alertIds = await insertAlerts(em, source.tenantId, source.id, captureId, drafts, now);
  await noteFetch('ok');
  return { tenantId: source.tenantId, sourceId: source.id, status: content ? 'changed' : 'baseline', captureId, alertIds, error: null };
}

/** Locks the source row for the write; null when it was removed meanwhile. */
async function lockSource(em: EntityManager, sourceId: string): Promise<SourceView | null> {
  const [locked] = await sql(em, 'select id from content.competitor_source where id = ? for update', [sourceId]);
  if (!locked) return null;
  return getSource(em, sourceId);
}

export async function captureSource(run: TenantRunner, sourceId: string, deps: CaptureDeps): Promise<CaptureOutcome> {
  const source = await run((em) => getSource(em, sourceId));
  const fetched = await fetchSource(source, deps.fetch);
  return run(async (em) => {
    const current = await lockSource(em, source.id);
    if (!current) return { tenantId: source.tenantId, sourceId: source.id, status: 'gone', captureId: null, alertIds: [], error: null };
    // The time is taken under the lock, so captures of one source are ordered as they were recorded.
    const now = deps.now();
    return fetched.ok ? recordContent(em, current, fetched, now) : recordFailure(em, current, fetched, now);
  });
}

export interface DueSource {
  tenantId: string;
  sourceId: string;
}

/**
 * Active sources whose interval has passed (a minute of slack, so a source
 * due just after a sweep is not left to the next one), least recently fetched
 * first. Read within the caller's scope: a platform root sees every tenant.
 */
export async function dueSources(em: EntityManager, now: Date, limit: number): Promise<DueSource[]> {
  const rows = await sql<{ id: string; tenant_id: string }>(em,
    `select s.id, s.tenant_id from content.competitor_source s
      where s.active and (s.last_fetched_at is null or s.last_fetched_at + (s.interval_minutes - 1) * interval '1 minute' <= ?)
      order by s.last_fetched_at nulls first, s.id limit ?`, [now.toISOString(), limit]);
  return rows.map((r) => ({ tenantId: r.tenant_id, sourceId: r.id }));
}

/** What the selectors find on the page now, without recording anything (the "test selectors" preview). */
export async function previewSource(source: Pick<SourceView, 'kind' | 'url' | 'selectors'>, fetch: SafeFetch): Promise<{ httpStatus: number | null; extraction: Extraction | null; error: string | null }> {
  const fetched = await fetchSource(source, fetch);
  return fetched.ok ? { httpStatus: fetched.httpStatus, extraction: fetched.extraction, error: null } : { httpStatus: fetched.httpStatus, extraction: null, error: fetched.error };
}

