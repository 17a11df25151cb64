import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T13: outgoing webhooks (Standard Webhooks). An endpoint belongs to a tenant
 * (client or distributor, whose endpoint may cover its subtree). One delivery
 * per (endpoint, message); message_id is the webhook-id header, stable across
 * retries and replays. Attempts are logged one row each.
 */
export const WebhookEndpoint = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'tenants.webhook_endpoint',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    url: p.text(),
    description: p.text().default(''),
    eventTypes: p.array().columnType('text[]'),
    includeSubtree: p.boolean().default(false),
    encryptedSecret: p.blob().hidden(),
    keyId: p.text(),
    status: p.enum(['active', 'disabled'] as const).default('active'),
    consecutiveFailures: p.integer().default(0),
    disabledReason: p.text().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type WebhookEndpointRow = InstanceType<typeof WebhookEndpoint.class>;

/** T13: one event message to one endpoint; retried with exponential backoff, replayable. */
export const WebhookDelivery = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'tenants.webhook_delivery',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    endpointId: p.uuid(),
    messageId: p.uuid(),
    eventType: p.text(),
    sourceTenantId: p.uuid(),
    payload: p.json<Record<string, unknown>>(),
    status: p.enum(['pending', 'succeeded', 'failed', 'dead'] as const).default('pending'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    deliveredAt: p.datetime().nullable(),
  },
});
export type WebhookDeliveryRow = InstanceType<typeof WebhookDelivery.class>;

/** T13: one HTTP attempt of a delivery (the delivery log). */
export const WebhookAttempt = defineEntity({
  name: 'WebhookAttempt',
  tableName: 'tenants.webhook_attempt',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    deliveryId: p.uuid(),
    attempt: p.integer(),
    statusCode: p.integer().nullable(),
    responseBody: p.text().nullable(),
    durationMs: p.integer().nullable(),
    error: p.text().nullable(),
    attemptedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type WebhookAttemptRow = InstanceType<typeof WebhookAttempt.class>;
