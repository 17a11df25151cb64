// The router over the real catalogue and the billing ledger, on the seeded
// demo world, with providers pointed at a local wire-format server: the keys
// are opened from their envelope, every attempt lands in tenants.ai_call with
// its tokens, cost, credits, outcome and the attempt it fell back from; the
// reservation is settled once with the credits used, or voided when no model
// answered; the plan and the client's choice decide which models are tried.
// Speech to text takes the same path, charged per minute of audio.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { speakEnglish, wordsHeard } from '@ensemble/testing/speech';
import { newId } from '@ensemble/tenancy/ids';
import { getBalance, reserveCredits, settleReservation, voidReservation } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { createCatalogue, createDbAiRouter } from '../catalogue.ts';
import { ledgerCreditHooks } from '../ledger-credits.ts';
import { buildGenerationPrompt } from '../prompt.ts';
import { createAiRouter, type AiCallRecord } from '../router.ts';
import { createKeyring, encryptSecret, generateMasterKey, providerKeyContext } from '../secrets.ts';
import { startWireServer, type WireServer } from './wire-server.ts';

const T = DEMO.tenants;
const P = DEMO.providers as Record<'openai' | 'anthropic' | 'mistral' | 'ollama' | 'offline', string>;
const M = DEMO.models;
const KEYS = { openai: 'sk-openai-test-11112222', anthropic: 'sk-ant-test-33334444' };

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let wire: WireServer;
const keyring = createKeyring(generateMasterKey());
const ledger = { reserveCredits, settleReservation, voidReservation };

async function route(task: string, codes: string[]): Promise<void> {
  await admin.query('delete from tenants.ai_route where task = $1', [task]);
  for (const [i, code] of codes.entries()) {
    await admin.query('insert into tenants.ai_route (id, task, position, model_id) values ($1, $2, $3, $4)', [newId(), task, i + 1, M[code as keyof typeof M]]);
  }
}

const prompt = (grounded = true) => {
  const built = buildGenerationPrompt({ dna: { identity: { name: 'Maison Lumière' }, locale: 'fr' }, brief: { topic: 'Le levain' }, channel: 'LINKEDIN', locale: 'fr', seed: 'db-test' });
  if (!grounded) delete built.grounding;
  return built;
};

async function calls(tenantId: string) {
  const { rows } = await admin.query(
    `select c.id, m.code as model, c.provider_code, c.input_tokens, c.output_tokens, c.cost_minor, c.cost_currency, c.credits, c.latency_ms,
            c.outcome, c.fallback_from, c.reservation_id, c.error, c.task
       from tenants.ai_call c left join tenants.ai_model m on m.id = c.model_id where c.tenant_id = $1 order by c.id`, [tenantId]);
  return rows;
}

async function reservation(key: string) {
  const { rows } = await admin.query('select id, status, amount, settled_amount from billing.credit_reservation where tenant_id = $1 and idempotency_key = $2', [T.bakery, `${key}:reserve`]);
  return rows;
}

const balance = (tenantId: string) => withTenant(orm, tenantId, null, ({ em }) => getBalance(em, tenantId));

beforeAll(async () => {
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  wire = await startWireServer();
  for (const [code, dialect] of [['openai', 'openai'], ['anthropic', 'anthropic'], ['mistral', 'mistral']] as const) {
    await admin.query('update tenants.ai_provider set base_url = $1 where code = $2', [wire.baseUrl(code, dialect), code]);
  }
  for (const code of ['openai', 'anthropic'] as const) {
    const sealed = encryptSecret(KEYS[code], providerKeyContext(P[code]), keyring);
    await admin.query('insert into tenants.ai_provider_secret (provider_id, encrypted_key, key_id, last4) values ($1, $2, $3, $4)', [P[code], sealed.blob, sealed.keyId, KEYS[code].slice(-4)]);
  }
});

