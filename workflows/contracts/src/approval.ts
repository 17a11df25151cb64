// The approval workflow (SPEC C6 / W2) as seen from outside the worker: the
// content subgraph starts it, signals it and reads it through these names and
// types only. No runtime dependencies: this file is also bundled into workflows.

/** Workflow type name, as exported by workflows/src/workflows.ts. */
export const APPROVAL_WORKFLOW = 'approvalWorkflow';

export const APPROVE_SIGNAL = 'approve';
export const REQUEST_CHANGES_SIGNAL = 'requestChanges';
export const REGENERATE_SIGNAL = 'regenerate';
export const COMMENT_SIGNAL = 'comment';
/** A new round was opened for the item (no payload): a workflow waiting for the slot's time takes it up. */
export const REVIEW_OPENED_SIGNAL = 'reviewOpened';
/** The item's slot was moved (no payload): a workflow waiting for the slot's time reads it again. */
export const SLOT_RESCHEDULED_SIGNAL = 'slotRescheduled';
/** Query returning ApprovalState. */
export const APPROVAL_STATE_QUERY = 'approvalState';

/** Reminders after 24 h and 48 h in review, expiry after 7 days (inputs: per client later). */
export const DEFAULT_REMINDER_HOURS: readonly number[] = [24, 48];
export const DEFAULT_EXPIRY_HOURS = 7 * 24;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One workflow per content item: a second one for the same item is refused while the first runs. */
export function approvalWorkflowId(tenantId: string, itemId: string): string {
  if (!UUID_RE.test(tenantId)) throw new RangeError(`not a tenant id: ${tenantId}`);
  if (!UUID_RE.test(itemId)) throw new RangeError(`not an item id: ${itemId}`);
  return `approval:${tenantId.toLowerCase()}:${itemId.toLowerCase()}`;
}

export function parseApprovalWorkflowId(workflowId: string): { tenantId: string; itemId: string } | null {
  const parts = workflowId.split(':');
  if (parts.length !== 3 || parts[0] !== 'approval') return null;
  const [, tenantId, itemId] = parts as [string, string, string];
  return UUID_RE.test(tenantId) && UUID_RE.test(itemId) ? { tenantId, itemId } : null;
}

/** PgPubSub topic of a tenant's approval events (tenant first, as every topic). */
export function approvalTopic(tenantId: string): string {
  return `approvals:${tenantId}`;
}

export type ApprovalStatus = 'pending' | 'approved' | 'changes_requested' | 'regenerating' | 'rejected' | 'expired' | 'auto_approved';

/** Who acts: a signed-in user, or an external approver through a signed link. */
export interface ApprovalActor {
  userId: string | null;
  /** the external approver's e-mail, or a label of the link when none was given */
  external: string | null;
  /** shown in comments */
  name: string;
}

export interface ApprovalWorkflowInput {
  tenantId: string;
  itemId: string;
  requestedBy: string | null;
  /** hours after a round opens at which a reminder is recorded (ascending) */
  reminderAfterHours: number[];
  /** hours after a round opens at which it expires */
  expireAfterHours: number;
  /**
   * Signals received while the workflow waited for the slot's time when the
   * item went back to review: the next run (continued as new) acts on them.
   */
  carried?: Array<ApprovalSignal & { kind: 'approve' | 'requestChanges' | 'regenerate' | 'comment' }>;
}

/** Every signal carries an id: a signal delivered twice acts once. */
export interface ApprovalSignal {
  signalId: string;
  /** the round it is meant for; a signal for an older round is ignored */
  approvalId: string;
  actor: ApprovalActor;
  /** the decision note, the change request, the regeneration guidance or the comment */
  comment?: string | null;
}

export type ApprovalOutcomeStatus = 'approved' | 'auto_approved' | 'changes_requested' | 'expired' | 'not_in_review';

export interface ApprovalState {
  /** 'awaiting_slot': approved, it waits for its slot's time to be published */
  status: 'opening' | 'pending' | 'awaiting_slot' | ApprovalOutcomeStatus;
  approvalId: string | null;
  version: number | null;
  round: number;
  remindersSent: number;
  /** ISO instants in workflow time */
  openedAt: string | null;
  expiresAt: string | null;
  nextReminderAt: string | null;
  /** while it waits: the slot's time it will be published at (workflow time); absent before */
  publishAt?: string | null;
}

/**
 * What became of an approved item at its slot's time: published (or refused
 * by its provider: 'failed', in the publication log), already published by
 * another path, no connector for its channel, no slot (published by hand),
 * withdrawn from publication before its time, or an error left for a person.
 */
export interface SlotPublication {
  status: 'sent' | 'failed' | 'already_published' | 'no_connector' | 'no_slot' | 'withdrawn' | 'error';
  /** workflow time of the decision */
  at: string;
  publicationId: string | null;
  error?: string;
}

export interface ApprovalOutcome {
  status: ApprovalOutcomeStatus;
  approvalId: string | null;
  rounds: number;
  remindersSent: number;
  /** approved items (and items approved in auto mode) wait for their slot: what came of it */
  publication?: SlotPublication;
}

/** A live event on approvalTopic(tenantId). */
export interface ApprovalEvent {
  kind: 'opened' | 'decided' | 'comment' | 'reminder' | 'expired' | 'regenerated';
  approvalId: string;
  itemId: string;
  status: ApprovalStatus;
  at: string;
}
