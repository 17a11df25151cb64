import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { PIPELINE_STEPS } from '../vocabulary.ts';

/** W1: one monthly pipeline run per client and month (the workflow id carries both). */
export const PipelineRun = defineEntity({
  name: 'PipelineRun',
  tableName: 'content.pipeline_run',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    month: p.character().length(7),
    workflowId: p.text(),
    status: p.enum(['running', 'completed', 'failed'] as const).default('running'),
    brief: p.json<Record<string, unknown>>().onCreate(() => ({})),
    dnaSnapshotId: p.uuid().nullable(),
    startedAt: p.datetime().onCreate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});
export type PipelineRunRow = InstanceType<typeof PipelineRun.class>;

/**
 * W1: one of the seven steps of a monthly run, with attempts and result (progress is streamed from
 * these rows).
 */
export const PipelineStep = defineEntity({
  name: 'PipelineStep',
  tableName: 'content.pipeline_step',
  properties: {
    tenantId: p.uuid().primary(),
    runId: p.uuid().primary(),
    step: p.enum(PIPELINE_STEPS).primary(),
    position: p.integer(),
    status: p.enum(['pending', 'running', 'completed', 'failed'] as const).default('pending'),
    attempts: p.integer().default(0),
    result: p.json<Record<string, unknown>>().nullable(),
    error: p.text().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
export type PipelineStepRow = InstanceType<typeof PipelineStep.class>;
