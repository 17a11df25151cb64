import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * B5: distributor economics.
 * Retail price a distributor charges on top of the plan's wholesale price.
 */
export const RetailPrice = defineEntity({
  name: 'RetailPrice',
  tableName: 'billing.retail_price',
  properties: {
    tenantId: p.uuid().primary(),
    planId: p.uuid().primary(),
    currency: p.character().length(3).primary(),
    interval: p.enum(['month', 'year'] as const).primary(),
    amountMinor: p.bigint('number'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type RetailPriceRow = InstanceType<typeof RetailPrice.class>;

/**
 * B5: Commission rules for a distributor (tenant_id = the beneficiary; set by its
 * parent or the platform, who have it in scope). Volume tiers in commission_tier.
 */
export const CommissionRule = defineEntity({
  name: 'CommissionRule',
  tableName: 'billing.commission_rule',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    setByTenantId: p.uuid(),
    rateBp: p.integer(),
    tierBasis: p.enum(['active_clients', 'mrr_minor'] as const).nullable(),
    validFrom: p.date(),
    validTo: p.date().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CommissionRuleRow = InstanceType<typeof CommissionRule.class>;

/** B5: a volume tier of a commission rule (rate from a threshold of clients or MRR). */
export const CommissionTier = defineEntity({
  name: 'CommissionTier',
  tableName: 'billing.commission_tier',
  properties: {
    tenantId: p.uuid().primary(),
    ruleId: p.uuid().primary(),
    threshold: p.bigint('number').primary(),
    rateBp: p.integer(),
  },
});
export type CommissionTierRow = InstanceType<typeof CommissionTier.class>;

/** B5: a distributor's monthly commission statement, reconciled to the invoices. */
export const CommissionStatement = defineEntity({
  name: 'CommissionStatement',
  tableName: 'billing.commission_statement',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    month: p.character().length(7),
    currency: p.character().length(3),
    commissionTotalMinor: p.bigint('number').default(0),
    invoicedTotalMinor: p.bigint('number').default(0),
    commissionsCount: p.integer().default(0),
    status: p.enum(['draft', 'final', 'paid'] as const).default('draft'),
    createdAt: p.datetime().onCreate(() => new Date()),
    finalisedAt: p.datetime().nullable(),
  },
});
export type CommissionStatementRow = InstanceType<typeof CommissionStatement.class>;

/**
 * B5: One commission per beneficiary and invoice, split along the chain (depth 1
 * = the client's own distributor). Owned by the beneficiary so a
 * sub-distributor never sees its parent's margin. The invoice belongs to the
 * client: (client_tenant_id, invoice_id) is the composite key into it.
 */
export const Commission = defineEntity({
  name: 'Commission',
  tableName: 'billing.commission',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    clientTenantId: p.uuid(),
    invoiceId: p.uuid(),
    statementId: p.uuid().nullable(),
    ruleId: p.uuid().nullable(),
    depth: p.integer(),
    baseMinor: p.bigint('number'),
    rateBp: p.integer(),
    amountMinor: p.bigint('number'),
    currency: p.character().length(3),
    status: p.enum(['pending', 'included', 'paid', 'reversed'] as const).default('pending'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CommissionRow = InstanceType<typeof Commission.class>;

/** B5: MRR and client counts per month for a distributor's subtree (or the platform). */
export const MrrSnapshot = defineEntity({
  name: 'MrrSnapshot',
  tableName: 'billing.mrr_snapshot',
  properties: {
    tenantId: p.uuid().primary(),
    month: p.character().length(7).primary(),
    currency: p.character().length(3).primary(),
    mrrMinor: p.bigint('number'),
    activeClients: p.integer(),
    newClients: p.integer().default(0),
    churnedClients: p.integer().default(0),
    computedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type MrrSnapshotRow = InstanceType<typeof MrrSnapshot.class>;

/** B5: an alert for a distributor about a client (churn risk, failed payment, …). */
export const DistributorAlert = defineEntity({
  name: 'DistributorAlert',
  tableName: 'billing.distributor_alert',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    clientTenantId: p.uuid().nullable(),
    kind: p.enum(['churn_risk', 'payment_failed', 'credits_exhausted', 'mrr_drop', 'trial_ending', 'downgrade'] as const),
    severity: p.enum(['info', 'warning', 'critical'] as const).default('warning'),
    message: p.text(),
    details: p.json<Record<string, unknown>>().onCreate(() => ({})),
    createdAt: p.datetime().onCreate(() => new Date()),
    resolvedAt: p.datetime().nullable(),
  },
});
export type DistributorAlertRow = InstanceType<typeof DistributorAlert.class>;
