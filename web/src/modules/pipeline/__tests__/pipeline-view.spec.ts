import { describe, expect, it } from 'vitest';
import type { PipelineStep } from '../pipeline.graphql.ts';
import { mergeSteps } from '../step-merge.ts';
import { summarizeResult } from '../step-summary.ts';

const step = (status: PipelineStep['status'], attempts: number, position = 1): PipelineStep => ({
  step: 'SESSION', position, status, attempts, result: null, error: null, startedAt: null, finishedAt: null,
});

describe('mergeSteps', () => {
  it('never moves a step backwards when an older copy arrives late', () => {
    expect(mergeSteps([step('COMPLETED', 1)], [step('RUNNING', 1)])[0]?.status).toBe('COMPLETED');
    expect(mergeSteps([step('RUNNING', 1)], [step('COMPLETED', 1)])[0]?.status).toBe('COMPLETED');
  });
  it('lets a retry (more attempts) replace a failure', () => {
    expect(mergeSteps([step('FAILED', 1)], [step('RUNNING', 2)])[0]).toMatchObject({ status: 'RUNNING', attempts: 2 });
  });
});

describe('summarizeResult', () => {
  const n = (value: number) => String(value);
  it('keeps countable facts and drops ids', () => {
    expect(summarizeResult({ runId: 'x', slots: 12, items: ['a', 'b'], offline: true, snapshotId: '0190f5e0-0000-7000-8000-000000000005', byChannel: { blog: 2 } }, n)).toEqual([
      { key: 'slots', value: '12' },
      { key: 'items', value: '2' },
      { key: 'offline', value: '✓' },
      { key: 'byChannel.blog', value: '2' },
    ]);
  });
  it('shows nothing for a missing result', () => {
    expect(summarizeResult(null, n)).toEqual([]);
  });
});
