import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T2: plans are rows. Platform catalogue (no tenant_id): the platform writes;
 * reading depends on visibility: public plans by anyone, a distributor-only
 * plan by that distributor's subtree (and its ancestors' scopes), a
 * client-specific plan by that client (and whoever has it in scope).
 */
export const Plan = defineEntity({
  name: 'Plan',
  tableName: 'tenants.plan',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    code: p.text(),
    name: p.text(),
    description: p.text().default(''),
    visibility: p.enum(['public', 'distributor', 'client'] as const),
    visibleToTenantId: p.uuid().nullable(),
    monthlyCredits: p.integer(),
    limits: p.json<Record<string, unknown>>().onCreate(() => ({})),
    features: p.json<Record<string, unknown>>().onCreate(() => ({})),
    trialDays: p.integer().default(0),
    position: p.integer().default(0),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type PlanRow = InstanceType<typeof Plan.class>;

/**
 * T2: List (wholesale) price per currency and interval; distributors' retail
 * prices live in billing.retail_price. Readable whenever the plan is.
 */
export const PlanPrice = defineEntity({
  name: 'PlanPrice',
  tableName: 'tenants.plan_price',
  properties: {
    planId: p.uuid().primary(),
    currency: p.character().length(3).primary(),
    interval: p.enum(['month', 'year'] as const).primary(),
    amountMinor: p.bigint('number'),
  },
});
export type PlanPriceRow = InstanceType<typeof PlanPrice.class>;

/** T9: plan names and descriptions per locale. */
export const PlanText = defineEntity({
  name: 'PlanText',
  tableName: 'tenants.plan_text',
  properties: {
    planId: p.uuid().primary(),
    locale: p.text().primary(),
    name: p.text(),
    description: p.text().default(''),
  },
});
export type PlanTextRow = InstanceType<typeof PlanText.class>;

/** T10: which models a plan lets a client pick (catalogue, like plans). */
export const PlanAiModel = defineEntity({
  name: 'PlanAiModel',
  tableName: 'tenants.plan_ai_model',
  properties: {
    planId: p.uuid().primary(),
    modelId: p.uuid().primary(),
  },
});
export type PlanAiModelRow = InstanceType<typeof PlanAiModel.class>;
