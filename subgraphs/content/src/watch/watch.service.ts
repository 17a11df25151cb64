// C11: competitors, their sources (feeds and pages with selectors), captures
// and alerts, as the caller's tenant sees them. Every function takes an `em`
// already inside withTenant: row-level security bounds every statement, so
// another client's source, capture or alert is NOT_FOUND like a missing one.
//
// A source's URL is checked by the ingest package's parsePublicUrl before it is
// saved (no private, loopback or internal destinations, no credentials, no odd
// ports); the fetch checks every DNS answer again at connect time.
import type { EntityManager } from '@ensemble/db/orm';
import { parsePublicUrl } from '@ensemble/ingest/safe-fetch';
import { planLimit, planTerms } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import { sql, toDate, toDateOrNull, type Row } from '../pipeline/sql.ts';
import type { CaptureDiff } from './watch-diff.ts';
import { validateSelectors, type FeedEntry, type PageSelectors, type Product } from './watch-extract.ts';

export type SourceKind = 'feed' | 'page';
export type StoredKind = 'rss' | 'atom' | 'page';
export type SourceStatus = 'ok' | 'not_modified' | 'error' | 'blocked';

export const MIN_INTERVAL_MINUTES = 15;
export const MAX_INTERVAL_MINUTES = 7 * 24 * 60;
export const DEFAULT_INTERVAL_MINUTES = 24 * 60;
export const DEFAULT_PRICE_THRESHOLD = 5;

export interface SourceInput {
  competitorName: string;
  website?: string | null;
  kind: 'FEED' | 'PAGE';
  url: string;
  selectors?: PageSelectors | null;
  intervalMinutes?: number | null;
  priceThresholdPercent?: number | null;
  active?: boolean | null;
}

export interface SourceUpdate {
  url?: string | null;
  selectors?: PageSelectors | null;
  intervalMinutes?: number | null;
  priceThresholdPercent?: number | null;
  active?: boolean | null;
}

export interface SourceView {
  id: string;
  tenantId: string;
  competitorId: string;
  competitorName: string;
  competitorWebsite: string | null;
  kind: SourceKind;
  /** rss or atom once a feed was read; null for pages and unread feeds */
  feedFormat: 'rss' | 'atom' | null;
  url: string;
  selectors: PageSelectors;
  intervalMinutes: number;
  priceThresholdPct: number;
  active: boolean;
  lastFetchedAt: Date | null;
  lastStatus: SourceStatus | null;
  lastError: string | null;
  createdAt: Date;
}

export interface CaptureView {
  id: string;
  sourceId: string;
  previousId: string | null;
  fetchedAt: Date;
  httpStatus: number | null;
  contentHash: string | null;
  paragraphs: string[];
  entries: FeedEntry[];
  products: Product[];
  diff: CaptureDiff | null;
  error: string | null;
  /** consecutive failed fetches this error capture stands for */
  failures: number;
}

export interface AlertView {
  id: string;
  tenantId: string;
  sourceId: string;
  captureId: string;
  kind: string;
  severity: string;
  summary: string;
  details: Record<string, unknown>;
  readAt: Date | null;
  createdAt: Date;
  emailedAt: Date | null;
  emailsSent: number;
  competitorName: string;
  sourceUrl: string;
}

const SOURCE_SELECT = `
  select s.id, s.tenant_id, s.competitor_id, c.name as competitor_name, c.website as competitor_website, s.kind, s.url, s.selectors,
         s.interval_minutes, s.price_threshold_pct, s.active, s.last_fetched_at, s.last_status, s.last_error, s.created_at,
         exists (select 1 from content.competitor_capture k where k.tenant_id = s.tenant_id and k.source_id = s.id and k.content_hash is not null) as has_content
    from content.competitor_source s
    join content.competitor c on c.tenant_id = s.tenant_id and c.id = s.competitor_id`;

export function sourceFrom(row: Row): SourceView {
  const kind = row.kind as StoredKind;
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    competitorId: row.competitor_id as string,
    competitorName: row.competitor_name as string,
    competitorWebsite: (row.competitor_website as string | null) ?? null,
    kind: kind === 'page' ? 'page' : 'feed',
    // Known once a capture read the feed (it is stored as rss until then).
    feedFormat: kind === 'page' || !row.has_content ? null : kind,
    url: row.url as string,
    selectors: (row.selectors ?? {}) as PageSelectors,
    intervalMinutes: Number(row.interval_minutes),
    priceThresholdPct: Number(row.price_threshold_pct),
    active: Boolean(row.active),
    lastFetchedAt: toDateOrNull(row.last_fetched_at),
    lastStatus: (row.last_status as SourceStatus | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
    createdAt: toDate(row.created_at),
  };
}

