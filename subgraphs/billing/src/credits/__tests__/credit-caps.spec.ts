// Caps, the night-batch discount, regeneration caps and the platform's expiry
// sweep, against a real PostgreSQL as the application role (RLS on). Each test
// builds its own client tenants under its own platform.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { appUrl, OWNER_ROLE } from '@ensemble/db/connection';
import { createOrm, withTenant, type EntityManager } from '@ensemble/db/orm';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { type AppError } from '@ensemble/tenancy/errors';
import { errorOf } from '@ensemble/testing/errors';
import {
  checkRegenerationCap, ensureMonthlyGrant, getBalance, listCreditNotices, listMovements, reserveCredits, settleReservation, voidReservation,
} from '../credit-ledger.service.ts';
import { expireOrphanReservationsForAll } from '../credit-expiry.service.ts';

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
const platformId = uuidv7();

const now = new Date();
const PERIOD = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query(`set role ${OWNER_ROLE}`);
  await admin.query(
    `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'platform', null, array[$1::uuid], 'Platform', $2)`,
    [platformId, `platform-${platformId}`]);
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 8 });
});

afterAll(async () => {
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

interface ClientOptions {
  monthlyCredits: number;
  limits?: Record<string, unknown>;
  features?: Record<string, unknown>;
  softCap?: number | null;
  hardCap?: number | null;
}

/** A client on its own plan with a live subscription and this period's grant. */
async function client(options: ClientOptions): Promise<{ tenantId: string; planId: string }> {
  const tenantId = uuidv7();
  const planId = uuidv7();
  await admin.query(
    `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'client', $2, array[$2::uuid, $1::uuid], 'Client', $3)`,
    [tenantId, platformId, `client-${tenantId}`]);
  await admin.query(
    `insert into tenants.plan (id, code, name, visibility, visible_to_tenant_id, monthly_credits, limits, features)
     values ($1, $2, 'Test plan', 'client', $3, $4, $5, $6)`,
    [planId, `plan-${planId}`, tenantId, options.monthlyCredits, JSON.stringify(options.limits ?? {}), JSON.stringify(options.features ?? {})]);
  await admin.query(
    `insert into billing.subscription (id, tenant_id, plan_id, status, currency, price_minor, seller_tenant_id, current_period_start, current_period_end)
     values ($1, $2, $3, 'active', 'EUR', 0, $4, now(), now() + interval '1 month')`,
    [uuidv7(), tenantId, planId, platformId]);
  await tx(tenantId, (em) => ensureMonthlyGrant(em, { tenantId, periodStart: PERIOD }));
  if (options.softCap !== undefined || options.hardCap !== undefined) {
    await admin.query('update billing.credit_account set soft_cap = $2, hard_cap = $3 where tenant_id = $1', [tenantId, options.softCap ?? null, options.hardCap ?? null]);
  }
  return { tenantId, planId };
}

function tx<T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return withTenant(orm, tenantId, null, ({ em }) => fn(em));
}

async function counts(tenantId: string): Promise<{ transfers: number; reservations: number; notices: number }> {
  const { rows: [row] } = await admin.query(
    `select (select count(*) from billing.credit_transfer where tenant_id = $1)::int as transfers,
            (select count(*) from billing.credit_reservation where tenant_id = $1)::int as reservations,
            (select count(*) from billing.credit_notice where tenant_id = $1)::int as notices`, [tenantId]);
  return row;
}

async function reserveAndSettle(tenantId: string, key: string, amount: number, used = amount, extra: { batch?: boolean; task?: string } = {}): Promise<string> {
  const r = await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount, task: extra.task ?? 'generation', idempotencyKey: key, batch: extra.batch }));
  await tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: r.reservationId, amount: used, idempotencyKey: key }));
  return r.reservationId;
}

async function newItem(tenantId: string): Promise<string> {
  const id = uuidv7();
  await admin.query(`insert into content.content_item (id, tenant_id, channel, title, locale) values ($1, $2, 'blog', 'An item', 'en')`, [id, tenantId]);
  return id;
}

