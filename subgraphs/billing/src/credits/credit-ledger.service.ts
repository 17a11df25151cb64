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
//
// Caps (per period, on what is used: consumed + reserved): the account's
// soft_cap / hard_cap, else the plan's limits credits_soft_cap /
// credits_hard_cap. Reaching a cap records a credit_notice (once per kind and
// period) and flags the balance; a reservation that would pass the hard cap is
// refused with INSUFFICIENT_CREDITS naming the cap.
//
// Night batch (W8): a reservation made with batch: true is charged at the
// rate catalogue's batch discount (−50 %) when it is settled, if the plan has
// the night_batch feature then; the settlement's memo says so.
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
  /** W8: a night-batch call (discounted at settlement when the plan has night_batch) */
  batch?: boolean;
  /**
   * A regeneration of contentItemId: refused past the plan's
   * regenerations_per_item, checked under the account lock so two concurrent
   * regenerations cannot both take the last one.
   */
  regeneration?: boolean;
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
  /** the period's soft cap (warn), null when none */
  softCap: number | null;
  /** the period's hard cap (refuse), null when none */
  hardCap: number | null;
  /** consumed + reserved has reached the soft cap */
  softCapReached: boolean;
  /** consumed + reserved has reached the hard cap: nothing more can be reserved */
  hardCapReached: boolean;
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
  soft_cap: string | number | null;
  hard_cap: string | number | null;
}

/** Locks the tenant's account row for the rest of the transaction; another tenant's row is invisible (RLS) and reads as missing. */
export async function lockAccount(em: EntityManager, tenantId: string): Promise<AccountRow> {
  checkTenant(tenantId);
  const [account] = await query<AccountRow>(em,
    `select tenant_id, to_char(period_start, 'YYYY-MM-DD') as period_start, monthly_budget, soft_cap, hard_cap
       from billing.credit_account where tenant_id = ?::uuid for update`, [tenantId]);
  if (!account) throw notFound('credit account');
  return account;
}

export interface PlanTerms {
  code: string | null;
  limits: Record<string, unknown>;
  features: Record<string, unknown>;
}

/** The plan of the tenant's live subscription (app.plan_for answers for a client in scope only); empty terms without one. */
export async function planTerms(em: EntityManager, tenantId: string): Promise<PlanTerms> {
  const [plan] = await query<Row>(em, 'select p.code, p.limits, p.features from app.plan_for(?::uuid) p', [tenantId]);
  return {
    code: plan ? String(plan['code']) : null,
    limits: (plan?.['limits'] ?? {}) as Record<string, unknown>,
    features: (plan?.['features'] ?? {}) as Record<string, unknown>,
  };
}

