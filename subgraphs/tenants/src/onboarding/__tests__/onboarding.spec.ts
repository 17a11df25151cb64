// T8 through the tenants subgraph's guarded schema, on the seeded demo world:
// the questionnaire (validated, all or nothing), sources (the SSRF rules
// before anything is written, uploads of the right kind and tenant), and
// isolation: another client never reads or changes a session.
// Ingestion itself (Temporal + worker) is in workflows/src/onboarding/__tests__.
import pg from 'pg';
import { parse, subscribe, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Client, Connection } from '@temporalio/client';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { seededIdentity } from '@ensemble/testing/identities';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { createContext, executeAs } from '@ensemble/subgraph-kit/context';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { newId } from '@ensemble/tenancy/ids';
import type { Identity } from '@ensemble/tenancy/identity';
import type { Resolver } from '@ensemble/ingest/safe-fetch';
import { reportOfflineSpeechEngine } from '@ensemble/ai/speech-support';
import { brandDnaModule } from '../../brand/brand-dna.resolver.ts';
import { onboardingModule } from '../onboarding.resolver.ts';

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let pubsub: PgPubSub;
const T = DEMO.tenants;
const L = DEMO.logins;

// DNS as the test wants it: public names resolve to a documentation-range
// public address, rebind.example to loopback (the rebinding trick).
const resolve: Resolver = async (host) => {
  if (host === 'rebind.example') return [{ address: '127.0.0.1', family: 4 }];
  if (host === 'mixed.example') return [{ address: '93.184.215.14', family: 4 }, { address: '10.1.2.3', family: 4 }];
  return [{ address: '93.184.215.14', family: 4 }];
};
// No Temporal call happens in this file (runOnboardingIngestion is exercised with a worker elsewhere).
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const schema = buildGuardedSubgraphSchema([brandDnaModule, onboardingModule({ temporal, resolve })]);

type Json = Record<string, any>;
const SESSION = `id status locale answered answers { name tagline values offers { kind name price priceMinor currency unit } tone { address voice } channels locale }
  sources { id kind label url mediaId filename language stage error } progress { total done failed running } draft { document } error`;
const ONBOARDING = `query { onboarding { ${SESSION} } }`;
const SAVE = `mutation($a: OnboardingAnswersInput!) { saveOnboardingAnswers(answers: $a) { ${SESSION} } }`;
const ADD = `mutation($k: OnboardingSourceKind!, $m: ID, $u: String, $l: String) { addOnboardingSource(kind: $k, mediaId: $m, url: $u, language: $l) { ${SESSION} } }`;
const REMOVE = `mutation($s: ID!) { removeOnboardingSource(sourceId: $s) { ${SESSION} } }`;
const ACCEPT = 'mutation($d: JSONObject!) { acceptOnboardingDraft(document: $d) { version } }';

beforeAll(async () => {
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_onboarding_test');
  await pubsub.start();
});