describe('soft and hard caps', () => {
  it('flags the soft cap and records one notice per period, while reservations go on', async () => {
    const { tenantId } = await client({ monthlyCredits: 10, softCap: 8 });
    await reserveAndSettle(tenantId, 'a', 5);
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ softCap: 8, hardCap: null, softCapReached: false, hardCapReached: false });
    expect((await counts(tenantId)).notices).toBe(0);

    // An open reservation counts as used: 5 consumed + 3 reserved reaches 8.
    await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 3, task: 'generation', idempotencyKey: 'b' }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ consumed: 5, reserved: 3, softCapReached: true, hardCapReached: false });
    await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 1, task: 'generation', idempotencyKey: 'c' }));
    const notices = await tx(tenantId, (em) => listCreditNotices(em, tenantId, 10));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'soft_cap_reached', periodStart: PERIOD, threshold: 8, used: 8 });
    expect(notices[0]!.message).toMatch(/soft cap of 8 AI credits/);
    // Another client sees none of it.
    const { tenantId: other } = await client({ monthlyCredits: 10 });
    expect(await tx(other, (em) => listCreditNotices(em, tenantId, 10))).toEqual([]);
  });

  it('refuses past the hard cap with INSUFFICIENT_CREDITS naming the cap, and writes nothing', async () => {
    const { tenantId } = await client({ monthlyCredits: 100, hardCap: 10 });
    await reserveAndSettle(tenantId, 'a', 6);
    const before = await counts(tenantId);
    const error = await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 5, task: 'generation', idempotencyKey: 'b' })));
    expect(error.code).toBe('INSUFFICIENT_CREDITS');
    expect(error.message).toBe('The monthly hard cap of 10 AI credits is reached: 6 used this month, 5 more requested.');
    expect(error.extensions).toMatchObject({ cap: 'hard', hardCap: 10, used: 6, requested: 5 });
    expect(await counts(tenantId)).toEqual(before);

    expect((await counts(tenantId)).notices).toBe(0);
    // The reservation that fills the cap is granted, and says the cap is reached.
    await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 4, task: 'generation', idempotencyKey: 'c' }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ available: 90, hardCap: 10, hardCapReached: true });
    expect(await tx(tenantId, (em) => listCreditNotices(em, tenantId, 10))).toMatchObject([{ kind: 'hard_cap_reached', threshold: 10, used: 10 }]);
    // The budget is not the cap: plenty available, still refused.
    expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 1, task: 'generation', idempotencyKey: 'd' })))).message).toMatch(/hard cap of 10/);
  });

  it('takes the caps from the plan limits when the account sets none, the account winning when it does', async () => {
    const { tenantId } = await client({ monthlyCredits: 50, limits: { credits_soft_cap: 3, credits_hard_cap: 5 } });
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ softCap: 3, hardCap: 5 });
    await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 4, task: 'generation', idempotencyKey: 'a' }));
    expect((await counts(tenantId)).notices).toBe(1);
    expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 2, task: 'generation', idempotencyKey: 'b' })))).message)
      .toMatch(/hard cap of 5 AI credits/);

    await admin.query('update billing.credit_account set hard_cap = 7 where tenant_id = $1', [tenantId]);
    await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 2, task: 'generation', idempotencyKey: 'b' }));
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ softCap: 3, hardCap: 7, reserved: 6 });
  });

  it('still refuses with the budget message when the available credits run out first', async () => {
    const { tenantId } = await client({ monthlyCredits: 5, hardCap: 100 });
    const error = await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 6, task: 'generation', idempotencyKey: 'a' })));
    expect([error.code, error.message]).toEqual(['INSUFFICIENT_CREDITS', 'Not enough AI credits: 6 needed, 5 available.']);
  });
});