/** A plan limit that is a non-negative whole number, else null (absent or malformed limits impose nothing). */
export function planLimit(terms: PlanTerms, name: string): number | null {
  const value = terms.limits[name];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** The account's cap when set, else the plan's. */
function effectiveCaps(account: { soft_cap: unknown; hard_cap: unknown }, terms: PlanTerms): { softCap: number | null; hardCap: number | null } {
  return {
    softCap: account.soft_cap !== null && account.soft_cap !== undefined ? toInt(account.soft_cap) : planLimit(terms, 'credits_soft_cap'),
    hardCap: account.hard_cap !== null && account.hard_cap !== undefined ? toInt(account.hard_cap) : planLimit(terms, 'credits_hard_cap'),
  };
}

interface Sums {
  available: number;
  reserved: number;
  consumed: number;
}

/**
 * Balances from the entries: available and reserved all-time, consumed since
 * the period started. An entry carries its transfer's time, so no join: the
 * sums read the tenant's entries once (this runs under the account lock).
 */
async function sums(em: EntityManager, tenantId: string, periodStart: string): Promise<Sums> {
  const [row] = await query<Row>(em,
    `select coalesce(sum(e.amount) filter (where e.account = 'available'), 0) as available,
            coalesce(sum(e.amount) filter (where e.account = 'reserved'), 0) as reserved,
            coalesce(sum(e.amount) filter (where e.account = 'consumed' and e.created_at >= (?::date)::timestamp at time zone 'UTC'), 0) as consumed
       from billing.credit_entry e
      where e.tenant_id = ?::uuid`, [periodStart, tenantId]);
  return { available: toInt(row?.['available']), reserved: toInt(row?.['reserved']), consumed: toInt(row?.['consumed']) };
}

async function transferExists(em: EntityManager, tenantId: string, key: string): Promise<boolean> {
  const rows = await query(em, 'select 1 from billing.credit_transfer where tenant_id = ?::uuid and idempotency_key = ?', [tenantId, key]);
  return rows.length > 0;
}

interface TransferInput {
  tenantId: string;
  kind: CreditTransferKind;
  key: string;
  reservationId?: string | null;
  memo?: string | null;
  legs: Array<[CreditAccountName, number]>;
}

/**
 * Writes one balanced transfer and its entries in one statement (zero legs
 * are left out: an entry is never 0). `prelude` is a data-modifying CTE run
 * in the same statement (the reservation a 'reserve' transfer points to):
 * the ledger's writes cost one round trip while the account lock is held.
 */
async function transfer(em: EntityManager, input: TransferInput, prelude?: { cte: string; params: unknown[] }): Promise<string> {
  const legs = input.legs.filter(([, amount]) => amount !== 0);
  if (legs.length < 2 || legs.reduce((sum, [, amount]) => sum + amount, 0) !== 0) throw new Error(`unbalanced ${input.kind} transfer`);
  const id = uuidv7();
  // clock_timestamp(): the moment the movement happened, after the account lock, not when the transaction began.
  await query(em,
    `with ${prelude ? `${prelude.cte}, ` : ''}
     t as (insert into billing.credit_transfer (id, tenant_id, kind, idempotency_key, reservation_id, memo, created_by, created_at)
           values (?::uuid, ?::uuid, ?, ?, ?::uuid, ?, (select u.id from tenants."user" u where u.id = app.actor()), clock_timestamp())
           returning id, tenant_id, created_at)
     insert into billing.credit_entry (id, tenant_id, transfer_id, account, amount, created_at)
     select v.id, t.tenant_id, t.id, v.account, v.amount, t.created_at
       from t cross join (values ${legs.map(() => '(?::uuid, ?::text, ?::bigint)').join(', ')}) as v(id, account, amount)`,
    [...(prelude?.params ?? []), id, input.tenantId, input.kind, input.key, input.reservationId ?? null, input.memo ?? null,
      ...legs.flatMap(([account, amount]) => [uuidv7(), account, amount])]);
  return id;
}

/** A balanced transfer for the other credit services (top-ups); callers hold the account lock. */
export const recordTransfer = transfer;

interface ReservationRow extends Row {
  id: string;
  amount: string | number;
  status: 'open' | 'settled' | 'voided' | 'expired';
  settled_amount: string | number | null;
  task: string;
  batch: boolean;
}

/**
 * Locks a reservation (after the account: one lock order) and says whether a
 * transfer under `replayKey` exists already (the same call, repeated).
 */
async function lockReservation(em: EntityManager, tenantId: string, reservationId: string, replayKey: string): Promise<ReservationRow & { replayed: boolean }> {
  if (typeof reservationId !== 'string' || !UUID.test(reservationId)) throw notFound('reservation');
  const [row] = await query<ReservationRow & { replayed: boolean }>(em,
    `select r.id, r.amount, r.status, r.settled_amount, r.task, r.batch,
            exists (select 1 from billing.credit_transfer t where t.tenant_id = r.tenant_id and t.idempotency_key = ?) as replayed
       from billing.credit_reservation r where r.tenant_id = ?::uuid and r.id = ?::uuid for update of r`,
    [replayKey, tenantId, reservationId]);
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
  if (input.regeneration && input.contentItemId == null) throw badInput('a regeneration names its contentItemId', 'contentItemId');

  const account = await lockAccount(em, input.tenantId);
  // One statement after the lock (a statement's snapshot must not predate it): a replay under
  // the same key (committed, or not started), the balances, the plan, this period's notice.
  const [state] = await query<Row>(em,
    `select (select json_build_object('id', r.id, 'amount', r.amount) from billing.credit_reservation r
              where r.tenant_id = ?::uuid and r.idempotency_key = ?) as existing,
            coalesce(sum(e.amount) filter (where e.account = 'available'), 0) as available,
            coalesce(sum(e.amount) filter (where e.account = 'reserved'), 0) as reserved,
            coalesce(sum(e.amount) filter (where e.account = 'consumed' and e.created_at >= (?::date)::timestamp at time zone 'UTC'), 0) as consumed,
            (select json_build_object('code', p.code, 'limits', p.limits, 'features', p.features) from app.plan_for(?::uuid) p limit 1) as plan,
            array(select n.kind from billing.credit_notice n where n.tenant_id = ?::uuid and n.period_start = ?::date) as noticed
       from billing.credit_entry e
      where e.tenant_id = ?::uuid`,
    [input.tenantId, key, account.period_start, input.tenantId, input.tenantId, account.period_start, input.tenantId]);
  const existing = state?.['existing'] as { id: string; amount: number | string } | null;
  if (existing) return { reservationId: existing.id, amount: toInt(existing.amount), replayed: true };

  if (input.regeneration) await checkRegenerationCap(em, { tenantId: input.tenantId, contentItemId: input.contentItemId! });
  const plan = state?.['plan'] as { code: string; limits: Record<string, unknown> | null; features: Record<string, unknown> | null } | null;
  const terms: PlanTerms = { code: plan?.code ?? null, limits: plan?.limits ?? {}, features: plan?.features ?? {} };
  const { softCap, hardCap } = effectiveCaps(account, terms);
  const balance = { available: toInt(state?.['available']), reserved: toInt(state?.['reserved']), consumed: toInt(state?.['consumed']) };
  const used = balance.consumed + balance.reserved;
  if (hardCap !== null && used + amount > hardCap) {
    throw new AppError('INSUFFICIENT_CREDITS',
      `The monthly hard cap of ${hardCap} AI credits is reached: ${used} used this month, ${amount} more requested.`,
      { cap: 'hard', hardCap, used, requested: amount });
  }
  if (balance.available < amount) {
    throw new AppError('INSUFFICIENT_CREDITS', `Not enough AI credits: ${amount} needed, ${Math.max(0, balance.available)} available.`,
      { available: Math.max(0, balance.available), requested: amount });
  }

  const reservationId = uuidv7();
  await transfer(em, {
    tenantId: input.tenantId, kind: 'reserve', key: `reserve:${key}`, reservationId,
    memo: `Reserved for ${input.task}${input.batch ? ' (night batch)' : ''}`, legs: [['available', -amount], ['reserved', amount]],
  }, {
    cte: `r as (insert into billing.credit_reservation (id, tenant_id, amount, status, task, content_item_id, batch, idempotency_key, expires_at, created_at)
               values (?::uuid, ?::uuid, ?, 'open', ?, ?::uuid, ?, ?, clock_timestamp() + make_interval(secs => ?::double precision), clock_timestamp()))`,
    params: [reservationId, input.tenantId, amount, input.task, input.contentItemId ?? null, input.batch ?? false, key, ttl],
  });
  const noticed = (state?.['noticed'] ?? []) as CreditNoticeKind[];
  const month = account.period_start.slice(0, 7);
  const after = used + amount;
  if (softCap !== null && after >= softCap && !noticed.includes('soft_cap_reached')) {
    await recordCapNotice(em, { tenantId: input.tenantId, kind: 'soft_cap_reached', periodStart: account.period_start, cap: softCap, used: after,
      message: `The soft cap of ${softCap} AI credits for ${month} is reached (${after} used). AI work goes on; top up or review the plan to avoid the hard cap.` });
  }
  if (hardCap !== null && after >= hardCap && !noticed.includes('hard_cap_reached')) {
    await recordCapNotice(em, { tenantId: input.tenantId, kind: 'hard_cap_reached', periodStart: account.period_start, cap: hardCap, used: after,
      message: `The hard cap of ${hardCap} AI credits for ${month} is reached (${after} used): further AI work is refused until next month or until the cap is raised.` });
  }
  return { reservationId, amount, replayed: false };
}

export type CreditNoticeKind = 'soft_cap_reached' | 'hard_cap_reached';

/** Once per kind and period (the unique key makes a second one a no-op). */
async function recordCapNotice(em: EntityManager, input: { tenantId: string; kind: CreditNoticeKind; periodStart: string; cap: number; used: number; message: string }): Promise<void> {
  await query(em,
    `insert into billing.credit_notice (id, tenant_id, kind, period_start, threshold, used, message, created_at)
     values (?::uuid, ?::uuid, ?, ?::date, ?, ?, ?, clock_timestamp())
     on conflict (tenant_id, kind, period_start) do nothing`,
    [uuidv7(), input.tenantId, input.kind, input.periodStart, input.cap, input.used, input.message]);
}

export interface CreditNotice {
  id: string;
  kind: CreditNoticeKind;
  periodStart: string;
  threshold: number;
  used: number;
  message: string;
  createdAt: Date;
}

/** The client's notices, newest first. */
export async function listCreditNotices(em: EntityManager, tenantId: string, limit: number): Promise<CreditNotice[]> {
  checkTenant(tenantId);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) throw badInput('limit must be between 1 and 100', 'limit');
  const rows = await query<Row>(em,
    `select id, kind, to_char(period_start, 'YYYY-MM-DD') as period_start, threshold, used, message, created_at
       from billing.credit_notice where tenant_id = ?::uuid order by created_at desc, id desc limit ?`, [tenantId, limit]);
  return rows.map((r) => ({
    id: String(r['id']),
    kind: r['kind'] as CreditNoticeKind,
    periodStart: String(r['period_start']),
    threshold: toInt(r['threshold']),
    used: toInt(r['used']),
    message: String(r['message']),
    createdAt: new Date(r['created_at'] as string | Date),
  }));
}