afterAll(async () => {
  await temporal.connection.close().catch(() => undefined);
  await pubsub?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

const as = (login: Parameters<typeof seededIdentity>[1]) => seededIdentity(admin, login);
const { ok, fails } = executeAs(() => ({ schema, orm, pubsub }));

/** Everything onboarding stored for a tenant, read past RLS: what "changes nothing" compares. */
async function stored(tenantId: string): Promise<Json> {
  const sessions = await admin.query('select id, status, updated_at from tenants.onboarding_session where tenant_id = $1 order by id', [tenantId]);
  const sources = await admin.query('select id, kind, question_key, answer, url, media_id, stage from tenants.onboarding_source where tenant_id = $1 order by id', [tenantId]);
  return { sessions: sessions.rows, sources: sources.rows };
}

async function media(tenantId: string, kind: 'pdf' | 'audio' | 'image', filename: string): Promise<string> {
  const id = newId();
  await admin.query(
    `insert into content.media (id, tenant_id, kind, filename, mime_type, size_bytes, sha256, storage, storage_key, locale)
     values ($1, $2, $3, $4, $5, 100, $6, 'local', $7, 'fr')`,
    [id, tenantId, kind, filename, kind === 'pdf' ? 'application/pdf' : kind === 'audio' ? 'audio/wav' : 'image/png', id.replace(/-/g, '').padEnd(64, '0'), `${tenantId}/${id}/${filename}`]);
  return id;
}

describe('the questionnaire', () => {
  it('refuses bad answers field by field and writes nothing, not even a session', async () => {
    const me = await as(L.clientAdmin);
    const before = await stored(T.bakery);
    const error = await fails(me, SAVE, { a: { name: 'Maison Lumière', offers: [{ name: 'Croissant', price: 'un euro' }], tone: { address: 'YOU' }, channels: ['fax'] } });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.field).toBe('offers.0.price');
    expect(error.extensions.fields.map((f: Json) => f.field)).toEqual(['offers.0.price', 'tone.address', 'channels.0']);
    expect(await stored(T.bakery)).toEqual(before);
    expect((await ok(me, ONBOARDING)).onboarding).toBeNull();
  });

  it('saves answers in a new session (tu/vous for a French brand, prices in minor units) and replaces them on the next save', async () => {
    const me = await as(L.clientAdmin);
    const { saveOnboardingAnswers: first } = await ok(me, SAVE, { a: {
      name: 'Maison Lumière', tagline: 'Le pain de nos nuits', values: ['Artisanat', 'Proximité'],
      offers: [{ name: 'Croissant', price: '1,40' }, { name: 'Atelier pain', price: '45', kind: 'SERVICE', unit: 'par personne' }],
      tone: { address: 'VOUS', voice: ['chaleureux'] }, channels: ['instagram'],
    } });
    expect(first).toMatchObject({
      status: 'OPEN', locale: 'fr', answered: true,
      answers: {
        name: 'Maison Lumière', values: ['Artisanat', 'Proximité'], tone: { address: 'VOUS', voice: ['chaleureux'] }, channels: ['instagram'], locale: 'fr',
        offers: [{ kind: 'PRODUCT', name: 'Croissant', price: '1,40', priceMinor: 140, currency: 'EUR', unit: null }, { kind: 'SERVICE', name: 'Atelier pain', priceMinor: 4500, unit: 'par personne' }],
      },
      sources: [], progress: { total: 0, done: 0, failed: 0, running: 0 },
    });
    const { saveOnboardingAnswers: second } = await ok(me, SAVE, { a: { name: 'Maison Lumière', tone: { address: 'TU' } } });
    expect(second.id).toBe(first.id);
    expect(second.answers).toMatchObject({ name: 'Maison Lumière', tagline: null, values: [], offers: [], tone: { address: 'TU' } });
    const rows = (await admin.query(`select question_key from tenants.onboarding_source where session_id = $1 and kind = 'answer' order by question_key`, [first.id])).rows;
    expect(rows.map((r) => r.question_key)).toEqual(['locale', 'name', 'tone']);
  });

  it('refuses a distributor: onboarding belongs to a client workspace', async () => {
    const error = await fails(await as(L.distributorAdmin), SAVE, { a: { name: 'Atlas' } });
    expect(error.code).toBe('FORBIDDEN');
  });
});

describe('website sources and the SSRF rules', () => {
  const refused = [
    ['http://127.0.0.1/', 'loopback'],
    ['http://0x7f.1/admin', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://10.0.0.8/', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://localhost:8080/', 'loopback'],
    ['http://metadata.google.internal/', 'metadata'],
    ['http://printer.local/', 'internal'],
    ['https://user:secret@maison-lumiere.example/', 'password'],
    ['file:///etc/passwd', 'http and https'],
    ['http://rebind.example/', '127.0.0.1'],
    ['http://mixed.example/', '10.1.2.3'],
  ] as const;

  it.each(refused)('refuses %s with a clear reason and adds nothing', async (url, why) => {
    const me = await as(L.clientAdmin);
    const before = await stored(T.bakery);
    const error = await fails(me, ADD, { k: 'URL', u: url });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message.toLowerCase()).toContain(why.toLowerCase());
    expect(await stored(T.bakery)).toEqual(before);
  });

  it('adds a public site once (adding it again changes nothing), and removes it', async () => {
    const me = await as(L.clientAdmin);
    const { addOnboardingSource: added } = await ok(me, ADD, { k: 'URL', u: 'https://maison-lumiere.example/#accueil' });
    const site = added.sources.find((s: Json) => s.kind === 'URL');
    expect(site).toMatchObject({ url: 'https://maison-lumiere.example/', label: 'url:https://maison-lumiere.example/', stage: 'QUEUED', language: 'fr', error: null });
    const { addOnboardingSource: again } = await ok(me, ADD, { k: 'URL', u: 'https://maison-lumiere.example/' });
    expect(again.sources.filter((s: Json) => s.kind === 'URL')).toHaveLength(1);
    const { removeOnboardingSource: removed } = await ok(me, REMOVE, { s: site.id });
    expect(removed.sources.filter((s: Json) => s.kind === 'URL')).toHaveLength(0);
  });
});

describe('file sources', () => {
  it('adds an uploaded PDF and a recording with its language; refuses the wrong kind', async () => {
    const me = await as(L.clientAdmin);
    const pdf = await media(T.bakery, 'pdf', 'plaquette.pdf');
    const audio = await media(T.bakery, 'audio', 'interview.wav');
    const image = await media(T.bakery, 'image', 'vitrine.png');
    await ok(me, ADD, { k: 'PDF', m: pdf });
    const { addOnboardingSource: session } = await ok(me, ADD, { k: 'AUDIO', m: audio, l: 'en' });
    expect(session.sources.map((s: Json) => [s.kind, s.label, s.language, s.filename])).toEqual(expect.arrayContaining([
      ['PDF', 'pdf:plaquette.pdf', 'fr', 'plaquette.pdf'],
      ['AUDIO', 'audio:interview.wav', 'en', 'interview.wav'],
    ]));
    const before = await stored(T.bakery);
    const wrong = await fails(me, ADD, { k: 'PDF', m: image });
    expect(wrong).toMatchObject({ code: 'BAD_USER_INPUT', message: 'This file is an image, not a PDF.' });
    expect((await fails(me, ADD, { k: 'AUDIO', m: audio, l: 'english' })).code).toBe('BAD_USER_INPUT');
    expect((await fails(me, ADD, { k: 'PDF', m: 'not-a-uuid' })).code).toBe('NOT_FOUND');
    expect((await fails(me, ADD, { k: 'PDF', u: 'https://example.com/a.pdf' })).code).toBe('BAD_USER_INPUT');
    expect(await stored(T.bakery)).toEqual(before);
  });

  it('has nothing to accept before ingestion proposed a draft', async () => {
    const error = await fails(await as(L.clientAdmin), ACCEPT, { d: { identity: { name: 'Maison Lumière' }, locale: 'fr', tone: { address: 'vous' } } });
    expect(error.code).toBe('CONFLICT');
  });
});

describe('isolation between clients', () => {
  it('another client cannot read, watch, change or feed the bakery’s session', async () => {
    const bakery = await as(L.clientAdmin);
    const fitness = await as(L.fitnessAdmin);
    const { onboarding: session } = await ok(bakery, ONBOARDING);
    expect(session.sources.length).toBeGreaterThan(0);
    const before = await stored(T.bakery);

    // Its own current session is its own (none yet), never the bakery's.
    expect((await ok(fitness, ONBOARDING)).onboarding).toBeNull();
    expect((await ok(fitness, 'query { onboardingDraft { document } }')).onboardingDraft).toBeNull();

    // Watching the bakery's session by id: NOT_FOUND, as for an id that does not exist.
    for (const id of [session.id, newId()]) {
      const stream = await subscribe({ schema, document: parse('subscription($s: ID!) { onboardingProgress(sessionId: $s) { id } }'), variableValues: { s: id }, contextValue: createContext(fitness, orm, pubsub) });
      expect('errors' in stream && stream.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    }
    // Removing the bakery's source, or adding the bakery's upload to its own session: NOT_FOUND.
    expect((await fails(fitness, REMOVE, { s: session.sources[0].id })).code).toBe('NOT_FOUND');
    const bakeryPdf = session.sources.find((s: Json) => s.kind === 'PDF').mediaId;
    expect((await fails(fitness, ADD, { k: 'PDF', m: bakeryPdf })).code).toBe('NOT_FOUND');
    // The database agrees, whatever the application does.
    const seen = await withTenant(orm, T.fitness, null, ({ em }) => em.getConnection().execute(
      'select count(*)::int as n from tenants.onboarding_source where session_id = ?', [session.id], 'all', em.getTransactionContext()));
    expect(seen).toEqual([{ n: 0 }]);
    expect(await stored(T.bakery)).toEqual(before);
    // Whatever fitness did left it without a session that could hold the bakery's data.
    const fitnessSession = (await admin.query('select id from tenants.onboarding_session where tenant_id = $1 and status <> $2', [T.fitness, 'accepted'])).rows;
    for (const row of fitnessSession) {
      const { rows } = await admin.query('select media_id from tenants.onboarding_source where session_id = $1', [row.id]);
      expect(rows.map((r) => r.media_id)).not.toContain(bakeryPdf);
    }
  });

  it('the bakery watches its own session live: the current state first', async () => {
    const bakery = await as(L.clientAdmin);
    const { onboarding: session } = await ok(bakery, ONBOARDING);
    const stream = await subscribe({ schema, document: parse('subscription($s: ID!) { onboardingProgress(sessionId: $s) { id status sources { stage } } }'), variableValues: { s: session.id }, contextValue: createContext(bakery, orm, pubsub) });
    if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream.errors));
    const first = (await stream.next()).value as ExecutionResult<Json>;
    expect(first.data!.onboardingProgress).toMatchObject({ id: session.id, status: 'OPEN' });
    await stream.return?.();
  });
});