/** The tenant's own sources (a distributor enters a client to see its watch). */
export async function listSources(em: EntityManager, tenantId: string): Promise<SourceView[]> {
  const rows = await sql(em, `${SOURCE_SELECT} where s.tenant_id = ? order by c.name, s.created_at, s.id`, [tenantId]);
  return rows.map(sourceFrom);
}

export async function findSource(em: EntityManager, id: string): Promise<SourceView | null> {
  if (!isUuid(id)) return null;
  const [row] = await sql(em, `${SOURCE_SELECT} where s.id = ?`, [id]);
  return row ? sourceFrom(row) : null;
}

export async function getSource(em: EntityManager, id: string): Promise<SourceView> {
  const source = await findSource(em, id);
  if (!source) throw notFound('Competitor source');
  return source;
}

function checkUrl(raw: string): string {
  if (typeof raw !== 'string' || raw.trim().length === 0) throw badInput('Give the address to watch', 'url');
  if (raw.length > 2000) throw badInput('The address must be at most 2000 characters', 'url');
  try {
    return parsePublicUrl(raw).href;
  } catch (error) {
    const e = error as AppError;
    throw new AppError('BAD_USER_INPUT', e.message, { ...e.extensions, field: 'url' });
  }
}

function checkInterval(value: number | null | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < MIN_INTERVAL_MINUTES || v > MAX_INTERVAL_MINUTES) {
    throw badInput(`The interval must be a whole number of minutes between ${MIN_INTERVAL_MINUTES} and ${MAX_INTERVAL_MINUTES} (a week)`, 'intervalMinutes');
  }
  return v;
}

function checkThreshold(value: number | null | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) throw badInput('The price threshold is a percentage between 0 and 100', 'priceThresholdPercent');
  return Math.round(v * 100) / 100;
}

function checkCompetitor(name: string, website: string | null | undefined): { name: string; website: string | null } {
  const n = (name ?? '').replace(/\s+/g, ' ').trim();
  if (!n) throw badInput('Name the competitor', 'competitorName');
  if (n.length > 200) throw badInput('The competitor name must be at most 200 characters', 'competitorName');
  let site: string | null = null;
  if (website?.trim()) {
    try {
      site = parsePublicUrl(website).href;
    } catch (error) {
      throw new AppError('BAD_USER_INPUT', (error as AppError).message, { field: 'website' });
    }
  }
  return { name: n, website: site };
}

/** A competitor by name, created when new; the plan's `competitors` limit counts watched competitors. */
async function competitorFor(em: EntityManager, tenantId: string, name: string, website: string | null): Promise<string> {
  const [existing] = await sql<{ id: string }>(em, 'select id from content.competitor where tenant_id = ? and name = ?', [tenantId, name]);
  if (existing) {
    if (website) await sql(em, 'update content.competitor set website = coalesce(website, ?) where id = ?', [website, existing.id]);
    return existing.id;
  }
  // Serialises concurrent additions of the same tenant, so the limit holds.
  await sql(em, `select pg_advisory_xact_lock(hashtext('competitor-watch:' || ?))`, [tenantId]);
  const limit = planLimit(await planTerms(em, tenantId), 'competitors');
  if (limit !== null) {
    const [{ n }] = (await sql<{ n: string }>(em,
      `select count(*) as n from content.competitor c where c.tenant_id = ?
          and exists (select 1 from content.competitor_source s where s.tenant_id = c.tenant_id and s.competitor_id = c.id)`, [tenantId])) as [{ n: string }];
    if (Number(n) >= limit) {
      throw new AppError('FORBIDDEN', `Your plan watches at most ${limit} competitor${limit === 1 ? '' : 's'}; add sources to a competitor you already watch, or change plan.`, { reason: 'plan_limit', limit });
    }
  }
  const id = newId();
  await sql(em, `insert into content.competitor (id, tenant_id, name, website) values (?, ?, ?, ?)
                 on conflict (tenant_id, name) do nothing`, [id, tenantId, name, website]);
  const [row] = await sql<{ id: string }>(em, 'select id from content.competitor where tenant_id = ? and name = ?', [tenantId, name]);
  return row!.id;
}