/** Tasks whose reservations naming an item are (re)generations of it. */
const GENERATION_TASKS = ['generation', 'batch'];

export interface RegenerationAllowance {
  contentItemId: string;
  /** regenerations taken: settled, or open (in flight) */
  used: number;
  /** the plan's regenerations_per_item; null when the plan sets none */
  limit: number | null;
  remaining: number | null;
}

/**
 * B2 regeneration cap: may the item be regenerated once more? Counts the
 * generation reservations that name the item and were settled (or are still
 * open: a regeneration in flight) against the plan's regenerations_per_item.
 * Name the item only when reserving a regeneration: the first generation of an
 * item is not one. Throws CONFLICT when the cap is reached; NOT_FOUND for an
 * item that is not the tenant's.
 */
export async function checkRegenerationCap(em: EntityManager, input: { tenantId: string; contentItemId: string }): Promise<RegenerationAllowance> {
  checkTenant(input.tenantId);
  if (typeof input.contentItemId !== 'string' || !UUID.test(input.contentItemId)) throw notFound('content item');
  const [item] = await query<Row>(em,
    `select i.id,
            (select count(*) from billing.credit_reservation r
              where r.tenant_id = i.tenant_id and r.content_item_id = i.id
                and r.task = any(?::text[]) and r.status in ('settled', 'open')) as used
       from content.content_item i where i.tenant_id = ?::uuid and i.id = ?::uuid`,
    [`{${GENERATION_TASKS.join(',')}}`, input.tenantId, input.contentItemId]);
  if (!item) throw notFound('content item');
  const used = toInt(item['used']);
  const limit = planLimit(await planTerms(em, input.tenantId), 'regenerations_per_item');
  if (limit !== null && used >= limit) {
    throw new AppError('CONFLICT',
      `This content item has used its ${limit} regeneration${limit === 1 ? '' : 's'} allowed by the plan. Edit it by hand, or upgrade the plan for more.`,
      { reason: 'REGENERATION_CAP', limit, used });
  }
  return { contentItemId: input.contentItemId, used, limit, remaining: limit === null ? null : limit - used };
}

