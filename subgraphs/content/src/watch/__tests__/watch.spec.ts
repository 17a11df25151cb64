// C11 on a fresh, seeded database through GraphQL: sources (SSRF refusal at
// creation and at fetch time), the selector preview, captures of a shop page
// and of a feed served by a local site reached through the ingest seam,
// unchanged captures not duplicated, diffs, alert dedup, e-mail to the
// client's administrators once per alert (local SMTP catcher), the plan's
// competitor limit, and isolation between clients.
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { startSmtpCatcher, type SmtpCatcher } from '@ensemble/testing/fake-providers/smtp-catcher';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { createSafeFetcher, defaultDial, type SafeFetch } from '@ensemble/ingest/safe-fetch';
import type { Identity } from '@ensemble/tenancy/identity';
import { planLimit, planTerms } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { endpointsFromEnv } from '../../connectors/endpoints.ts';
import { smtpConnector, type SmtpConnector } from '../../connectors/smtp.connector.ts';
import { studioModule } from '../../studio/studio.resolver.ts';
import { watchModule } from '../watch.resolver.ts';
import { captureSource, type TenantRunner } from '../watch-capture.service.ts';
import { emailPendingAlerts } from '../watch-alert-email.service.ts';
import { RSS, shopPage } from './watch-fixtures.ts';

const SITE_PORT = 17110;
const CANARY_PORT = 17111;
const PUBLIC_IP = '93.184.215.14';
const BAKERY = DEMO.tenants.bakery;
const FITNESS = DEMO.tenants.fitness;
const ADMIN = DEMO.logins.clientAdmin;

// The competitor's site, changed by the tests between captures.
const site = {
  products: [['Baguette tradition', '1,20 €'], ['Pain de campagne', '4,50 €']] as Array<[string, string]>,
  feed: RSS,
  status: 200,
};
let server: http.Server;
let canary: net.Server;
let canaryConnections = 0;
let orm: MikroORM;
let pubsub: PgPubSub;
let admin: pg.Client;
let drop: () => Promise<void>;
let catcher: SmtpCatcher;
let smtp: SmtpConnector;
let schema: ReturnType<typeof buildGuardedSubgraphSchema>;
let clock = new Date('2026-05-10T08:00:00Z');

// Test names resolve to a public address that the dialler routes to the local
// site; evil.watch.test resolves to loopback, which the policy must refuse.
const fetcher: SafeFetch = createSafeFetcher({
  resolve: async (hostname) => {
    if (hostname.endsWith('.shop.test') || hostname === 'shop.test') return [{ address: PUBLIC_IP, family: 4 }];
    if (hostname === 'evil.shop-test.test') return [{ address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  },
  dial: (target) => (target.addresses.every((a) => a.address === PUBLIC_IP) ? net.connect(SITE_PORT, '127.0.0.1') : defaultDial(target)),
});

function who(tenantId: string, actorId: string, permissions: string[]): Identity {
  return { kind: 'user', actorId, tenantId, role: 'client_admin', permissions: permissions as Identity['permissions'] };
}
const bakery = who(BAKERY, ADMIN.id, ['content:read', 'content:write']);
const fitness = who(FITNESS, DEMO.logins.fitnessAdmin.id, ['content:read', 'content:write']);
const viewer = who(BAKERY, DEMO.logins.clientViewer.id, ['content:read']);

const { gql, ok, code } = executeAs(() => ({ schema, orm, pubsub }));
const count = async (sql: string, params: unknown[] = []) => Number((await admin.query(sql, params)).rows[0].n);

const ADD = `mutation($i: CompetitorSourceInput!) { addCompetitorSource(input: $i) { id kind url intervalMinutes priceThresholdPercent selectors { item name price text } competitor { name } } }`;
const CAPTURE = `mutation($id: ID!) { captureCompetitorSource(id: $id) { status error
  capture { id previousId contentHash products { name priceMinor currency } entries { id title } diff { priceChanges { name oldPriceMinor newPriceMinor changePercent } addedProducts { name } removedProducts { name } newEntries { id } addedParagraphs removedParagraphs } }
  alerts { id kind severity summary competitorName read } } }`;
const SHOP_SELECTORS = { item: '.product', name: '.name', price: '.price', text: '.intro' };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (site.status !== 200) return void res.writeHead(site.status, { 'content-type': 'text/plain' }).end('down');
    if (host === 'www.shop.test' && req.url === '/boutique') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopPage(site.products));
    if (host === 'news.shop.test' && req.url === '/feed.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(site.feed);
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(SITE_PORT, '127.0.0.1', resolve));
  canary = net.createServer((socket) => {
    canaryConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => canary.listen(CANARY_PORT, '127.0.0.1', resolve));
  catcher = await startSmtpCatcher({ smtpPort: 0 });
  smtp = smtpConnector({ ...endpointsFromEnv({}), smtpUrl: catcher.smtpUrl, smtpFrom: 'Ensemble <alerts@ensemble.test>' });

  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 4 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'watch_test');
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const now = () => clock;
  // What competitorCaptureWorkflow does, in process: the capture, then its alerts' e-mails.
  const capture = async (request: { tenantId: string; sourceId: string }) => {
    const run: TenantRunner = (fn) => withTenant(orm, request.tenantId, null, ({ em }) => fn(em));
    const result = await captureSource(run, request.sourceId, { fetch: fetcher, now });
    const mail = result.alertIds.length ? await emailPendingAlerts(run, request.tenantId, { smtp, publicWebUrl: 'http://app.test', now }) : null;
    return { capture: result, mail };
  };
  schema = buildGuardedSubgraphSchema([studioModule, watchModule({ temporal, fetch: fetcher, capture })]);
});