afterAll(async () => {
  await wire?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

afterEach(() => wire.reset());

describe('the router over the catalogue and the ledger', () => {
  it('falls back from a failing provider, records both attempts and settles the credits once', async () => {
    await route('generation', ['gpt-4.1', 'claude-sonnet-4-5', 'mistral-large-latest', 'offline-writer']);
    wire.script('openai', { kind: 'status', status: 500, message: 'boom' });
    wire.script('anthropic', { kind: 'ok', text: '# Le levain\n\nVingt heures de patience.', inputTokens: 1200, outputTokens: 300 });
    const before = await balance(T.bakery);
    const router = createDbAiRouter(orm, { keyring: () => keyring, timeoutMs: 3_000 });
    const key = `test:generation:${newId()}`;
    const out = await router.generate({ tenantId: T.bakery, task: 'generation', prompt: prompt(), maxTokens: 450 }, ledgerCreditHooks(orm, ledger, { tenantId: T.bakery, idempotencyKey: key }));

    expect(out).toMatchObject({ title: 'Le levain', body: 'Vingt heures de patience.', fallbackUsed: true, model: { code: 'claude-sonnet-4-5', providerCode: 'anthropic', tier: 'premium' } });
    // Mistral has no key: left out, never called.
    expect(out.skipped).toEqual([{ modelCode: 'mistral-large-latest', reason: 'provider has no API key' }]);
    // The keys were opened from their envelopes and sent to the right provider only.
    const sent = wire.requests.map((r) => [r.prefix, String(r.headers['authorization'] ?? r.headers['x-api-key'])]);
    expect(sent).toEqual([['openai', `Bearer ${KEYS.openai}`], ['anthropic', expect.stringContaining(KEYS.anthropic)]]);

    const [res] = await reservation(key);
    // premium generation: 1200 × 300 + 300 × 1500 credits per million → 0.81 → 1
    expect(res).toMatchObject({ status: 'settled', settled_amount: '1' });
    const rows = await calls(T.bakery);
    expect(rows).toHaveLength(2);
    const [failed, answered] = rows;
    expect(failed).toMatchObject({ model: 'gpt-4.1', provider_code: 'openai', outcome: 'error', credits: '0', input_tokens: 0, fallback_from: null, reservation_id: res.id, task: 'generation' });
    expect(failed.error).toMatch(/^server_error: OpenAI \(openai\) failed \(HTTP 500\)/);
    // Claude Sonnet: (1200 × 300 + 300 × 1500) / 1e6 cents → 0.81 → 1 cent
    expect(answered).toMatchObject({ model: 'claude-sonnet-4-5', provider_code: 'anthropic', outcome: 'fallback', input_tokens: 1200, output_tokens: 300, cost_minor: '1', cost_currency: 'USD', credits: '1', fallback_from: failed.id, reservation_id: res.id, error: null });
    expect(answered.id).toBe(out.callId);

    const after = await balance(T.bakery);
    expect(after.consumed - before.consumed).toBe(1);
    expect(after.reserved).toBe(before.reserved);

    // The same request again (a retried activity): answered again, charged nothing more.
    await router.generate({ tenantId: T.bakery, task: 'generation', prompt: prompt(), maxTokens: 450 }, ledgerCreditHooks(orm, ledger, { tenantId: T.bakery, idempotencyKey: key }));
    expect((await balance(T.bakery)).consumed).toBe(after.consumed);
    expect(await reservation(key)).toHaveLength(1);
  });

  it('voids the reservation and explains when no model answers', async () => {
    await route('generation', ['gpt-4.1', 'claude-sonnet-4-5', 'offline-writer']);
    wire.script('openai', { kind: 'status', status: 401, message: 'Incorrect API key provided' });
    wire.script('anthropic', { kind: 'status', status: 529, message: 'Overloaded' });
    const before = await balance(T.bakery);
    const key = `test:generation:${newId()}`;
    const router = createDbAiRouter(orm, { keyring: () => keyring, timeoutMs: 3_000 });
    const error = (await router.generate({ tenantId: T.bakery, task: 'generation', prompt: prompt(false), maxTokens: 200 }, ledgerCreditHooks(orm, ledger, { tenantId: T.bakery, idempotencyKey: key }))
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/No AI model could answer the generation request\. gpt-4\.1: bad_key: OpenAI \(openai\) rejected the API key \(HTTP 401: Incorrect API key provided\); set a valid key for this provider; claude-sonnet-4-5: server_error: .*529.*; offline-writer: bad_request: .*brand DNA/);
    const [res] = await reservation(key);
    expect(res).toMatchObject({ status: 'voided', settled_amount: null });
    const after = await balance(T.bakery);
    expect(after.available).toBe(before.available);
    expect(after.consumed).toBe(before.consumed);
    const rows = (await calls(T.bakery)).filter((r) => r.reservation_id === res.id);
    expect(rows.map((r) => [r.model, r.outcome])).toEqual([['gpt-4.1', 'refused'], ['claude-sonnet-4-5', 'error'], ['offline-writer', 'error']]);
    expect(rows[1].fallback_from).toBe(rows[0].id);
    expect(rows[2].fallback_from).toBe(rows[1].id);
  });

  it("tries the client's own choice first, and never a model its plan leaves out", async () => {
    await route('generation', ['claude-sonnet-4-5', 'offline-writer']);
    await admin.query(`insert into tenants.ai_model_choice (tenant_id, task, model_id) values ($1, 'generation', $2)`, [T.fitness, M['gpt-4.1-mini']]);
    wire.script('openai', { kind: 'ok', text: '# Chosen\n\nGPT-4.1 mini wrote this.' });
    const router = createDbAiRouter(orm, { keyring: () => keyring });
    const chosen = await router.generate({ tenantId: T.fitness, task: 'generation', prompt: prompt(), maxTokens: 100 });
    expect(chosen.model.code).toBe('gpt-4.1-mini');
    expect(wire.requests.map((r) => r.body['model'])).toEqual(['gpt-4.1-mini']);

    // On the starter plan (standard models only) the premium model of the route is skipped.
    await admin.query('update billing.subscription set plan_id = $1 where tenant_id = $2', [DEMO.plans.starter, T.bakery]);
    try {
      wire.reset();
      const out = await router.generate({ tenantId: T.bakery, task: 'generation', prompt: prompt(), maxTokens: 100 });
      expect(out.model).toMatchObject({ code: 'offline-writer', offline: true });
      expect(out.skipped).toEqual([{ modelCode: 'claude-sonnet-4-5', reason: "not in the client's plan" }]);
      expect(wire.requests).toHaveLength(0);
      const [last] = (await calls(T.bakery)).slice(-1);
      expect(last).toMatchObject({ model: 'offline-writer', provider_code: 'offline', outcome: 'ok', cost_minor: '0' });
    } finally {
      await admin.query('update billing.subscription set plan_id = $1 where tenant_id = $2', [DEMO.plans.growth, T.bakery]);
    }
  });

  it('falls through when the key was stored under another master key', async () => {
    await route('generation', ['gpt-4.1', 'offline-writer']);
    const router = createDbAiRouter(orm, { keyring: () => createKeyring(generateMasterKey()) });
    const out = await router.generate({ tenantId: T.riad, task: 'generation', prompt: prompt(), maxTokens: 100 });
    expect(out.model.code).toBe('offline-writer');
    expect(wire.requests).toHaveLength(0);
    const [first] = await calls(T.riad);
    expect(first).toMatchObject({ model: 'gpt-4.1', outcome: 'refused' });
    expect(first.error).toMatch(/^bad_key: the stored key of OpenAI \(openai\) cannot be read: .*master key/);
  });
});

describe('a worker killed between the settlement and the call record', () => {
  it("keeps the answer's call: written once, in the settlement's transaction, with what was charged", async () => {
    await route('generation', ['gpt-4.1', 'claude-sonnet-4-5', 'offline-writer']);
    wire.script('openai', { kind: 'status', status: 500, message: 'boom' });
    wire.script('anthropic', { kind: 'ok', text: '# Le levain\n\nVingt heures de patience.', inputTokens: 1200, outputTokens: 300 });
    const catalogue = createCatalogue(orm, { keyring: () => keyring });
    let lost: AiCallRecord | null = null;
    // The worker dies once the settlement has committed: the router's own write of the answer never runs.
    const router = createAiRouter({
      ...catalogue,
      timeoutMs: 3_000,
      recordCall: async (call) => {
        if (call.outcome === 'ok' || call.outcome === 'fallback') {
          lost = call;
          throw new Error('worker killed');
        }
        await catalogue.recordCall(call);
      },
    });
    const key = `test:generation:${newId()}`;
    await expect(router.generate({ tenantId: T.bakery, task: 'generation', prompt: prompt(), maxTokens: 450 }, ledgerCreditHooks(orm, ledger, { tenantId: T.bakery, idempotencyKey: key })))
      .rejects.toThrow('worker killed');

    const [res] = await reservation(key);
    expect(res).toMatchObject({ status: 'settled', settled_amount: '1' });
    const answer = lost as AiCallRecord | null;
    expect(answer).not.toBeNull();
    const rows = (await calls(T.bakery)).filter((r) => r.reservation_id === res.id);
    expect(rows.map((r) => [r.model, r.outcome, r.credits])).toEqual([['gpt-4.1', 'error', '0'], ['claude-sonnet-4-5', 'fallback', '1']]);
    expect(rows[1]).toMatchObject({ id: answer!.id, fallback_from: rows[0].id, input_tokens: 1200, output_tokens: 300, cost_minor: '1', error: null });

    // Without the crash the router writes the record after the settlement: it finds it there and leaves it as it is.
    await catalogue.recordCall({ ...answer!, credits: 0 });
    const again = (await calls(T.bakery)).filter((r) => r.reservation_id === res.id);
    expect(again).toEqual(rows);
  });
});

describe('speech to text over the catalogue and the ledger', () => {
  it('reserves for the 10-minute limit, falls from a rate-limited Whisper to pocketsphinx, records audio seconds and charges per started minute', async () => {
    // The seeded route: Whisper first, the offline engine last.
    const seeded = (await admin.query(`select m.code from tenants.ai_route r join tenants.ai_model m on m.id = r.model_id where r.task = 'speech_to_text' order by r.position`)).rows;
    expect(seeded.map((r) => r.code)).toEqual(['whisper-1', 'offline-transcriber']);
    wire.script('openai', { kind: 'status', status: 429, headers: { 'retry-after': '30' }, message: 'Rate limit reached for whisper-1' });
    const audio = await speakEnglish('We sell fresh bread, coffee and cake to the people in the town every morning.');
    const before = await balance(T.bakery);
    const key = `test:stt:${newId()}`;
    const router = createDbAiRouter(orm, { keyring: () => keyring, transcriptionTimeoutMs: 60_000 });
    const out = await router.transcribe({ tenantId: T.bakery, audio, locale: 'en-US', name: 'note' }, ledgerCreditHooks(orm, ledger, { tenantId: T.bakery, idempotencyKey: key }));

    expect(out).toMatchObject({ engine: 'pocketsphinx', model: { code: 'offline-transcriber', offline: true }, fallbackUsed: true, credits: 1 });
    expect(wordsHeard(out.text, ['bread', 'coffee', 'cake', 'people', 'town', 'morning']).length, out.text).toBeGreaterThanOrEqual(3);
    expect(wire.requests.map((r) => [r.path, r.file?.name])).toEqual([['/openai/v1/audio/transcriptions', 'note.wav']]);
    // speech_to_text, standard tier: 1 credit per started minute; held for 10 minutes, settled for one.
    const [res] = await reservation(key);
    expect(res).toMatchObject({ status: 'settled', amount: '10', settled_amount: '1' });
    expect((await balance(T.bakery)).consumed - before.consumed).toBe(1);

    const { rows } = await admin.query(
      `select c.id, m.code as model, c.outcome, c.audio_seconds::float as audio_seconds, c.credits, c.fallback_from, c.reservation_id, c.error
         from tenants.ai_call c join tenants.ai_model m on m.id = c.model_id where c.tenant_id = $1 and c.task = 'speech_to_text' order by c.id`, [T.bakery]);
    expect(rows).toEqual([
      { id: expect.any(String), model: 'whisper-1', outcome: 'refused', audio_seconds: null, credits: '0', fallback_from: null, reservation_id: res.id, error: expect.stringMatching(/^rate_limited: OpenAI \(openai\) is rate limiting \(HTTP 429, retry after 30000 ms\)/) },
      { id: out.callId, model: 'offline-transcriber', outcome: 'fallback', audio_seconds: out.durationSeconds, credits: '1', fallback_from: rows[0]!.id, reservation_id: res.id, error: null },
    ]);
  }, 120_000);
});