/** After the AI call: consumes `amount` (≤ the reservation) and returns the rest to available. */
export async function settleReservation(em: EntityManager, input: { tenantId: string; reservationId: string; amount: number; idempotencyKey: string }): Promise<void> {
  const used = checkCredits(input.amount, 'amount', true);
  const key = checkKey(input.idempotencyKey);
  await lockAccount(em, input.tenantId);
  const reservation = await lockReservation(em, input.tenantId, input.reservationId, `settle:${key}`);
  if (reservation.replayed) return;
  if (reservation.status !== 'open') {
    throw new AppError('CONFLICT', `The reservation is already ${reservation.status}.`, { status: reservation.status });
  }
  const held = toInt(reservation.amount);
  if (used > held) throw badInput(`amount (${used}) exceeds the reservation (${held})`, 'amount');
  let charged = used;
  let memo = used < held ? `Used ${used} of ${held} reserved` : `Used ${used}`;
  if (reservation.batch) {
    const terms = await planTerms(em, input.tenantId);
    if (terms.features['night_batch'] === true) {
      const pct = await batchDiscountPct(em, reservation.task);
      // Whole credits: the discounted price rounded up (a 1-credit call still costs 1).
      charged = Math.ceil((used * (100 - pct)) / 100);
      memo += `; night batch −${pct} %: ${charged} charged`;
    } else {
      memo += `; night batch not in plan ${terms.code ?? '(none)'}: full price`;
    }
  }
  await transfer(em, {
    tenantId: input.tenantId, kind: 'settle', key: `settle:${key}`, reservationId: reservation.id,
    memo, legs: [['reserved', -held], ['consumed', charged], ['available', held - charged]],
  }, closeReservation(input.tenantId, reservation.id, 'settled', charged));
}

