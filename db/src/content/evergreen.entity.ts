import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C13: evergreen recycling with cooldowns and caps. */
export const EvergreenPolicy = defineEntity({
  name: 'EvergreenPolicy',
  tableName: 'content.evergreen_policy',
  properties: {
    tenantId: p.uuid().primary(),
    minAgeDays: p.integer().default(90),
    cooldownDays: p.integer().default(120),
    maxPerMonth: p.integer().default(4),
    minScore: p.decimal('number').default(0.5),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type EvergreenPolicyRow = InstanceType<typeof EvergreenPolicy.class>;

/** C13: past content that still performs, proposed for refresh and republication. */
export const EvergreenCandidate = defineEntity({
  name: 'EvergreenCandidate',
  tableName: 'content.evergreen_candidate',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    itemId: p.uuid(),
    score: p.decimal('number'),
    metrics: p.json<Record<string, unknown>>().onCreate(() => ({})),
    status: p.enum(['proposed', 'accepted', 'dismissed', 'republished'] as const).default('proposed'),
    refreshItemId: p.uuid().nullable(),
    cooldownUntil: p.datetime().nullable(),
    proposedAt: p.datetime().onCreate(() => new Date()),
    decidedAt: p.datetime().nullable(),
    decidedBy: p.uuid().nullable(),
  },
});
export type EvergreenCandidateRow = InstanceType<typeof EvergreenCandidate.class>;
