// The credit ledger's platform jobs (SPEC B2) as seen from outside the worker.
// No runtime dependencies: this file is also bundled into workflows.

/** Workflow type name, as exported by workflows/src/workflows.ts. */
export const CREDIT_EXPIRY_WORKFLOW = 'creditExpiryWorkflow';

/** The Temporal Schedule that runs the expiry of orphaned reservations. */
export const CREDIT_EXPIRY_SCHEDULE_ID = 'credit-orphan-expiry';

/** How often it runs: well inside the default reservation lifetime (15 minutes). */
export const CREDIT_EXPIRY_EVERY = '5 minutes';

export interface CreditExpiryResult {
  /** tenants that held expired open reservations */
  tenants: number;
  /** reservations expired by this run */
  expired: number;
  /** tenants whose expiry failed (retried by the next run) */
  failed: Array<{ tenantId: string; error: string }>;
}
