import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * C11: competitor watch: sources (feeds, pages with selectors), captures with
 * diffs of text, prices and products, alerts.
 */
export const Competitor = defineEntity({
  name: 'Competitor',
  tableName: 'content.competitor',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    name: p.text(),
    website: p.text().nullable(),
    notes: p.text().default(''),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CompetitorRow = InstanceType<typeof Competitor.class>;

/**
 * C11: an RSS/Atom feed or a web page (with selectors for product and price) fetched on a
 * schedule.
 */
export const CompetitorSource = defineEntity({
  name: 'CompetitorSource',
  tableName: 'content.competitor_source',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    competitorId: p.uuid(),
    kind: p.enum(['rss', 'atom', 'page'] as const),
    url: p.text(),
    selectors: p.json<Record<string, unknown>>().onCreate(() => ({})),
    intervalMinutes: p.integer().default(1440),
    active: p.boolean().default(true),
    etag: p.text().nullable(),
    lastModified: p.text().nullable(),
    lastFetchedAt: p.datetime().nullable(),
    lastStatus: p.enum(['ok', 'not_modified', 'error', 'blocked'] as const).nullable(),
    /** 0019: a price change of at least this many percent raises an alert */
    priceThresholdPct: p.decimal('number').default(5),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CompetitorSourceRow = InstanceType<typeof CompetitorSource.class>;

/** C11: one fetch of a source, with the diff against the previous capture. */
export const CompetitorCapture = defineEntity({
  name: 'CompetitorCapture',
  tableName: 'content.competitor_capture',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    sourceId: p.uuid(),
    previousId: p.uuid().nullable(),
    fetchedAt: p.datetime().onCreate(() => new Date()),
    httpStatus: p.integer().nullable(),
    contentHash: p.text().nullable(),
    text: p.text().nullable(),
    entries: p.json<unknown[]>().onCreate(() => []),
    products: p.json<unknown[]>().onCreate(() => []),
    diff: p.json<Record<string, unknown>>().onCreate(() => ({})),
    error: p.text().nullable(),
  },
});
export type CompetitorCaptureRow = InstanceType<typeof CompetitorCapture.class>;

/** C11: an alert raised by a capture (new entry, text/price/product change, failure). */
export const CompetitorAlert = defineEntity({
  name: 'CompetitorAlert',
  tableName: 'content.competitor_alert',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    sourceId: p.uuid(),
    captureId: p.uuid(),
    kind: p.enum(['new_entry', 'text_changed', 'price_changed', 'product_added', 'product_removed', 'fetch_failed'] as const),
    severity: p.enum(['info', 'warning', 'important'] as const).default('info'),
    summary: p.text(),
    details: p.json<Record<string, unknown>>().onCreate(() => ({})),
    readAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** 0019: the same change is reported once (see the migration) */
    dedupKey: p.text(),
    emailedAt: p.datetime().nullable(),
  },
});
export type CompetitorAlertRow = InstanceType<typeof CompetitorAlert.class>;

/** C11 (0019): one alert e-mailed to one administrator, claimed before the SMTP call. */
export const CompetitorAlertEmail = defineEntity({
  name: 'CompetitorAlertEmail',
  tableName: 'content.competitor_alert_email',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    alertId: p.uuid(),
    userId: p.uuid(),
    address: p.text(),
    idempotencyKey: p.text(),
    status: p.enum(['sending', 'sent', 'failed'] as const).default('sending'),
    messageId: p.text().nullable(),
    attempts: p.integer().default(1),
    error: p.text().nullable(),
    claimedAt: p.datetime().onCreate(() => new Date()),
    createdAt: p.datetime().onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
});
export type CompetitorAlertEmailRow = InstanceType<typeof CompetitorAlertEmail.class>;
