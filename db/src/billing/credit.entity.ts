import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { AI_TASKS } from '../vocabulary.ts';

/**
 * B2: AI credits, a double-entry ledger. A transfer moves credits between a
 * tenant's accounts (available, reserved, consumed, expired, and 'source' for
 * credits entering from outside: grants, top-ups); its entries sum to zero
 * (checked at commit). Balances are sums of entries, never stored.
 *   grant/topup: source −n, available +n
 *   reserve:     available −n, reserved +n
 *   settle:      reserved −n, consumed +used, available +(n − used)
 *   void:        reserved −n, available +n
 *   expire:      available −n, expired +n
 * credit_account is the row a reservation locks (select … for update) so a
 * tenant's reservations are serialised and never overspend.
 */
export const CreditAccount = defineEntity({
  name: 'CreditAccount',
  tableName: 'billing.credit_account',
  properties: {
    tenantId: p.uuid().primary(),
    periodStart: p.date(),
    monthlyBudget: p.bigint('number'),
    softCap: p.bigint('number').nullable(),
    hardCap: p.bigint('number').nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CreditAccountRow = InstanceType<typeof CreditAccount.class>;

/** B2: credits reserved before an AI call, settled (or voided) after it. */
export const CreditReservation = defineEntity({
  name: 'CreditReservation',
  tableName: 'billing.credit_reservation',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    amount: p.bigint('number'),
    settledAmount: p.bigint('number').nullable(),
    status: p.enum(['open', 'settled', 'voided', 'expired'] as const).default('open'),
    task: p.text(),
    contentItemId: p.uuid().nullable(),
    batch: p.boolean().default(false),
    idempotencyKey: p.text(),
    expiresAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
    closedAt: p.datetime().nullable(),
  },
});
export type CreditReservationRow = InstanceType<typeof CreditReservation.class>;

/**
 * B2: one balanced movement of credits (its entries sum to zero), exactly once per idempotency
 * key.
 */
export const CreditTransfer = defineEntity({
  name: 'CreditTransfer',
  tableName: 'billing.credit_transfer',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['grant', 'reserve', 'settle', 'void', 'expire', 'topup', 'adjust'] as const),
    idempotencyKey: p.text(),
    reservationId: p.uuid().nullable(),
    memo: p.text().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CreditTransferRow = InstanceType<typeof CreditTransfer.class>;

/** B2: one leg of a credit transfer on one account; immutable. */
export const CreditEntry = defineEntity({
  name: 'CreditEntry',
  tableName: 'billing.credit_entry',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    transferId: p.uuid(),
    account: p.enum(['available', 'reserved', 'consumed', 'expired', 'source'] as const),
    amount: p.bigint('number'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CreditEntryRow = InstanceType<typeof CreditEntry.class>;

/**
 * B2: credits charged per unit of AI work (no price in code). Catalogue:
 * readable by everyone, written by the platform.
 */
export const CreditRate = defineEntity({
  name: 'CreditRate',
  tableName: 'billing.credit_rate',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    task: p.enum(AI_TASKS),
    tier: p.enum(['premium', 'standard'] as const),
    unit: p.enum(['mtok_input', 'mtok_output', 'image', 'video_second', 'audio_minute', 'call'] as const),
    credits: p.decimal('number'),
    batchDiscountPct: p.integer().default(50),
    active: p.boolean().default(true),
  },
});
export type CreditRateRow = InstanceType<typeof CreditRate.class>;

/** B2: top-up packs and their prices (catalogue). */
export const TopupPack = defineEntity({
  name: 'TopupPack',
  tableName: 'billing.topup_pack',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    code: p.text(),
    credits: p.integer(),
    position: p.integer().default(0),
    active: p.boolean().default(true),
  },
});
export type TopupPackRow = InstanceType<typeof TopupPack.class>;

/** B2: price of a top-up pack per currency. */
export const TopupPackPrice = defineEntity({
  name: 'TopupPackPrice',
  tableName: 'billing.topup_pack_price',
  properties: {
    packId: p.uuid().primary(),
    currency: p.character().length(3).primary(),
    amountMinor: p.bigint('number'),
  },
});
export type TopupPackPriceRow = InstanceType<typeof TopupPackPrice.class>;

/** B2: a cap reached during a period, shown to the client (once per kind and period). */
export const CreditNotice = defineEntity({
  name: 'CreditNotice',
  tableName: 'billing.credit_notice',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['soft_cap_reached', 'hard_cap_reached'] as const),
    periodStart: p.date(),
    threshold: p.bigint('number'),
    used: p.bigint('number'),
    message: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CreditNoticeRow = InstanceType<typeof CreditNotice.class>;

/**
 * B2: a top-up: a pack bought (pending payment, with its draft invoice) or
 * credits granted by an ancestor's admin; credits enter through its transfer.
 */
export const CreditTopup = defineEntity({
  name: 'CreditTopup',
  tableName: 'billing.credit_topup',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    packId: p.uuid().nullable(),
    credits: p.bigint('number'),
    status: p.enum(['pending_payment', 'granted', 'cancelled'] as const),
    invoiceId: p.uuid().nullable(),
    transferId: p.uuid().nullable(),
    idempotencyKey: p.text(),
    requestedBy: p.uuid().nullable(),
    memo: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    grantedAt: p.datetime().nullable(),
  },
});
export type CreditTopupRow = InstanceType<typeof CreditTopup.class>;
