import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * A3/A4/A6: a conversion, keyed by the event that recorded it (the same
 * event_id is forwarded to ad platforms for their dedup).
 */
export const Conversion = defineEntity({
  name: 'Conversion',
  tableName: 'analytics.conversion',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    eventId: p.uuid(),
    name: p.enum(['lead', 'signup', 'purchase', 'booking', 'call', 'form_submit', 'deal_won'] as const),
    occurredAt: p.datetime(),
    valueMinor: p.bigint('number').nullable(),
    currency: p.character().length(3).nullable(),
    anonymousId: p.text().nullable(),
    contactId: p.uuid().nullable(),
    sessionId: p.uuid().nullable(),
    utmSource: p.text().nullable(),
    utmMedium: p.text().nullable(),
    utmCampaign: p.text().nullable(),
    qualified: p.boolean().default(false),
    source: p.enum(['event', 'crm', 'manual', 'pos', 'ecommerce'] as const).default('event'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ConversionRow = InstanceType<typeof Conversion.class>;

/** A4: one computation of one model over a period; credits per channel/campaign. */
export const AttributionRun = defineEntity({
  name: 'AttributionRun',
  tableName: 'analytics.attribution_run',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    model: p.enum(['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov', 'shapley'] as const),
    lookbackDays: p.integer(),
    periodStart: p.date(),
    periodEnd: p.date(),
    conversionName: p.text().nullable(),
    parameters: p.json<Record<string, unknown>>().onCreate(() => ({})),
    conversions: p.integer().default(0),
    computedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AttributionRunRow = InstanceType<typeof AttributionRun.class>;

/** A4: the credit one attribution run gives a channel/source/campaign. */
export const AttributionCredit = defineEntity({
  name: 'AttributionCredit',
  tableName: 'analytics.attribution_credit',
  properties: {
    tenantId: p.uuid().primary(),
    runId: p.uuid().primary(),
    channel: p.text().primary(),
    utmSource: p.text().primary().default(''),
    utmCampaign: p.text().primary().default(''),
    conversions: p.decimal('number'),
    valueMinor: p.decimal('number').default(0),
    currency: p.text().primary().default(''),
  },
});
export type AttributionCreditRow = InstanceType<typeof AttributionCredit.class>;