afterAll(async () => {
  smtp?.close();
  await catcher?.close();
  await orm?.close();
  await pubsub?.close();
  await admin?.end();
  await drop?.();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => canary?.close(resolve));
});

describe('competitor sources', () => {
  it('refuses private, loopback and internal addresses before anything is written', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://localhost/prices', 'http://10.0.0.5/', 'http://169.254.169.254/latest/meta-data/', 'http://0x7f.1/', 'http://intranet.corp/', 'ftp://shop.test/', 'http://user:pw@www.shop.test/']) {
      const result = await gql(bakery, ADD, { i: { competitorName: 'Le Fournil', kind: 'PAGE', url, selectors: SHOP_SELECTORS } });
      expect(code(result), url).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.extensions).toMatchObject({ field: 'url' });
    }
    const preview = await gql(bakery, 'mutation($i: CompetitorSourcePreviewInput!) { previewCompetitorSource(input: $i) { url } }', { i: { kind: 'PAGE', url: 'http://192.168.1.1/', selectors: SHOP_SELECTORS } });
    expect(code(preview)).toBe('BAD_USER_INPUT');
    expect(await count('select count(*) as n from content.competitor_source')).toBe(0);
    expect(await count('select count(*) as n from content.competitor')).toBe(0);
    expect(canaryConnections).toBe(0);
  });

  it('refuses bad selectors and intervals with the field named', async () => {
    const bad = await gql(bakery, ADD, { i: { competitorName: 'Le Fournil', kind: 'PAGE', url: 'http://www.shop.test/boutique', selectors: { name: '.name[', price: '.price' } } });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'selectors.name' });
    const interval = await gql(bakery, ADD, { i: { competitorName: 'Le Fournil', kind: 'PAGE', url: 'http://www.shop.test/boutique', selectors: SHOP_SELECTORS, intervalMinutes: 5 } });
    expect(interval.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'intervalMinutes' });
    expect(await count('select count(*) as n from content.competitor_source')).toBe(0);
  });

  it('previews what the selectors find without recording anything', async () => {
    site.products = [['Baguette tradition', '1,20 €'], ['Pain de campagne', '4,50 €'], ['Fougasse', 'sur demande']];
    const { previewCompetitorSource: preview } = await ok(bakery,
      'mutation($i: CompetitorSourcePreviewInput!) { previewCompetitorSource(input: $i) { httpStatus error title products { name priceMinor currency priceText } paragraphs unreadPrices } }',
      { i: { kind: 'PAGE', url: 'http://www.shop.test/boutique', selectors: SHOP_SELECTORS } });
    expect(preview).toMatchObject({ httpStatus: 200, error: null, title: 'La boutique', unreadPrices: ['sur demande'], paragraphs: ['Pain au levain naturel, cuit au feu de bois.'] });
    expect(preview.products[0]).toEqual({ name: 'Baguette tradition', priceMinor: 120, currency: 'EUR', priceText: '1,20 €' });
    expect(await count('select count(*) as n from content.competitor_capture')).toBe(0);
    site.products = [['Baguette tradition', '1,20 €'], ['Pain de campagne', '4,50 €']];
  });
});

