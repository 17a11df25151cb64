// B2 expiry of orphaned credit reservations on real servers: PostgreSQL (fresh
// database, demo seed), a Temporal server, the real worker (every workflow and
// activity registered) and the Temporal Schedule the worker registers.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '@ensemble/db/orm';
import { DEMO } from '@ensemble/db/seed';
import { getBalance, reserveCredits } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { CREDIT_EXPIRY_WORKFLOW, type CreditExpiryResult } from '@ensemble/workflow-contracts/credits';
import { creditExpirySchedule, ensureCreditSchedules } from '../src/billing/credit-schedules.ts';
import { startPipelineHarness, type PipelineHarness } from './harness.ts';

const BAKERY = DEMO.tenants.bakery;
// The worker's clock runs an hour ahead: reservations made now with a short life are orphans to it.
const AHEAD_MS = 3600_000;

let h: PipelineHarness;
const scheduleId = `credit-expiry-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  h = await startPipelineHarness({ label: 'credits', now: () => new Date(Date.now() + AHEAD_MS) });
}, 240_000);

afterAll(async () => {
  await h?.temporal.schedule.getHandle(scheduleId).delete().catch(() => {});
  await h?.stop();
}, 60_000);

function reserve(key: string, ttlSeconds: number) {
  return withTenant(h.orm, BAKERY, null, ({ em }) => reserveCredits(em, { tenantId: BAKERY, amount: 3, task: 'generation', idempotencyKey: key, ttlSeconds }));
}

async function statusOf(reservationId: string): Promise<string> {
  const { rows } = await h.admin.query('select status from billing.credit_reservation where id = $1', [reservationId]);
  return rows[0].status;
}

describe('credit expiry workflow', () => {
  it('expires the orphans of every tenant through the worker, leaving live reservations, once', async () => {
    const before = await withTenant(h.orm, BAKERY, null, ({ em }) => getBalance(em, BAKERY));
    const orphan = await reserve('died-after-reserve', 60);
    const live = await reserve('slow-call', 7 * 24 * 3600);
    const run = () => h.temporal.workflow.execute<() => Promise<CreditExpiryResult>>(CREDIT_EXPIRY_WORKFLOW, {
      taskQueue: h.taskQueue, workflowId: `credit-expiry-${randomBytes(4).toString('hex')}`, args: [],
    });
    expect(await run()).toEqual({ tenants: 1, expired: 1, failed: [] });
    expect(await statusOf(orphan.reservationId)).toBe('expired');
    expect(await statusOf(live.reservationId)).toBe('open');
    expect(await withTenant(h.orm, BAKERY, null, ({ em }) => getBalance(em, BAKERY))).toMatchObject({ available: before.available - 3, reserved: 3 });
    expect(await run()).toEqual({ tenants: 0, expired: 0, failed: [] });
  }, 120_000);

  it('registers its schedule idempotently, and a scheduled run sweeps', async () => {
    expect(await ensureCreditSchedules(h.temporal, { taskQueue: h.taskQueue, scheduleId })).toBe('created');
    expect(await ensureCreditSchedules(h.temporal, { taskQueue: h.taskQueue, scheduleId })).toBe('updated');
    const handle = h.temporal.schedule.getHandle(scheduleId);
    const description = await handle.describe();
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: CREDIT_EXPIRY_WORKFLOW, taskQueue: h.taskQueue });
    expect(description.spec.intervals?.map((i) => i.every)).toEqual([5 * 60_000]);
    expect(creditExpirySchedule().action.workflowType).toBe(CREDIT_EXPIRY_WORKFLOW);

    const orphan = await reserve('died-again', 60);
    await handle.trigger();
    await expect.poll(() => statusOf(orphan.reservationId), { timeout: 60_000, interval: 500 }).toBe('expired');
    const { recentActions } = (await handle.describe()).info;
    expect(recentActions.length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
