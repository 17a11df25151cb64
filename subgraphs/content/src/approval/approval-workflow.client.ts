// Starting and signalling an item's approval workflow from the subgraph.
// Signals go through signalWithStart: an item whose workflow is not running
// (its round was opened by an older pipeline, or the start failed) gets one,
// which then receives the signal, so no decision is ever lost. A moved slot
// is only told to a running workflow: without one there is nothing waiting.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';
import {
  APPROVAL_WORKFLOW,
  DEFAULT_EXPIRY_HOURS,
  DEFAULT_REMINDER_HOURS,
  REVIEW_OPENED_SIGNAL,
  SLOT_RESCHEDULED_SIGNAL,
  approvalWorkflowId,
  type ApprovalSignal,
  type ApprovalWorkflowInput,
} from '@ensemble/workflow-contracts/approval';

export interface ApprovalWorkflowDeps {
  temporal: Client;
  /** defaults to TEMPORAL_TASK_QUEUE, then the contracts' TASK_QUEUE */
  taskQueue?: string;
  reminderAfterHours?: number[];
  expireAfterHours?: number;
}

export type ApprovalSignalName = 'approve' | 'requestChanges' | 'regenerate' | 'comment';

export function approvalInput(deps: ApprovalWorkflowDeps, tenantId: string, itemId: string, requestedBy: string | null): ApprovalWorkflowInput {
  return {
    tenantId,
    itemId,
    requestedBy,
    reminderAfterHours: [...(deps.reminderAfterHours ?? DEFAULT_REMINDER_HOURS)],
    expireAfterHours: deps.expireAfterHours ?? DEFAULT_EXPIRY_HOURS,
  };
}

function taskQueue(deps: ApprovalWorkflowDeps): string {
  return deps.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE;
}

/**
 * Starts the item's workflow; one already running is kept and told: one that
 * waits for the slot's time of an earlier approval takes up the new round.
 */
export async function startApprovalWorkflow(deps: ApprovalWorkflowDeps, input: ApprovalWorkflowInput): Promise<string> {
  const workflowId = approvalWorkflowId(input.tenantId, input.itemId);
  await deps.temporal.workflow.signalWithStart(APPROVAL_WORKFLOW, {
    taskQueue: taskQueue(deps),
    workflowId,
    args: [input],
    signal: REVIEW_OPENED_SIGNAL,
    signalArgs: [],
    // A closed workflow of the item (approved, changes requested, expired) does not stop a new review.
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  return workflowId;
}

export async function signalApprovalWorkflow(deps: ApprovalWorkflowDeps, input: ApprovalWorkflowInput, signal: ApprovalSignalName, payload: ApprovalSignal): Promise<void> {
  await deps.temporal.workflow.signalWithStart(APPROVAL_WORKFLOW, {
    taskQueue: taskQueue(deps),
    workflowId: approvalWorkflowId(input.tenantId, input.itemId),
    args: [input],
    signal,
    signalArgs: [payload],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/** How long a person dragging a post waits for the workflow engine before the move is refused. */
export const SLOT_SIGNAL_DEADLINE_MS = 5_000;

/**
 * Tells the item's workflow that its slot moved, so one waiting for the old
 * time reads the new one (earlier: it would otherwise publish late). Never
 * starts one: an item not approved yet reads its slot once approved, and a
 * closed workflow (published, sent back, expired) has nothing to wait for.
 * Answers whether a running workflow was told; throws when Temporal did not
 * answer within SLOT_SIGNAL_DEADLINE_MS (the client would retry for ~20 s).
 */
export async function signalSlotRescheduled(deps: Pick<ApprovalWorkflowDeps, 'temporal'>, tenantId: string, itemId: string): Promise<boolean> {
  try {
    await deps.temporal.withDeadline(Date.now() + SLOT_SIGNAL_DEADLINE_MS, () =>
      deps.temporal.workflow.getHandle(approvalWorkflowId(tenantId, itemId)).signal(SLOT_RESCHEDULED_SIGNAL));
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Polls `check` until it answers (or the time is up: then the last answer, possibly null). */
export async function waitFor<T>(check: () => Promise<T | null>, timeoutMs: number, intervalMs = 100): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
