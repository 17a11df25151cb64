// `npm run bench -- ledger` (issue 3, B2): the credit ledger never overspends.
// On a real PostgreSQL (DATABASE_URL's server, else an embedded one started
// here), a client whose budget is exactly 100 credits takes 300 concurrent
// reservations of 1 credit, each in its own withTenant transaction as the
// application role (RLS on): 150 idempotency keys, each sent by two callers;
// 20 % of the callers "die" between reserve and settle (never settle). Once
// every caller is done and the reservations' lifetime has passed, the
// platform's orphan expiry runs. Then SQL checks, independently of the
// service:
//   granted     reservations ever created (settled + open + expired) ≤ 100
//   duplicates  one reservation and one reserve transfer per key, at most one
//               settlement per key, and both callers of a key got the same id
//   orphans     every reservation none of whose callers settled is expired,
//               every other one settled, none left open
//   invariants  each transfer sums to zero (≥ 2 legs); balances from the
//               service = sums of entries = the credit_balance view; the five
//               accounts sum to zero; no running balance of available or
//               reserved below zero at any point (running sums by created_at)
// Last line: RESULT ledger budget=100 granted=<n> duplicates_applied_once=<bool>
//   orphans_voided=<bool> invariants=<ok|broken> reservations_per_s=<x>
// Knobs: BENCH_POOL (50 connections), BENCH_SEED (42), BENCH_PG_PORT (embedded server's port).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { appUrl, OWNER_ROLE } from '../../db/src/connection.ts';
import { createOrm, withTenant } from '../../db/src/orm.ts';
import { createTestDatabase } from '../../packages/testing/src/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../packages/testing/src/embedded-postgres.ts';
import { freePort } from '../../packages/testing/src/ports.ts';
import { isAppError } from '../../packages/tenancy/src/errors.ts';
import { ensureMonthlyGrant, getBalance, reserveCredits, settleReservation } from '../../subgraphs/billing/src/credits/credit-ledger.service.ts';
import { expireOrphanReservationsForAll } from '../../subgraphs/billing/src/credits/credit-expiry.service.ts';

const BUDGET = 100;
const CALLERS = 300;
const KEYS = 150;
const DYING_SHARE = 0.2;
/** Long enough for every surviving caller to settle first, short enough to wait out. */
const TTL_SECONDS = 3;

function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

const POOL = knob('BENCH_POOL', 50);
const SEED = knob('BENCH_SEED', 42);
const log = (line: string) => process.stderr.write(`[bench ledger] ${line}\n`);

