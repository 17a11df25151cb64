import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T15: learning queue. Facts learned from approvals, edits, rejections and
 * performance wait for a human; approved facts become a new DNA snapshot.
 */
export const LearningBatch = defineEntity({
  name: 'LearningBatch',
  tableName: 'tenants.learning_batch',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    decision: p.enum(['approve', 'reject'] as const),
    size: p.integer(),
    decidedBy: p.uuid().nullable(),
    resultSnapshotId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type LearningBatchRow = InstanceType<typeof LearningBatch.class>;

/**
 * T15: one learned fact waiting for review; approved or modified facts are applied to a new DNA
 * snapshot.
 */
export const LearningFact = defineEntity({
  name: 'LearningFact',
  tableName: 'tenants.learning_fact',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    source: p.enum(['approval', 'edit', 'rejection', 'performance', 'manual'] as const),
    sourceRef: p.json<Record<string, unknown>>().onCreate(() => ({})),
    dnaPath: p.text(),
    proposal: p.json<Record<string, unknown>>(),
    final: p.json<Record<string, unknown>>().nullable(),
    rationale: p.text().default(''),
    confidence: p.decimal('number').nullable(),
    locale: p.text(),
    status: p.enum(['pending', 'approved', 'modified', 'rejected', 'applied'] as const).default('pending'),
    batchId: p.uuid().nullable(),
    reviewedBy: p.uuid().nullable(),
    reviewedAt: p.datetime().nullable(),
    appliedSnapshotId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type LearningFactRow = InstanceType<typeof LearningFact.class>;