describe('night batch', () => {
  it('charges −50 % at settlement when the plan has night_batch, and says so in the memo', async () => {
    const { tenantId } = await client({ monthlyCredits: 100, features: { night_batch: true } });
    await reserveAndSettle(tenantId, 'batch-1', 10, 9, { batch: true });
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ consumed: 5, available: 95, reserved: 0 });
    const [settle, reserve] = await tx(tenantId, (em) => listMovements(em, tenantId, 2));
    expect(settle).toMatchObject({ kind: 'settle', amount: 5, memo: 'Used 9 of 10 reserved; night batch −50 %: 5 charged' });
    expect(reserve).toMatchObject({ kind: 'reserve', amount: 10, memo: 'Reserved for generation (night batch)' });
    const { rows: [row] } = await admin.query(`select settled_amount from billing.credit_reservation where tenant_id = $1 and idempotency_key = 'batch-1'`, [tenantId]);
    expect(row.settled_amount).toBe('5');

    // The same plan, a call made by day: full price.
    await reserveAndSettle(tenantId, 'day-1', 10, 9);
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ consumed: 14 });
  });

  it('charges full price for a batch call when the plan lacks night_batch', async () => {
    const { tenantId } = await client({ monthlyCredits: 100, features: { night_batch: false } });
    await reserveAndSettle(tenantId, 'batch-1', 10, 9, { batch: true });
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ consumed: 9, available: 91 });
    const [settle] = await tx(tenantId, (em) => listMovements(em, tenantId, 1));
    expect(settle!.memo).toMatch(/night batch not in plan .*: full price/);
  });

  it('uses the rate catalogue’s discount for the task, rounding the charge up to whole credits', async () => {
    await admin.query(
      `insert into billing.credit_rate (id, task, tier, unit, credits, batch_discount_pct) values ($1, 'image', 'standard', 'image', 2, 30)`, [uuidv7()]);
    const { tenantId } = await client({ monthlyCredits: 100, features: { night_batch: true } });
    await reserveAndSettle(tenantId, 'img', 10, 9, { batch: true, task: 'image' });
    // 9 × 70 % = 6.3 → 7
    expect(await tx(tenantId, (em) => getBalance(em, tenantId))).toMatchObject({ consumed: 7 });
  });
});

describe('regeneration caps', () => {
  it('counts settled (and in-flight) regenerations of an item against the plan, voided ones not', async () => {
    const { tenantId } = await client({ monthlyCredits: 100, limits: { regenerations_per_item: 2 } });
    const item = await newItem(tenantId);
    expect(await tx(tenantId, (em) => checkRegenerationCap(em, { tenantId, contentItemId: item }))).toEqual({ contentItemId: item, used: 0, limit: 2, remaining: 2 });

    const regenerate = (key: string) => tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 3, task: 'generation', idempotencyKey: key, contentItemId: item, regeneration: true }));
    const first = await regenerate('regen-1');
    await tx(tenantId, (em) => settleReservation(em, { tenantId, reservationId: first.reservationId, amount: 2, idempotencyKey: 'regen-1' }));
    const failed = await regenerate('regen-2');
    await tx(tenantId, (em) => voidReservation(em, { tenantId, reservationId: failed.reservationId, idempotencyKey: 'regen-2' }));
    expect(await tx(tenantId, (em) => checkRegenerationCap(em, { tenantId, contentItemId: item }))).toMatchObject({ used: 1, remaining: 1 });

    // Two at once for the last one: the account lock lets exactly one through.
    const results = await Promise.allSettled([regenerate('regen-3'), regenerate('regen-4')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as AppError;
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe('This content item has used its 2 regenerations allowed by the plan. Edit it by hand, or upgrade the plan for more.');
    expect(refused.extensions).toMatchObject({ reason: 'REGENERATION_CAP', limit: 2, used: 2 });
    const check = await errorOf(tx(tenantId, (em) => checkRegenerationCap(em, { tenantId, contentItemId: item })));
    expect(check.code).toBe('CONFLICT');

    // Another item of the same client is untouched; a replayed key is not a new regeneration.
    const other = await newItem(tenantId);
    expect(await tx(tenantId, (em) => checkRegenerationCap(em, { tenantId, contentItemId: other }))).toMatchObject({ used: 0, remaining: 2 });
    expect(await regenerate('regen-1')).toMatchObject({ reservationId: first.reservationId, replayed: true });
  });

  it('imposes nothing when the plan sets no limit, and answers another client’s item as missing', async () => {
    const { tenantId } = await client({ monthlyCredits: 100 });
    const item = await newItem(tenantId);
    expect(await tx(tenantId, (em) => checkRegenerationCap(em, { tenantId, contentItemId: item }))).toMatchObject({ limit: null, remaining: null });
    const { tenantId: intruder } = await client({ monthlyCredits: 100, limits: { regenerations_per_item: 5 } });
    const foreign = await errorOf(tx(intruder, (em) => checkRegenerationCap(em, { tenantId: intruder, contentItemId: item })));
    const missing = await errorOf(tx(intruder, (em) => checkRegenerationCap(em, { tenantId: intruder, contentItemId: uuidv7() })));
    expect([foreign.code, foreign.message]).toEqual(['NOT_FOUND', missing.message]);
    expect((await errorOf(tx(intruder, (em) => checkRegenerationCap(em, { tenantId: intruder, contentItemId: 'not-an-id' })))).code).toBe('NOT_FOUND');
    expect((await errorOf(tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 1, task: 'generation', idempotencyKey: 'x', regeneration: true })))).code).toBe('BAD_USER_INPUT');
  });
});

