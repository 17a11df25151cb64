// W1 bookkeeping: the pipeline_run row of a client-month, its seven
// pipeline_step rows (status, attempts, result, error, times), and the
// progress events that let the pipelineProgress subscription push the run.
// Callers pass an em inside withTenant(): RLS bounds every statement, so a run
// of another tenant is simply not found.
import type { EntityManager } from '@ensemble/db/orm';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import {
  MONTHLY_PIPELINE_WORKFLOW,
  PIPELINE_STEPS,
  RETRY_STEP_SIGNAL,
  TASK_QUEUE,
  isMonth,
  monthlyPipelineWorkflowId,
  pipelineProgressTopic,
  type MonthlyPipelineInput,
  type PipelineStatus,
  type PipelineStepName,
  type StepStatus,
} from '@ensemble/workflow-contracts/pipeline';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { sql, toDate, toDateOrNull, type Row } from './sql.ts';

export interface PipelineStepView {
  step: PipelineStepName;
  position: number;
  status: StepStatus;
  attempts: number;
  result: Record<string, unknown> | null;
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface PipelineRunView {
  id: string;
  tenantId: string;
  month: string;
  workflowId: string;
  status: PipelineStatus;
  brief: Record<string, unknown>;
  dnaSnapshotId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  steps: PipelineStepView[];
}

/** What a progress event carries: enough to know what changed, never data (subscribers re-read the run under RLS). */
export interface PipelineProgressEvent {
  runId: string;
  step: PipelineStepName | null;
  status: string;
  at: string;
}

export interface ProgressPublisher {
  publish(topic: string, data: unknown): Promise<void>;
}

const RUN_COLUMNS = 'id, tenant_id, month, workflow_id, status, brief, dna_snapshot_id, started_at, finished_at';

function runFrom(row: Row, steps: PipelineStepView[]): PipelineRunView {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    month: row.month as string,
    workflowId: row.workflow_id as string,
    status: row.status as PipelineStatus,
    brief: (row.brief ?? {}) as Record<string, unknown>,
    dnaSnapshotId: (row.dna_snapshot_id as string | null) ?? null,
    startedAt: toDate(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
    steps,
  };
}

function stepFrom(row: Row): PipelineStepView {
  return {
    step: row.step as PipelineStepName,
    position: row.position as number,
    status: row.status as StepStatus,
    attempts: row.attempts as number,
    result: (row.result as Record<string, unknown> | null) ?? null,
    error: (row.error as string | null) ?? null,
    startedAt: toDateOrNull(row.started_at),
    finishedAt: toDateOrNull(row.finished_at),
  };
}

async function withSteps(em: EntityManager, runs: Row[]): Promise<PipelineRunView[]> {
  if (runs.length === 0) return [];
  const steps = await sql(em,
    `select run_id, step, position, status, attempts, result, error, started_at, finished_at
       from content.pipeline_step where run_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
      order by run_id, position`, [JSON.stringify(runs.map((r) => r.id))]);
  return runs.map((run) => runFrom(run, steps.filter((s) => s.run_id === run.id).map(stepFrom)));
}

/** The run, or null when it does not exist for the entered tenant (RLS). */
export async function findRun(em: EntityManager, runId: string): Promise<PipelineRunView | null> {
  if (!isUuid(runId)) return null;
  const rows = await sql(em, `select ${RUN_COLUMNS} from content.pipeline_run where id = ?`, [runId]);
  return (await withSteps(em, rows))[0] ?? null;
}

/** Same answer for "not yours" and "does not exist". */
export async function requireRun(em: EntityManager, runId: string): Promise<PipelineRunView> {
  const run = await findRun(em, runId);
  if (!run) throw notFound('Pipeline run');
  return run;
}

export async function findRunByMonth(em: EntityManager, tenantId: string, month: string): Promise<PipelineRunView | null> {
  const rows = await sql(em, `select ${RUN_COLUMNS} from content.pipeline_run where tenant_id = ? and month = ?`, [tenantId, month]);
  return (await withSteps(em, rows))[0] ?? null;
}

export async function listRuns(em: EntityManager, tenantId: string, limit = 36): Promise<PipelineRunView[]> {
  const rows = await sql(em, `select ${RUN_COLUMNS} from content.pipeline_run where tenant_id = ? order by month desc limit ?`, [tenantId, limit]);
  return withSteps(em, rows);
}

/**
 * Creates the run of a client-month with its seven pending steps, or loads the
 * existing one (unique tenant + month). A failed run being restarted goes back
 * to running; its completed steps keep their results.
 */
export async function openRun(em: EntityManager, input: { tenantId: string; month: string; workflowId: string }): Promise<{ run: PipelineRunView; created: boolean }> {
  const inserted = await sql(em,
    `insert into content.pipeline_run (id, tenant_id, month, workflow_id, status)
     values (?, ?, ?, ?, 'running') on conflict (tenant_id, month) do nothing returning id`,
    [newId(), input.tenantId, input.month, input.workflowId]);
  const created = inserted.length === 1;
  if (!created) {
    await sql(em,
      `update content.pipeline_run set status = 'running', finished_at = null
        where tenant_id = ? and month = ? and status = 'failed'`, [input.tenantId, input.month]);
  }
  const [row] = await sql(em, `select id from content.pipeline_run where tenant_id = ? and month = ?`, [input.tenantId, input.month]);
  const runId = row!.id as string;
  await sql(em,
    `insert into content.pipeline_step (tenant_id, run_id, step, position)
     select ?, ?, s.step, s.position from jsonb_array_elements_text(?::jsonb) with ordinality as s(step, position)
     on conflict (tenant_id, run_id, step) do nothing`,
    [input.tenantId, runId, JSON.stringify(PIPELINE_STEPS)]);
  await sql(em, `update content.pipeline_step set status = 'pending', error = null where run_id = ? and status = 'failed'`, [runId]);
  return { run: (await findRun(em, runId))!, created };
}

/** A step starts (or starts again): running, one more attempt. */
export async function markStepRunning(em: EntityManager, runId: string, step: PipelineStepName): Promise<number> {
  const [row] = await sql<{ attempts: number }>(em,
    `update content.pipeline_step set status = 'running', attempts = attempts + 1, error = null,
            started_at = coalesce(started_at, now()), finished_at = null
      where run_id = ? and step = ? returning attempts`, [runId, step]);
  if (!row) throw notFound('Pipeline step');
  return row.attempts;
}

export async function markStepCompleted(em: EntityManager, runId: string, step: PipelineStepName, result: Record<string, unknown>): Promise<void> {
  await sql(em,
    `update content.pipeline_step set status = 'completed', result = ?::jsonb, error = null, finished_at = now()
      where run_id = ? and step = ?`, [JSON.stringify(result), runId, step]);
}

export async function markStepFailed(em: EntityManager, runId: string, step: PipelineStepName, error: string): Promise<void> {
  await sql(em,
    `update content.pipeline_step set status = 'failed', error = ?, finished_at = now()
      where run_id = ? and step = ?`, [error.slice(0, 2000), runId, step]);
}

export async function setRunBrief(em: EntityManager, runId: string, brief: Record<string, unknown>): Promise<void> {
  await sql(em, `update content.pipeline_run set brief = ?::jsonb where id = ?`, [JSON.stringify(brief), runId]);
}

/** Adds top-level keys to the run's brief (e.g. the merged DNA), keeping the others. */
export async function mergeRunBrief(em: EntityManager, runId: string, patch: Record<string, unknown>): Promise<void> {
  await sql(em, `update content.pipeline_run set brief = brief || ?::jsonb where id = ?`, [JSON.stringify(patch), runId]);
}

/**
 * Pins the DNA snapshot for the whole run: set once, never replaced, so a
 * retried merge or a later step cannot switch to a newer snapshot mid-run.
 */
export async function pinSnapshot(em: EntityManager, runId: string, snapshotId: string | null): Promise<string | null> {
  const [row] = await sql<{ dna_snapshot_id: string | null }>(em,
    `update content.pipeline_run set dna_snapshot_id = coalesce(dna_snapshot_id, ?::uuid) where id = ? returning dna_snapshot_id`,
    [snapshotId, runId]);
  return row?.dna_snapshot_id ?? null;
}

export async function finishRun(em: EntityManager, runId: string, status: 'completed' | 'failed'): Promise<void> {
  await sql(em, `update content.pipeline_run set status = ?, finished_at = now() where id = ?`, [status, runId]);
}

/** A failed run that a person retries is running again until it ends. */
export async function reopenRun(em: EntityManager, runId: string): Promise<void> {
  await sql(em, `update content.pipeline_run set status = 'running', finished_at = null where id = ? and status = 'failed'`, [runId]);
}

export async function publishProgress(pubsub: ProgressPublisher, tenantId: string, runId: string, step: PipelineStepName | null, status: string): Promise<void> {
  const event: PipelineProgressEvent = { runId, step, status, at: new Date().toISOString() };
  await pubsub.publish(pipelineProgressTopic(tenantId, runId), event);
}

// ---------------------------------------------------------------------------
// Starting a run (the startMonthlyPipeline mutation).

export interface StartDeps {
  temporal: Client;
  taskQueue?: string;
  /** how long to wait for the workflow's session step to create the run row */
  waitMs?: number;
}

/** The client's current month in its own time zone. */
export function currentMonth(timeZone: string, now: Date = new Date()): string {
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  return (local.isValid ? local : DateTime.fromJSDate(now, { zone: 'UTC' })).toFormat('yyyy-MM');
}

type Tx = <T>(fn: (tx: { em: EntityManager; tenantId: string }) => Promise<T>) => Promise<T>;

/**
 * Starts (or finds) the pipeline of the caller's own tenant for a month.
 * Idempotent: the workflow id carries tenant + month, a running or completed
 * run is returned as is; only a failed one may be started again.
 */
export async function startMonthlyPipeline(deps: StartDeps, tx: Tx, input: { requestedBy: string | null; month?: string | null }): Promise<PipelineRunView> {
  const { tenantId, month } = await tx(async ({ em, tenantId }) => {
    const tenant = await em.findOne(Tenant, { id: tenantId });
    if (!tenant) throw notFound('Tenant');
    if (tenant.kind !== 'client') throw new AppError('FORBIDDEN', 'Only a client workspace has a monthly pipeline');
    if (tenant.status !== 'active') throw new AppError('FORBIDDEN', 'This workspace is not active');
    const month = input.month?.trim() || currentMonth(tenant.timeZone);
    if (!isMonth(month)) throw badInput('month must be a calendar month written YYYY-MM', 'month');
    return { tenantId, month };
  });
  const workflowId = monthlyPipelineWorkflowId(tenantId, month);
  const args: MonthlyPipelineInput = { tenantId, month, trigger: 'manual', requestedBy: input.requestedBy };
  try {
    await deps.temporal.workflow.start(MONTHLY_PIPELINE_WORKFLOW, {
      taskQueue: deps.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
      workflowId,
      args: [args],
      // Running: attach to it. Closed: a completed month stays done (start is
      // refused, we return its row); a failed one may be run again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  const deadline = Date.now() + (deps.waitMs ?? 30_000);
  for (;;) {
    const run = await tx(({ em }) => findRunByMonth(em, tenantId, month));
    if (run) return run;
    if (Date.now() > deadline) throw new AppError('INTERNAL_SERVER_ERROR', 'The pipeline was started but has not opened its run yet; try again shortly');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Retries the failed step of a run: the waiting workflow runs that step again
 * and goes on; the steps before it are not redone. A run whose workflow no
 * longer waits (past the retry window) is started again for its month, and
 * its idempotent activities skip what was already done.
 */
export async function retryFailedStep(deps: StartDeps, tx: Tx, input: { runId: string; requestedBy: string | null }): Promise<PipelineRunView> {
  const run = await tx(({ em }) => requireRun(em, input.runId));
  if (run.status !== 'failed') throw new AppError('CONFLICT', 'Only a failed run can be retried');
  try {
    await deps.temporal.workflow.getHandle(run.workflowId).signal(RETRY_STEP_SIGNAL);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return startMonthlyPipeline(deps, tx, { requestedBy: input.requestedBy, month: run.month });
  }
  const deadline = Date.now() + (deps.waitMs ?? 30_000);
  for (;;) {
    const current = await tx(({ em }) => requireRun(em, run.id));
    if (current.status !== 'failed' || Date.now() > deadline) return current;
    await new Promise((r) => setTimeout(r, 100));
  }
}

