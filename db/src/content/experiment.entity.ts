import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * C16: A/B tests of landing pages: variants are versions of the page item;
 * a winner is declared only when significant.
 */
export const Experiment = defineEntity({
  name: 'Experiment',
  tableName: 'content.experiment',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    itemId: p.uuid(),
    name: p.text(),
    status: p.enum(['draft', 'running', 'stopped', 'completed'] as const).default('draft'),
    goal: p.text(),
    minSamplePerVariant: p.integer().default(100),
    confidenceLevel: p.decimal('number').default(0.95),
    winnerVariantId: p.uuid().nullable(),
    result: p.json<Record<string, unknown>>().onCreate(() => ({})),
    startedAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ExperimentRow = InstanceType<typeof Experiment.class>;

/** C16: a variant (a version of the landing page) and its traffic weight. */
export const ExperimentVariant = defineEntity({
  name: 'ExperimentVariant',
  tableName: 'content.experiment_variant',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    experimentId: p.uuid(),
    key: p.text(),
    itemId: p.uuid(),
    version: p.integer(),
    weight: p.integer(),
    isControl: p.boolean().default(false),
  },
});
export type ExperimentVariantRow = InstanceType<typeof ExperimentVariant.class>;

/** C16: Sticky assignment of a visitor to a variant. */
export const ExperimentAssignment = defineEntity({
  name: 'ExperimentAssignment',
  tableName: 'content.experiment_assignment',
  properties: {
    tenantId: p.uuid().primary(),
    experimentId: p.uuid().primary(),
    anonymousId: p.text().primary(),
    variantId: p.uuid(),
    assignedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ExperimentAssignmentRow = InstanceType<typeof ExperimentAssignment.class>;
