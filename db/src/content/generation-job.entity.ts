import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * C1/C14/C15/W8: generation jobs: text (immediately or in the discounted
 * night batch), images and videos through the routing table.
 */
export const GenerationJob = defineEntity({
  name: 'GenerationJob',
  tableName: 'content.generation_job',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['text', 'image', 'video'] as const),
    mode: p.enum(['immediate', 'night_batch'] as const).default('immediate'),
    status: p.enum(['queued', 'submitted', 'running', 'completed', 'failed', 'cancelled'] as const).default('queued'),
    itemId: p.uuid().nullable(),
    slotId: p.uuid().nullable(),
    input: p.json<Record<string, unknown>>().onCreate(() => ({})),
    modelId: p.uuid().nullable(),
    providerBatchId: p.text().nullable(),
    reservationId: p.uuid().nullable(),
    idempotencyKey: p.text(),
    result: p.json<Record<string, unknown>>().nullable(),
    error: p.text().nullable(),
    attempts: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    submittedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
  },
});
export type GenerationJobRow = InstanceType<typeof GenerationJob.class>;
