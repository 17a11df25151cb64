// Competitor watch (SPEC C11 / W4) as seen from outside the worker: the
// content subgraph starts a capture by these names; the worker registers the
// sweep's schedule. No runtime dependencies: this file is also bundled into
// workflows.

/** Workflow type names, as exported by workflows/src/workflows.ts. */
export const COMPETITOR_WATCH_SWEEP_WORKFLOW = 'competitorWatchSweepWorkflow';
export const COMPETITOR_CAPTURE_WORKFLOW = 'competitorCaptureWorkflow';

/**
 * One Temporal Schedule for every client: each run captures the sources
 * whose own interval (15 minutes to a week) has passed, so adding, pausing
 * or removing a source needs no schedule of its own.
 */
export const COMPETITOR_WATCH_SCHEDULE_ID = 'competitor-watch-sweep';
export const COMPETITOR_WATCH_EVERY = '5 minutes';
/** Sources captured by one sweep at most (the next sweep takes the rest, oldest first). */
export const SWEEP_MAX_SOURCES = 200;
/** Captures running at once within a sweep. */
export const SWEEP_CONCURRENCY = 4;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A source is captured by one workflow at a time: "capture now" joins one in progress. */
export function competitorCaptureWorkflowId(tenantId: string, sourceId: string): string {
  if (!UUID_RE.test(tenantId)) throw new RangeError(`not a tenant id: ${tenantId}`);
  if (!UUID_RE.test(sourceId)) throw new RangeError(`not a source id: ${sourceId}`);
  return `competitor-capture:${tenantId.toLowerCase()}:${sourceId.toLowerCase()}`;
}

export interface CaptureRequest {
  tenantId: string;
  sourceId: string;
}

export type CaptureStatus = 'baseline' | 'changed' | 'unchanged' | 'failed' | 'blocked' | 'gone';

export interface CaptureResult {
  tenantId: string;
  sourceId: string;
  status: CaptureStatus;
  captureId: string | null;
  alertIds: string[];
  error: string | null;
}

export interface AlertMailResult {
  alerts: number;
  sent: number;
  failed: number;
  skipped: number;
}

export interface CompetitorCaptureResult {
  capture: CaptureResult;
  mail: AlertMailResult | null;
}

export interface CompetitorWatchSweepResult {
  due: number;
  captured: Record<CaptureStatus, number>;
  /** sources whose capture failed even after retries (the next sweep tries again) */
  crashed: Array<{ tenantId: string; sourceId: string; error: string }>;
  mailed: { tenants: number; sent: number; failed: number };
}
