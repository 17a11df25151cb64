// B2: the AI credit ledger, double entry. Every movement is a credit_transfer
// whose credit_entry legs sum to zero across a tenant's accounts
//   source (outside world) · available · reserved · consumed · expired
// and every balance is a sum of entries, never a stored number.
//
// Concurrency: each operation first locks the tenant's credit_account row
// (select … for update) inside the caller's transaction, so one tenant's
// movements are serialised and a reservation is checked against a balance no
// one else is changing: concurrent calls can never overspend. Every operation
// locks the account before anything else, so two of them never deadlock.
//
// Idempotency: every operation carries a key; a repeated key returns the
// original result (replayed) and moves nothing. Transfer keys are namespaced by
// kind ("reserve:<key>", "settle:<key>", …) so the same caller key can be used
// for a reservation and for its settlement.
//
// Policy (monthly budget): the plan's monthly credits are granted once per
// period; what is left of a month's grant lapses when the next period is
// granted (consumption draws on the monthly grant before anything else, so
// top-ups carry over).
import { uuidArrayLiteral } from '@ensemble/tenancy/ids';
import type { EntityManager } from '@ensemble/db/orm';
import { AI_TASKS } from '@ensemble/db/vocabulary';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { v7 as uuidv7 } from 'uuid';

export type CreditAccountName = 'available' | 'reserved' | 'consumed' | 'expired' | 'source';
export type CreditTransferKind = 'grant' | 'reserve' | 'settle' | 'void' | 'expire' | 'topup' | 'adjust';

export interface ReserveCreditsInput {
  tenantId: string;
  /** credits to hold, a positive integer */
  amount: number;
  /** the AI task paid for (T11 task names) */
  task: string;
  idempotencyKey: string;
  contentItemId?: string | null;
  /** how long the hold lives before expireOrphanReservations may release it */
  ttlSeconds?: number;
  /** W8: a night-batch call */
  batch?: boolean;
}

export interface ReserveCreditsResult {
  reservationId: string;
  amount: number;
  replayed: boolean;
}

export interface CreditBalance {
  tenantId: string;
  periodStart: Date;
  budget: number;
  available: number;
  reserved: number;
  consumed: number;
}

export interface CreditMovement {
  id: string;
  kind: CreditTransferKind;
  amount: number;
  memo: string | null;
  createdAt: Date;
}

/** How long a reservation lives when the caller does not say: well beyond a slow AI call. */
export const DEFAULT_RESERVATION_TTL_SECONDS = 15 * 60;
const MAX_RESERVATION_TTL_SECONDS = 7 * 24 * 3600;
const MAX_MOVEMENTS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The idempotency key of a period's monthly grant (seeds and scripts granting a month use it too). */
export function monthlyGrantKey(periodStart: string): string {
  return `grant:${periodStart}`;
}

type Row = Record<string, unknown>;

async function query<T extends Row>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return em.execute<T[]>(sql, params);
}

function toInt(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : (value as number);
  return Number.isFinite(n) ? n : 0;
}

function checkTenant(tenantId: string): void {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw notFound('credit account');
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.trim() === '' || key.length > 200) {
    throw badInput('idempotencyKey must be a non-empty string of at most 200 characters', 'idempotencyKey');
  }
  return key;
}

function checkCredits(amount: number, field: string, allowZero: boolean): number {
  if (!Number.isSafeInteger(amount) || amount < (allowZero ? 0 : 1)) {
    throw badInput(`${field} must be a${allowZero ? ' non-negative' : ' positive'} whole number of credits`, field);
  }
  return amount;
}

interface AccountRow extends Row {
  tenant_id: string;
  period_start: string;
  monthly_budget: string | number;
  hard_cap: string | number | null;
}

/** Locks the tenant's account row for the rest of the transaction; another tenant's row is invisible (RLS) and reads as missing. */
async function lockAccount(em: EntityManager, tenantId: string): Promise<AccountRow> {
  checkTenant(tenantId);
  const [account] = await query<AccountRow>(em,
    `select tenant_id, to_char(period_start, 'YYYY-MM-DD') as period_start, monthly_budget, hard_cap
       from billing.credit_account where tenant_id = ?::uuid for update`, [tenantId]);
  if (!account) throw notFound('credit account');
  return account;
}

