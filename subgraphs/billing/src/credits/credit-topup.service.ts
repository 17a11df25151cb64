// B2 top-ups, recorded honestly. A client buying a pack gets a top-up
// "pending payment" with its draft invoice (B3 finalises and collects it);
// the credits enter the ledger when the invoice is paid (grantPaidTopUp). A
// platform or distributor admin may grant credits to a client of its subtree
// at once, without payment: the transfer's memo says who did.
//
// Every call carries an idempotency key: a repeated key returns the top-up it
// created (replayed) and writes nothing. Each operation locks the client's
// credit account first, as every ledger operation does (one lock order).
import type { EntityManager } from '@ensemble/db/orm';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { v7 as uuidv7 } from 'uuid';
import { lockAccount, recordTransfer } from './credit-ledger.service.ts';

export interface TopUpPack {
  id: string;
  code: string;
  credits: number;
  /** the client's billing currency; price null when the pack has no price in it */
  currency: string;
  priceMinor: number | null;
}

export type TopUpStatus = 'pending_payment' | 'granted' | 'cancelled';

export interface CreditTopUp {
  id: string;
  credits: number;
  status: TopUpStatus;
  packId: string | null;
  packCode: string | null;
  invoiceId: string | null;
  /** the invoice's total, for a bought pack */
  priceMinor: number | null;
  currency: string | null;
  memo: string | null;
  createdAt: Date;
  grantedAt: Date | null;
  replayed: boolean;
}

export type TopUpInput =
  | { tenantId: string; packId: string; amount?: undefined; idempotencyKey: string }
  | { tenantId: string; amount: number; packId?: undefined; idempotencyKey: string };

/** A manual grant is a gesture, not a purchase: bounded. */
export const MAX_MANUAL_TOPUP = 1_000_000;

type Row = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function query<T extends Row>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return em.execute<T[]>(sql, params);
}

function toInt(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : (value as number);
  return Number.isFinite(n) ? n : 0;
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.trim() === '' || key.length > 200) {
    throw badInput('idempotencyKey must be a non-empty string of at most 200 characters', 'idempotencyKey');
  }
  return key;
}

/** The currency a client is billed in: its live subscription's, else the tenant's. */
async function billingCurrency(em: EntityManager, tenantId: string): Promise<string> {
  const [row] = await query<Row>(em,
    `select coalesce((select s.currency from billing.subscription s where s.tenant_id = t.id and s.status <> 'cancelled'), t.currency) as currency
       from tenants.tenant t where t.id = ?::uuid`, [tenantId]);
  if (!row) throw notFound('client');
  return String(row['currency']);
}

/** Active packs with their price in the client's billing currency, in catalogue order. */
export async function listTopUpPacks(em: EntityManager, tenantId: string): Promise<TopUpPack[]> {
  if (!UUID.test(tenantId)) throw notFound('client');
  const currency = await billingCurrency(em, tenantId);
  const rows = await query<Row>(em,
    `select p.id, p.code, p.credits, pp.amount_minor
       from billing.topup_pack p left join billing.topup_pack_price pp on pp.pack_id = p.id and pp.currency = ?
      where p.active order by p.position, p.code`, [currency]);
  return rows.map((r) => ({
    id: String(r['id']),
    code: String(r['code']),
    credits: toInt(r['credits']),
    currency,
    priceMinor: r['amount_minor'] === null ? null : toInt(r['amount_minor']),
  }));
}

const TOPUP_COLUMNS = `u.id, u.credits, u.status, u.pack_id, p.code as pack_code, u.invoice_id, i.total_minor, i.currency, u.memo, u.created_at, u.granted_at`;
const TOPUP_FROM = `billing.credit_topup u
  left join billing.topup_pack p on p.id = u.pack_id
  left join billing.invoice i on i.tenant_id = u.tenant_id and i.id = u.invoice_id`;

function toTopUp(r: Row, replayed: boolean): CreditTopUp {
  return {
    id: String(r['id']),
    credits: toInt(r['credits']),
    status: r['status'] as TopUpStatus,
    packId: (r['pack_id'] as string | null) ?? null,
    packCode: (r['pack_code'] as string | null) ?? null,
    invoiceId: (r['invoice_id'] as string | null) ?? null,
    priceMinor: r['total_minor'] === null || r['total_minor'] === undefined ? null : toInt(r['total_minor']),
    currency: (r['currency'] as string | null) ?? null,
    memo: (r['memo'] as string | null) ?? null,
    createdAt: new Date(r['created_at'] as string | Date),
    grantedAt: r['granted_at'] ? new Date(r['granted_at'] as string | Date) : null,
    replayed,
  };
}

async function findTopUp(em: EntityManager, tenantId: string, where: string, params: unknown[], replayed: boolean): Promise<CreditTopUp | null> {
  const [row] = await query<Row>(em, `select ${TOPUP_COLUMNS} from ${TOPUP_FROM} where u.tenant_id = ?::uuid and ${where}`, [tenantId, ...params]);
  return row ? toTopUp(row, replayed) : null;
}

