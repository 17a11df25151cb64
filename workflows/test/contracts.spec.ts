import { describe, expect, it } from 'vitest';
import {
  isMonth,
  monthlyPipelineWorkflowId,
  parseMonthlyPipelineWorkflowId,
  pipelineIdempotencyKey,
  pipelineProgressTopic,
  previousMonth,
} from '@ensemble/workflow-contracts/pipeline';

const TENANT = '0190f3a2-7c4e-7d2a-9b1e-3f5a6c7d8e9f';

describe('monthly pipeline workflow id', () => {
  it('carries the tenant and the month, so one client-month is one workflow', () => {
    expect(monthlyPipelineWorkflowId(TENANT, '2026-05')).toBe(`monthly-pipeline:${TENANT}:2026-05`);
    expect(monthlyPipelineWorkflowId(TENANT.toUpperCase(), '2026-05')).toBe(monthlyPipelineWorkflowId(TENANT, '2026-05'));
    expect(parseMonthlyPipelineWorkflowId(monthlyPipelineWorkflowId(TENANT, '2026-12'))).toEqual({ tenantId: TENANT, month: '2026-12' });
    expect(parseMonthlyPipelineWorkflowId('approval:x:y')).toBeNull();
  });

  it('refuses what is not a tenant id or a month (an id must never be built from junk)', () => {
    expect(() => monthlyPipelineWorkflowId('client-a', '2026-05')).toThrow(RangeError);
    expect(() => monthlyPipelineWorkflowId(`${TENANT}:x`, '2026-05')).toThrow(RangeError);
    for (const bad of ['2026-5', '2026-13', '2026-00', '1999-01', '2026-05-01', '']) {
      expect(isMonth(bad)).toBe(false);
      expect(() => monthlyPipelineWorkflowId(TENANT, bad)).toThrow(RangeError);
    }
  });

  it('derives idempotency keys, topics and the previous month', () => {
    const wf = monthlyPipelineWorkflowId(TENANT, '2026-01');
    expect(pipelineIdempotencyKey(wf, 'generation', 'slot-1')).toBe(`${wf}:generation:slot-1`);
    expect(pipelineIdempotencyKey(wf, 'analytics')).toBe(`${wf}:analytics`);
    expect(pipelineProgressTopic(TENANT, 'run-1')).toBe(`pipeline:${TENANT}:run-1`);
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-10')).toBe('2026-09');
  });
});
