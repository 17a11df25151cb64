// A1: event collection. One event schema; an event id is recorded once per
// tenant: the receipt (analytics.event_receipt, not partitioned) is inserted
// first with "on conflict do nothing", and only a new receipt lets the event
// into the partitioned analytics.event — both in the caller's transaction, so
// a concurrent duplicate waits for the first and then sees it. UTM tags and ad
// click ids are lifted from the page URL and the properties into columns.
import { uuidArrayLiteral } from '@ensemble/tenancy/ids';
import type { EntityManager } from '@ensemble/db/orm';
import { AnalyticsEvent, type AnalyticsEventRow } from '@ensemble/db/analytics/event.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';

export interface RecordEventInput {
  /** client-generated UUID; a repeated id is recorded once */
  eventId: string;
  name: string;
  occurredAt?: Date | string | null;
  /** where the event comes from: 'web', 'server', 'import', … */
  source: string;
  anonymousId?: string | null;
  properties?: Record<string, unknown> | null;
  url?: string | null;
}

export interface RecordEventResult {
  event: AnalyticsEventRow;
  duplicate: boolean;
}

export const EVENT_NAME_PATTERN = /^[a-z][a-z0-9_.:-]{0,63}$/;
const SOURCE_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_PROPERTIES_BYTES = 16 * 1024;
const MAX_FUTURE_MS = 24 * 3600_000;
const MAX_AGE_MS = 400 * 24 * 3600_000;
const MAX_URL_LENGTH = 4096;
const MAX_TAG_LENGTH = 500;
const MAX_LIST = 500;

/** The query parameters lifted into columns, and their column names. */
const TRACKING_PARAMS = {
  utm_source: 'utmSource',
  utm_medium: 'utmMedium',
  utm_campaign: 'utmCampaign',
  utm_content: 'utmContent',
  utm_term: 'utmTerm',
  gclid: 'gclid',
  fbclid: 'fbclid',
  msclkid: 'msclkid',
  ttclid: 'ttclid',
} as const;

type TrackingColumn = (typeof TRACKING_PARAMS)[keyof typeof TRACKING_PARAMS];
export type TrackingFields = Partial<Record<TrackingColumn, string>>;

function tag(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed.slice(0, MAX_TAG_LENGTH) : undefined;
}

/**
 * UTM tags and click ids of an event. A value given in the properties
 * (snake_case or camelCase) wins over the URL's query: it is what the caller
 * meant, e.g. the campaign stored with the visitor's session.
 */
export function extractTracking(url: URL | null, properties: Record<string, unknown>): TrackingFields {
  const out: TrackingFields = {};
  for (const [param, column] of Object.entries(TRACKING_PARAMS) as Array<[string, TrackingColumn]>) {
    const value = tag(properties[param]) ?? tag(properties[column]) ?? tag(url?.searchParams.get(param));
    if (value) out[column] = value;
  }
  return out;
}

function parseOccurredAt(value: RecordEventInput['occurredAt'], now: Date): Date {
  if (value === undefined || value === null) return now;
  const date = value instanceof Date ? new Date(value.getTime()) : typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw badInput('occurredAt must be a valid date-time', 'occurredAt');
  if (date.getTime() > now.getTime() + MAX_FUTURE_MS) throw badInput('occurredAt is more than 24 hours in the future', 'occurredAt');
  if (date.getTime() < now.getTime() - MAX_AGE_MS) throw badInput('occurredAt is more than 400 days old', 'occurredAt');
  return date;
}

function parseUrl(value: string | null | undefined): URL | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) throw badInput(`url must be at most ${MAX_URL_LENGTH} characters`, 'url');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput('url must be an absolute http(s) URL', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput('url must be an absolute http(s) URL', 'url');
  return url;
}

function parseProperties(value: RecordEventInput['properties']): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badInput('properties must be a JSON object', 'properties');
  let serialised: string;
  try {
    serialised = JSON.stringify(value);
  } catch {
    throw badInput('properties must be serialisable as JSON', 'properties');
  }
  if (Buffer.byteLength(serialised, 'utf8') > MAX_PROPERTIES_BYTES) {
    throw badInput(`properties must be at most ${MAX_PROPERTIES_BYTES} bytes once serialised`, 'properties');
  }
  // Stored as the JSON it serialises to (drops undefined, functions…).
  return JSON.parse(serialised) as Record<string, unknown>;
}

interface ValidEvent {
  eventId: string;
  name: string;
  source: string;
  occurredAt: Date;
  anonymousId: string | null;
  properties: Record<string, unknown>;
  url: URL | null;
}