/** The latest top-ups of a client, newest first. */
export async function listTopUps(em: EntityManager, tenantId: string, limit: number): Promise<CreditTopUp[]> {
  if (!UUID.test(tenantId)) throw notFound('client');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100) throw badInput('limit must be between 1 and 100', 'limit');
  const rows = await query<Row>(em,
    `select ${TOPUP_COLUMNS} from ${TOPUP_FROM} where u.tenant_id = ?::uuid order by u.created_at desc, u.id desc limit ?`, [tenantId, limit]);
  return rows.map((r) => toTopUp(r, false));
}

/**
 * Buys a pack (packId: a top-up pending payment with its draft invoice) or,
 * for a platform or distributor admin acting on a client of its subtree,
 * grants `amount` credits at once. A client cannot grant itself credits.
 */
export async function topUpCredits(em: EntityManager, input: TopUpInput): Promise<CreditTopUp> {
  const key = checkKey(input.idempotencyKey);
  const byPack = input.packId !== undefined && input.packId !== null;
  const byAmount = input.amount !== undefined && input.amount !== null;
  if (byPack === byAmount) throw badInput('give either packId or amount', byPack ? 'amount' : 'packId');
  if (byAmount && (!Number.isSafeInteger(input.amount) || input.amount! < 1 || input.amount! > MAX_MANUAL_TOPUP)) {
    throw badInput(`amount must be a whole number of credits between 1 and ${MAX_MANUAL_TOPUP}`, 'amount');
  }
  // A client out of scope reads as missing (NOT_FOUND) first; then who may grant is settled, replays included.
  await lockAccount(em, input.tenantId);
  const admin = byAmount ? await grantingAdmin(em, input.tenantId) : null;
  const existing = await findTopUp(em, input.tenantId, 'u.idempotency_key = ?', [key], true);
  if (existing) return existing;
  return admin ? grantByAdmin(em, input.tenantId, input.amount!, key, admin) : buyPack(em, input.tenantId, input.packId!, key);
}

interface GrantingAdmin {
  userId: string | null;
  name: string;
}

/** The entered tenant (app.tenant_id) must be a platform or distributor above the client; FORBIDDEN otherwise. */
async function grantingAdmin(em: EntityManager, tenantId: string): Promise<GrantingAdmin> {
  const [actor] = await query<Row>(em,
    `select t.kind, t.id = ?::uuid as is_self, u.id as user_id, u.display_name
       from tenants.tenant t left join tenants."user" u on u.id = app.actor()
      where t.id = nullif(current_setting('app.tenant_id', true), '')::uuid`, [tenantId]);
  if (!actor || actor['is_self'] || (actor['kind'] !== 'platform' && actor['kind'] !== 'distributor')) {
    throw new AppError('FORBIDDEN', 'Only a platform or distributor admin can grant credits without payment; buy a top-up pack instead.');
  }
  return { userId: (actor['user_id'] as string | null) ?? null, name: (actor['display_name'] as string | null) ?? 'an administrator' };
}

async function buyPack(em: EntityManager, tenantId: string, packId: string, key: string): Promise<CreditTopUp> {
  if (typeof packId !== 'string' || !UUID.test(packId)) throw notFound('top-up pack');
  const [pack] = await query<Row>(em, 'select id, code, credits from billing.topup_pack where id = ?::uuid and active', [packId]);
  if (!pack) throw notFound('top-up pack');
  const [client] = await query<Row>(em,
    `select t.locale as tenant_locale, c.locale as customer_locale, s.id as subscription_id, s.currency, s.seller_tenant_id
       from tenants.tenant t
       left join billing.customer c on c.tenant_id = t.id
       left join billing.subscription s on s.tenant_id = t.id and s.status <> 'cancelled'
      where t.id = ?::uuid`, [tenantId]);
  if (!client?.['subscription_id']) throw new AppError('CONFLICT', 'Top-ups need a live subscription: subscribe to a plan first.');
  const currency = String(client['currency']);
  const [price] = await query<Row>(em, 'select amount_minor from billing.topup_pack_price where pack_id = ?::uuid and currency = ?', [packId, currency]);
  if (!price) throw badInput(`The pack ${String(pack['code'])} has no price in ${currency}.`, 'packId');
  const amountMinor = toInt(price['amount_minor']);
  const credits = toInt(pack['credits']);
  const topUpId = uuidv7();
  const invoiceId = uuidv7();
  // The invoice is a draft: B3 numbers, finalises and collects it; payment grants the credits.
  await query(em,
    `insert into billing.invoice (id, tenant_id, seller_tenant_id, status, currency, subtotal_minor, tax_rate_bp, tax_minor, total_minor,
                                  locale, source_kind, source_ref, idempotency_key, subscription_id)
     values (?::uuid, ?::uuid, ?::uuid, 'draft', ?, ?, 0, 0, ?, ?, 'topup', ?, ?, ?::uuid)`,
    [invoiceId, tenantId, client['seller_tenant_id'], currency, amountMinor, amountMinor,
      String(client['customer_locale'] ?? client['tenant_locale']), `credit_topup:${topUpId}`, `topup:${key}`, client['subscription_id']]);
  await query(em,
    `insert into billing.invoice_line (id, tenant_id, invoice_id, position, kind, description, quantity, unit_amount_minor, amount_minor)
     values (?::uuid, ?::uuid, ?::uuid, 1, 'topup', ?, 1, ?, ?)`,
    [uuidv7(), tenantId, invoiceId, `${credits} AI credits (${String(pack['code'])})`, amountMinor, amountMinor]);
  await query(em,
    `insert into billing.credit_topup (id, tenant_id, pack_id, credits, status, invoice_id, idempotency_key, requested_by, memo, created_at)
     values (?::uuid, ?::uuid, ?::uuid, ?, 'pending_payment', ?::uuid, ?, (select u.id from tenants."user" u where u.id = app.actor()), ?, clock_timestamp())`,
    [topUpId, tenantId, packId, credits, invoiceId, key, `Pack ${String(pack['code'])}: awaiting payment of the invoice`]);
  return (await findTopUp(em, tenantId, 'u.id = ?::uuid', [topUpId], false))!;
}

