// The monthly pipeline (SPEC W1) as seen from outside the worker: subgraphs
// start it and read its progress through these names and types only, so the
// content subgraph never imports the worker (and the worker never imports a
// server). No runtime dependencies: this file is also bundled into workflows.

/** The one task queue of the Ensemble worker. */
export const TASK_QUEUE = 'ensemble';

/** Workflow type name, as exported by workflows/src/workflows.ts. */
export const MONTHLY_PIPELINE_WORKFLOW = 'monthlyPipelineWorkflow';

/** Started by each client's Temporal Schedule: starts the month's pipeline. */
export const MONTHLY_PIPELINE_STARTER_WORKFLOW = 'monthlyPipelineStarterWorkflow';

/** When a client's month starts, in the client's own time zone. */
export const MONTHLY_SCHEDULE_AT = { dayOfMonth: 1, hour: 6, minute: 0 } as const;

/** One schedule per client. */
export function monthlyScheduleId(tenantId: string): string {
  if (!UUID_RE.test(tenantId)) throw new RangeError(`not a tenant id: ${tenantId}`);
  return `monthly-pipeline-schedule:${tenantId.toLowerCase()}`;
}

/** Query returning the steps' progress (see PipelineProgress). */
export const PROGRESS_QUERY = 'progress';

/** Signal: run the failed step again, keeping the steps before it. */
export const RETRY_STEP_SIGNAL = 'retryStep';

/** How long a failed run waits for a retry before the execution fails. */
export const RETRY_WINDOW = '7 days';

export const PIPELINE_STEPS = ['session', 'ingestion', 'dna_merge', 'planning', 'generation', 'publication', 'analytics'] as const;
export type PipelineStepName = (typeof PIPELINE_STEPS)[number];

export type PipelineStatus = 'running' | 'completed' | 'failed';
export type StepStatus = 'pending' | 'running' | 'completed' | 'failed';

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a calendar month written YYYY-MM (years 2000–2999). */
export function isMonth(value: string): boolean {
  const m = MONTH_RE.exec(value);
  return m !== null && m[1]!.startsWith('2');
}

/** The month before `month` (YYYY-MM). */
export function previousMonth(month: string): string {
  if (!isMonth(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/**
 * One run per client and month: the id carries both, so Temporal itself
 * refuses a second concurrent run (SPEC W1, ARCHITECTURE "Workflows").
 */
export function monthlyPipelineWorkflowId(tenantId: string, month: string): string {
  if (!UUID_RE.test(tenantId)) throw new RangeError(`not a tenant id: ${tenantId}`);
  if (!isMonth(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return `monthly-pipeline:${tenantId.toLowerCase()}:${month}`;
}

export function parseMonthlyPipelineWorkflowId(workflowId: string): { tenantId: string; month: string } | null {
  const parts = workflowId.split(':');
  if (parts.length !== 3 || parts[0] !== 'monthly-pipeline') return null;
  const [, tenantId, month] = parts as [string, string, string];
  return UUID_RE.test(tenantId) && isMonth(month) ? { tenantId, month } : null;
}

/**
 * Idempotency key of a side effect of the pipeline: workflow id + step
 * (+ the slot or item it concerns). Activities check it before acting, so a
 * retried or replayed activity never acts twice.
 */
export function pipelineIdempotencyKey(workflowId: string, step: PipelineStepName, subject?: string): string {
  return subject ? `${workflowId}:${step}:${subject}` : `${workflowId}:${step}`;
}

/** PgPubSub topic of a run's progress (tenant first, as every topic). */
export function pipelineProgressTopic(tenantId: string, runId: string): string {
  return `pipeline:${tenantId}:${runId}`;
}

export interface MonthlyPipelineInput {
  tenantId: string;
  month: string;
  /** who asked: 'schedule' for Temporal Schedules, else the acting user / API key id */
  trigger: 'manual' | 'schedule';
  requestedBy?: string | null;
}

export interface StepProgress {
  step: PipelineStepName;
  position: number;
  status: StepStatus;
  error?: string;
}

export interface PipelineProgress {
  runId: string | null;
  status: PipelineStatus;
  steps: StepProgress[];
}

export interface MonthlyPipelineResult {
  runId: string;
  status: PipelineStatus;
  steps: StepProgress[];
}