async function urlTaken(em: EntityManager, tenantId: string, url: string, except: string | null): Promise<void> {
  const [row] = await sql(em, 'select 1 from content.competitor_source where tenant_id = ? and url = ? and id <> coalesce(?::uuid, \'00000000-0000-0000-0000-000000000000\')', [tenantId, url, except]);
  if (row) throw new AppError('CONFLICT', 'This address is already watched', { field: 'url' });
}

export async function addSource(em: EntityManager, tenantId: string, input: SourceInput): Promise<SourceView> {
  if (input.kind !== 'FEED' && input.kind !== 'PAGE') throw badInput('A source is a FEED or a PAGE', 'kind');
  const kind: SourceKind = input.kind === 'FEED' ? 'feed' : 'page';
  const url = checkUrl(input.url);
  const selectors = validateSelectors(input.selectors, kind);
  const interval = checkInterval(input.intervalMinutes, DEFAULT_INTERVAL_MINUTES);
  const threshold = checkThreshold(input.priceThresholdPercent, DEFAULT_PRICE_THRESHOLD);
  const competitor = checkCompetitor(input.competitorName, input.website);
  await urlTaken(em, tenantId, url, null);
  const competitorId = await competitorFor(em, tenantId, competitor.name, competitor.website);
  const id = newId();
  // A feed is stored as rss until its first read says whether it is Atom.
  await sql(em,
    `insert into content.competitor_source (id, tenant_id, competitor_id, kind, url, selectors, interval_minutes, price_threshold_pct, active)
     values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)`,
    [id, tenantId, competitorId, kind === 'feed' ? 'rss' : 'page', url, JSON.stringify(selectors), interval, threshold, input.active ?? true]);
  return getSource(em, id);
}

export async function updateSource(em: EntityManager, id: string, input: SourceUpdate): Promise<SourceView> {
  const source = await getSource(em, id);
  const url = input.url !== undefined && input.url !== null ? checkUrl(input.url) : source.url;
  const selectors = input.selectors !== undefined && input.selectors !== null ? validateSelectors(input.selectors, source.kind) : source.selectors;
  const interval = checkInterval(input.intervalMinutes, source.intervalMinutes);
  const threshold = checkThreshold(input.priceThresholdPercent, source.priceThresholdPct);
  if (url !== source.url) await urlTaken(em, source.tenantId, url, source.id);
  await sql(em,
    `update content.competitor_source set url = ?, selectors = ?::jsonb, interval_minutes = ?, price_threshold_pct = ?, active = ? where id = ?`,
    [url, JSON.stringify(selectors), interval, threshold, input.active ?? source.active, source.id]);
  return getSource(em, id);
}

/** Removes the source with its captures and alerts (the competitor stays). */
export async function removeSource(em: EntityManager, id: string): Promise<boolean> {
  const source = await getSource(em, id);
  await sql(em, 'delete from content.competitor_source where id = ?', [source.id]);
  return true;
}

export interface CompetitorView {
  id: string;
  tenantId: string;
  name: string;
  website: string | null;
  notes: string;
  unreadAlerts: number;
}

export async function listCompetitors(em: EntityManager, tenantId: string): Promise<CompetitorView[]> {
  const rows = await sql(em,
    `select c.id, c.tenant_id, c.name, c.website, c.notes,
            (select count(*) from content.competitor_alert a join content.competitor_source s on s.tenant_id = a.tenant_id and s.id = a.source_id
              where a.tenant_id = c.tenant_id and s.competitor_id = c.id and a.read_at is null) as unread
       from content.competitor c where c.tenant_id = ? order by c.name`, [tenantId]);
  return rows.map((r) => ({
    id: r.id as string, tenantId: r.tenant_id as string, name: r.name as string, website: (r.website as string | null) ?? null,
    notes: (r.notes as string) ?? '', unreadAlerts: Number(r.unread),
  }));
}

export function captureFrom(row: Row): CaptureView {
  const diff = (row.diff ?? {}) as Record<string, unknown>;
  const text = (row.text as string | null) ?? '';
  return {
    id: row.id as string,
    sourceId: row.source_id as string,
    previousId: (row.previous_id as string | null) ?? null,
    fetchedAt: toDate(row.fetched_at),
    httpStatus: row.http_status === null || row.http_status === undefined ? null : Number(row.http_status),
    contentHash: (row.content_hash as string | null) ?? null,
    paragraphs: text ? text.split('\n\n') : [],
    entries: (row.entries ?? []) as FeedEntry[],
    products: (row.products ?? []) as Product[],
    diff: 'added_paragraphs' in diff ? (diff as unknown as CaptureDiff) : null,
    error: (row.error as string | null) ?? null,
    failures: typeof diff.failures === 'number' ? diff.failures : row.error ? 1 : 0,
  };
}

