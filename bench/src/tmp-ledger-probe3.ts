import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { appUrl, OWNER_ROLE } from '../../db/src/connection.ts';
import { createOrm, withTenant } from '../../db/src/orm.ts';
import { createTestDatabase } from '../../packages/testing/src/database.ts';
import { ensureMonthlyGrant, reserveCredits } from '../../subgraphs/billing/src/credits/credit-ledger.service.ts';
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
for (let i = 0; i < 100; i++) await withTenant(orm, c, null, ({ em }) => reserveCredits(em, { tenantId: c, amount: 1, task: 'generation', idempotencyKey: `k${i}` }));
const variants: Record<string, string> = {
  sumsJoin: `select coalesce(sum(e.amount) filter (where e.account = 'available'), 0), coalesce(sum(e.amount) filter (where e.account = 'consumed' and t.created_at >= now() - interval '1 month'), 0) from billing.credit_entry e join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id where e.tenant_id = '${c}'`,
  sumsNoJoin: `select coalesce(sum(e.amount) filter (where e.account = 'available'), 0), coalesce(sum(e.amount) filter (where e.account = 'consumed' and e.created_at >= now() - interval '1 month'), 0) from billing.credit_entry e where e.tenant_id = '${c}'`,
  plan: `select json_build_object('code', p.code, 'limits', p.limits) from app.plan_for('${c}') p`,
  existing: `select r.id from billing.credit_reservation r where r.tenant_id = '${c}' and r.idempotency_key = 'zz'`,
  one: 'select 1',
};
for (const [name, sql] of Object.entries(variants)) {
  await withTenant(orm, c, null, async ({ em }) => {
    for (let i = 0; i < 5; i++) await em.execute(sql);
    const t = performance.now();
    for (let i = 0; i < 100; i++) await em.execute(sql);
    console.log(name.padEnd(12), ((performance.now() - t) / 100).toFixed(3), 'ms');
    if (name === 'sumsJoin') console.log((await em.execute(`explain analyze ${sql}`)).map((r: any) => r['QUERY PLAN']).join('\n'));
  });
}
await orm.close(true); await admin.end(); await db.drop();
