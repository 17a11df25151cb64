// W3 end to end on real PostgreSQL + Temporal + the worker's real
// activities: a new client answers the questionnaire, adds its website
// (served here on loopback, reached through the SSRF-safe fetcher's dial
// seam under a public name), a PDF generated here, a damaged PDF and a
// voice note spoken by flite; ingestion runs once however often it is
// asked, progress streams live, the damaged PDF fails alone with its
// reason, the draft cites every source, and accepting it makes snapshot 1.
// The recorded history then replays against the workflow code.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parse, subscribe } from 'graphql';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { createDbAiRouter } from '@ensemble/ai/catalogue';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { speakEnglish } from '@ensemble/testing/speech';
import { createContext, executeAs } from '@ensemble/subgraph-kit/context';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { newId } from '@ensemble/tenancy/ids';
import type { Identity } from '@ensemble/tenancy/identity';
import { createStorage, type ObjectStorage } from '@ensemble/storage/storage';
import { createSafeFetcher, type Resolver } from '@ensemble/ingest/safe-fetch';
import { ingestUpload } from '@ensemble/subgraph-content/media/media.service';
import { brandDnaModule } from '@ensemble/subgraph-tenants/brand/brand-dna.resolver';
import { onboardingModule } from '@ensemble/subgraph-tenants/onboarding/onboarding.resolver';
import { draftFieldPaths } from '@ensemble/subgraph-tenants/onboarding/provenance';
import { onboardingWorkflowId } from '@ensemble/workflow-contracts/onboarding';
import { workflowBundle } from '../../worker.ts';
import { createOnboardingActivities } from '../onboarding.activities.ts';

const SITE = 'harbour-bakes.example';
const PUBLIC_ADDRESS = '93.184.215.14';
const taskQueue = `onboarding-test-${randomBytes(4).toString('hex')}`;

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let pubsub: PgPubSub;
let temporal: Client;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let site: Server;
let sitePort: number;
let storageDir: string;
let storage: ObjectStorage;
let schema: ReturnType<typeof buildGuardedSubgraphSchema>;
const requested: string[] = [];
const tenantId = newId();
const other = DEMO.tenants.bakery;
let voiceNote: Buffer;

// Public names resolve to a public address; the dialler then takes every
// checked connection to the local site. Loopback itself stays refused.
const resolve: Resolver = async (host) => {
  if (host === SITE) return [{ address: PUBLIC_ADDRESS, family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

const PAGES: Record<string, string> = {
  '/robots.txt': 'User-agent: *\nDisallow: /private\n',
  '/': `<!doctype html><html lang="en"><head><title>Harbour Bakes | Sourdough bakery in Bristol</title>
    <meta property="og:site_name" content="Harbour Bakes"><meta name="description" content="Slow sourdough and seasonal bakes from Bristol harbourside."></head>
    <body><header><nav><a href="/menu">Menu</a> <a href="/about">About</a> <a href="/private/accounts">Staff</a>
    <a href="https://www.instagram.com/harbourbakes">Instagram</a></nav></header>
    <main><h1>Bread worth waking up for</h1><p>We bake slow sourdough every night with organic flour from Cotswold mills.
    Your loaf is shaped by hand and baked in our wood-fired oven before sunrise, so it is still warm when you arrive.</p>
    <p>Winner of the Bristol Good Food Award 2024 for the best bakery.</p></main></body></html>`,
  '/menu': `<!doctype html><html lang="en"><head><title>Menu | Harbour Bakes</title></head><body><main><h1>Menu</h1>
    <ul><li>Country sourdough £5.20</li><li>Cinnamon bun £3.10</li><li>Sourdough bread class £65 per person</li></ul></main></body></html>`,
  '/about': `<!doctype html><html lang="en"><head><title>About | Harbour Bakes</title></head><body><main><h1>Our story</h1>
    <p>Harbour Bakes started in 2016 in a shipping container on the Bristol harbourside, baking forty loaves a night for neighbours and friends.</p>
    <p>Our mission is to make real bread an everyday pleasure for the whole neighbourhood.</p></main></body></html>`,
  '/private/accounts': '<!doctype html><html><head><title>Private</title></head><body>Staff only: wages £9000</body></html>',
};

async function brochure(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  doc.setTitle('Harbour Bakes');
  const pages: Array<[string, string[]]> = [
    ['Harbour Bakes', ['Wholesale and celebration price list', 'Slow bread for cafes and restaurants.']],
    ['Celebrations', ['Wedding cake £250', 'Rated 4.9 out of 5 by 180 customers on Google.']],
  ];
  for (const [heading, lines] of pages) {
    const page = doc.addPage([595, 842]);
    page.drawText(heading, { x: 50, y: 780, size: 22, font: bold });
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 740 - i * 20, size: 11, font: regular }));
  }
  return Buffer.from(await doc.save());
}