/** The CTE closing a reservation in the statement that writes its transfer. */
function closeReservation(tenantId: string, reservationId: string, status: 'settled' | 'voided' | 'expired', settled: number | null = null) {
  return {
    cte: `u as (update billing.credit_reservation set status = ?, settled_amount = ?::bigint, closed_at = clock_timestamp()
                 where tenant_id = ?::uuid and id = ?::uuid)`,
    params: [status, settled, tenantId, reservationId],
  };
}

/** W8's −50 %: the column default, for a task the rate catalogue has no row for. */
const DEFAULT_BATCH_DISCOUNT_PCT = 50;

/** The catalogue's night-batch discount for a task (the smallest of its active rates: never over-discount). */
async function batchDiscountPct(em: EntityManager, task: string): Promise<number> {
  const [row] = await query<Row>(em, 'select min(batch_discount_pct) as pct from billing.credit_rate where task = ? and active', [task]);
  const pct = row?.['pct'];
  return pct === null || pct === undefined ? DEFAULT_BATCH_DISCOUNT_PCT : toInt(pct);
}

/** The AI call did not happen (or failed before any cost): the whole reservation returns to available. */
export async function voidReservation(em: EntityManager, input: { tenantId: string; reservationId: string; idempotencyKey: string }): Promise<void> {
  const key = checkKey(input.idempotencyKey);
  await lockAccount(em, input.tenantId);
  const reservation = await lockReservation(em, input.tenantId, input.reservationId, `void:${key}`);
  if (reservation.replayed) return;
  if (reservation.status !== 'open') {
    throw new AppError('CONFLICT', `The reservation is already ${reservation.status}.`, { status: reservation.status });
  }
  const held = toInt(reservation.amount);
  await transfer(em, {
    tenantId: input.tenantId, kind: 'void', key: `void:${key}`, reservationId: reservation.id,
    memo: 'Reservation released', legs: [['reserved', -held], ['available', held]],
  }, closeReservation(input.tenantId, reservation.id, 'voided'));
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
    }, closeReservation(input.tenantId, reservation.id, 'expired'));
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
  const rows = await balanceRows(em, 'select a.tenant_id from billing.credit_account a where a.tenant_id = any(?::uuid[])', [uuidArrayLiteral(ids)]);
  // The base has an account for every row, so the period is known.
  return new Map(rows.map(({ name: _name, periodStart, ...rest }) => [rest.tenantId, { ...rest, periodStart: periodStart! }]));
}

