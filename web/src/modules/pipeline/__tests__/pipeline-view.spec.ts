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
  const format = { number: (value: number) => String(value), dateTime: (value: string) => `at ${value.slice(0, 10)}`, month: (value: string) => `month ${value}` };
  it('puts counts first, drops ids and the words of nested bookkeeping, formats dates', () => {
    const result = {
      runId: 'x', plan: 'growth', first: '2026-11-02T08:00:00.000Z', slots: 12, items: ['a', 'b'], offline: true,
      snapshotId: '0190f5e0-0000-7000-8000-000000000005', byChannel: { blog: 2 }, provenance: { tone: 'brand_dna:v1' }, from: '2026-10',
    };
    expect(summarizeResult(result, format, 8)).toEqual([
      { key: 'slots', value: '12' },
      { key: 'items', value: '2' },
      { key: 'byChannel.blog', value: '2' },
      { key: 'offline', value: '✓' },
      { key: 'plan', value: 'growth' },
      { key: 'first', value: 'at 2026-11-02' },
      { key: 'from', value: 'month 2026-10' },
    ]);
    expect(summarizeResult(result, format, 2)).toHaveLength(2);
  });
  it('shows nothing for a missing result', () => {
    expect(summarizeResult(null, format)).toEqual([]);
  });
});