/** Passes the upload's structure check (header, an object, %%EOF) but is no readable PDF. */
const DAMAGED_PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\nthis is not a cross-reference table\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');

async function upload(filename: string, body: Buffer, kind: 'pdf' | 'audio'): Promise<string> {
  const media = await ingestUpload({ orm, storage }, { tenantId, actorId: null, filename, expectKind: kind, source: 'onboarding' }, (async function* () {
    yield body;
  })());
  return media.id;
}

const me: Identity = { kind: 'api_key', actorId: newId(), tenantId, role: 'client_admin', permissions: ['brand:read', 'brand:write', 'content:read', 'content:write'] };

const executor = executeAs(() => ({ schema, orm, pubsub }));
const exec = (source: string, variables: Record<string, unknown> = {}) => executor.gql(me, source, variables);
const ok = (source: string, variables: Record<string, unknown> = {}) => executor.ok(me, source, variables);

beforeAll(async () => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed by another test of this process
  }
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  // A new client under the direct channel, with no brand DNA yet.
  await admin.query(
    `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug, locale, time_zone, currency)
     values ($1, 'client', $2, array[$3::uuid, $2::uuid, $1::uuid], 'Harbour Bakes', $4, 'en', 'Europe/London', 'GBP')`,
    [tenantId, DEMO.tenants.direct, DEMO.tenants.platform, `harbour-bakes-${randomBytes(3).toString('hex')}`]);
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 8 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_onboarding_w3_test');
  await pubsub.start();
  storageDir = await mkdtemp(join(tmpdir(), 'ens-onboarding-storage-'));
  storage = createStorage({ driver: 'local', dir: storageDir });

  site = createServer((req, res) => {
    requested.push(req.url ?? '');
    const body = PAGES[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': req.url === '/robots.txt' ? 'text/plain' : 'text/html; charset=utf-8' }).end(body);
  });
  sitePort = await new Promise<number>((ready, fail) => {
    const tryPort = (port: number) => {
      site.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' && port < 56999 ? tryPort(port + 1) : fail(error)));
      site.listen(port, '127.0.0.1', () => ready(port));
    };
    tryPort(56920 + Math.floor(Math.random() * 40));
  });

  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  temporal = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
  schema = buildGuardedSubgraphSchema([brandDnaModule, onboardingModule({ temporal, taskQueue, resolve })]);
  workerConnection = await NativeConnection.connect({ address });
  worker = await Worker.create({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createOnboardingActivities({
      orm,
      pubsub,
      storage,
      // The test seam of the SSRF-safe fetcher: the policy still checks every address first.
      fetch: createSafeFetcher({ resolve, dial: () => net.connect(sitePort, '127.0.0.1') }),
    }),
  });
  running = worker.run();
}, 240_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await workerConnection?.close();
  await temporal?.connection.close();
  await new Promise((done) => (site ? site.close(() => done(undefined)) : done(undefined)));
  await pubsub?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
});

const SESSION = `id status workflowId error progress { total done failed running }
  sources { id kind label stage error summary }
  draft { document issues { field message } fields { path source label sourceId page url excerpt } }`;

