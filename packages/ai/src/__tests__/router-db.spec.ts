// The router over the real catalogue and the billing ledger, on the seeded
// demo world, with providers pointed at a local wire-format server: the keys
// are opened from their envelope, every attempt lands in tenants.ai_call with
// its tokens, cost, credits, outcome and the attempt it fell back from; the
// reservation is settled once with the credits used, or voided when no model
// answered; the plan and the client's choice decide which models are tried.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { newId } from '@ensemble/tenancy/ids';
import { getBalance, reserveCredits, settleReservation, voidReservation } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { createDbAiRouter } from '../catalogue.ts';
import { ledgerCreditHooks } from '../ledger-credits.ts';
import { buildGenerationPrompt } from '../prompt.ts';
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
