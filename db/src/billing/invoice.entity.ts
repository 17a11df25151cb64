import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * B3: invoices, created from events (renewal, top-up, deal won, booking
 * confirmed) exactly once per idempotency key; draft → finalised → paid.
 * tenant_id is the billed tenant; the issuer numbers its invoices through
 * invoice_counter (one sequence per issuer and year, row-locked).
 */
export const InvoiceCounter = defineEntity({
  name: 'InvoiceCounter',
  tableName: 'billing.invoice_counter',
  properties: {
    tenantId: p.uuid().primary(),
    year: p.integer().primary(),
    prefix: p.text().default(''),
    lastNumber: p.integer().default(0),
  },
});
export type InvoiceCounterRow = InstanceType<typeof InvoiceCounter.class>;

/**
 * B3: an invoice of the billed tenant, created from an event exactly once per idempotency key;
 * draft → finalised → paid.
 */
export const Invoice = defineEntity({
  name: 'Invoice',
  tableName: 'billing.invoice',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    sellerTenantId: p.uuid(),
    number: p.text().nullable(),
    status: p.enum(['draft', 'finalised', 'paid', 'void', 'uncollectible'] as const).default('draft'),
    currency: p.character().length(3),
    subtotalMinor: p.bigint('number').default(0),
    taxRateBp: p.integer().default(0),
    taxMinor: p.bigint('number').default(0),
    totalMinor: p.bigint('number').default(0),
    amountPaidMinor: p.bigint('number').default(0),
    locale: p.text(),
    sourceKind: p.enum(['subscription_renewal', 'subscription_change', 'topup', 'deal_won', 'booking_confirmed', 'manual'] as const),
    sourceRef: p.text().nullable(),
    idempotencyKey: p.text(),
    subscriptionId: p.uuid().nullable(),
    periodStart: p.datetime().nullable(),
    periodEnd: p.datetime().nullable(),
    externalId: p.text().nullable(),
    finalisedAt: p.datetime().nullable(),
    dueAt: p.datetime().nullable(),
    paidAt: p.datetime().nullable(),
    voidedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type InvoiceRow = InstanceType<typeof Invoice.class>;

/** B3: a line of an invoice. */
export const InvoiceLine = defineEntity({
  name: 'InvoiceLine',
  tableName: 'billing.invoice_line',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    invoiceId: p.uuid(),
    position: p.integer(),
    kind: p.enum(['subscription', 'proration', 'topup', 'usage', 'deal', 'booking', 'discount', 'other'] as const),
    description: p.text(),
    quantity: p.integer().default(1),
    unitAmountMinor: p.bigint('number'),
    amountMinor: p.bigint('number'),
    planId: p.uuid().nullable(),
    periodStart: p.datetime().nullable(),
    periodEnd: p.datetime().nullable(),
  },
});
export type InvoiceLineRow = InstanceType<typeof InvoiceLine.class>;

/** B3: a payment of an invoice through the provider, with an idempotency key. */
export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'billing.payment',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    invoiceId: p.uuid(),
    provider: p.enum(['stripe', 'manual', 'bank_transfer'] as const),
    providerPaymentId: p.text().nullable(),
    idempotencyKey: p.text(),
    amountMinor: p.bigint('number'),
    currency: p.character().length(3),
    status: p.enum(['pending', 'succeeded', 'failed', 'refunded'] as const).default('pending'),
    failureReason: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    succeededAt: p.datetime().nullable(),
  },
});
export type PaymentRow = InstanceType<typeof Payment.class>;

/**
 * B3: incoming payment webhooks: verified, deduplicated by the provider's
 * event id, applied in any order (occurred_at orders them). tenant_id is the
 * receiving account's owner (the platform for its Stripe account).
 */
export const InboundWebhook = defineEntity({
  name: 'InboundWebhook',
  tableName: 'billing.inbound_webhook',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    provider: p.text(),
    externalEventId: p.text(),
    eventType: p.text(),
    signatureValid: p.boolean(),
    payload: p.json<Record<string, unknown>>(),
    occurredAt: p.datetime().nullable(),
    status: p.enum(['received', 'processed', 'ignored', 'failed'] as const).default('received'),
    attempts: p.integer().default(0),
    error: p.text().nullable(),
    receivedAt: p.datetime().onCreate(() => new Date()),
    processedAt: p.datetime().nullable(),
  },
});
export type InboundWebhookRow = InstanceType<typeof InboundWebhook.class>;

/** B1/W5: dunning after a failed payment, ending in a pause. */
export const DunningStep = defineEntity({
  name: 'DunningStep',
  tableName: 'billing.dunning_step',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    invoiceId: p.uuid(),
    attempt: p.integer(),
    action: p.enum(['reminder', 'retry_charge', 'pause_subscription'] as const),
    scheduledAt: p.datetime(),
    doneAt: p.datetime().nullable(),
    result: p.text().nullable(),
  },
});
export type DunningStepRow = InstanceType<typeof DunningStep.class>;
