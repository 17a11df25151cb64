// W1 "started by a Temporal schedule in the client's time zone". A schedule
// appends its fire time to the workflow ids it starts, which would break "one
// run per client and month" (the id monthly-pipeline:<client>:<month>). So the
// schedule starts this small workflow, which starts the month's pipeline under
// its deterministic id, or finds it already there.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import { monthlyPipelineWorkflowId } from '@ensemble/workflow-contracts/pipeline';
import type { PipelineScheduleActivities } from './pipeline-schedule.activities.ts';
import { monthlyPipelineWorkflow } from './monthly-pipeline.workflow.ts';

const { pipelineMonthFor } = proxyActivities<PipelineScheduleActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BAD_USER_INPUT', 'NOT_FOUND'] },
});

export interface MonthlyPipelineStarterInput {
  tenantId: string;
}

export async function monthlyPipelineStarterWorkflow(input: MonthlyPipelineStarterInput): Promise<{ month: string; started: boolean }> {
  const month = await pipelineMonthFor(input.tenantId);
  try {
    await startChild(monthlyPipelineWorkflow, {
      workflowId: monthlyPipelineWorkflowId(input.tenantId, month),
      args: [{ tenantId: input.tenantId, month, trigger: 'schedule', requestedBy: null }],
      // The month outlives this starter; a failed month may be started again.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return { month, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { month, started: false };
    throw error;
  }
}
