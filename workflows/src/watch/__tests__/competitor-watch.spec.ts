// W4 / C11 on the Temporal server of the test run with the real worker: the
// sweep's schedule is registered (created, then brought up to date), a
// trigger captures every tenant's due sources, "capture now" goes through
// competitorCaptureWorkflow from the GraphQL mutation and e-mails its alert
// once, and a later sweep neither captures what is not due nor e-mails twice.
// The competitor's shop is a local server reached through the test-only
// routes of subgraphs/content/src/egress/test-routes.ts (names under .test, loopback only).
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { graphql, type ExecutionResult } from 'graphql';
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { startSmtpCatcher, type SmtpCatcher } from '@ensemble/testing/fake-providers/smtp-catcher';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { createContext } from '@ensemble/subgraph-kit/context';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import type { Identity } from '@ensemble/tenancy/identity';
import { endpointsFromEnv } from '@ensemble/subgraph-content/connectors/endpoints';
import { smtpConnector, type SmtpConnector } from '@ensemble/subgraph-content/connectors/smtp.connector';
import { addSource } from '@ensemble/subgraph-content/watch/watch.service';
import { routedFetcher } from '@ensemble/subgraph-content/egress/test-routes';
import { watchModule } from '@ensemble/subgraph-content/watch/watch.resolver';
import { COMPETITOR_WATCH_SWEEP_WORKFLOW, type CompetitorWatchSweepResult } from '@ensemble/workflow-contracts/watch';
import { CONTENT_PUBSUB_CHANNEL, createWorker } from '../../worker.ts';
import { ensureCompetitorWatchSchedule } from '../competitor-watch-schedules.ts';

const SHOP_PORT = 17120;
const BAKERY = DEMO.tenants.bakery;
const FITNESS = DEMO.tenants.fitness;
const taskQueue = `watch-test-${randomBytes(4).toString('hex')}`;
const scheduleId = `competitor-watch-test-${randomBytes(4).toString('hex')}`;

let price = '1,20 €';
let shop: http.Server;
let catcher: SmtpCatcher;
let smtp: SmtpConnector;
let orm: MikroORM;
let pubsub: PgPubSub;
let admin: pg.Client;
let drop: () => Promise<void>;
let clientConnection: Connection;
let temporal: Client;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const sources: Record<string, string> = {};

function page(current = price): string {
  return `<!doctype html><html><head><title>Shop</title></head><body><main><ul>
    <li class="p"><b class="n">Baguette</b><i class="x">${current}</i></li><li class="p"><b class="n">Croissant</b><i class="x">1,10 €</i></li>
  </ul></main></body></html>`;
}

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed by another suite of this process
  }
  shop = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(req.url === '/fitness' ? page('2,00 €').replace('Baguette', 'Protein bar') : page());
  });
  await new Promise<void>((resolve) => shop.listen(SHOP_PORT, '127.0.0.1', resolve));
  catcher = await startSmtpCatcher({ smtpPort: 0 });
  smtp = smtpConnector({ ...endpointsFromEnv({}), smtpUrl: catcher.smtpUrl });

  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), CONTENT_PUBSUB_CHANNEL);
  await pubsub.start();

  const address = process.env.TEMPORAL_ADDRESS!;
  clientConnection = await Connection.connect({ address });
  temporal = new Client({ connection: clientConnection, namespace: 'default' });
  workerConnection = await NativeConnection.connect({ address });
  const fetch = routedFetcher([{ host: 'shop.watch.test', port: SHOP_PORT }]);
  worker = await createWorker({ connection: workerConnection, namespace: 'default', orm, pubsub, taskQueue, watch: { fetch, smtp, publicWebUrl: 'http://app.test' } });
  running = worker.run();

  const selectors = { item: '.p', name: '.n', price: '.x' };
  sources.bakery = (await withTenant(orm, BAKERY, null, ({ em }) =>
    addSource(em, BAKERY, { competitorName: 'Le Fournil', kind: 'PAGE', url: 'http://shop.watch.test/bakery', selectors, intervalMinutes: 60 }))).id;
  sources.fitness = (await withTenant(orm, FITNESS, null, ({ em }) =>
    addSource(em, FITNESS, { competitorName: 'Iron Temple', kind: 'PAGE', url: 'http://shop.watch.test/fitness', selectors, intervalMinutes: 60 }))).id;
  sources.paused = (await withTenant(orm, FITNESS, null, ({ em }) =>
    addSource(em, FITNESS, { competitorName: 'Iron Temple', kind: 'PAGE', url: 'http://shop.watch.test/paused', selectors, active: false }))).id;
}, 240_000);

