// Onboarding ingestion (SPEC T8 / W3) as seen from outside the worker: the
// tenants subgraph starts it and follows its progress through these names
// and types only. No runtime dependencies: this file is also bundled into
// workflows.

/** Workflow type name, as exported by workflows/src/workflows.ts. */
export const ONBOARDING_WORKFLOW = 'onboardingWorkflow';

/** Query returning the per-source progress (see OnboardingProgress). */
export const ONBOARDING_PROGRESS_QUERY = 'onboardingProgress';

/**
 * PgPubSub channel the tenants subgraph listens on (packages/subgraph-kit
 * run.ts names it ensemble_<subgraph>): the worker publishes progress there.
 */
export const ONBOARDING_PUBSUB_CHANNEL = 'ensemble_tenants';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One ingestion per session at a time: the id carries tenant and session. */
export function onboardingWorkflowId(tenantId: string, sessionId: string): string {
  if (!UUID_RE.test(tenantId)) throw new RangeError(`not a tenant id: ${tenantId}`);
  if (!UUID_RE.test(sessionId)) throw new RangeError(`not a session id: ${sessionId}`);
  return `onboarding:${tenantId.toLowerCase()}:${sessionId.toLowerCase()}`;
}

export function parseOnboardingWorkflowId(workflowId: string): { tenantId: string; sessionId: string } | null {
  const parts = workflowId.split(':');
  if (parts.length !== 3 || parts[0] !== 'onboarding') return null;
  const [, tenantId, sessionId] = parts as [string, string, string];
  return UUID_RE.test(tenantId) && UUID_RE.test(sessionId) ? { tenantId, sessionId } : null;
}

/** PgPubSub topic of a session's progress (tenant first, as every topic). */
export function onboardingProgressTopic(tenantId: string, sessionId: string): string {
  return `onboarding:${tenantId}:${sessionId}`;
}

/** Where one source is: waiting, being read (per kind), or finished. */
export const SOURCE_STAGES = ['queued', 'fetching', 'parsing', 'transcribing', 'done', 'failed'] as const;
export type SourceStage = (typeof SOURCE_STAGES)[number];

export type IngestedSourceKind = 'pdf' | 'audio' | 'url';

export interface OnboardingWorkflowInput {
  tenantId: string;
  sessionId: string;
  /** the user (or API key) who asked */
  requestedBy: string | null;
}

/** One source the workflow works on. */
export interface SourceRef {
  tenantId: string;
  sessionId: string;
  sourceId: string;
  kind: IngestedSourceKind;
}

export interface SourceProgress {
  sourceId: string;
  kind: IngestedSourceKind;
  stage: SourceStage;
  error?: string;
}

export interface OnboardingProgress {
  status: 'ingesting' | 'proposed' | 'failed';
  sources: SourceProgress[];
}

export interface OnboardingResult {
  /** skipped: the session was accepted or abandoned before this run began */
  status: 'proposed' | 'skipped';
  sources: SourceProgress[];
  /** fields of the draft, by source label (what the draft cites) */
  cited: Record<string, number>;
}

/** What a progress event carries: enough to know what changed, never data (subscribers re-read under RLS). */
export interface OnboardingProgressEvent {
  sessionId: string;
  sourceId: string | null;
  stage: SourceStage | 'ingesting' | 'proposed' | 'accepted';
  at: string;
}