interface Sums {
  available: number;
  reserved: number;
  consumed: number;
}

/** Balances from the entries: available and reserved all-time, consumed since the period started. */
async function sums(em: EntityManager, tenantId: string, periodStart: string): Promise<Sums> {
  const [row] = await query<Row>(em,
    `select coalesce(sum(e.amount) filter (where e.account = 'available'), 0) as available,
            coalesce(sum(e.amount) filter (where e.account = 'reserved'), 0) as reserved,
            coalesce(sum(e.amount) filter (where e.account = 'consumed' and t.created_at >= (?::date)::timestamp at time zone 'UTC'), 0) as consumed
       from billing.credit_entry e
       join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
      where e.tenant_id = ?::uuid`, [periodStart, tenantId]);
  return { available: toInt(row?.['available']), reserved: toInt(row?.['reserved']), consumed: toInt(row?.['consumed']) };
}

async function transferExists(em: EntityManager, tenantId: string, key: string): Promise<boolean> {
  const rows = await query(em, 'select 1 from billing.credit_transfer where tenant_id = ?::uuid and idempotency_key = ?', [tenantId, key]);
  return rows.length > 0;
}

/** Writes one balanced transfer; zero legs are left out (an entry is never 0). */
async function transfer(em: EntityManager, input: {
  tenantId: string;
  kind: CreditTransferKind;
  key: string;
  reservationId?: string | null;
  memo?: string | null;
  legs: Array<[CreditAccountName, number]>;
}): Promise<string> {
  const legs = input.legs.filter(([, amount]) => amount !== 0);
  if (legs.reduce((sum, [, amount]) => sum + amount, 0) !== 0) throw new Error(`unbalanced ${input.kind} transfer`);
  const id = uuidv7();
  // clock_timestamp(): the moment the movement happened, after the account lock, not when the transaction began.
  await query(em,
    `insert into billing.credit_transfer (id, tenant_id, kind, idempotency_key, reservation_id, memo, created_by, created_at)
     values (?::uuid, ?::uuid, ?, ?, ?::uuid, ?, (select u.id from tenants."user" u where u.id = app.actor()), clock_timestamp())`,
    [id, input.tenantId, input.kind, input.key, input.reservationId ?? null, input.memo ?? null]);
  for (const [account, amount] of legs) {
    await query(em,
      `insert into billing.credit_entry (id, tenant_id, transfer_id, account, amount, created_at)
       values (?::uuid, ?::uuid, ?::uuid, ?, ?, clock_timestamp())`,
      [uuidv7(), input.tenantId, id, account, amount]);
  }
  return id;
}

interface ReservationRow extends Row {
  id: string;
  amount: string | number;
  status: 'open' | 'settled' | 'voided' | 'expired';
  settled_amount: string | number | null;
}

async function lockReservation(em: EntityManager, tenantId: string, reservationId: string): Promise<ReservationRow> {
  if (typeof reservationId !== 'string' || !UUID.test(reservationId)) throw notFound('reservation');
  const [row] = await query<ReservationRow>(em,
    'select id, amount, status, settled_amount from billing.credit_reservation where tenant_id = ?::uuid and id = ?::uuid for update',
    [tenantId, reservationId]);
  if (!row) throw notFound('reservation');
  return row;
}

/**
 * Holds credits before an AI call. Throws INSUFFICIENT_CREDITS when the
 * available balance (or the account's hard cap) does not cover the amount.
 */
