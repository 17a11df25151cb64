import type { PipelineStep, StepStatus } from './pipeline.graphql.ts';

const RANK: Record<StepStatus, number> = { PENDING: 0, RUNNING: 1, COMPLETED: 2, FAILED: 2 };

function advance(step: PipelineStep): [number, number] {
  return [step.attempts, RANK[step.status] ?? 0];
}

/**
 * A run arrives both from queries and from the progress subscription, in no
 * guaranteed order; a step only moves forward (more attempts, or a later
 * status within an attempt), so keep the more advanced copy of each step.
 */
export function mergeSteps(existing: readonly PipelineStep[] | undefined, incoming: readonly PipelineStep[]): PipelineStep[] {
  if (!existing || existing.length === 0) return [...incoming];
  const byPosition = new Map(existing.map((step) => [step.position, step]));
  return incoming.map((step) => {
    const old = byPosition.get(step.position);
    if (!old || old.step !== step.step) return step;
    const [oldAttempts, oldRank] = advance(old);
    const [newAttempts, newRank] = advance(step);
    return oldAttempts > newAttempts || (oldAttempts === newAttempts && oldRank > newRank) ? old : step;
  });
}
