import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { appUrl, OWNER_ROLE } from '../../db/src/connection.ts';
import { createOrm, withTenant } from '../../db/src/orm.ts';
import { createTestDatabase } from '../../packages/testing/src/database.ts';
import { ensureMonthlyGrant, reserveCredits, lockAccount } from '../../subgraphs/billing/src/credits/credit-ledger.service.ts';
const db = await createTestDatabase();
const admin = new pg.Client({ connectionString: db.adminUrl }); await admin.connect(); await admin.query(`set role ${OWNER_ROLE}`);
const orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 4 });
const p = randomUUID(), c = randomUUID(), plan = randomUUID();
await admin.query(`insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'platform', null, array[$1::uuid], 'P', $2)`, [p, `p-${p}`]);
await admin.query(`insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'client', $2, array[$2::uuid, $1::uuid], 'C', $3)`, [c, p, `c-${c}`]);
await admin.query(`insert into tenants.plan (id, code, name, visibility, visible_to_tenant_id, monthly_credits) values ($1, $2, 'B', 'client', $3, 100000)`, [plan, `b-${plan}`, c]);
await admin.query(`insert into billing.subscription (id, tenant_id, plan_id, status, currency, price_minor, seller_tenant_id, current_period_start, current_period_end) values ($1, $2, $3, 'active', 'EUR', 0, $4, now(), now() + interval '1 month')`, [randomUUID(), c, plan, p]);
const now = new Date(); const period = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 10);
await withTenant(orm, c, null, ({ em }) => ensureMonthlyGrant(em, { tenantId: c, periodStart: period }));
const orig = (orm.em.constructor as any).prototype.execute;
const times: Record<string, number[]> = {};
(orm.em.constructor as any).prototype.execute = async function (sql: string, ...rest: unknown[]) {
  const t = performance.now(); try { return await orig.call(this, sql, ...rest); } finally { const k = sql.replace(/\s+/g, ' ').slice(0, 60); (times[k] ??= []).push(performance.now() - t); }
};
for (let i = 0; i < 100; i++) await withTenant(orm, c, null, ({ em }) => reserveCredits(em, { tenantId: c, amount: 1, task: 'generation', idempotencyKey: `k${i}` }));
for (const [k, v] of Object.entries(times)) console.log(k.padEnd(62), (v.reduce((a, b) => a + b, 0) / v.length).toFixed(2), 'ms', v.length);
let t = performance.now();
for (let i = 0; i < 100; i++) await withTenant(orm, c, null, ({ em }) => lockAccount(em, c));
console.log('withTenant+lock only', ((performance.now() - t) / 100).toFixed(2));
await orm.close(true); await admin.end(); await db.drop();