describe('captures, diffs, alerts and e-mails', () => {
  let shopId: string;
  let feedId: string;

  it('records a baseline, then nothing while the page is unchanged', async () => {
    const { addCompetitorSource: source } = await ok(bakery, ADD, { i: { competitorName: 'Le Fournil d’Oberkampf', website: 'https://www.shop.test/', kind: 'PAGE', url: 'http://www.shop.test/boutique', selectors: SHOP_SELECTORS, intervalMinutes: 60 } });
    shopId = source.id;
    expect(source).toMatchObject({ kind: 'PAGE', intervalMinutes: 60, priceThresholdPercent: 5, competitor: { name: 'Le Fournil d’Oberkampf' } });
    const first = (await ok(bakery, CAPTURE, { id: shopId })).captureCompetitorSource;
    expect(first).toMatchObject({ status: 'BASELINE', alerts: [], capture: { previousId: null, diff: null } });
    expect(first.capture.products).toEqual([{ name: 'Baguette tradition', priceMinor: 120, currency: 'EUR' }, { name: 'Pain de campagne', priceMinor: 450, currency: 'EUR' }]);
    clock = new Date('2026-05-10T09:00:00Z');
    const second = (await ok(bakery, CAPTURE, { id: shopId })).captureCompetitorSource;
    expect(second).toMatchObject({ status: 'UNCHANGED', capture: { id: first.capture.id }, alerts: [] });
    expect(await count('select count(*) as n from content.competitor_capture where source_id = $1', [shopId])).toBe(1);
    const { competitorSource } = await ok(bakery, 'query($id: ID!) { competitorSource(id: $id) { lastStatus lastFetchedAt captures { id } } }', { id: shopId });
    expect(competitorSource).toMatchObject({ lastStatus: 'NOT_MODIFIED', captures: [{ id: first.capture.id }] });
    expect(new Date(competitorSource.lastFetchedAt).toISOString()).toBe('2026-05-10T09:00:00.000Z');
  });

  it('diffs a price change and a new product, alerts, and e-mails the administrators once', async () => {
    site.products = [['Baguette tradition', '1,40 €'], ['Pain de campagne', '4,60 €'], ['Pain aux figues', '6,00 €']];
    clock = new Date('2026-05-10T10:00:00Z');
    const result = (await ok(bakery, CAPTURE, { id: shopId })).captureCompetitorSource;
    expect(result.status).toBe('CHANGED');
    expect(result.capture.diff.priceChanges).toEqual([
      { name: 'Baguette tradition', oldPriceMinor: 120, newPriceMinor: 140, changePercent: 16.7 },
      { name: 'Pain de campagne', oldPriceMinor: 450, newPriceMinor: 460, changePercent: 2.2 },
    ]);
    expect(result.capture.diff.addedProducts).toEqual([{ name: 'Pain aux figues' }]);
    // The bakery writes in French; 2.2 % is under the 5 % threshold.
    expect(result.alerts.map((a: { kind: string; severity: string; summary: string }) => [a.kind, a.severity, a.summary])).toEqual([
      ['PRICE_CHANGED', 'IMPORTANT', 'Le Fournil d’Oberkampf : Baguette tradition 1,20 € → 1,40 € (+16,7 %)'],
      ['PRODUCT_ADDED', 'WARNING', 'Le Fournil d’Oberkampf a ajouté Pain aux figues (6,00 €)'],
    ]);
    const messages = await catcher.waitFor(2);
    // The client's only administrator (editors and viewers do not manage users).
    expect(messages.map((m) => m.to)).toEqual([[ADMIN.email], [ADMIN.email]]);
    expect(messages[0]!.subject).toBe('[Veille concurrentielle] Le Fournil d’Oberkampf : Baguette tradition 1,20 € → 1,40 € (+16,7 %)');
    expect(messages[0]!.text).toContain(`http://app.test/competitors?alert=${result.alerts[0].id}`);
    expect(messages[0]!.headers['x-ensemble-idempotency-key']).toBe(`competitor-alert:${result.alerts[0].id}:to:${ADMIN.id}`);

    // Sending again sends nothing: every (alert, administrator) was sent.
    const again = await emailPendingAlerts((fn) => withTenant(orm, BAKERY, null, ({ em }) => fn(em)), BAKERY, { smtp, publicWebUrl: 'http://app.test', now: () => clock });
    expect(again).toEqual({ alerts: 0, sent: 0, failed: 0, skipped: 0 });
    expect(catcher.transactions()).toBe(2);
    const { competitorAlerts } = await ok(bakery, 'query { competitorAlerts { id kind emailsSent emailedAt read } unreadCompetitorAlerts }');
    expect(competitorAlerts.every((a: { emailsSent: number; emailedAt: string | null }) => a.emailsSent === 1 && a.emailedAt)).toBe(true);
  });

  it('reports the same change once a day per source, however the page flips', async () => {
    const alerts = () => count(`select count(*) as n from content.competitor_alert where source_id = $1 and kind = 'price_changed'`, [shopId]);
    site.products = [['Baguette tradition', '1,20 €'], ['Pain de campagne', '4,60 €'], ['Pain aux figues', '6,00 €']];
    clock = new Date('2026-05-10T11:00:00Z');
    expect((await ok(bakery, CAPTURE, { id: shopId })).captureCompetitorSource.alerts.map((a: { kind: string }) => a.kind)).toEqual(['PRICE_CHANGED']);
    site.products = [['Baguette tradition', '1,40 €'], ['Pain de campagne', '4,60 €'], ['Pain aux figues', '6,00 €']];
    clock = new Date('2026-05-10T12:00:00Z');
    const flip = (await ok(bakery, CAPTURE, { id: shopId })).captureCompetitorSource;
    // A new capture with its diff, but 1,20 → 1,40 was already reported today.
    expect(flip.status).toBe('CHANGED');
    expect(flip.capture.diff.priceChanges).toHaveLength(1);
    expect(flip.alerts).toEqual([]);
    expect(await alerts()).toBe(2);
    // Two captures racing on the same change (the schedule and "capture now") record it once.
    site.products = [['Baguette tradition', '1,60 €'], ['Pain de campagne', '4,60 €'], ['Pain aux figues', '6,00 €']];
    const both = await Promise.all([ok(bakery, CAPTURE, { id: shopId }), ok(bakery, CAPTURE, { id: shopId })]);
    expect(both.map((b) => b.captureCompetitorSource.status).sort()).toEqual(['CHANGED', 'UNCHANGED']);
    expect(await alerts()).toBe(3);
    expect(await count(`select count(*) as n from content.competitor_capture where source_id = $1 and content_hash is not null`, [shopId])).toBe(5);
    // The next day, the same change is news again.
    site.products = [['Baguette tradition', '1,40 €'], ['Pain de campagne', '4,60 €'], ['Pain aux figues', '6,00 €']];
    clock = new Date('2026-05-11T08:00:00Z');
    await ok(bakery, CAPTURE, { id: shopId });
    site.products = [['Baguette tradition', '1,60 €'], ['Pain de campagne', '4,60 €'], ['Pain aux figues', '6,00 €']];
    clock = new Date('2026-05-11T09:00:00Z');
    expect((await ok(bakery, CAPTURE, { id: shopId })).captureCompetitorSource.alerts).toHaveLength(1);
  });

  it('alerts on a new feed entry once, even when it leaves the feed and comes back', async () => {
    site.feed = RSS;
    feedId = (await ok(bakery, ADD, { i: { competitorName: 'Le Fournil d’Oberkampf', kind: 'FEED', url: 'http://news.shop.test/feed.xml' } })).addCompetitorSource.id;
    expect((await ok(bakery, CAPTURE, { id: feedId })).captureCompetitorSource.status).toBe('BASELINE');
    const withNew = RSS.replace('<item>', '<item><title>Atelier pain du samedi</title><guid>fournil-43</guid><link>https://fournil.example/atelier</link></item><item>');
    site.feed = withNew;
    const news = (await ok(bakery, CAPTURE, { id: feedId })).captureCompetitorSource;
    expect(news.capture.diff.newEntries).toEqual([{ id: 'fournil-43' }]);
    expect(news.alerts.map((a: { kind: string; summary: string }) => [a.kind, a.summary])).toEqual([['NEW_ENTRY', 'Le Fournil d’Oberkampf a publié « Atelier pain du samedi »']]);
    site.feed = RSS;
    await ok(bakery, CAPTURE, { id: feedId });
    site.feed = withNew;
    const back = (await ok(bakery, CAPTURE, { id: feedId })).captureCompetitorSource;
    expect(back.capture.diff.newEntries).toEqual([{ id: 'fournil-43' }]);
    expect(back.alerts).toEqual([]);
    const { competitorSource } = await ok(bakery, 'query($id: ID!) { competitorSource(id: $id) { kind feedFormat lastStatus } }', { id: feedId });
    expect(competitorSource).toEqual({ kind: 'FEED', feedFormat: 'RSS', lastStatus: 'OK' });
  });

  it('refuses at fetch time a name that resolves to a private address, and says so once', async () => {
    const evil = (await ok(bakery, ADD, { i: { competitorName: 'Rebinder', kind: 'FEED', url: `http://evil.shop-test.test:${CANARY_PORT}/feed.xml` } })).addCompetitorSource.id;
    const first = (await ok(bakery, CAPTURE, { id: evil })).captureCompetitorSource;
    expect(first.status).toBe('BLOCKED');
    expect(first.error).toMatch(/loopback/);
    expect(first.alerts.map((a: { kind: string }) => a.kind)).toEqual(['FETCH_FAILED']);
    const second = (await ok(bakery, CAPTURE, { id: evil })).captureCompetitorSource;
    expect(second).toMatchObject({ status: 'BLOCKED', alerts: [] });
    expect(second.capture.id).toBe(first.capture.id);
    const { competitorSource } = await ok(bakery, 'query($id: ID!) { competitorSource(id: $id) { lastStatus lastError captures { failures error } } }', { id: evil });
    expect(competitorSource).toMatchObject({ lastStatus: 'BLOCKED', captures: [{ failures: 2 }] });
    expect(canaryConnections).toBe(0);
  });

  it('alerts after three failed reads in a row, once per outage', async () => {
    site.status = 503;
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await ok(bakery, CAPTURE, { id: feedId })).captureCompetitorSource);
    expect(statuses.map((s) => s.status)).toEqual(['FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect(statuses.map((s) => s.alerts.length)).toEqual([0, 0, 1, 0]);
    expect(statuses[2].alerts[0].summary).toMatch(/3 lectures échouées de suite/);
    site.status = 200;
    expect((await ok(bakery, CAPTURE, { id: feedId })).captureCompetitorSource.status).toBe('UNCHANGED');
  });

  it('re-sends an e-mail a crash left unconfirmed with the same Message-ID, shown once', async () => {
    const before = catcher.messages().length;
    const run: TenantRunner = (fn) => withTenant(orm, BAKERY, null, ({ em }) => fn(em));
    // Every alert is e-mailed by now; pretend the worker died after the SMTP reply of the last one.
    expect(await emailPendingAlerts(run, BAKERY, { smtp, publicWebUrl: 'http://app.test', now: () => clock })).toMatchObject({ alerts: 0, sent: 0 });
    const [row] = (await admin.query(`select alert_id, message_id from content.competitor_alert_email order by created_at desc limit 1`)).rows;
    await admin.query(`update content.competitor_alert_email set status = 'sending', claimed_at = now() - interval '10 minutes' where alert_id = $1`, [row.alert_id]);
    await admin.query(`update content.competitor_alert set emailed_at = null where id = $1`, [row.alert_id]);
    const retry = await emailPendingAlerts(run, BAKERY, { smtp, publicWebUrl: 'http://app.test', now: () => clock });
    expect(retry).toMatchObject({ sent: 1 });
    const mine = catcher.messages().filter((m) => m.messageId === row.message_id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.deliveries).toBe(2);
    expect(catcher.messages().length).toBe(before);
    expect(await count(`select attempts as n from content.competitor_alert_email where alert_id = $1`, [row.alert_id])).toBe(2);
  });

  it('marks alerts read, one or all; a viewer may read and mark them', async () => {
    const { competitorAlerts } = await ok(viewer, 'query { competitorAlerts(unreadOnly: true) { id } unreadCompetitorAlerts }');
    const { unreadCompetitorAlerts: unread } = await ok(viewer, 'query { unreadCompetitorAlerts }');
    expect(unread).toBe(competitorAlerts.length);
    const { markAlertRead } = await ok(viewer, 'mutation($id: ID!) { markAlertRead(id: $id) { id read readAt } }', { id: competitorAlerts[0].id });
    expect(markAlertRead.read).toBe(true);
    expect((await ok(viewer, 'query { unreadCompetitorAlerts }')).unreadCompetitorAlerts).toBe(unread - 1);
    expect(code(await gql(viewer, ADD, { i: { competitorName: 'X', kind: 'FEED', url: 'http://news.shop.test/other.xml' } }))).toBe('FORBIDDEN');
    expect((await ok(bakery, 'mutation { markAllAlertsRead }')).markAllAlertsRead).toBe(unread - 1);
    expect((await ok(bakery, 'query { unreadCompetitorAlerts }')).unreadCompetitorAlerts).toBe(0);
  });

  it('keeps another client out: its sources, captures and alerts are NOT_FOUND or absent', async () => {
    const { competitorAlerts } = await ok(bakery, 'query { competitorAlerts(limit: 1) { id captureId } }');
    const [alert] = competitorAlerts;
    for (const [query, variables] of [
      ['query($id: ID!) { competitorSource(id: $id) { id } }', { id: shopId }],
      ['query($id: ID!) { competitorCapture(id: $id) { id } }', { id: alert.captureId }],
      ['mutation($id: ID!) { captureCompetitorSource(id: $id) { status } }', { id: shopId }],
      ['mutation($id: ID!) { updateCompetitorSource(id: $id, input: { active: false }) { id } }', { id: shopId }],
      ['mutation($id: ID!) { removeCompetitorSource(id: $id) }', { id: shopId }],
      ['mutation($id: ID!) { markAlertRead(id: $id, read: false) { id } }', { id: alert.id }],
      ['query($id: ID!) { competitorAlerts(sourceId: $id) { id } }', { id: shopId }],
      ['query($id: ID!) { competitorSource(id: $id) { id } }', { id: 'not-a-uuid' }],
    ] as const) {
      expect(code(await gql(fitness, query, variables)), query).toBe('NOT_FOUND');
    }
    expect(await ok(fitness, 'query { competitors { id } competitorAlerts { id } unreadCompetitorAlerts }')).toEqual({ competitors: [], competitorAlerts: [], unreadCompetitorAlerts: 0 });
    expect(await count(`select count(*) as n from content.competitor_alert where read_at is null and id = $1`, [alert.id])).toBe(0);
    expect((await ok(bakery, 'query($id: ID!) { competitorSource(id: $id) { active } }', { id: shopId })).competitorSource.active).toBe(true);
  });

  it('lists competitors with their sources and unread alerts; edits and removes a source', async () => {
    const { competitors } = await ok(bakery, 'query { competitors { name unreadAlerts sources { url kind } } }');
    expect(competitors.map((c: { name: string; sources: unknown[] }) => [c.name, c.sources.length])).toEqual([['Le Fournil d’Oberkampf', 2], ['Rebinder', 1]]);
    const { updateCompetitorSource } = await ok(bakery, 'mutation($id: ID!) { updateCompetitorSource(id: $id, input: { priceThresholdPercent: 12.5, intervalMinutes: 30, selectors: { name: ".name", price: ".price" } }) { priceThresholdPercent intervalMinutes selectors { item name price text } } }', { id: shopId });
    expect(updateCompetitorSource).toEqual({ priceThresholdPercent: 12.5, intervalMinutes: 30, selectors: { item: null, name: '.name', price: '.price', text: null } });
    const taken = await gql(bakery, 'mutation($id: ID!) { updateCompetitorSource(id: $id, input: { url: "http://news.shop.test/feed.xml" }) { id } }', { id: shopId });
    expect(code(taken)).toBe('CONFLICT');
    const evil = competitors.find((c: { name: string }) => c.name === 'Rebinder');
    expect(evil).toBeTruthy();
    const [{ id: evilId }] = (await admin.query(`select id from content.competitor_source where url like 'http://evil.%'`)).rows;
    expect((await ok(bakery, 'mutation($id: ID!) { removeCompetitorSource(id: $id) }', { id: evilId })).removeCompetitorSource).toBe(true);
    expect(await count('select count(*) as n from content.competitor_capture where source_id = $1', [evilId])).toBe(0);
  });

  it("holds the plan's limit of watched competitors", async () => {
    const limit = await withTenant(orm, BAKERY, null, async ({ em }) => planLimit(await planTerms(em, BAKERY), 'competitors'));
    expect(limit).toBeGreaterThan(1);
    const watched = await count(`select count(distinct competitor_id) as n from content.competitor_source where tenant_id = $1`, [BAKERY]);
    for (let i = watched; i < limit!; i += 1) {
      await ok(bakery, ADD, { i: { competitorName: `Concurrent ${i}`, kind: 'FEED', url: `http://news.shop.test/feed-${i}.xml` } });
    }
    const over = await gql(bakery, ADD, { i: { competitorName: 'One too many', kind: 'FEED', url: 'http://news.shop.test/feed-over.xml' } });
    expect(over.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'plan_limit', limit });
    // A competitor already watched may get more sources.
    await ok(bakery, ADD, { i: { competitorName: 'Le Fournil d’Oberkampf', kind: 'FEED', url: 'http://news.shop.test/feed-more.xml' } });
  });
});
