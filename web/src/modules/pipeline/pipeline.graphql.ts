import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export const PIPELINE_STEPS = ['SESSION', 'INGESTION', 'DNA_MERGE', 'PLANNING', 'GENERATION', 'PUBLICATION', 'ANALYTICS'] as const;
export type PipelineStepName = (typeof PIPELINE_STEPS)[number];
export type PipelineStatus = 'RUNNING' | 'COMPLETED' | 'FAILED';
export type StepStatus = 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface PipelineStep {
  step: PipelineStepName;
  position: number;
  status: StepStatus;
  attempts: number;
  result: unknown;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface PipelineRun {
  id: string;
  month: string;
  status: PipelineStatus;
  workflowId: string;
  startedAt: string;
  finishedAt: string | null;
  steps: PipelineStep[];
}

const RUN_FIELDS = gql`
  fragment PipelineRunFields on PipelineRun {
    id
    month
    status
    workflowId
    startedAt
    finishedAt
    steps {
      step
      position
      status
      attempts
      result
      error
      startedAt
      finishedAt
    }
  }
`;

export const PIPELINE_RUNS_QUERY: TypedDocumentNode<{ pipelineRuns: PipelineRun[] }, Record<string, never>> = gql`
  query PipelineRuns {
    pipelineRuns {
      ...PipelineRunFields
    }
  }
  ${RUN_FIELDS}
`;

export const PIPELINE_RUN_QUERY: TypedDocumentNode<{ pipelineRun: PipelineRun }, { id: string }> = gql`
  query PipelineRun($id: ID!) {
    pipelineRun(id: $id) {
      ...PipelineRunFields
    }
  }
  ${RUN_FIELDS}
`;

export const START_MONTHLY_PIPELINE_MUTATION: TypedDocumentNode<{ startMonthlyPipeline: PipelineRun }, { month?: string | null }> = gql`
  mutation StartMonthlyPipeline($month: String) {
    startMonthlyPipeline(month: $month) {
      ...PipelineRunFields
    }
  }
  ${RUN_FIELDS}
`;

export const RETRY_PIPELINE_STEP_MUTATION: TypedDocumentNode<{ retryPipelineStep: PipelineRun }, { runId: string }> = gql`
  mutation RetryPipelineStep($runId: ID!) {
    retryPipelineStep(runId: $runId) {
      ...PipelineRunFields
    }
  }
  ${RUN_FIELDS}
`;

export const PIPELINE_PROGRESS_SUBSCRIPTION: TypedDocumentNode<{ pipelineProgress: PipelineRun }, { runId: string }> = gql`
  subscription PipelineProgress($runId: ID!) {
    pipelineProgress(runId: $runId) {
      ...PipelineRunFields
    }
  }
  ${RUN_FIELDS}
`;