export async function reserveCredits(em: EntityManager, input: ReserveCreditsInput): Promise<ReserveCreditsResult> {
  const amount = checkCredits(input.amount, 'amount', false);
  const key = checkKey(input.idempotencyKey);
  if (!(AI_TASKS as readonly string[]).includes(input.task)) throw badInput(`unknown AI task "${input.task}"`, 'task');
  const ttl = input.ttlSeconds ?? DEFAULT_RESERVATION_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_RESERVATION_TTL_SECONDS) {
    throw badInput(`ttlSeconds must be a whole number between 1 and ${MAX_RESERVATION_TTL_SECONDS}`, 'ttlSeconds');
  }
  if (input.contentItemId != null && !UUID.test(input.contentItemId)) throw badInput('contentItemId must be a UUID', 'contentItemId');

  const account = await lockAccount(em, input.tenantId);
  // Checked under the lock: a concurrent call with the same key has committed or not started.
  const [existing] = await query<ReservationRow>(em,
    'select id, amount, status, settled_amount from billing.credit_reservation where tenant_id = ?::uuid and idempotency_key = ?',
    [input.tenantId, key]);
  if (existing) return { reservationId: existing.id, amount: toInt(existing.amount), replayed: true };

  const balance = await sums(em, input.tenantId, account.period_start);
  if (balance.available < amount) {
    throw new AppError('INSUFFICIENT_CREDITS', `Not enough AI credits: ${amount} needed, ${Math.max(0, balance.available)} available.`,
      { available: Math.max(0, balance.available), requested: amount });
  }
  if (account.hard_cap !== null && balance.consumed + balance.reserved + amount > toInt(account.hard_cap)) {
    throw new AppError('INSUFFICIENT_CREDITS', `The monthly cap of ${toInt(account.hard_cap)} AI credits is reached.`,
      { hardCap: toInt(account.hard_cap), requested: amount });
  }

  const reservationId = uuidv7();
  await query(em,
    `insert into billing.credit_reservation (id, tenant_id, amount, status, task, content_item_id, batch, idempotency_key, expires_at, created_at)
     values (?::uuid, ?::uuid, ?, 'open', ?, ?::uuid, ?, ?, clock_timestamp() + make_interval(secs => ?::double precision), clock_timestamp())`,
    [reservationId, input.tenantId, amount, input.task, input.contentItemId ?? null, input.batch ?? false, key, ttl]);
  await transfer(em, {
    tenantId: input.tenantId, kind: 'reserve', key: `reserve:${key}`, reservationId,
    memo: `Reserved for ${input.task}`, legs: [['available', -amount], ['reserved', amount]],
  });
  return { reservationId, amount, replayed: false };
}

/** After the AI call: consumes `amount` (≤ the reservation) and returns the rest to available. */
export async function settleReservation(em: EntityManager, input: { tenantId: string; reservationId: string; amount: number; idempotencyKey: string }): Promise<void> {
  const used = checkCredits(input.amount, 'amount', true);
  const key = checkKey(input.idempotencyKey);
  await lockAccount(em, input.tenantId);
  const reservation = await lockReservation(em, input.tenantId, input.reservationId);
  if (await transferExists(em, input.tenantId, `settle:${key}`)) return;
  if (reservation.status !== 'open') {
    throw new AppError('CONFLICT', `The reservation is already ${reservation.status}.`, { status: reservation.status });
  }
  const held = toInt(reservation.amount);
  if (used > held) throw badInput(`amount (${used}) exceeds the reservation (${held})`, 'amount');
  await transfer(em, {
    tenantId: input.tenantId, kind: 'settle', key: `settle:${key}`, reservationId: reservation.id,
    memo: used < held ? `Used ${used} of ${held} reserved` : `Used ${used}`,
    legs: [['reserved', -held], ['consumed', used], ['available', held - used]],
  });
  await query(em,
    `update billing.credit_reservation set status = 'settled', settled_amount = ?, closed_at = clock_timestamp()
      where tenant_id = ?::uuid and id = ?::uuid`, [used, input.tenantId, reservation.id]);
}

/** The AI call did not happen (or failed before any cost): the whole reservation returns to available. */
export async function voidReservation(em: EntityManager, input: { tenantId: string; reservationId: string; idempotencyKey: string }): Promise<void> {
  const key = checkKey(input.idempotencyKey);
  await lockAccount(em, input.tenantId);
  const reservation = await lockReservation(em, input.tenantId, input.reservationId);
  if (await transferExists(em, input.tenantId, `void:${key}`)) return;
  if (reservation.status !== 'open') {
    throw new AppError('CONFLICT', `The reservation is already ${reservation.status}.`, { status: reservation.status });
  }
  const held = toInt(reservation.amount);
  await transfer(em, {
    tenantId: input.tenantId, kind: 'void', key: `void:${key}`, reservationId: reservation.id,
    memo: 'Reservation released', legs: [['reserved', -held], ['available', held]],
  });
  await query(em,
    `update billing.credit_reservation set status = 'voided', closed_at = clock_timestamp()
      where tenant_id = ?::uuid and id = ?::uuid`, [input.tenantId, reservation.id]);
}

