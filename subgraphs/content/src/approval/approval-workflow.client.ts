// Starting and signalling an item's approval workflow from the subgraph.
// Signals go through signalWithStart: an item whose workflow is not running
// (its round was opened by an older pipeline, or the start failed) gets one,
// which then receives the signal, so no decision is ever lost.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';
import {
  APPROVAL_WORKFLOW,
  DEFAULT_EXPIRY_HOURS,
  DEFAULT_REMINDER_HOURS,
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

/** Starts the item's workflow; one already running is kept. */
export async function startApprovalWorkflow(deps: ApprovalWorkflowDeps, input: ApprovalWorkflowInput): Promise<string> {
  const workflowId = approvalWorkflowId(input.tenantId, input.itemId);
  try {
    await deps.temporal.workflow.start(APPROVAL_WORKFLOW, {
      taskQueue: taskQueue(deps),
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A closed workflow of the item (approved, changes requested, expired) does not stop a new review.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
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

/** Polls `check` until it answers (or the time is up: then the last answer, possibly null). */
export async function waitFor<T>(check: () => Promise<T | null>, timeoutMs: number, intervalMs = 100): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
