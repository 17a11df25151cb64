// Every workflow the worker runs (the bundle's entry point). Names exported
// here are the workflow types the contracts refer to.
export { monthlyPipelineWorkflow } from './pipeline/monthly-pipeline.workflow.ts';
export { monthlyPipelineStarterWorkflow } from './pipeline/monthly-pipeline-starter.workflow.ts';
export { creditExpiryWorkflow } from './billing/credit-expiry.workflow.ts';
export { approvalWorkflow } from './approval/approval.workflow.ts';
export { onboardingWorkflow } from './onboarding/onboarding.workflow.ts';
export { competitorWatchSweepWorkflow, competitorCaptureWorkflow } from './watch/competitor-watch.workflow.ts';