async function grantByAdmin(em: EntityManager, tenantId: string, amount: number, key: string, admin: GrantingAdmin): Promise<CreditTopUp> {
  const memo = `Manual top-up by ${admin.name}`;
  const topUpId = uuidv7();
  const transferId = await recordTransfer(em, {
    tenantId, kind: 'topup', key: `topup:${key}`, memo, legs: [['source', -amount], ['available', amount]],
  });
  await query(em,
    `insert into billing.credit_topup (id, tenant_id, pack_id, credits, status, transfer_id, idempotency_key, requested_by, memo, created_at, granted_at)
     values (?::uuid, ?::uuid, null, ?, 'granted', ?::uuid, ?, ?::uuid, ?, clock_timestamp(), clock_timestamp())`,
    [topUpId, tenantId, amount, transferId, key, admin.userId, memo]);
  return (await findTopUp(em, tenantId, 'u.id = ?::uuid', [topUpId], false))!;
}

/**
 * B3 calls this when a top-up's invoice is paid: the pack's credits enter the
 * ledger, once (a second call returns the granted top-up). CONFLICT while the
 * invoice is unpaid; NOT_FOUND for an invoice that pays no top-up of the tenant.
 */
export async function grantPaidTopUp(em: EntityManager, input: { tenantId: string; invoiceId: string }): Promise<CreditTopUp> {
  if (typeof input.invoiceId !== 'string' || !UUID.test(input.invoiceId)) throw notFound('top-up');
  await lockAccount(em, input.tenantId);
  const [row] = await query<Row>(em,
    `select u.id, u.status, u.credits, i.status as invoice_status, i.number, p.code
       from billing.credit_topup u
       join billing.invoice i on i.tenant_id = u.tenant_id and i.id = u.invoice_id
       left join billing.topup_pack p on p.id = u.pack_id
      where u.tenant_id = ?::uuid and u.invoice_id = ?::uuid for update of u`, [input.tenantId, input.invoiceId]);
  if (!row) throw notFound('top-up');
  const id = String(row['id']);
  if (row['status'] === 'granted') return (await findTopUp(em, input.tenantId, 'u.id = ?::uuid', [id], true))!;
  if (row['status'] !== 'pending_payment') throw new AppError('CONFLICT', `The top-up is ${String(row['status'])}.`, { status: row['status'] });
  if (row['invoice_status'] !== 'paid') {
    throw new AppError('CONFLICT', `The top-up's invoice is ${String(row['invoice_status'])}, not paid: no credits yet.`, { invoiceStatus: row['invoice_status'] });
  }
  const credits = toInt(row['credits']);
  const memo = [`Top-up${row['code'] ? ` ${String(row['code'])}` : ''} paid`, row['number'] ? `(invoice ${String(row['number'])})` : ''].join(' ').trim();
  const transferId = await recordTransfer(em, {
    tenantId: input.tenantId, kind: 'topup', key: `topup:paid:${id}`, memo, legs: [['source', -credits], ['available', credits]],
  });
  await query(em,
    `update billing.credit_topup set status = 'granted', transfer_id = ?::uuid, granted_at = clock_timestamp()
      where tenant_id = ?::uuid and id = ?::uuid`, [transferId, input.tenantId, id]);
  return (await findTopUp(em, input.tenantId, 'u.id = ?::uuid', [id], false))!;
}
