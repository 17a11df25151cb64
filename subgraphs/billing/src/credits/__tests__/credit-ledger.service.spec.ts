// The ledger against a real PostgreSQL, connected as the application role
// (row-level security on). Each test works in its own fresh client tenant.
import { beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { OWNER_ROLE } from '@ensemble/db/connection';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { useTestDatabase } from '@ensemble/testing/database';
import { isAppError } from '@ensemble/tenancy/errors';
import { errorOf } from '@ensemble/testing/errors';
import {
  ensureMonthlyGrant, expireOrphanReservations, getBalance, listMovements, monthlyGrantKey, reserveCredits, settleReservation, voidReservation,
} from '../credit-ledger.service.ts';

const db = useTestDatabase({ seed: false, poolMax: 12, adminRole: OWNER_ROLE });
const platformId = uuidv7();

const now = new Date();
const PERIOD = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
const NEXT_PERIOD = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);

beforeAll(async () => {
  await db.admin.query(
    `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'platform', null, array[$1::uuid], 'Platform', $2)`,
    [platformId, `platform-${platformId}`]);
});

/** A client tenant on its own plan (visible to it only) with a live subscription. */
async function newClient(monthlyCredits: number, status = 'active'): Promise<{ tenantId: string; planId: string }> {
  const tenantId = uuidv7();
  const planId = uuidv7();
  await db.admin.query(
    `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'client', $2, array[$2::uuid, $1::uuid], 'Client', $3)`,
    [tenantId, platformId, `client-${tenantId}`]);
  await db.admin.query(
    `insert into tenants.plan (id, code, name, visibility, visible_to_tenant_id, monthly_credits) values ($1, $2, 'Test plan', 'client', $3, $4)`,
    [planId, `plan-${planId}`, tenantId, monthlyCredits]);
  await db.admin.query(
    `insert into billing.subscription (id, tenant_id, plan_id, status, currency, price_minor, seller_tenant_id, current_period_start, current_period_end)
     values ($1, $2, $3, $4, 'EUR', 0, $5, now(), now() + interval '1 month')`,
    [uuidv7(), tenantId, planId, status, platformId]);
  return { tenantId, planId };
}

function tx<T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return withTenant(db.orm, tenantId, null, ({ em }) => fn(em));
}

async function grantedClient(monthlyCredits: number): Promise<string> {
  const { tenantId } = await newClient(monthlyCredits);
  await tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: PERIOD }));
  return tenantId;
}

async function counts(tenantId: string): Promise<{ transfers: number; entries: number; reservations: number }> {
  const { rows: [row] } = await db.admin.query(
    `select (select count(*) from billing.credit_transfer where tenant_id = $1)::int as transfers,
            (select count(*) from billing.credit_entry where tenant_id = $1)::int as entries,
            (select count(*) from billing.credit_reservation where tenant_id = $1)::int as reservations`, [tenantId]);
  return row;
}