describe('speech support follows the speech_to_text route, not this host', () => {
  const SUPPORT = 'query($l: String) { onboardingSpeechSupport(language: $l) { language covered offline engine model gap message } }';
  const support = async (identity: Identity, language: string) => (await ok(identity, SUPPORT, { l: language })).onboardingSpeechSupport;

  it('covers English offline only once the worker reported the engine, and French only with a configured cloud model', async () => {
    const bakery = await as(L.clientAdmin);
    // No worker has reported yet: English is not promised, French is not covered by the offline engine.
    await admin.query('delete from tenants.ai_engine_status');
    expect(await support(bakery, 'en')).toMatchObject({ covered: false, offline: false, model: null, gap: 'ENGINE_NOT_INSTALLED' });
    expect(await support(bakery, 'fr')).toMatchObject({
      covered: false, gap: 'LANGUAGE_NOT_COVERED',
      message: 'No offline speech-to-text engine covers French; recordings in French need a speech-to-text provider configured by the platform.',
    });

    // The worker (here: this machine, which has pocketsphinx) reports its engine.
    expect(await reportOfflineSpeechEngine(orm)).toEqual([]);
    expect(await support(bakery, 'en-GB')).toMatchObject({ language: 'en-GB', covered: true, offline: true, engine: 'pocketsphinx', model: 'Offline transcriber', gap: null });
    expect((await support(bakery, 'fr')).covered).toBe(false);

    // A worker without ffmpeg started last: English is not covered any more, and the answer says what is missing.
    await admin.query(`select app.report_ai_engine('pocketsphinx', 'worker-b', '{ffmpeg}')`);
    expect(await support(bakery, 'en')).toMatchObject({ covered: false, gap: 'ENGINE_NOT_INSTALLED', message: expect.stringContaining('(ffmpeg)') });

    // The platform stores an OpenAI key: Whisper, first in the route and in the bakery's plan, covers French (and English).
    await admin.query(`insert into tenants.ai_provider_secret (provider_id, encrypted_key, key_id, last4) values ($1, '\\x00', 'test', '0000')`, [DEMO.providers.openai]);
    try {
      expect(await support(bakery, 'fr-FR')).toMatchObject({ covered: true, offline: false, engine: null, model: 'Whisper', gap: null, message: 'French recordings are transcribed by Whisper (OpenAI).' });
      expect(await support(bakery, 'en')).toMatchObject({ covered: true, offline: false, model: 'Whisper' });
      // Once no plan includes Whisper, the bakery gets no such promise.
      await admin.query('delete from tenants.plan_ai_model where model_id = $1', [DEMO.models['whisper-1']]);
      expect(await support(bakery, 'fr')).toMatchObject({ covered: false, gap: 'LANGUAGE_NOT_COVERED' });
    } finally {
      await admin.query('delete from tenants.ai_provider_secret where provider_id = $1', [DEMO.providers.openai]);
    }
    expect((await fails(bakery, SUPPORT, { l: 'french' })).code).toBe('BAD_USER_INPUT');
  });
});