const CAPTURE_COLUMNS = 'id, source_id, previous_id, fetched_at, http_status, content_hash, text, entries, products, diff, error';

/** Newest first. */
export async function listCaptures(em: EntityManager, sourceId: string, limit: number): Promise<CaptureView[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badInput('limit must be between 1 and 200', 'limit');
  const source = await getSource(em, sourceId);
  const rows = await sql(em, `select ${CAPTURE_COLUMNS} from content.competitor_capture where source_id = ? order by fetched_at desc, id desc limit ?`, [source.id, limit]);
  return rows.map(captureFrom);
}

export async function getCapture(em: EntityManager, id: string): Promise<CaptureView> {
  const [row] = isUuid(id) ? await sql(em, `select ${CAPTURE_COLUMNS} from content.competitor_capture where id = ?`, [id]) : [];
  if (!row) throw notFound('Capture');
  return captureFrom(row);
}

const ALERT_SELECT = `
  select a.id, a.tenant_id, a.source_id, a.capture_id, a.kind, a.severity, a.summary, a.details, a.read_at, a.created_at, a.emailed_at,
         c.name as competitor_name, s.url as source_url,
         (select count(*) from content.competitor_alert_email e where e.tenant_id = a.tenant_id and e.alert_id = a.id and e.status = 'sent') as emails_sent
    from content.competitor_alert a
    join content.competitor_source s on s.tenant_id = a.tenant_id and s.id = a.source_id
    join content.competitor c on c.tenant_id = s.tenant_id and c.id = s.competitor_id`;

export function alertFrom(row: Row): AlertView {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    sourceId: row.source_id as string,
    captureId: row.capture_id as string,
    kind: row.kind as string,
    severity: row.severity as string,
    summary: row.summary as string,
    details: (row.details ?? {}) as Record<string, unknown>,
    readAt: toDateOrNull(row.read_at),
    createdAt: toDate(row.created_at),
    emailedAt: toDateOrNull(row.emailed_at),
    emailsSent: Number(row.emails_sent ?? 0),
    competitorName: row.competitor_name as string,
    sourceUrl: row.source_url as string,
  };
}

export interface AlertFilter {
  unreadOnly?: boolean | null;
  sourceId?: string | null;
  limit?: number | null;
}

/** The tenant's alerts, newest first. */
export async function listAlerts(em: EntityManager, tenantId: string, filter: AlertFilter = {}): Promise<AlertView[]> {
  const limit = filter.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput('limit must be between 1 and 500', 'limit');
  if (filter.sourceId) await getSource(em, filter.sourceId);
  const rows = await sql(em,
    `${ALERT_SELECT} where a.tenant_id = ? and (? = false or a.read_at is null) and (?::uuid is null or a.source_id = ?::uuid)
      order by a.created_at desc, a.id desc limit ?`,
    [tenantId, filter.unreadOnly === true, filter.sourceId ?? null, filter.sourceId ?? null, limit]);
  return rows.map(alertFrom);
}

export async function unreadAlertCount(em: EntityManager, tenantId: string): Promise<number> {
  const [row] = await sql<{ n: string }>(em, 'select count(*) as n from content.competitor_alert where tenant_id = ? and read_at is null', [tenantId]);
  return Number(row?.n ?? 0);
}

export async function getAlert(em: EntityManager, id: string): Promise<AlertView> {
  const [row] = isUuid(id) ? await sql(em, `${ALERT_SELECT} where a.id = ?`, [id]) : [];
  if (!row) throw notFound('Alert');
  return alertFrom(row);
}

/** Marks one alert read (or unread again); the first reading time is kept. */
export async function markAlertRead(em: EntityManager, id: string, read = true): Promise<AlertView> {
  const alert = await getAlert(em, id);
  await sql(em, `update content.competitor_alert set read_at = case when ? then coalesce(read_at, now()) else null end where id = ?`, [read, alert.id]);
  return getAlert(em, id);
}

export async function markAllAlertsRead(em: EntityManager, tenantId: string): Promise<number> {
  const rows = await sql(em, 'update content.competitor_alert set read_at = now() where tenant_id = ? and read_at is null returning id', [tenantId]);
  return rows.length;
}