describe('onboarding ingestion (W3)', () => {
  let sessionId: string;
  let sources: Record<string, string> = {};

  it('collects answers, a website, two PDFs and a voice note; refuses a loopback URL up front', async () => {
    await ok('mutation($a: OnboardingAnswersInput!) { saveOnboardingAnswers(answers: $a) { id } }', { a: {
      tagline: 'Slow bread, early mornings',
      offers: [{ name: 'Cinnamon bun', price: '3.50' }],
      tone: { address: 'YOU', voice: ['friendly'] },
      channels: ['newsletter'],
    } });
    const add = 'mutation($k: OnboardingSourceKind!, $m: ID, $u: String, $l: String) { addOnboardingSource(kind: $k, mediaId: $m, url: $u, language: $l) { id sources { id kind label } } }';
    const before = (await admin.query('select count(*)::int as n from tenants.onboarding_source where tenant_id = $1', [tenantId])).rows[0].n;
    const refused = await exec(add, { k: 'URL', u: `http://127.0.0.1:${sitePort}/` });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/loopback/);
    expect((await admin.query('select count(*)::int as n from tenants.onboarding_source where tenant_id = $1', [tenantId])).rows[0].n).toBe(before);

    await ok(add, { k: 'URL', u: `http://${SITE}/` });
    await ok(add, { k: 'PDF', m: await upload('harbour-price-list.pdf', await brochure(), 'pdf') });
    await ok(add, { k: 'PDF', m: await upload('damaged.pdf', DAMAGED_PDF, 'pdf') });
    voiceNote = await speakEnglish('We bake sourdough bread every night. Our customers love the sourdough bread and the cinnamon buns. Fresh bread every morning.');
    // Declared as French: the route has no model for French here, so it is refused on its language before any engine hears it.
    await ok(add, { k: 'AUDIO', m: await upload('message-fr.wav', await speakEnglish('We bake bread every night.'), 'audio'), l: 'fr' });
    const { addOnboardingSource: session } = await ok(add, { k: 'AUDIO', m: await upload('voice-note.wav', voiceNote, 'audio'), l: 'en' });
    sessionId = session.id;
    sources = Object.fromEntries(session.sources.map((s: { label: string; id: string }) => [s.label, s.id]));
    expect(Object.keys(sources).sort()).toEqual(['audio:message-fr.wav', 'audio:voice-note.wav', 'pdf:damaged.pdf', 'pdf:harbour-price-list.pdf', `url:http://${SITE}/`]);
  });

  it('runs once however often it is asked, streams per-source progress, and fails only the sources it cannot read', async () => {
    // Watch first, as the wizard does.
    const stream = await subscribe({ schema, document: parse(`subscription($s: ID!) { onboardingProgress(sessionId: $s) { status sources { label stage } } }`), variableValues: { s: sessionId }, contextValue: createContext(me, orm, pubsub) });
    if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream.errors));
    const seen: Array<{ status: string; sources: Array<{ label: string; stage: string }> }> = [];
    const watching = (async () => {
      for await (const event of stream) seen.push((event.data as Record<string, any>).onboardingProgress);
    })();

    const start = 'mutation { runOnboardingIngestion { id status workflowId } }';
    const [a, b] = await Promise.all([ok(start), ok(start)]);
    expect(a.runOnboardingIngestion).toMatchObject({ id: sessionId, status: 'INGESTING', workflowId: onboardingWorkflowId(tenantId, sessionId) });
    expect(b.runOnboardingIngestion.id).toBe(sessionId);

    const handle = temporal.workflow.getHandle(onboardingWorkflowId(tenantId, sessionId));
    const result = await handle.result();
    await watching;
    expect(result.status).toBe('proposed');

    // One execution for both requests.
    const executions: string[] = [];
    for await (const execution of temporal.workflow.list({ query: `WorkflowId = '${onboardingWorkflowId(tenantId, sessionId)}'` })) executions.push(execution.runId);
    expect(executions).toHaveLength(1);

    // Live: every stage a source goes through was pushed, ending with the proposal.
    const stagesOf = (label: string) => [...new Set(seen.flatMap((s) => s.sources.filter((x) => x.label === label).map((x) => x.stage)))];
    expect(stagesOf(`url:http://${SITE}/`)).toEqual(expect.arrayContaining(['QUEUED', 'FETCHING', 'PARSING', 'DONE']));
    expect(stagesOf('pdf:harbour-price-list.pdf')).toEqual(expect.arrayContaining(['PARSING', 'DONE']));
    expect(stagesOf('audio:voice-note.wav')).toEqual(expect.arrayContaining(['TRANSCRIBING', 'DONE']));
    expect(stagesOf('pdf:damaged.pdf')).toContain('FAILED');
    expect(seen.at(-1)?.status).toBe('PROPOSED');

    const { onboarding } = await ok(`query { onboarding { ${SESSION} } }`);
    expect(onboarding).toMatchObject({ id: sessionId, status: 'PROPOSED', error: null, progress: { total: 5, done: 3, failed: 2, running: 0 } });
    const byLabel = Object.fromEntries(onboarding.sources.map((s: Record<string, any>) => [s.label, s]));
    expect(byLabel['pdf:damaged.pdf']).toMatchObject({ stage: 'FAILED', summary: null });
    expect(byLabel['pdf:damaged.pdf'].error).toMatch(/could not be read|damaged/i);
    expect(byLabel['audio:message-fr.wav']).toMatchObject({ stage: 'FAILED', error: 'No offline speech-to-text engine covers French; configure a speech-to-text provider.' });
    expect(byLabel[`url:http://${SITE}/`]).toMatchObject({ stage: 'DONE', error: null, summary: { pages: 3 } });
    expect(byLabel['pdf:harbour-price-list.pdf']).toMatchObject({ stage: 'DONE', summary: { pages: 2 } });
    expect(byLabel['audio:voice-note.wav']).toMatchObject({ stage: 'DONE', summary: { engine: 'pocketsphinx', language: 'en-US' } });
    // robots.txt kept the crawler out of /private.
    expect(requested).toContain('/robots.txt');
    expect(requested.some((path) => path.startsWith('/private'))).toBe(false);
  }, 240_000);

  it('transcribed through the speech_to_text route: the call is recorded for this client, and no other client sees it', async () => {
    const { onboarding } = await ok(`query { onboarding { sources { label summary } } }`);
    const voice = onboarding.sources.find((s: Record<string, any>) => s.label === 'audio:voice-note.wav').summary;
    // The client has no plan yet: only the built-in models, so the offline engine answered (the route's last fallback).
    expect(voice).toMatchObject({ model: 'offline-transcriber', provider: 'offline', offline: true, fallback: false, engine: 'pocketsphinx' });
    const speechCalls = async () => (await admin.query(
      `select c.id, c.tenant_id, m.code, c.audio_seconds::float as audio_seconds, c.outcome, c.error
         from tenants.ai_call c join tenants.ai_model m on m.id = c.model_id where c.task = 'speech_to_text' order by c.id`)).rows;
    // One call for the English note; the French one was refused before any model was called.
    const [call, ...more] = await speechCalls();
    expect(more).toEqual([]);
    expect(call).toMatchObject({ id: voice.aiCallId, tenant_id: tenantId, code: 'offline-transcriber', outcome: 'ok', error: null, audio_seconds: voice.durationSeconds });
    expect(call.audio_seconds).toBeGreaterThan(3);

    // Another client transcribes through the same route: each sees its own call only, through RLS.
    const bakery = await createDbAiRouter(orm).transcribe({ tenantId: other, audio: voiceNote, locale: 'en' });
    const seenBy = (tenant: string) => withTenant(orm, tenant, null, ({ em }) => em.getConnection().execute<Array<{ id: string; tenant_id: string }>>(
      `select id, tenant_id from tenants.ai_call where task = 'speech_to_text' order by id`, [], 'all', em.getTransactionContext()));
    expect(await seenBy(tenantId)).toEqual([{ id: voice.aiCallId, tenant_id: tenantId }]);
    expect(await seenBy(other)).toEqual([{ id: bakery.callId, tenant_id: other }]);
    expect((await speechCalls()).map((c) => c.tenant_id).sort()).toEqual([tenantId, other].sort());
  }, 120_000);

  it('proposes a draft in which every field cites its source, and none the damaged PDF', async () => {
    const { onboardingDraft: draft } = await ok('query { onboardingDraft { document issues { field } fields { path source label sourceId page url excerpt } } }');
    const doc = draft.document;
    const cited = new Map<string, Record<string, any>>(draft.fields.map((f: Record<string, any>) => [f.path, f]));
    expect(draftFieldPaths(doc).filter((path) => !cited.has(path))).toEqual([]);
    expect(draft.issues).toEqual([]);

    expect(doc.identity).toMatchObject({ name: 'Harbour Bakes', tagline: 'Slow bread, early mornings', website: `http://${SITE}/` });
    expect(cited.get('identity.name')).toMatchObject({ source: 'URL', label: `url:http://${SITE}/`, url: `http://${SITE}/`, sourceId: sources[`url:http://${SITE}/`] });
    expect(cited.get('identity.tagline')).toMatchObject({ source: 'QUESTIONNAIRE', label: 'questionnaire' });
    expect(doc.mission).toBe('Our mission is to make real bread an everyday pleasure for the whole neighbourhood.');
    expect(cited.get('mission')).toMatchObject({ source: 'URL', url: `http://${SITE}/about` });

    const products = doc.offer.products as Array<Record<string, unknown>>;
    expect(products[0]).toEqual({ name: 'Cinnamon bun', price_minor: 350, currency: 'GBP' });
    expect(products).toEqual(expect.arrayContaining([{ name: 'Country sourdough', price_minor: 520, currency: 'GBP' }, { name: 'Wedding cake', price_minor: 25000, currency: 'GBP' }]));
    expect(doc.offer.services).toEqual([{ name: 'Sourdough bread class', price_minor: 6500, currency: 'GBP', unit: 'per person' }]);
    const cake = products.findIndex((p) => p.name === 'Wedding cake');
    expect(cited.get(`offer.products.${cake}`)).toMatchObject({ source: 'PDF', label: 'pdf:harbour-price-list.pdf page 2', page: 2 });
    expect(doc.proof_points).toEqual(expect.arrayContaining(['Winner of the Bristol Good Food Award 2024 for the best bakery.', 'Rated 4.9 out of 5 by 180 customers on Google.']));
    expect(doc.channels).toEqual(['newsletter', 'instagram']);
    expect(doc.tone).toMatchObject({ address: 'you', voice: ['friendly'] });

    // Each source that was read is cited; the damaged one is not.
    const labels = new Set(draft.fields.map((f: Record<string, any>) => f.label.replace(/ page \d+$/, '').replace(/(url:http:\/\/[^/]+\/).*$/, '$1')));
    for (const label of ['questionnaire', `url:http://${SITE}/`, 'pdf:harbour-price-list.pdf', 'audio:voice-note.wav']) expect(labels, label).toContain(label);
    expect([...labels].some((l) => String(l).includes('damaged') || String(l).includes('message-fr'))).toBe(false);
  });

  it('a second run reads no source again and proposes the same draft', async () => {
    const before = await ok('query { onboardingDraft { document fields { path label } } }');
    const fetched = requested.length;
    await ok('mutation { runOnboardingIngestion { id } }');
    await temporal.workflow.getHandle(onboardingWorkflowId(tenantId, sessionId)).result();
    const { onboarding } = await ok(`query { onboarding { ${SESSION} } }`);
    expect(onboarding.status).toBe('PROPOSED');
    // Only the failed sources were tried again; the site was not fetched again.
    expect(requested.length).toBe(fetched);
    expect(onboarding.sources.find((s: Record<string, any>) => s.label === 'pdf:damaged.pdf').stage).toBe('FAILED');
    expect(await ok('query { onboardingDraft { document fields { path label } } }')).toEqual(before);
  }, 120_000);

  it('accepts the reviewed draft as snapshot 1 with the source of every field', async () => {
    const { onboardingDraft: draft } = await ok('query { onboardingDraft { document } }');
    const document = { ...draft.document, identity: { ...draft.document.identity, location: 'Bristol harbourside' } };
    const { acceptOnboardingDraft: snapshot } = await ok('mutation($d: JSONObject!) { acceptOnboardingDraft(document: $d) { id version document provenance note } }', { d: document });
    expect(snapshot).toMatchObject({ version: 1, note: 'Accepted at the end of onboarding' });
    expect(snapshot.document).toEqual(document);
    expect(Object.keys(snapshot.provenance).sort()).toEqual(Object.keys(document).sort());
    expect(snapshot.provenance.identity.fields).toMatchObject({
      'identity.name': { source: 'url', detail: `url:http://${SITE}/` },
      'identity.tagline': { source: 'answers', detail: 'questionnaire' },
      'identity.location': { source: 'edit', detail: 'onboarding review' },
    });
    expect(snapshot.provenance.offer).toMatchObject({ source: 'onboarding', snapshot: 1 });

    expect((await ok('query { brandDna { version } }')).brandDna.version).toBe(1);
    expect((await ok('query { onboarding { id } }')).onboarding).toBeNull();
    const [row] = (await admin.query('select status, accepted_snapshot_id from tenants.onboarding_session where id = $1', [sessionId])).rows;
    expect(row).toEqual({ status: 'accepted', accepted_snapshot_id: snapshot.id });
    // Nothing of this client reached another one.
    const leaked = await admin.query('select count(*)::int as n from tenants.onboarding_source s join tenants.onboarding_session o on o.id = s.session_id where o.tenant_id <> s.tenant_id or (s.tenant_id = $1 and o.tenant_id = $2)', [other, tenantId]);
    expect(leaked.rows[0].n).toBe(0);
  });

  it('replays the recorded history against the workflow code', async () => {
    const history = await temporal.workflow.getHandle(onboardingWorkflowId(tenantId, sessionId)).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, onboardingWorkflowId(tenantId, sessionId));
  }, 120_000);
});