/**
 * Releases reservations left open past their expiry (a worker that died
 * between reserve and settle). Returns how many were released. Safe to run
 * again: an expired reservation is no longer open.
 */
export async function expireOrphanReservations(em: EntityManager, input: { tenantId: string; now: Date }): Promise<number> {
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) throw badInput('now must be a valid date', 'now');
  await lockAccount(em, input.tenantId);
  const orphans = await query<ReservationRow>(em,
    `select id, amount, status, settled_amount from billing.credit_reservation
      where tenant_id = ?::uuid and status = 'open' and expires_at <= ?::timestamptz
      order by expires_at, id for update`, [input.tenantId, input.now.toISOString()]);
  for (const reservation of orphans) {
    const held = toInt(reservation.amount);
    await transfer(em, {
      tenantId: input.tenantId, kind: 'expire', key: `expire:${reservation.id}`, reservationId: reservation.id,
      memo: 'Reservation expired unsettled', legs: [['reserved', -held], ['available', held]],
    });
    await query(em,
      `update billing.credit_reservation set status = 'expired', closed_at = clock_timestamp()
        where tenant_id = ?::uuid and id = ?::uuid`, [input.tenantId, reservation.id]);
  }
  return orphans.length;
}

function checkPeriod(periodStart: string): string {
  const m = typeof periodStart === 'string' ? /^(\d{4})-(\d{2})-01$/.exec(periodStart) : null;
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) throw badInput('periodStart must be the first day of a month (YYYY-MM-01)', 'periodStart');
  return periodStart;
}