/** Deterministic pseudo-random numbers (mulberry32): the same callers die on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Caller {
  index: number;
  key: string;
  dies: boolean;
  reservationId: string | null;
  refused: boolean;
  settled: boolean;
  reservedAtMs: number;
}

async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | undefined;
  let embeddedDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    embeddedDir = await mkdtemp(join(tmpdir(), 'ensemble-bench-ledger-'));
    embedded = await startEmbeddedPostgres(join(embeddedDir, 'data'), process.env.BENCH_PG_PORT ? knob('BENCH_PG_PORT', 0) : await freePort(), { persistent: false });
    process.env.DATABASE_URL = embedded.url;
    log(`embedded PostgreSQL on port ${embedded.port}`);
  } else {
    log(`PostgreSQL of DATABASE_URL (${new URL(process.env.DATABASE_URL).host})`);
  }
  const db = await createTestDatabase();
  const admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  const orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: POOL });
  try {
    await admin.query(`set role ${OWNER_ROLE}`);
    const { rows: [server] } = await admin.query<{ server_version: string }>('show server_version');
    log(`PostgreSQL ${server?.server_version ?? '?'}, pool ${POOL} connections, seed ${SEED}`);

    // One platform, one client on a plan of exactly 100 credits a month, this month granted.
    const platformId = randomUUID();
    const clientId = randomUUID();
    const planId = randomUUID();
    await admin.query(`insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'platform', null, array[$1::uuid], 'Bench platform', $2)`, [platformId, `bench-platform-${platformId}`]);
    await admin.query(`insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'client', $2, array[$2::uuid, $1::uuid], 'Bench client', $3)`, [clientId, platformId, `bench-client-${clientId}`]);
    await admin.query(`insert into tenants.plan (id, code, name, visibility, visible_to_tenant_id, monthly_credits) values ($1, $2, 'Bench plan', 'client', $3, $4)`, [planId, `bench-${planId}`, clientId, BUDGET]);
    await admin.query(
      `insert into billing.subscription (id, tenant_id, plan_id, status, currency, price_minor, seller_tenant_id, current_period_start, current_period_end)
       values ($1, $2, $3, 'active', 'EUR', 0, $4, now(), now() + interval '1 month')`, [randomUUID(), clientId, planId, platformId]);
    const now = new Date();
    const period = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
    await withTenant(orm, clientId, null, ({ em }) => ensureMonthlyGrant(em, { tenantId: clientId, periodStart: period }));
    const start = await withTenant(orm, clientId, null, ({ em }) => getBalance(em, clientId));
    if (start.budget !== BUDGET || start.available !== BUDGET) throw new Error(`setup: expected a budget of ${BUDGET}, got ${JSON.stringify(start)}`);
    // Warm the pool so connection set-up is not what is measured.
    await Promise.all(Array.from({ length: POOL }, () => withTenant(orm, clientId, null, ({ em }) => em.execute('select 1'))));

    const random = prng(SEED);
    const dying = new Set(shuffle(Array.from({ length: CALLERS }, (_, i) => i), random).slice(0, Math.round(CALLERS * DYING_SHARE)));
    const callers: Caller[] = shuffle(Array.from({ length: CALLERS }, (_, i) => ({
      index: i, key: `call-${i % KEYS}`, dies: dying.has(i), reservationId: null, refused: false, settled: false, reservedAtMs: 0,
    })), random);

    log(`${CALLERS} callers, ${KEYS} keys (each sent twice), ${dying.size} die between reserve and settle`);
    const t0 = performance.now();
    const unexpected: string[] = [];
    await Promise.all(callers.map(async (caller) => {
      try {
        const r = await withTenant(orm, clientId, null, ({ em }) =>
          reserveCredits(em, { tenantId: clientId, amount: 1, task: 'generation', idempotencyKey: caller.key, ttlSeconds: TTL_SECONDS }));
        caller.reservationId = r.reservationId;
      } catch (error) {
        if (isAppError(error) && error.code === 'INSUFFICIENT_CREDITS') caller.refused = true;
        else unexpected.push(`reserve ${caller.key}: ${String(error)}`);
      } finally {
        caller.reservedAtMs = performance.now() - t0;
      }
      if (!caller.reservationId || caller.dies) return;
      // The AI call would happen here; then the settlement, under the same key as the reservation.
      await withTenant(orm, clientId, null, ({ em }) =>
        settleReservation(em, { tenantId: clientId, reservationId: caller.reservationId!, amount: 1, idempotencyKey: caller.key }));
      caller.settled = true;
    }));
    const reserveMs = Math.max(...callers.map((c) => c.reservedAtMs));
    const allMs = performance.now() - t0;
    if (unexpected.length) throw new Error(`unexpected failures:\n${unexpected.join('\n')}`);
    const reservationsPerSecond = CALLERS / (reserveMs / 1000);
    log(`reserve calls: ${CALLERS} in ${reserveMs.toFixed(0)} ms (${reservationsPerSecond.toFixed(1)}/s); with settlements ${allMs.toFixed(0)} ms`);
    log(`callers: ${callers.filter((c) => c.reservationId).length} got a reservation, ${callers.filter((c) => c.refused).length} refused (INSUFFICIENT_CREDITS), ${callers.filter((c) => c.settled).length} settled`);

    // Granted before the expiry: every reservation row is an open or settled grant of 1 credit.
    const beforeExpiry = (await admin.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from billing.credit_reservation where tenant_id = $1 group by status order by status', [clientId])).rows;
    log(`before expiry: ${beforeExpiry.map((r) => `${r.status}=${r.n}`).join(' ')}`);

    // Let the orphans' lifetime pass, then the platform sweep (real clock).
    const { rows: [latest] } = await admin.query<{ ms: number }>(
      `select greatest(0, extract(epoch from max(expires_at) - now()) * 1000)::float8 as ms from billing.credit_reservation where tenant_id = $1`, [clientId]);
    await sleep(Math.ceil(latest?.ms ?? 0) + 50);
    const sweep = await expireOrphanReservationsForAll(orm, new Date());
    log(`expiry sweep: ${sweep.expired} reservations of ${sweep.tenants} tenant(s) expired, ${sweep.failed.length} failed`);

    // --- checks, in SQL ------------------------------------------------------
    const reservations = (await admin.query<{ id: string; key: string; status: string }>(
      'select id, idempotency_key as key, status from billing.credit_reservation where tenant_id = $1', [clientId])).rows;
    const granted = reservations.length;

    // Duplicates applied once.
    const perKey = (await admin.query<{ key: string; reservations: number; reserves: number; settles: number }>(
      `select k.key,
              (select count(*) from billing.credit_reservation r where r.tenant_id = $1 and r.idempotency_key = k.key)::int as reservations,
              (select count(*) from billing.credit_transfer t where t.tenant_id = $1 and t.idempotency_key = 'reserve:' || k.key)::int as reserves,
              (select count(*) from billing.credit_transfer t where t.tenant_id = $1 and t.idempotency_key = 'settle:' || k.key)::int as settles
         from unnest($2::text[]) as k(key)`, [clientId, [...new Set(callers.map((c) => c.key))]])).rows;
    const sameIdPerKey = [...Map.groupBy(callers.filter((c) => c.reservationId), (c) => c.key).values()]
      .every((group) => new Set(group.map((c) => c.reservationId)).size === 1);
    const reservedKeys = new Set(reservations.map((r) => r.key));
    const duplicatesAppliedOnce = sameIdPerKey
      && perKey.every((k) => k.reservations <= 1 && k.reserves === k.reservations && k.settles <= k.reservations)
      && callers.every((c) => (c.reservationId !== null) === reservedKeys.has(c.key));
    const keysGrantedToBoth = [...Map.groupBy(callers, (c) => c.key).values()].filter((g) => g.every((c) => c.reservationId)).length;
    log(`keys: ${reservedKeys.size} reserved (${keysGrantedToBoth} answered to both callers with one reservation), ${KEYS - reservedKeys.size} refused`);

    // Every orphan voided: expired exactly when no caller of its key settled.
    const settledKeys = new Set(callers.filter((c) => c.settled).map((c) => c.key));
    const orphans = reservations.filter((r) => !settledKeys.has(r.key));
    const { rows: [expireTransfers] } = await admin.query<{ n: number }>(
      `select count(*)::int as n from billing.credit_transfer where tenant_id = $1 and kind = 'expire' and reservation_id is not null`, [clientId]);
    const orphansVoided = orphans.every((r) => r.status === 'expired' || r.status === 'voided')
      && reservations.filter((r) => settledKeys.has(r.key)).every((r) => r.status === 'settled')
      && !reservations.some((r) => r.status === 'open')
      && expireTransfers!.n === orphans.length
      && sweep.failed.length === 0;
    log(`orphans: ${orphans.length} (keys whose every caller died), ${reservations.filter((r) => r.status === 'expired').length} expired, ${expireTransfers!.n} expire transfers`);

    // Invariants.
    const problems: string[] = [];
    const { rows: unbalanced } = await admin.query(
      `select t.id from billing.credit_transfer t left join billing.credit_entry e on e.tenant_id = t.tenant_id and e.transfer_id = t.id
        where t.tenant_id = $1 group by t.id having coalesce(sum(e.amount), 0) <> 0 or count(e.id) < 2`, [clientId]);
    if (unbalanced.length) problems.push(`${unbalanced.length} transfers do not sum to zero`);
    const { rows: [sums] } = await admin.query<Record<string, string>>(
      `select coalesce(sum(amount) filter (where account = 'available'), 0) as available, coalesce(sum(amount) filter (where account = 'reserved'), 0) as reserved,
              coalesce(sum(amount) filter (where account = 'consumed'), 0) as consumed, coalesce(sum(amount) filter (where account = 'expired'), 0) as expired,
              coalesce(sum(amount) filter (where account = 'source'), 0) as source, coalesce(sum(amount), 0) as total
         from billing.credit_entry where tenant_id = $1`, [clientId]);
    const { rows: [view] } = await admin.query<Record<string, string>>('select available, reserved, consumed from billing.credit_balance where tenant_id = $1', [clientId]);
    const service = await withTenant(orm, clientId, null, ({ em }) => getBalance(em, clientId));
    const n = (v: string | undefined) => Number(v ?? NaN);
    if (n(sums!.total) !== 0) problems.push(`the accounts sum to ${sums!.total}, not 0`);
    for (const account of ['available', 'reserved', 'consumed'] as const) {
      if (service[account] !== n(sums![account]) || n(view?.[account]) !== n(sums![account])) {
        problems.push(`${account}: service ${service[account]}, entries ${sums![account]}, view ${view?.[account]}`);
      }
    }
    if (n(sums!.source) !== -BUDGET) problems.push(`credits entered: ${-n(sums!.source)}, not ${BUDGET}`);
    if (service.consumed > BUDGET) problems.push(`consumed ${service.consumed} > budget ${BUDGET}`);
    if (service.consumed !== callers.filter((c) => c.settled).reduce((keys, c) => keys.add(c.key), new Set<string>()).size) {
      problems.push(`consumed ${service.consumed} is not the number of settled keys`);
    }
    const { rows: negative } = await admin.query(
      `select account, min(running) as low from (
         select e.account, sum(e.amount) over (partition by e.account order by t.created_at, t.id rows between unbounded preceding and current row) as running
           from billing.credit_entry e join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
          where e.tenant_id = $1 and e.account in ('available', 'reserved')) x
        group by account having min(running) < 0`, [clientId]);
    if (negative.length) problems.push(`negative running balance: ${JSON.stringify(negative)}`);
    log(`balance: available=${service.available} reserved=${service.reserved} consumed=${service.consumed} expired=${sums!.expired} (entries: ${JSON.stringify(sums)})`);
    for (const problem of problems) log(`INVARIANT BROKEN: ${problem}`);

    console.log(`RESULT ledger budget=${BUDGET} granted=${granted} duplicates_applied_once=${duplicatesAppliedOnce} orphans_voided=${orphansVoided} invariants=${problems.length ? 'broken' : 'ok'} reservations_per_s=${reservationsPerSecond.toFixed(1)}`);
  } finally {
    await orm.close(true);
    await admin.end();
    await db.drop();
    if (embedded) {
      await embedded.stop();
      if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
