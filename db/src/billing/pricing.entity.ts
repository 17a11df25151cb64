import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** B6: dynamic pricing suggestions, never below the AI cost of goods. */
export const PriceSuggestion = defineEntity({
  name: 'PriceSuggestion',
  tableName: 'billing.price_suggestion',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    planId: p.uuid(),
    currency: p.character().length(3),
    interval: p.enum(['month', 'year'] as const),
    currentMinor: p.bigint('number'),
    suggestedMinor: p.bigint('number'),
    floorMinor: p.bigint('number'),
    inputs: p.json<Record<string, unknown>>().onCreate(() => ({})),
    rationale: p.text(),
    status: p.enum(['proposed', 'accepted', 'rejected', 'expired'] as const).default('proposed'),
    decidedBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    decidedAt: p.datetime().nullable(),
  },
});
export type PriceSuggestionRow = InstanceType<typeof PriceSuggestion.class>;
