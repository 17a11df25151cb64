import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** B3/B4: who pays (the payment provider's customer). */
export const Customer = defineEntity({
  name: 'Customer',
  tableName: 'billing.customer',
  properties: {
    tenantId: p.uuid().primary(),
    provider: p.enum(['stripe', 'manual'] as const).default('stripe'),
    externalCustomerId: p.text().nullable(),
    billingName: p.text(),
    billingEmail: p.text(),
    address: p.json<Record<string, unknown>>().onCreate(() => ({})),
    taxId: p.text().nullable(),
    locale: p.text().default('en'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CustomerRow = InstanceType<typeof Customer.class>;

/**
 * B1: client ↔ plan. price_minor is the retail price agreed when subscribing
 * (upgrades/downgrades record a subscription_change with the proration).
 */
export const Subscription = defineEntity({
  name: 'Subscription',
  tableName: 'billing.subscription',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    planId: p.uuid(),
    status: p.enum(['trialing', 'active', 'past_due', 'paused', 'cancelled'] as const),
    interval: p.enum(['month', 'year'] as const).default('month'),
    currency: p.character().length(3),
    priceMinor: p.bigint('number'),
    sellerTenantId: p.uuid(),
    currentPeriodStart: p.datetime(),
    currentPeriodEnd: p.datetime(),
    trialEndsAt: p.datetime().nullable(),
    cancelAtPeriodEnd: p.boolean().default(false),
    pausedAt: p.datetime().nullable(),
    cancelledAt: p.datetime().nullable(),
    externalId: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type SubscriptionRow = InstanceType<typeof Subscription.class>;

/** B1: an upgrade, downgrade, pause, resume or cancellation, with its proration. */
export const SubscriptionChange = defineEntity({
  name: 'SubscriptionChange',
  tableName: 'billing.subscription_change',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    subscriptionId: p.uuid(),
    kind: p.enum(['upgrade', 'downgrade', 'cancel', 'pause', 'resume', 'renew', 'interval_change'] as const),
    fromPlanId: p.uuid().nullable(),
    toPlanId: p.uuid().nullable(),
    prorationMinor: p.bigint('number').default(0),
    currency: p.character().length(3),
    effectiveAt: p.datetime(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type SubscriptionChangeRow = InstanceType<typeof SubscriptionChange.class>;
