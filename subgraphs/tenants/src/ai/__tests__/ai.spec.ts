// The AI catalogue through the tenants subgraph's guarded schema, on the
// seeded demo world: provider keys stored encrypted and never returned,
// models and routes edited by the super admin only and validated, the usage
// view, and a client's model choice bounded by its plan.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { seededIdentity } from '@ensemble/testing/identities';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import type { Identity } from '@ensemble/tenancy/identity';
import { createKeyring, decryptSecret, generateMasterKey, providerKeyContext } from '@ensemble/ai/secrets';
import { aiModule } from '../ai.resolver.ts';

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let pubsub: PgPubSub;
const schema = buildGuardedSubgraphSchema([aiModule]);
const T = DEMO.tenants;
const L = DEMO.logins;
const P = DEMO.providers as Record<'openai' | 'anthropic' | 'mistral' | 'ollama' | 'offline', string>;
const M = DEMO.models;
const MASTER = generateMasterKey();
const OPENAI_KEY = 'sk-proj-Zq81mNvA0pLr4TyWcE2sKd9Hf7';

type Json = Record<string, any>;

beforeAll(async () => {
  process.env.ENSEMBLE_MASTER_KEY = MASTER;
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_ai_test');
});

afterAll(async () => {
  delete process.env.ENSEMBLE_MASTER_KEY;
  await pubsub?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

const as = (login: Parameters<typeof seededIdentity>[1]) => seededIdentity(admin, login);
const { gql: run, ok, fails } = executeAs(() => ({ schema, orm, pubsub }));

const PROVIDER = 'id code kind name baseUrl active hasKey keyless keyLast4 keySetAt lastCall { at outcome errorKind error }';
const SET_KEY = `mutation($p: ID!, $k: String!) { setProviderKey(providerId: $p, key: $k) { ${PROVIDER} } }`;
const PROVIDERS = `{ aiProviders { ${PROVIDER} } }`;
const MODEL = 'id code name tier active inputPrice outputPrice currency contextTokens capabilities provider { code hasKey }';
const ROUTE = `mutation($t: AiTask!, $m: [ID!]!) { setRoute(task: $t, modelIds: $m) { task models { code } } }`;
const AVAILABLE = '{ availableModels(task: GENERATION) { id name tier chosen } }';
const CHOOSE = 'mutation($m: ID) { chooseModel(task: GENERATION, modelId: $m) { id name tier chosen } }';

describe('provider keys', () => {
  it('stores a key encrypted, shows only that one is set and its last four characters, never the key', async () => {
    const superAdmin = await as(L.superAdmin);
    const result = await run(superAdmin, SET_KEY, { p: P.openai, k: `  ${OPENAI_KEY}\n` });
    expect(result.errors).toBeUndefined();
    expect(result.data!.setProviderKey).toMatchObject({ code: 'openai', hasKey: true, keyLast4: OPENAI_KEY.slice(-4), lastCall: null });
    expect(JSON.stringify(result)).not.toContain(OPENAI_KEY);

    const listed = await run(superAdmin, PROVIDERS);
    expect(JSON.stringify(listed)).not.toContain(OPENAI_KEY.slice(4, 20));
    const byCode = Object.fromEntries((listed.data!.aiProviders as Json[]).map((p) => [p.code, p]));
    expect(byCode.openai).toMatchObject({ hasKey: true, keyLast4: '9Hf7' });
    expect(byCode.anthropic).toMatchObject({ hasKey: false, keyLast4: null });
    expect(byCode.offline).toMatchObject({ kind: 'OFFLINE', baseUrl: null, hasKey: false });

    // At rest: ciphertext under the environment's master key, bound to the provider.
    const { rows: [secret] } = await admin.query('select encrypted_key, key_id, last4 from tenants.ai_provider_secret where provider_id = $1', [P.openai]);
    expect(Buffer.from(secret.encrypted_key).includes(Buffer.from(OPENAI_KEY))).toBe(false);
    const keyring = createKeyring(MASTER);
    expect(secret.key_id).toBe(keyring.current.id);
    expect(decryptSecret({ blob: secret.encrypted_key, keyId: secret.key_id }, providerKeyContext(P.openai), keyring)).toBe(OPENAI_KEY);
    expect(() => decryptSecret({ blob: secret.encrypted_key, keyId: secret.key_id }, providerKeyContext(P.mistral), keyring)).toThrow();

    // No field of the schema can carry a key.
    const fields = (schema.getType('AiProvider') as unknown as { getFields(): Record<string, unknown> }).getFields();
    expect(Object.keys(fields).filter((f) => /secret|encrypted|apiKey|^key$/i.test(f))).toEqual([]);
  });

  it('refuses bad keys and the offline provider, writing nothing', async () => {
    const superAdmin = await as(L.superAdmin);
    expect(await fails(superAdmin, SET_KEY, { p: P.mistral, k: 'two words' })).toMatchObject({ code: 'BAD_USER_INPUT', message: 'The API key must be one line without spaces.' });
    expect(await fails(superAdmin, SET_KEY, { p: P.mistral, k: '   ' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await fails(superAdmin, SET_KEY, { p: P.offline, k: 'whatever-key' })).toMatchObject({ code: 'BAD_USER_INPUT', message: 'The built-in offline provider needs no key.' });
    expect(await fails(superAdmin, SET_KEY, { p: 'not-a-uuid', k: 'sk-abc' })).toMatchObject({ code: 'NOT_FOUND' });
    const { rows } = await admin.query('select provider_id from tenants.ai_provider_secret where provider_id = any($1)', [[P.mistral, P.offline]]);
    expect(rows).toEqual([]);
  });

  it('says clearly when the master key is missing, and stores nothing', async () => {
    delete process.env.ENSEMBLE_MASTER_KEY;
    try {
      const failure = await fails(await as(L.superAdmin), SET_KEY, { p: P.anthropic, k: 'sk-ant-0123456789' });
      expect(failure.message).toMatch(/ENSEMBLE_MASTER_KEY is not set/);
    } finally {
      process.env.ENSEMBLE_MASTER_KEY = MASTER;
    }
    const { rows } = await admin.query('select 1 from tenants.ai_provider_secret where provider_id = $1', [P.anthropic]);
    expect(rows).toEqual([]);
  });

  it('keeps keys and the catalogue away from everyone but the super admin', async () => {
    const client = await as(L.clientAdmin);
    const distributor = await as(L.distributorAdmin);
    for (const who of [client, distributor]) {
      expect((await fails(who, PROVIDERS)).code).toBe('FORBIDDEN');
      expect((await fails(who, SET_KEY, { p: P.openai, k: 'sk-stolen-0000' })).code).toBe('FORBIDDEN');
    }
    // With ai:admin but outside the platform, the database still says no.
    const outsider: Identity = { ...distributor, permissions: [...distributor.permissions, 'ai:admin'] };
    expect(await fails(outsider, PROVIDERS)).toMatchObject({ code: 'FORBIDDEN', message: 'Only the platform manages AI providers, models and routes.' });
    // The secret table itself answers nothing to a client transaction.
    const seen = await withTenant(orm, T.bakery, null, ({ em }) => em.getConnection().execute('select * from tenants.ai_provider_secret', [], 'all', em.getTransactionContext()));
    expect(seen).toEqual([]);
  });

  it('clears a key', async () => {
    const superAdmin = await as(L.superAdmin);
    await ok(superAdmin, SET_KEY, { p: P.mistral, k: 'mistral-key-abcdefgh' });
    const { clearProviderKey } = await ok(superAdmin, `mutation($p: ID!) { clearProviderKey(providerId: $p) { hasKey keyLast4 } }`, { p: P.mistral });
    expect(clearProviderKey).toEqual({ hasKey: false, keyLast4: null });
  });
});

describe('keyless OpenAI-compatible servers', () => {
  it('lets an OpenAI-compatible provider run without a key (an empty key), and no other kind', async () => {
    const superAdmin = await as(L.superAdmin);
    const { setProviderKey } = await ok(superAdmin, SET_KEY, { p: P.ollama, k: '  ' });
    expect(setProviderKey).toMatchObject({ code: 'ollama', hasKey: true, keyless: true, keyLast4: null });
    // What the router reads: configured, with an empty key (no placeholder).
    const { rows: [secret] } = await admin.query('select keyless, encrypted_key, key_id from tenants.ai_provider_secret where provider_id = $1', [P.ollama]);
    expect(secret.keyless).toBe(true);
    expect(decryptSecret({ blob: secret.encrypted_key, keyId: secret.key_id }, providerKeyContext(P.ollama), createKeyring(MASTER))).toBe('');

    // A real key replaces the keyless setting.
    const { setProviderKey: keyed } = await ok(superAdmin, SET_KEY, { p: P.ollama, k: 'ollama-key-0123456789' });
    expect(keyed).toMatchObject({ hasKey: true, keyless: false, keyLast4: '6789' });

    const refusal = { code: 'BAD_USER_INPUT', message: 'Enter the API key. Only an OpenAI-compatible server (Ollama, vLLM) may run without one.' };
    for (const provider of [P.openai, P.anthropic, P.mistral]) expect(await fails(superAdmin, SET_KEY, { p: provider, k: '' })).toMatchObject(refusal);
    const { rows: still } = await admin.query('select keyless from tenants.ai_provider_secret where provider_id = any($1)', [[P.ollama, P.anthropic, P.mistral]]);
    expect(still).toEqual([{ keyless: false }]);
    await ok(superAdmin, `mutation($p: ID!) { clearProviderKey(providerId: $p) { hasKey } }`, { p: P.ollama });
  });
});

describe('providers, models and routes', () => {
  it('edits a provider, validating its URL', async () => {
    const superAdmin = await as(L.superAdmin);
    const UPDATE = `mutation($id: ID!, $i: UpdateAiProviderInput!) { updateProvider(id: $id, input: $i) { code baseUrl active name } }`;
    const { updateProvider } = await ok(superAdmin, UPDATE, { id: P.ollama, i: { baseUrl: 'http://127.0.0.1:56399/v1/', name: 'vLLM (lab)' } });
    expect(updateProvider).toEqual({ code: 'ollama', baseUrl: 'http://127.0.0.1:56399/v1', active: true, name: 'vLLM (lab)' });
    expect((await fails(superAdmin, UPDATE, { id: P.ollama, i: { baseUrl: 'ftp://x' } })).message).toMatch(/must start with https:\/\//);
    expect((await fails(superAdmin, UPDATE, { id: P.ollama, i: { baseUrl: 'https://user:pw@example.com/v1' } })).message).toMatch(/not in the URL/);
    expect((await fails(superAdmin, UPDATE, { id: P.ollama, i: { baseUrl: '' } })).message).toMatch(/needs a base URL/);
    expect((await fails(superAdmin, UPDATE, { id: P.offline, i: { baseUrl: 'https://example.com' } })).message).toMatch(/has no URL/);
    const { rows: [row] } = await admin.query('select base_url, name from tenants.ai_provider where id = $1', [P.ollama]);
    expect(row).toEqual({ base_url: 'http://127.0.0.1:56399/v1', name: 'vLLM (lab)' });
  });

  it('edits a model: tier, active, prices', async () => {
    const superAdmin = await as(L.superAdmin);
    const UPDATE = `mutation($id: ID!, $i: UpdateAiModelInput!) { updateModel(id: $id, input: $i) { ${MODEL} } }`;
    const { updateModel } = await ok(superAdmin, UPDATE, { id: M['gpt-4.1-mini'], i: { tier: 'PREMIUM', inputPrice: 45, outputPrice: 180, active: false } });
    expect(updateModel).toMatchObject({ code: 'gpt-4.1-mini', tier: 'PREMIUM', inputPrice: 45, outputPrice: 180, active: false, currency: 'USD', provider: { code: 'openai' } });
    expect((await fails(superAdmin, UPDATE, { id: M['gpt-4.1-mini'], i: { inputPrice: -1 } })).code).toBe('BAD_USER_INPUT');
    expect((await fails(superAdmin, UPDATE, { id: '00000000-0000-7000-8000-000000000000', i: { active: true } })).code).toBe('NOT_FOUND');
    await ok(superAdmin, UPDATE, { id: M['gpt-4.1-mini'], i: { tier: 'STANDARD', inputPrice: 40, outputPrice: 160, active: true } });
    const { aiModels } = await ok(superAdmin, `{ aiModels { ${MODEL} } }`);
    expect(aiModels.length).toBe(Object.keys(M).length);
  });

  it('replaces a route in order, refusing empty, repeated, unknown and unfit models', async () => {
    const superAdmin = await as(L.superAdmin);
    expect((await fails(superAdmin, ROUTE, { t: 'GENERATION', m: [] })).message).toMatch(/at least one model/);
    expect((await fails(superAdmin, ROUTE, { t: 'GENERATION', m: [M['gpt-4.1'], M['gpt-4.1']] })).message).toMatch(/twice/);
    expect((await fails(superAdmin, ROUTE, { t: 'GENERATION', m: ['00000000-0000-7000-8000-000000000000'] })).code).toBe('NOT_FOUND');
    expect((await fails(superAdmin, ROUTE, { t: 'GENERATION', m: [M['whisper-1'], M['offline-writer']] })).message).toMatch(/Whisper cannot do generation/);
    const before = await ok(superAdmin, '{ aiRoutes { task models { code } } }');
    expect(before.aiRoutes.find((r: Json) => r.task === 'GENERATION').models.map((m: Json) => m.code)).toEqual(['claude-sonnet-4-5', 'gpt-4.1', 'mistral-large-latest', 'llama3.1:8b', 'offline-writer']);

    const { setRoute } = await ok(superAdmin, ROUTE, { t: 'GENERATION', m: [M['llama3.1:8b'], M['gpt-4.1'], M['offline-writer']] });
    expect(setRoute).toEqual({ task: 'GENERATION', models: [{ code: 'llama3.1:8b' }, { code: 'gpt-4.1' }, { code: 'offline-writer' }] });
    const { rows } = await admin.query(`select position, model_id from tenants.ai_route where task = 'generation' order by position`);
    expect(rows).toEqual([{ position: 1, model_id: M['llama3.1:8b'] }, { position: 2, model_id: M['gpt-4.1'] }, { position: 3, model_id: M['offline-writer'] }]);
    expect((await fails(await as(L.clientAdmin), ROUTE, { t: 'GENERATION', m: [M['gpt-4.1']] })).code).toBe('FORBIDDEN');
  });

  it('sets the speech-to-text chain like the others: transcription models only, the offline engine last by default', async () => {
    const superAdmin = await as(L.superAdmin);
    const routes = await ok(superAdmin, '{ aiRoutes { task models { code } } }');
    expect(routes.aiRoutes.find((r: Json) => r.task === 'SPEECH_TO_TEXT').models.map((m: Json) => m.code)).toEqual(['whisper-1', 'offline-transcriber']);
    expect((await fails(superAdmin, ROUTE, { t: 'SPEECH_TO_TEXT', m: [M['gpt-4.1'], M['offline-transcriber']] })).message).toBe('GPT-4.1 cannot do speech to text (needs the "speech_to_text" capability).');
    const { setRoute } = await ok(superAdmin, ROUTE, { t: 'SPEECH_TO_TEXT', m: [M['offline-transcriber']] });
    expect(setRoute).toEqual({ task: 'SPEECH_TO_TEXT', models: [{ code: 'offline-transcriber' }] });
    await ok(superAdmin, ROUTE, { t: 'SPEECH_TO_TEXT', m: [M['whisper-1'], M['offline-transcriber']] });
  });
});

describe("a client's model choice", () => {
  it('offers only what the plan allows and can be called, with no technical settings', async () => {
    const superAdmin = await as(L.superAdmin);
    await ok(superAdmin, SET_KEY, { p: P.anthropic, k: 'sk-ant-api03-abcdefghijkl' });
    const client = await as(L.clientAdmin);
    const { availableModels } = await ok(client, AVAILABLE);
    const names = availableModels.map((m: Json) => m.name);
    // Growth plan: both tiers; only configured providers (Anthropic, OpenAI) and the offline writer.
    expect(names).toEqual(expect.arrayContaining(['Claude Sonnet 4.5', 'Claude Haiku 4.5', 'GPT-4.1', 'Offline writer']));
    expect(names).not.toContain('Mistral Large');
    expect(names).not.toContain('Whisper');
    expect(Object.keys(availableModels[0]).sort()).toEqual(['chosen', 'id', 'name', 'tier']);

    // The starter plan has standard models only.
    await admin.query('update billing.subscription set plan_id = $1 where tenant_id = $2', [DEMO.plans.starter, T.bakery]);
    try {
      const { availableModels: starter } = await ok(client, AVAILABLE);
      expect(starter.every((m: Json) => m.tier === 'STANDARD')).toBe(true);
      expect(starter.map((m: Json) => m.name)).toContain('Claude Haiku 4.5');
      const refused = await fails(client, CHOOSE, { m: M['claude-sonnet-4-5'] });
      expect(refused).toMatchObject({ code: 'FORBIDDEN', message: 'Your plan does not include Claude Sonnet 4.5.' });
      const { rows } = await admin.query('select 1 from tenants.ai_model_choice where tenant_id = $1', [T.bakery]);
      expect(rows).toEqual([]);
      const { chooseModel } = await ok(client, CHOOSE, { m: M['claude-haiku-4-5'] });
      expect(chooseModel.filter((m: Json) => m.chosen).map((m: Json) => m.name)).toEqual(['Claude Haiku 4.5']);
    } finally {
      await admin.query('update billing.subscription set plan_id = $1 where tenant_id = $2', [DEMO.plans.growth, T.bakery]);
    }
    // Not callable now (no key): refused even though the plan allows it.
    expect(await fails(client, CHOOSE, { m: M['mistral-large-latest'] })).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Mistral Large is not available at the moment.' });
    expect((await fails(client, CHOOSE, { m: 'nope' })).code).toBe('NOT_FOUND');
    // Back to automatic.
    const { chooseModel } = await ok(client, CHOOSE, { m: null });
    expect(chooseModel.some((m: Json) => m.chosen)).toBe(false);
    // A viewer (no billing:manage) cannot change it.
    expect((await fails(await as(L.clientViewer), CHOOSE, { m: M['offline-writer'] })).code).toBe('FORBIDDEN');
  });
});

describe('usage', () => {
  it('sums calls, tokens, cost, credits and failures by tenant and by model; each client sees only its own calls', async () => {
    const insert = (tenant: string, model: string | undefined, provider: string, outcome: string, tokens: [number, number], cost: number, credits: number, error: string | null) =>
      admin.query(`insert into tenants.ai_call (id, tenant_id, task, model_id, provider_code, input_tokens, output_tokens, cost_minor, credits, latency_ms, outcome, error)
                   values (gen_random_uuid(), $1, 'generation', $2, $3, $4, $5, $6, $7, 100, $8, $9)`, [tenant, model, provider, tokens[0], tokens[1], cost, credits, outcome, error]);
    await insert(T.bakery, M['gpt-4.1'], 'openai', 'ok', [1000, 500], 6, 4, null);
    await insert(T.bakery, M['claude-sonnet-4-5'], 'anthropic', 'refused', [0, 0], 0, 0, 'bad_key: Anthropic (anthropic) rejected the API key (HTTP 401)');
    await insert(T.bakery, M['offline-writer'], 'offline', 'fallback', [800, 400], 0, 1, null);
    await insert(T.fitness, M['gpt-4.1'], 'openai', 'ok', [2000, 1000], 12, 8, null);

    const superAdmin = await as(L.superAdmin);
    const USAGE = `query($g: AiUsageGroup!, $f: DateTime!, $t: DateTime!) { aiUsage(from: $f, to: $t, groupBy: $g) {
      groupBy rows { key label currency calls failures fallbacks badKeys inputTokens outputTokens costMinor credits averageLatencyMs }
      recentFailures { tenantName model providerCode outcome error } } }`;
    const range = { f: new Date(Date.now() - 86_400_000).toISOString(), t: new Date(Date.now() + 60_000).toISOString() };
    const byTenant = (await ok(superAdmin, USAGE, { g: 'TENANT', ...range })).aiUsage;
    const bakery = byTenant.rows.find((r: Json) => r.key === T.bakery);
    expect(bakery).toMatchObject({ calls: 3, failures: 1, fallbacks: 1, badKeys: 1, inputTokens: 1800, outputTokens: 900, costMinor: 6, credits: 5, currency: 'USD', averageLatencyMs: 100 });
    expect(byTenant.rows.find((r: Json) => r.key === T.fitness)).toMatchObject({ calls: 1, costMinor: 12 });
    expect(byTenant.recentFailures[0]).toMatchObject({ model: 'Claude Sonnet 4.5', providerCode: 'anthropic', outcome: 'REFUSED' });
    expect(byTenant.recentFailures[0].error).toMatch(/^bad_key:/);

    const byModel = (await ok(superAdmin, USAGE, { g: 'MODEL', ...range })).aiUsage;
    expect(byModel.rows.find((r: Json) => r.key === M['gpt-4.1'])).toMatchObject({ label: 'GPT-4.1', calls: 2, inputTokens: 3000, costMinor: 18, credits: 12 });

    // The provider list shows the rejected key where keys are set.
    const { aiProviders } = await ok(superAdmin, PROVIDERS);
    expect(aiProviders.find((p: Json) => p.code === 'anthropic').lastCall).toMatchObject({ outcome: 'REFUSED', errorKind: 'bad_key' });

    expect((await fails(superAdmin, USAGE, { g: 'TENANT', f: range.t, t: range.f })).code).toBe('BAD_USER_INPUT');
    expect((await fails(await as(L.clientAdmin), USAGE, { g: 'TENANT', ...range })).code).toBe('FORBIDDEN');

    // Row-level security: a client's transaction sees its own calls only.
    const count = (tenant: string) => withTenant(orm, tenant, null, async ({ em }) =>
      em.getConnection().execute<Array<{ tenant_id: string }>>('select distinct tenant_id from tenants.ai_call', [], 'all', em.getTransactionContext()));
    expect(await count(T.bakery)).toEqual([{ tenant_id: T.bakery }]);
    expect(await count(T.fitness)).toEqual([{ tenant_id: T.fitness }]);
  });
});
