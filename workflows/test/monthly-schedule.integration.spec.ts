import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '@ensemble/db/orm';
import { DEMO } from '@ensemble/db/seed';
import { monthlyPipelineWorkflowId, monthlyScheduleId } from '@ensemble/workflow-contracts/pipeline';
import { currentMonth, findRunByMonth } from '@ensemble/subgraph-content/pipeline/pipeline.service';
import { activeClients, ensureMonthlySchedule } from '../src/pipeline/pipeline-schedules.ts';
import { startPipelineHarness, type PipelineHarness } from './harness.ts';

let h: PipelineHarness;
const RIAD = DEMO.logins.riadAdmin.tenantId;

beforeAll(async () => {
  h = await startPipelineHarness({ label: 'schedule' });
}, 240_000);

afterAll(async () => {
  await h?.temporal.schedule.getHandle(monthlyScheduleId(RIAD)).delete().catch(() => {});
  await h?.stop();
});

describe('monthly schedules', () => {
  it('schedules every active client in its own time zone', async () => {
    const clients = await activeClients(h.orm);
    expect(clients.map((c) => c.tenantId).sort()).toEqual(
      [DEMO.logins.clientAdmin.tenantId, DEMO.logins.fitnessAdmin.tenantId, RIAD].sort());
    expect(clients.find((c) => c.tenantId === RIAD)?.timeZone).toBe('Africa/Casablanca');
  });

  it('starts the month of the client once however often it fires, and follows time zone changes', async () => {
    const riad = (await activeClients(h.orm)).find((c) => c.tenantId === RIAD)!;
    expect(await ensureMonthlySchedule(h.temporal, riad, h.taskQueue)).toBe('created');
    const handle = h.temporal.schedule.getHandle(monthlyScheduleId(RIAD));
    const described = await handle.describe();
    expect(described.spec.timezone).toBe('Africa/Casablanca');
    expect(described.spec.calendars?.[0]).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 6, end: 6, step: 1 }] });

    const month = currentMonth('Africa/Casablanca');
    await handle.trigger();
    const pipeline = h.temporal.workflow.getHandle(monthlyPipelineWorkflowId(RIAD, month));
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await pipeline.describe();
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const result = await pipeline.result();
    expect(result.status).toBe('completed');
    const firstRun = await withTenant(h.orm, RIAD, null, ({ em }) => findRunByMonth(em, RIAD, month));
    expect(firstRun?.status).toBe('completed');

    // A second fire finds the month already done: no second execution, same run.
    await handle.trigger();
    for (;;) {
      const recent = (await handle.describe()).info.recentActions;
      if (recent.length >= 2) {
        const starter = h.temporal.workflow.getHandle(recent[1]!.action.workflow.workflowId, recent[1]!.action.workflow.firstExecutionRunId);
        expect(await starter.result()).toEqual({ month, started: false });
        break;
      }
      if (Date.now() > deadline) throw new Error('the second fire did not run');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await pipeline.describe()).runId).toBe((await h.temporal.workflow.getHandle(monthlyPipelineWorkflowId(RIAD, month)).describe()).runId);
    const secondRun = await withTenant(h.orm, RIAD, null, ({ em }) => findRunByMonth(em, RIAD, month));
    expect(secondRun?.id).toBe(firstRun!.id);

    expect(await ensureMonthlySchedule(h.temporal, { ...riad, timeZone: 'Europe/Paris' }, h.taskQueue)).toBe('updated');
    expect((await handle.describe()).spec.timezone).toBe('Europe/Paris');
  }, 180_000);
});