describe('expiry of orphaned reservations, platform-wide', () => {
  it('expires every tenant’s expired open reservations once, leaving live ones', async () => {
    const a = await client({ monthlyCredits: 20 });
    const b = await client({ monthlyCredits: 20 });
    for (const [tenantId, key, ttl] of [[a.tenantId, 'orphan-a', 60], [b.tenantId, 'orphan-b1', 60], [b.tenantId, 'orphan-b2', 120], [b.tenantId, 'live', 7200]] as const) {
      await tx(tenantId, (em) => reserveCredits(em, { tenantId, amount: 2, task: 'generation', idempotencyKey: key, ttlSeconds: ttl }));
    }
    const later = new Date(Date.now() + 10 * 60_000);
    const sweep = await expireOrphanReservationsForAll(orm, later);
    expect(sweep).toMatchObject({ expired: 3, failed: [] });
    expect(sweep.tenants).toBeGreaterThanOrEqual(2);
    expect(await expireOrphanReservationsForAll(orm, later)).toMatchObject({ expired: 0 });
    expect(await tx(a.tenantId, (em) => getBalance(em, a.tenantId))).toMatchObject({ available: 20, reserved: 0 });
    expect(await tx(b.tenantId, (em) => getBalance(em, b.tenantId))).toMatchObject({ available: 18, reserved: 2 });
    const { rows } = await admin.query(
      `select idempotency_key, status from billing.credit_reservation where tenant_id = any($1) order by idempotency_key`, [[a.tenantId, b.tenantId]]);
    expect(rows.map((r) => [r.idempotency_key, r.status])).toEqual([['live', 'open'], ['orphan-a', 'expired'], ['orphan-b1', 'expired'], ['orphan-b2', 'expired']]);
  });
});

describe('books', () => {
  it('every transfer written above balances and no available or reserved balance ever went negative', async () => {
    const unbalanced = await admin.query('select transfer_id from billing.credit_entry group by tenant_id, transfer_id having sum(amount) <> 0');
    expect(unbalanced.rows).toEqual([]);
    const negative = await admin.query(
      `select tenant_id, account from (
         select e.tenant_id, e.account,
                sum(e.amount) over (partition by e.tenant_id, e.account order by t.created_at, t.id) as running
           from billing.credit_entry e join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
          where e.account in ('available', 'reserved')) x
        group by tenant_id, account having min(running) < 0`);
    expect(negative.rows).toEqual([]);
  });
});