function nextPeriod(periodStart: string): string {
  const [y, m] = periodStart.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/**
 * Grants the plan's monthly credits for a period, once. The amount is the
 * tenant's plan's monthly_credits (billing.subscription → tenants.plan, read
 * through app.plan_for, which answers for a client in scope only). Opening a
 * later period first lets the unused part of the previous month's grant lapse.
 */
export async function ensureMonthlyGrant(em: EntityManager, input: { tenantId: string; periodStart: string }): Promise<void> {
  const periodStart = checkPeriod(input.periodStart);
  checkTenant(input.tenantId);
  const [plan] = await query<Row>(em, 'select p.monthly_credits, p.code from app.plan_for(?::uuid) p', [input.tenantId]);
  const [subscription] = await query<Row>(em,
    `select status from billing.subscription where tenant_id = ?::uuid and status <> 'cancelled'`, [input.tenantId]);
  if (!plan || !subscription) throw notFound('subscription');
  const monthly = toInt(plan['monthly_credits']);

  // The account is created with the first grant; the insert is a no-op when it exists.
  await query(em,
    `insert into billing.credit_account (tenant_id, period_start, monthly_budget) values (?::uuid, ?::date, ?)
     on conflict (tenant_id) do nothing`, [input.tenantId, periodStart, monthly]);
  const account = await lockAccount(em, input.tenantId);

  // Granted already: by key, or by any grant made during the period (e.g. by the demo seed).
  const [granted] = await query(em,
    `select 1 from billing.credit_transfer
      where tenant_id = ?::uuid and kind = 'grant'
        and (idempotency_key = ? or (created_at >= (?::date)::timestamp at time zone 'UTC' and created_at < (?::date)::timestamp at time zone 'UTC'))`,
    [input.tenantId, monthlyGrantKey(periodStart), periodStart, nextPeriod(periodStart)]);
  if (granted) return;
  if (periodStart < account.period_start) throw badInput(`the period ${periodStart} is closed; the account is in ${account.period_start}`, 'periodStart');
  // A paused subscription gets no credits for the month.
  if (subscription['status'] === 'paused') return;

  if (periodStart > account.period_start) {
    const previous = account.period_start;
    const [row] = await query<Row>(em,
      `select coalesce(sum(e.amount) filter (where t.kind = 'grant' and e.account = 'available'), 0) as granted,
              coalesce(sum(e.amount) filter (where e.account = 'consumed'), 0) as consumed
         from billing.credit_transfer t
         join billing.credit_entry e on e.tenant_id = t.tenant_id and e.transfer_id = t.id
        where t.tenant_id = ?::uuid and t.created_at >= (?::date)::timestamp at time zone 'UTC' and t.created_at < (?::date)::timestamp at time zone 'UTC'`,
      [input.tenantId, previous, periodStart]);
    const balance = await sums(em, input.tenantId, previous);
    const lapse = Math.min(balance.available, Math.max(0, toInt(row?.['granted']) - toInt(row?.['consumed'])));
    if (lapse > 0 && !(await transferExists(em, input.tenantId, `lapse:${previous}`))) {
      await transfer(em, {
        tenantId: input.tenantId, kind: 'expire', key: `lapse:${previous}`,
        memo: `Unused monthly credits of ${previous.slice(0, 7)}`, legs: [['available', -lapse], ['expired', lapse]],
      });
    }
  }
  if (monthly > 0) {
    await transfer(em, {
      tenantId: input.tenantId, kind: 'grant', key: monthlyGrantKey(periodStart),
      memo: `Monthly credits of ${periodStart.slice(0, 7)} (plan ${String(plan['code'])})`, legs: [['source', -monthly], ['available', monthly]],
    });
  }
  await query(em,
    `update billing.credit_account set period_start = ?::date, monthly_budget = ?, updated_at = now() where tenant_id = ?::uuid`,
    [periodStart, monthly, input.tenantId]);
}

/** The current period's balance, derived from the entries. Another tenant's account reads as missing. */
export async function getBalance(em: EntityManager, tenantId: string): Promise<CreditBalance> {
  checkTenant(tenantId);
  const balance = (await getBalances(em, [tenantId])).get(tenantId);
  if (!balance) throw notFound('credit account');
  return balance;
}

/** Balances of many tenants in one statement (federated lists of tenants). */
export async function getBalances(em: EntityManager, tenantIds: readonly string[]): Promise<Map<string, CreditBalance>> {
  const ids = tenantIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return new Map();
  const rows = await query<Row>(em,
    `select a.tenant_id, to_char(a.period_start, 'YYYY-MM-DD') as period_start, a.monthly_budget,
            coalesce(sum(e.amount) filter (where e.account = 'available'), 0) as available,
            coalesce(sum(e.amount) filter (where e.account = 'reserved'), 0) as reserved,
            coalesce(sum(e.amount) filter (where e.account = 'consumed' and t.created_at >= a.period_start::timestamp at time zone 'UTC'), 0) as consumed
       from billing.credit_account a
       left join billing.credit_entry e on e.tenant_id = a.tenant_id
       left join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
      where a.tenant_id = any(?::uuid[])
      group by a.tenant_id, a.period_start, a.monthly_budget`, [uuidArrayLiteral(ids)]);
  return new Map(rows.map((r) => [String(r['tenant_id']), {
    tenantId: String(r['tenant_id']),
    periodStart: new Date(`${String(r['period_start'])}T00:00:00.000Z`),
    budget: toInt(r['monthly_budget']),
    available: toInt(r['available']),
    reserved: toInt(r['reserved']),
    consumed: toInt(r['consumed']),
  }]));
}

/**
 * The latest movements, newest first. amount is what the movement is about:
 * credits granted or topped up, reserved, consumed by a settlement, released
 * by a void or an expired reservation, or lapsed.
 */
export async function listMovements(em: EntityManager, tenantId: string, limit: number): Promise<CreditMovement[]> {
  checkTenant(tenantId);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_MOVEMENTS) throw badInput(`limit must be between 1 and ${MAX_MOVEMENTS}`, 'limit');
  const rows = await query<Row>(em,
    `select t.id, t.kind, t.memo, t.created_at,
            coalesce(sum(e.amount) filter (where e.account = case
              when t.kind = 'reserve' then 'reserved'
              when t.kind = 'settle' then 'consumed'
              when t.kind = 'expire' and t.reservation_id is null then 'expired'
              else 'available' end), 0) as amount
       from billing.credit_transfer t
       left join billing.credit_entry e on e.tenant_id = t.tenant_id and e.transfer_id = t.id
      where t.tenant_id = ?::uuid
      group by t.tenant_id, t.id
      order by t.created_at desc, t.id desc
      limit ?`, [tenantId, limit]);
  return rows.map((r) => ({
    id: String(r['id']),
    kind: r['kind'] as CreditTransferKind,
    amount: toInt(r['amount']),
    memo: (r['memo'] as string | null) ?? null,
    createdAt: new Date(r['created_at'] as string | Date),
  }));
}