function validate(input: RecordEventInput, now: Date): ValidEvent {
  if (typeof input.eventId !== 'string' || !UUID.test(input.eventId)) throw badInput('eventId must be a UUID', 'eventId');
  if (typeof input.name !== 'string' || !EVENT_NAME_PATTERN.test(input.name)) {
    throw badInput('name must start with a lower-case letter and use only a-z, 0-9, "_", ".", ":" or "-" (64 characters at most)', 'name');
  }
  if (typeof input.source !== 'string' || !SOURCE_PATTERN.test(input.source)) {
    throw badInput('source must start with a lower-case letter and use only a-z, 0-9 or "_" (32 characters at most)', 'source');
  }
  const anonymousId = input.anonymousId ?? null;
  if (anonymousId !== null && (typeof anonymousId !== 'string' || anonymousId.length === 0 || anonymousId.length > 200)) {
    throw badInput('anonymousId must be a string of 1 to 200 characters', 'anonymousId');
  }
  return {
    eventId: input.eventId.toLowerCase(),
    name: input.name,
    source: input.source,
    occurredAt: parseOccurredAt(input.occurredAt, now),
    anonymousId,
    properties: parseProperties(input.properties),
    url: parseUrl(input.url),
  };
}

async function ensureTenantInScope(em: EntityManager, tenantId: string): Promise<void> {
  // RLS shows a tenant row only inside the transaction's scope: anything else reads as missing.
  const rows = typeof tenantId === 'string' && UUID.test(tenantId)
    ? await em.execute<Array<{ id: string }>>('select id from tenants.tenant where id = ?::uuid', [tenantId])
    : [];
  if (rows.length === 0) throw notFound('tenant');
}

/** Records one event, once per event id and tenant; a repeat returns the first recording with duplicate: true. */
export async function recordEvent(em: EntityManager, tenantId: string, input: RecordEventInput): Promise<RecordEventResult> {
  const event = validate(input, new Date());
  await ensureTenantInScope(em, tenantId);

  const receipt = await em.execute<Array<{ event_id: string }>>(
    `insert into analytics.event_receipt (tenant_id, event_id, occurred_at) values (?::uuid, ?::uuid, ?::timestamptz)
     on conflict (tenant_id, event_id) do nothing returning event_id`,
    [tenantId, event.eventId, event.occurredAt.toISOString()]);

  if (receipt.length === 0) {
    const [first] = await em.execute<Array<{ occurred_at: Date | string }>>(
      'select occurred_at from analytics.event_receipt where tenant_id = ?::uuid and event_id = ?::uuid', [tenantId, event.eventId]);
    const original = first
      ? await em.findOne(AnalyticsEvent, { tenantId, eventId: event.eventId, occurredAt: new Date(first.occurred_at) })
      : null;
    if (!original) throw new AppError('CONFLICT', 'This event id was already recorded and the event has since been erased.');
    return { event: original, duplicate: true };
  }

  const referrer = tag(event.properties['referrer']) ?? null;
  const row = em.create(AnalyticsEvent, {
    eventId: event.eventId,
    tenantId,
    occurredAt: event.occurredAt,
    receivedAt: new Date(),
    name: event.name,
    source: event.source,
    anonymousId: event.anonymousId,
    properties: event.properties,
    url: event.url ? event.url.toString() : null,
    referrer,
    ...extractTracking(event.url, event.properties),
  });
  await em.flush();
  return { event: row, duplicate: false };
}

/** The tenant's latest events, newest first. */
export async function listEvents(em: EntityManager, tenantId: string, limit: number): Promise<AnalyticsEventRow[]> {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST) throw badInput(`limit must be between 1 and ${MAX_LIST}`, 'limit');
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) return [];
  return em.find(AnalyticsEvent, { tenantId }, { orderBy: { occurredAt: 'desc', eventId: 'desc' }, limit });
}

/** How many events the tenant recorded, optionally since a date and of one name. */
/** Event counts of many tenants in one statement (federated lists of tenants). */
export async function countEventsByTenant(em: EntityManager, tenantIds: readonly string[]): Promise<Map<string, number>> {
  const ids = tenantIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return new Map();
  const rows = await em.getConnection().execute<{ tenant_id: string; n: string }[]>(
    'select tenant_id, count(*) as n from analytics.event where tenant_id = any(?::uuid[]) group by tenant_id',
    [uuidArrayLiteral(ids)], 'all', em.getTransactionContext());
  return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
}

export async function countEvents(em: EntityManager, tenantId: string, filter: { since?: Date | null; name?: string | null } = {}): Promise<number> {
  if (filter.since != null && (!(filter.since instanceof Date) || Number.isNaN(filter.since.getTime()))) throw badInput('since must be a valid date', 'since');
  if (filter.name != null && !EVENT_NAME_PATTERN.test(filter.name)) throw badInput('name is not a valid event name', 'name');
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) return 0;
  return em.count(AnalyticsEvent, {
    tenantId,
    ...(filter.since ? { occurredAt: { $gte: filter.since } } : {}),
    ...(filter.name ? { name: filter.name } : {}),
  });
}
