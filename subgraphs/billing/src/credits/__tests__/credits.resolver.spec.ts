// The credits API as GraphQL, executed on the billing subgraph's guarded
// schema with the demo world (seeded): a client's usage and top-ups, the
// distributor view limited to its subtree, and billing kept from those who
// lack billing:read (support agents).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { appUrl, OWNER_ROLE } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { TOPUP_PACKS } from '@ensemble/db/seed/catalogue';
import { seededIdentity } from '@ensemble/testing/identities';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { creditsModule } from '../credits.resolver.ts';
import { reserveCredits, settleReservation } from '../credit-ledger.service.ts';
import { grantPaidTopUp } from '../credit-topup.service.ts';

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let pubsub: PgPubSub;
const schema = buildGuardedSubgraphSchema([creditsModule]);
const T = DEMO.tenants;
const L = DEMO.logins;

beforeAll(async () => {
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query(`set role ${OWNER_ROLE}`);
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_billing_test');
});

afterAll(async () => {
  await pubsub?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

const as = (login: Parameters<typeof seededIdentity>[1]) => seededIdentity(admin, login);
const { ok, fails: codeOf } = executeAs(() => ({ schema, orm, pubsub }));

function todayIn(timeZone: string, offsetDays = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

const CLIENT_FIELDS = 'client { id } periodStart budget available reserved consumed softCap hardCap softCapReached hardCapReached';
const TOPUP_FIELDS = 'id credits status packCode invoiceId priceMinor currency memo grantedAt replayed';

describe('a client’s credits', () => {
  it('shows the balance with its caps, and the usage per day and per task', async () => {
    const bakery = await as(L.clientAdmin);
    const { creditBalance } = await ok(bakery, '{ creditBalance { budget available consumed softCap hardCap softCapReached hardCapReached } }');
    expect(creditBalance).toEqual({ budget: 2000, available: 2000, consumed: 0, softCap: 1600, hardCap: null, softCapReached: false, hardCapReached: false });

    for (const [key, task, amount] of [['usage-1', 'generation', 30], ['usage-2', 'image', 4]] as const) {
      await withTenant(orm, T.bakery, null, async ({ em }) => {
        const r = await reserveCredits(em, { tenantId: T.bakery, amount, task, idempotencyKey: key });
        await settleReservation(em, { tenantId: T.bakery, reservationId: r.reservationId, amount, idempotencyKey: key });
      });
    }
    const from = todayIn('Europe/Paris', -2);
    const to = todayIn('Europe/Paris', 1);
    const { creditUsage } = await ok(bakery, 'query($f: String!, $t: String!) { creditUsage(from: $f, to: $t) { from to timeZone total days { date consumed } byTask { task consumed calls } } }', { f: from, t: to });
    expect(creditUsage).toMatchObject({ from, to, timeZone: 'Europe/Paris', total: 34 });
    expect(creditUsage.days).toEqual([
      { date: from, consumed: 0 }, { date: todayIn('Europe/Paris', -1), consumed: 0 }, { date: todayIn('Europe/Paris'), consumed: 34 }, { date: to, consumed: 0 },
    ]);
    expect(creditUsage.byTask).toEqual([{ task: 'generation', consumed: 30, calls: 1 }, { task: 'image', consumed: 4, calls: 1 }]);

    // Another client's usage is its own (none), and bad ranges are refused clearly.
    const fitness = await ok(await as(L.fitnessAdmin), 'query($f: String!, $t: String!) { creditUsage(from: $f, to: $t) { total } }', { f: from, t: to });
    expect(fitness.creditUsage.total).toBe(0);
    expect(await codeOf(bakery, '{ creditUsage(from: "2026-02-30", to: "2026-03-01") { total } }')).toMatchObject({ code: 'BAD_USER_INPUT', message: 'from must be a date (YYYY-MM-DD)' });
    expect((await codeOf(bakery, '{ creditUsage(from: "2026-03-02", to: "2026-03-01") { total } }')).code).toBe('BAD_USER_INPUT');
    expect((await codeOf(bakery, '{ creditUsage(from: "2024-01-01", to: "2026-03-01") { total } }')).code).toBe('BAD_USER_INPUT');
  });

  it('lists the packs in the client’s currency, and buys one once per key: pending payment with a draft invoice, credits when paid', async () => {
    const bakery = await as(L.clientAdmin);
    const { topUpPacks } = await ok(bakery, '{ topUpPacks { id code credits currency priceMinor } }');
    expect(topUpPacks.map((p: { code: string; credits: number; currency: string; priceMinor: number }) => [p.code, p.credits, p.currency, p.priceMinor]))
      .toEqual(TOPUP_PACKS.map((p) => [p.code, p.credits, 'EUR', p.prices.EUR]));
    const riad = await ok(await as(L.riadAdmin), '{ topUpPacks { currency priceMinor } }');
    expect(riad.topUpPacks[0]).toEqual({ currency: 'MAD', priceMinor: TOPUP_PACKS[0]!.prices.MAD });

    const pack = topUpPacks[0];
    const { creditBalance: before } = await ok(bakery, '{ creditBalance { available } }');
    const buy = `mutation($p: ID!, $k: String!) { topUpCredits(packId: $p, idempotencyKey: $k) { ${TOPUP_FIELDS} } }`;
    const first = (await ok(bakery, buy, { p: pack.id, k: 'buy-1' })).topUpCredits;
    expect(first).toMatchObject({ credits: pack.credits, status: 'PENDING_PAYMENT', packCode: pack.code, priceMinor: pack.priceMinor, currency: 'EUR', grantedAt: null, replayed: false });
    const again = (await ok(bakery, buy, { p: pack.id, k: 'buy-1' })).topUpCredits;
    expect(again).toEqual({ ...first, replayed: true });

    const { rows: invoices } = await admin.query(
      `select i.id, i.status, i.source_kind, i.total_minor, i.seller_tenant_id, (select count(*) from billing.invoice_line l where l.invoice_id = i.id)::int as lines
         from billing.invoice i where i.tenant_id = $1`, [T.bakery]);
    expect(invoices).toEqual([{ id: first.invoiceId, status: 'draft', source_kind: 'topup', total_minor: String(pack.priceMinor), seller_tenant_id: T.direct, lines: 1 }]);
    // No payment, no credits.
    expect((await ok(bakery, '{ creditBalance { available } }')).creditBalance.available).toBe(before.available);
    const unpaid = await withTenant(orm, T.bakery, null, ({ em }) => grantPaidTopUp(em, { tenantId: T.bakery, invoiceId: first.invoiceId })).catch((e: { code: string }) => e);
    expect(unpaid).toMatchObject({ code: 'CONFLICT' });

    // B3 marks the invoice paid; the grant happens once however often it is announced.
    await admin.query(`update billing.invoice set status = 'paid', number = 'T-0001', paid_at = now(), amount_paid_minor = total_minor where id = $1`, [first.invoiceId]);
    const granted = await withTenant(orm, T.bakery, null, ({ em }) => grantPaidTopUp(em, { tenantId: T.bakery, invoiceId: first.invoiceId }));
    expect(granted).toMatchObject({ status: 'granted', replayed: false });
    expect(await withTenant(orm, T.bakery, null, ({ em }) => grantPaidTopUp(em, { tenantId: T.bakery, invoiceId: first.invoiceId }))).toMatchObject({ status: 'granted', replayed: true });
    expect((await ok(bakery, '{ creditBalance { available } }')).creditBalance.available).toBe(before.available + pack.credits);
    const { rows: transfers } = await admin.query(`select memo from billing.credit_transfer where tenant_id = $1 and kind = 'topup'`, [T.bakery]);
    expect(transfers).toEqual([{ memo: `Top-up ${pack.code} paid (invoice T-0001)` }]);
    const { creditTopUps } = await ok(bakery, '{ creditTopUps { id status } }');
    expect(creditTopUps).toEqual([{ id: first.id, status: 'GRANTED' }]);

    // Unknown or garbage packs, another client's invoice: NOT_FOUND; nothing written.
    expect((await codeOf(bakery, buy, { p: uuidv7(), k: 'buy-2' })).code).toBe('NOT_FOUND');
    expect((await codeOf(bakery, buy, { p: 'nope', k: 'buy-3' })).code).toBe('NOT_FOUND');
    expect((await codeOf(bakery, buy, { p: pack.id, k: '' })).code).toBe('BAD_USER_INPUT');
    const foreign = await withTenant(orm, T.fitness, null, ({ em }) => grantPaidTopUp(em, { tenantId: T.fitness, invoiceId: first.invoiceId })).catch((e: { code: string }) => e);
    expect(foreign).toMatchObject({ code: 'NOT_FOUND' });
    expect((await admin.query('select count(*)::int as n from billing.credit_topup where tenant_id = $1', [T.bakery])).rows[0].n).toBe(1);
  });

  it('lets only an admin above the client grant credits without payment, once per key', async () => {
    const grant = `mutation($c: ID!, $a: Int!, $k: String!) { grantCredits(clientId: $c, amount: $a, idempotencyKey: $k) { ${TOPUP_FIELDS} } }`;
    const clientAdmin = await as(L.fitnessAdmin);
    const self = await codeOf(clientAdmin, grant, { c: T.fitness, a: 100, k: 'gift' });
    expect(self).toMatchObject({ code: 'FORBIDDEN', message: 'Only a platform or distributor admin can grant credits without payment; buy a top-up pack instead.' });
    // Another client's id reads as missing, before any question of rights.
    const foreign = await codeOf(clientAdmin, grant, { c: T.bakery, a: 100, k: 'gift' });
    expect(foreign).toEqual(await codeOf(clientAdmin, grant, { c: uuidv7(), a: 100, k: 'gift' }));
    expect(foreign).toEqual(await codeOf(clientAdmin, grant, { c: 'not-an-id', a: 100, k: 'gift' }));
    expect(foreign.code).toBe('NOT_FOUND');

    const agency = await as(L.distributorAdmin);
    const { creditBalance: before } = await ok(clientAdmin, '{ creditBalance { available } }');
    const first = (await ok(agency, grant, { c: T.fitness, a: 250, k: 'gift' })).grantCredits;
    expect(first).toMatchObject({ credits: 250, status: 'GRANTED', packCode: null, invoiceId: null, memo: `Manual top-up by ${L.distributorAdmin.displayName}`, replayed: false });
    expect((await ok(agency, grant, { c: T.fitness, a: 250, k: 'gift' })).grantCredits).toMatchObject({ id: first.id, replayed: true });
    expect((await ok(clientAdmin, '{ creditBalance { available } }')).creditBalance.available).toBe(before.available + 250);
    const { rows } = await admin.query(`select count(*)::int as n from billing.credit_transfer where tenant_id = $1 and kind = 'topup'`, [T.fitness]);
    expect(rows[0].n).toBe(1);

    // A client outside the agency's subtree does not exist for it.
    expect((await codeOf(agency, grant, { c: T.bakery, a: 10, k: 'gift-2' })).code).toBe('NOT_FOUND');
    expect((await codeOf(agency, grant, { c: T.fitness, a: 0, k: 'gift-3' })).code).toBe('BAD_USER_INPUT');
    // A distributor member has no billing:manage.
    expect((await codeOf(await as(L.distributorMember), grant, { c: T.fitness, a: 10, k: 'gift-4' })).code).toBe('FORBIDDEN');
  });
});

describe('the distributor view', () => {
  it('lists every client of the subtree, and only those', async () => {
    const agency = (await ok(await as(L.distributorAdmin), `{ clientCredits { ${CLIENT_FIELDS} } }`)).clientCredits;
    expect(agency.map((c: { client: { id: string } }) => c.client.id)).toEqual([T.fitness, T.riad]);
    expect(agency[0]).toMatchObject({ budget: 3500, softCap: 2800, hardCap: null, softCapReached: false });
    // The period opens on the first of a month.
    expect(new Date(agency[0].periodStart).getUTCDate()).toBe(1);

    const maroc = (await ok(await as(L.subDistributorAdmin), `{ clientCredits { client { id } budget } }`)).clientCredits;
    expect(maroc).toEqual([{ client: { id: T.riad }, budget: 2500 }]);
    const platform = (await ok(await as(L.superAdmin), '{ clientCredits { client { id } } }')).clientCredits;
    expect(platform.map((c: { client: { id: string } }) => c.client.id).sort()).toEqual([T.bakery, T.fitness, T.riad].sort());
  });

  it('answers a probe by id outside the subtree exactly like an unknown id', async () => {
    const agency = await as(L.distributorAdmin);
    const probe = 'query($id: ID!) { clientCredit(clientId: $id) { client { id } budget } }';
    expect((await ok(agency, probe, { id: T.riad })).clientCredit).toEqual({ client: { id: T.riad }, budget: 2500 });
    const outside = await codeOf(agency, probe, { id: T.bakery });
    const unknown = await codeOf(agency, probe, { id: uuidv7() });
    expect(outside).toEqual(unknown);
    expect(outside.code).toBe('NOT_FOUND');
    expect((await codeOf(agency, probe, { id: 'garbage' })).code).toBe('NOT_FOUND');
    // The sub-distributor cannot look up its parent's direct client either.
    expect((await codeOf(await as(L.subDistributorAdmin), probe, { id: T.fitness })).code).toBe('NOT_FOUND');
  });
});

describe('billing is kept from those without billing:read', () => {
  it('support agents hold no billing permission and are refused every credits field', async () => {
    const support = await as(L.supportAgent);
    expect(support.permissions.length).toBeGreaterThan(0);
    expect(support.permissions.filter((p) => p.startsWith('billing:'))).toEqual([]);
    for (const source of [
      '{ creditBalance { available } }',
      '{ creditMovements { id } }',
      '{ clientCredits { budget } }',
      `{ clientCredit(clientId: "${T.bakery}") { budget } }`,
      '{ topUpPacks { id } }',
      '{ creditNotices { id } }',
      '{ creditUsage(from: "2026-01-01", to: "2026-01-31") { total } }',
      `mutation { grantCredits(clientId: "${T.bakery}", amount: 5, idempotencyKey: "s") { id } }`,
    ]) {
      expect(await codeOf(support, source), source).toMatchObject({ code: 'FORBIDDEN', message: 'You do not have permission to do this' });
    }
    // Nor through the federated Tenant entity (what a tenant list would ask the billing subgraph).
    const entity = await codeOf(support, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Tenant { creditBalance { available } } } }',
      { r: [{ __typename: 'Tenant', id: T.bakery }] });
    expect(entity.code).toBe('FORBIDDEN');
    // Whereas the platform's super admin reads it there.
    const allowed = await ok(await as(L.superAdmin), 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Tenant { creditBalance { budget } } } }',
      { r: [{ __typename: 'Tenant', id: T.bakery }] });
    expect(allowed._entities).toEqual([{ creditBalance: { budget: 2000 } }]);
  });
});