describe('credit ledger', () => {
  it('grants the plan budget once per period, then reserves and settles with balances derived from entries', async () => {
    const { tenantId } = await newClient(100);
    await tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: PERIOD }));
    await tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: PERIOD }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toEqual({
      tenantId, periodStart: new Date(`${PERIOD}T00:00:00.000Z`), budget: 100, available: 100, reserved: 0, consumed: 0,
      softCap: null, hardCap: null, softCapReached: false, hardCapReached: false,
    });

    const reservation = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 30, task: 'generation', idempotencyKey: 'call-1' }));
    expect(reservation).toMatchObject({ amount: 30, replayed: false });
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 70, reserved: 30, consumed: 0 });

    await tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: reservation.reservationId, amount: 20, idempotencyKey: 'call-1' }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ budget: 100, available: 80, reserved: 0, consumed: 20 });

    const movements = await tx(tenantId, (em) => listMovements(em, tenantId, 10));
    expect(movements.map((m) => [m.kind, m.amount])).toEqual([['settle', 20], ['reserve', 30], ['grant', 100]]);
    expect(movements.every((m) => m.createdAt instanceof Date && m.memo)).toBe(true);

    const { rows: [row] } = await db.admin.query('select status, settled_amount, closed_at from billing.credit_reservation where id = $1', [reservation.reservationId]);
    expect(row).toMatchObject({ status: 'settled', settled_amount: '20' });
    expect(row.closed_at).toBeInstanceOf(Date);
    const { rows: [grant] } = await db.admin.query(`select idempotency_key from billing.credit_transfer where tenant_id = $1 and kind = 'grant'`, [tenantId]);
    expect(grant.idempotency_key).toBe(monthlyGrantKey(PERIOD));
  });

  it('replays a repeated idempotency key with the original result and moves nothing', async () => {
    const tenantId = await grantedClient(50);
    const first = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 5, task: 'generation', idempotencyKey: 'job-7' }));
    const before = await counts(tenantId);
    const again = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 5, task: 'generation', idempotencyKey: 'job-7' }));
    expect(again).toEqual({ reservationId: first.reservationId, amount: 5, replayed: true });
    expect(await counts(tenantId)).toEqual(before);

    await tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: first.reservationId, amount: 4, idempotencyKey: 'job-7' }));
    const settled = await counts(tenantId);
    await tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: first.reservationId, amount: 4, idempotencyKey: 'job-7' }));
    expect(await counts(tenantId)).toEqual(settled);
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 46, reserved: 0, consumed: 4 });

    // Another operation on a closed reservation is a conflict, not a silent success.
    expect((await errorOf(tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: first.reservationId, amount: 1, idempotencyKey: 'other' })))).code).toBe('CONFLICT');
    expect((await errorOf(tx(tenantId, (em) => voidReservation(em, { tenantId, reservationId: first.reservationId, idempotencyKey: 'void-1' })))).code).toBe('CONFLICT');

    const second = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 3, task: 'generation', idempotencyKey: 'job-8' }));
    await tx(tenantId, (em) => voidReservation(em, { tenantId, reservationId: second.reservationId, idempotencyKey: 'job-8' }));
    const voided = await counts(tenantId);
    await tx(tenantId, (em) => voidReservation(em, { tenantId, reservationId: second.reservationId, idempotencyKey: 'job-8' }));
    expect(await counts(tenantId)).toEqual(voided);
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 46, reserved: 0, consumed: 4 });
  });

  it('never overspends: of 50 concurrent reservations of 1 against 10 credits, exactly 10 succeed', async () => {
    const tenantId = await grantedClient(10);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) =>
      tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 1, task: 'generation', idempotencyKey: `burst-${i}` }))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(failed).toHaveLength(40);
    for (const f of failed) {
      expect(isAppError(f.reason) && f.reason.code, String(f.reason)).toBe('INSUFFICIENT_CREDITS');
    }
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 0, reserved: 10 });
    expect((await counts(tenantId)).reservations).toBe(10);
  });

  it('voids a reservation: the credits return to available', async () => {
    const tenantId = await grantedClient(20);
    const r = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 12, task: 'image', idempotencyKey: 'img-1' }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 8, reserved: 12 });
    await tx(tenantId, (em) => voidReservation(em, { tenantId, reservationId: r.reservationId, idempotencyKey: 'img-1' }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 20, reserved: 0, consumed: 0 });
    const movements = await tx(tenantId, (em) => listMovements(em, tenantId, 2));
    expect(movements.map((m) => [m.kind, m.amount])).toEqual([['void', 12], ['reserve', 12]]);
  });

  it('expires reservations left open past expires_at, once', async () => {
    const tenantId = await grantedClient(20);
    const r = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 7, task: 'generation', idempotencyKey: 'orphan', ttlSeconds: 60 }));
    await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 2, task: 'generation', idempotencyKey: 'long', ttlSeconds: 3600 }));
    expect(await tx(tenantId, (em) => expireOrphanReservations(em, { tenantId, now: new Date() }))).toBe(0);
    const later = new Date(Date.now() + 5 * 60_000);
    expect(await tx(tenantId, (em) => expireOrphanReservations(em, { tenantId, now: later }))).toBe(1);
    expect(await tx(tenantId, (em) => expireOrphanReservations(em, { tenantId, now: later }))).toBe(0);
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 18, reserved: 2 });
    const { rows: [row] } = await db.admin.query('select status from billing.credit_reservation where id = $1', [r.reservationId]);
    expect(row.status).toBe('expired');
    // A worker that comes back after the expiry cannot settle any more.
    expect((await errorOf(tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: r.reservationId, amount: 7, idempotencyKey: 'orphan' })))).code).toBe('CONFLICT');
  });

  it('refuses bad input with BAD_USER_INPUT and writes nothing', async () => {
    const tenantId = await grantedClient(10);
    const r = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 4, task: 'generation', idempotencyKey: 'ok' }));
    const before = await counts(tenantId);
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount, task: 'generation', idempotencyKey: `bad-${amount}` })))).code).toBe('BAD_USER_INPUT');
    }
    expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 1, task: 'mind_reading', idempotencyKey: 'bad-task' })))).code).toBe('BAD_USER_INPUT');
    expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 1, task: 'generation', idempotencyKey: '' })))).code).toBe('BAD_USER_INPUT');
    expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 1, task: 'generation', idempotencyKey: 'ttl', ttlSeconds: 0 })))).code).toBe('BAD_USER_INPUT');
    expect((await errorOf(tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: r.reservationId, amount: 5, idempotencyKey: 'too-much' })))).code).toBe('BAD_USER_INPUT');
    expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 7, task: 'generation', idempotencyKey: 'too-big' })))).code).toBe('INSUFFICIENT_CREDITS');
    expect((await errorOf(tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: '2026-13-01' })))).code).toBe('BAD_USER_INPUT');
    expect((await errorOf(tx(tenantId, (em) => listMovements(em, tenantId, 0)))).code).toBe('BAD_USER_INPUT');
    expect(await counts(tenantId)).toEqual(before);
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 6, reserved: 4 });
  });

  it('takes the budget from the plan row, and lets unused monthly credits lapse when the next period is granted', async () => {
    const { tenantId, planId } = await newClient(100);
    await tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: PERIOD }));
    const r = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 30, task: 'generation', idempotencyKey: 'm1' }));
    await tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: r.reservationId, amount: 30, idempotencyKey: 'm1' }));
    await db.admin.query('update tenants.plan set monthly_credits = 150 where id = $1', [planId]);

    await tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: NEXT_PERIOD }));
    await tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: NEXT_PERIOD }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toEqual({
      tenantId, periodStart: new Date(`${NEXT_PERIOD}T00:00:00.000Z`), budget: 150, available: 150, reserved: 0, consumed: 0,
      softCap: null, hardCap: null, softCapReached: false, hardCapReached: false,
    });
    const movements = await tx(tenantId, (em) => listMovements(em, tenantId, 2));
    expect(movements.map((m) => [m.kind, m.amount])).toEqual([['grant', 150], ['expire', 70]]);

    // No subscription, no grant; a paused one gets nothing for the month.
    const { tenantId: bare } = await newClient(10, 'cancelled');
    expect((await errorOf(tx(bare, (em) => ensureMonthlyGrant(em, { tenantId: bare, periodStart: PERIOD })))).code).toBe('NOT_FOUND');
    const { tenantId: paused } = await newClient(10, 'paused');
    await tx(paused, (em) => ensureMonthlyGrant(em, { tenantId: paused, periodStart: PERIOD }));
    expect(await tx(paused, (em) => getBalance(em, paused))).toMatchObject({ budget: 10, available: 0 });
  });

  it('isolates tenants: A can neither reserve against nor read B, and gets the answer a nonexistent account gets', async () => {
    const a = await grantedClient(10);
    const b = await grantedClient(10);
    const bReservation = await tx(b, (em) => reserveCredits(em, { tenantId: b, amount: 2, task: 'generation', idempotencyKey: 'b-1' }));
    const ghost = uuidv7();
    const asA = <T>(fn: (em: EntityManager) => Promise<T>) => tx(a, fn);

    const reserveB = await errorOf(asA((em) => reserveCredits(em, { tenantId: b, amount: 1, task: 'generation', idempotencyKey: 'steal' })));
    const reserveGhost = await errorOf(asA((em) => reserveCredits(em, { tenantId: ghost, amount: 1, task: 'generation', idempotencyKey: 'steal' })));
    expect([reserveB.code, reserveB.message]).toEqual(['NOT_FOUND', reserveGhost.message]);
    expect(reserveGhost.code).toBe('NOT_FOUND');

    const balanceB = await errorOf(asA((em) => getBalance(em, b)));
    const balanceGhost = await errorOf(asA((em) => getBalance(em, ghost)));
    expect([balanceB.code, balanceB.message]).toEqual([balanceGhost.code, balanceGhost.message]);
    expect(balanceB.code).toBe('NOT_FOUND');

    expect(await asA((em) => listMovements(em, b, 10))).toEqual([]);
    const grantB = await errorOf(asA((em) => ensureMonthlyGrant(em, { tenantId: b, periodStart: PERIOD })));
    const grantGhost = await errorOf(asA((em) => ensureMonthlyGrant(em, { tenantId: ghost, periodStart: PERIOD })));
    expect([grantB.code, grantB.message]).toEqual([grantGhost.code, grantGhost.message]);
    expect((await errorOf(asA((em) => settleReservation(em, { tenantId: b, reservationId: bReservation.reservationId, amount: 1, idempotencyKey: 'x' })))).code).toBe('NOT_FOUND');
    expect((await errorOf(asA((em) => voidReservation(em, { tenantId: a, reservationId: bReservation.reservationId, idempotencyKey: 'x' })))).code).toBe('NOT_FOUND');
    expect(await asA((em) => expireOrphanReservations(em, { tenantId: a, now: new Date(Date.now() + 3600_000) }))).toBe(0);

    expect(await tx(b, (em) => getBalance(em, b))).toMatchObject({ available: 8, reserved: 2 });
    expect(await tx(a, (em) => getBalance(em, a))).toMatchObject({ available: 10, reserved: 0 });
  });

  it('keeps the books: every transfer sums to zero and no balance ever went negative (checked in SQL)', async () => {
    // Runs last, over everything the tests above wrote.
    const unbalanced = await db.admin.query(
      'select tenant_id, transfer_id, sum(amount) from billing.credit_entry group by tenant_id, transfer_id having sum(amount) <> 0');
    expect(unbalanced.rows).toEqual([]);
    const empty = await db.admin.query(
      'select t.id from billing.credit_transfer t where (select count(*) from billing.credit_entry e where e.tenant_id = t.tenant_id and e.transfer_id = t.id) < 2');
    expect(empty.rows).toEqual([]);
    const negative = await db.admin.query(
      `select tenant_id, account, min(running) as low from (
         select e.tenant_id, e.account,
                sum(e.amount) over (partition by e.tenant_id, e.account order by t.created_at, t.id rows between unbounded preceding and current row) as running
           from billing.credit_entry e join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
          where e.account in ('available', 'reserved')) x
        group by tenant_id, account having min(running) < 0`);
    expect(negative.rows).toEqual([]);
    const { rows: [total] } = await db.admin.query('select count(*)::int as n from billing.credit_transfer');
    expect(total.n).toBeGreaterThan(30);
  });
});
