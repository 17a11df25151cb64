import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** A3: where qualified conversions are forwarded (credentials in the connection). */
export const ForwardingDestination = defineEntity({
  name: 'ForwardingDestination',
  tableName: 'analytics.forwarding_destination',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['ga4', 'meta_capi', 'google_ads'] as const),
    name: p.text(),
    connectionId: p.uuid().nullable(),
    settings: p.json<Record<string, unknown>>().onCreate(() => ({})),
    conversionNames: p.array().columnType('text[]').onCreate(() => []),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ForwardingDestinationRow = InstanceType<typeof ForwardingDestination.class>;

/** A3/W6: each try of each forwarding; status 'dead' is a visible dead letter. */
export const ForwardingAttempt = defineEntity({
  name: 'ForwardingAttempt',
  tableName: 'analytics.forwarding_attempt',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    conversionId: p.uuid(),
    destinationId: p.uuid(),
    attempt: p.integer(),
    status: p.enum(['pending', 'sent', 'failed', 'dead'] as const).default('pending'),
    request: p.json<Record<string, unknown>>().onCreate(() => ({})),
    responseStatus: p.integer().nullable(),
    responseBody: p.text().nullable(),
    error: p.text().nullable(),
    nextAttemptAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
  },
});
export type ForwardingAttemptRow = InstanceType<typeof ForwardingAttempt.class>;