export interface ClientCredits extends Omit<CreditBalance, 'periodStart'> {
  /** null for a client that has no credit account yet */
  periodStart: Date | null;
  name: string;
}

/**
 * Distributor view: every client of the caller's subtree (RLS decides what the
 * subtree is), by name, with its period's budget, use and cap state, in one
 * statement. A client with no credit account yet shows zeros.
 */
export async function listClientCredits(em: EntityManager): Promise<ClientCredits[]> {
  return balanceRows(em, `select c.id as tenant_id from tenants.tenant c where c.kind = 'client' and c.status <> 'closed'`, []);
}

/** One client of the caller's subtree; NOT_FOUND outside it, exactly as for an unknown id. */
export async function getClientCredits(em: EntityManager, clientId: string): Promise<ClientCredits> {
  if (typeof clientId !== 'string' || !UUID.test(clientId)) throw notFound('client');
  const [row] = await balanceRows(em,
    `select c.id as tenant_id from tenants.tenant c where c.kind = 'client' and c.status <> 'closed' and c.id = ?::uuid`, [clientId]);
  if (!row) throw notFound('client');
  return row;
}

/**
 * The balance of every tenant `base` selects (a query returning tenant_id),
 * visible ones only: sums of entries per tenant, the account's caps or the
 * plan's (app.plan_for), ordered by tenant name.
 */
async function balanceRows(em: EntityManager, base: string, params: unknown[]): Promise<ClientCredits[]> {
  const rows = await query<Row>(em,
    `with base as (${base}),
     sums as (
       select e.tenant_id,
              coalesce(sum(e.amount) filter (where e.account = 'available'), 0) as available,
              coalesce(sum(e.amount) filter (where e.account = 'reserved'), 0) as reserved,
              coalesce(sum(e.amount) filter (where e.account = 'consumed' and e.created_at >= a.period_start::timestamp at time zone 'UTC'), 0) as consumed
         from billing.credit_entry e
         join billing.credit_account a on a.tenant_id = e.tenant_id
        where e.tenant_id in (select tenant_id from base)
        group by e.tenant_id)
     select c.id as tenant_id, c.name, to_char(a.period_start, 'YYYY-MM-DD') as period_start, coalesce(a.monthly_budget, 0) as monthly_budget,
            coalesce(s.available, 0) as available, coalesce(s.reserved, 0) as reserved, coalesce(s.consumed, 0) as consumed,
            coalesce(a.soft_cap, case when jsonb_typeof(p.limits -> 'credits_soft_cap') = 'number' then floor((p.limits ->> 'credits_soft_cap')::numeric)::bigint end) as soft_cap,
            coalesce(a.hard_cap, case when jsonb_typeof(p.limits -> 'credits_hard_cap') = 'number' then floor((p.limits ->> 'credits_hard_cap')::numeric)::bigint end) as hard_cap
       from base b
       join tenants.tenant c on c.id = b.tenant_id
       left join billing.credit_account a on a.tenant_id = b.tenant_id
       left join sums s on s.tenant_id = b.tenant_id
       left join lateral (select pf.limits from app.plan_for(b.tenant_id) pf limit 1) p on true
      order by c.name, c.id`, params);
  return rows.map((r) => {
    const consumed = toInt(r['consumed']);
    const reserved = toInt(r['reserved']);
    const softCap = r['soft_cap'] === null ? null : toInt(r['soft_cap']);
    const hardCap = r['hard_cap'] === null ? null : toInt(r['hard_cap']);
    return {
      tenantId: String(r['tenant_id']),
      name: String(r['name']),
      periodStart: r['period_start'] === null ? null : new Date(`${String(r['period_start'])}T00:00:00.000Z`),
      budget: toInt(r['monthly_budget']),
      available: toInt(r['available']),
      reserved,
      consumed,
      softCap,
      hardCap,
      softCapReached: softCap !== null && consumed + reserved >= softCap,
      hardCapReached: hardCap !== null && consumed + reserved >= hardCap,
    };
  });
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
