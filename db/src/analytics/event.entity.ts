import { defineEntity, p } from '@mikro-orm/postgresql';

/**
 * A1/A2: one event schema. Partitioned by month on occurred_at; partitions are
 * created by analytics.ensure_event_partitions() and carry the same forced RLS
 * as the parent (a partition read directly is a table of its own).
 */
export const AnalyticsEvent = defineEntity({
  name: 'AnalyticsEvent',
  tableName: 'analytics.event',
  properties: {
    eventId: p.uuid().primary(),
    tenantId: p.uuid().primary(),
    occurredAt: p.datetime().primary(),
    receivedAt: p.datetime().onCreate(() => new Date()),
    name: p.text(),
    source: p.text(),
    anonymousId: p.text().nullable(),
    contactId: p.uuid().nullable(),
    sessionId: p.uuid().nullable(),
    properties: p.json<Record<string, unknown>>().onCreate(() => ({})),
    url: p.text().nullable(),
    referrer: p.text().nullable(),
    utmSource: p.text().nullable(),
    utmMedium: p.text().nullable(),
    utmCampaign: p.text().nullable(),
    utmContent: p.text().nullable(),
    utmTerm: p.text().nullable(),
    gclid: p.text().nullable(),
    fbclid: p.text().nullable(),
    msclkid: p.text().nullable(),
    ttclid: p.text().nullable(),
  },
});
export type AnalyticsEventRow = InstanceType<typeof AnalyticsEvent.class>;

/**
 * A1: dedup by event_id. Insert here first (on conflict do nothing); only a
 * new receipt lets the event in. Not partitioned, so the key is global per tenant.
 * occurred_at, when given, finds the event's partition from its id.
 */
export const EventReceipt = defineEntity({
  name: 'EventReceipt',
  tableName: 'analytics.event_receipt',
  properties: {
    tenantId: p.uuid().primary(),
    eventId: p.uuid().primary(),
    occurredAt: p.datetime().nullable(),
    receivedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type EventReceiptRow = InstanceType<typeof EventReceipt.class>;