afterAll(async () => {
  await temporal?.schedule.getHandle(scheduleId).delete().catch(() => {});
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await workerConnection?.close();
  await clientConnection?.close();
  smtp?.close();
  await catcher?.close();
  await pubsub?.close();
  await orm?.close();
  await admin?.end();
  await drop?.();
  shop?.closeAllConnections();
  await new Promise((resolve) => shop?.close(resolve));
}, 60_000);

/** Fires the schedule and returns the sweep it started. */
async function sweep(): Promise<CompetitorWatchSweepResult> {
  const handle = temporal.schedule.getHandle(scheduleId);
  const before = (await handle.describe()).info.recentActions.length;
  await handle.trigger();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const recent = (await handle.describe()).info.recentActions;
    if (recent.length > before) {
      const started = recent.at(-1)!.action.workflow;
      return temporal.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result();
    }
    if (Date.now() > deadline) throw new Error('the schedule did not fire');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const capturesOf = async (sourceId: string) => Number((await admin.query('select count(*) as n from content.competitor_capture where source_id = $1', [sourceId])).rows[0].n);

describe('competitor watch on Temporal', () => {
  it('registers one sweep schedule, and brings an existing one up to date', async () => {
    expect(await ensureCompetitorWatchSchedule(temporal, { taskQueue, scheduleId })).toBe('created');
    const described = await temporal.schedule.getHandle(scheduleId).describe();
    expect(described.spec.intervals).toMatchObject([{ every: 300_000 }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: COMPETITOR_WATCH_SWEEP_WORKFLOW, taskQueue });
    expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(await ensureCompetitorWatchSchedule(temporal, { taskQueue, scheduleId })).toBe('updated');
  });

  it('captures every client\'s due, active sources on a fire; the paused one waits', async () => {
    const result = await sweep();
    expect(result).toMatchObject({ due: 2, captured: { baseline: 2, changed: 0 }, crashed: [] });
    expect(await capturesOf(sources.bakery!)).toBe(1);
    expect(await capturesOf(sources.fitness!)).toBe(1);
    expect(await capturesOf(sources.paused!)).toBe(0);
    // Just captured, due again in an hour: the next fire has nothing to do.
    expect((await sweep()).due).toBe(0);
  });

  it('captures now through the worker from GraphQL, and e-mails the alert once', async () => {
    price = '1,50 €';
    const schema = buildGuardedSubgraphSchema([watchModule({ temporal, taskQueue, fetch: routedFetcher([]) })]);
    const identity: Identity = { kind: 'user', actorId: DEMO.logins.clientAdmin.id, tenantId: BAKERY, role: 'client_admin', permissions: ['content:read', 'content:write'] as Identity['permissions'] };
    const result = (await graphql({
      schema,
      source: 'mutation($id: ID!) { captureCompetitorSource(id: $id) { status alerts { kind summary } capture { diff { priceChanges { changePercent } } } } }',
      variableValues: { id: sources.bakery },
      contextValue: createContext(identity, orm, pubsub),
    })) as ExecutionResult<{ captureCompetitorSource: { status: string; alerts: Array<{ kind: string; summary: string }>; capture: { diff: { priceChanges: Array<{ changePercent: number }> } } } }>;
    expect(result.errors).toBeUndefined();
    expect(result.data!.captureCompetitorSource).toMatchObject({ status: 'CHANGED', alerts: [{ kind: 'PRICE_CHANGED' }], capture: { diff: { priceChanges: [{ changePercent: 25 }] } } });
    const [message] = await catcher.waitFor(1);
    expect(message!.to).toEqual([DEMO.logins.clientAdmin.email]);
    expect(message!.subject).toContain('1,20 € → 1,50 € (+25,0 %)');

    // Due again (an hour later): the sweep captures, finds nothing new, and sends nothing twice.
    await admin.query(`update content.competitor_source set last_fetched_at = last_fetched_at - interval '2 hours'`);
    const later = await sweep();
    expect(later).toMatchObject({ due: 2, captured: { unchanged: 2 }, mailed: { sent: 0 } });
    expect(catcher.transactions()).toBe(1);
    expect(Number((await admin.query(`select count(*) as n from content.competitor_alert_email where status = 'sent'`)).rows[0].n)).toBe(1);
  });
});
