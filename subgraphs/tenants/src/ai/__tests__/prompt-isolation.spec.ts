// Isolation (SPEC §7): two clients, each with distinctive markers in its brand
// DNA, its own prompt layer and its distributor's layer. Their prompts, built
// concurrently and sent concurrently through the router to a local
// OpenAI-compatible server, each hold their own markers and none of the
// other's. A client cannot build another client's prompt at all.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { newId } from '@ensemble/tenancy/ids';
import { createDbAiRouter } from '@ensemble/ai/catalogue';
import { createKeyring, encryptSecret, generateMasterKey, providerKeyContext } from '@ensemble/ai/secrets';
import type { AiPrompt } from '@ensemble/ai/providers/provider';
import { startWireServer, type WireServer } from '@ensemble/ai/__tests__/wire-server';
import { buildClientPrompt, loadClientPromptDna } from '../prompt-context.service.ts';

const T = DEMO.tenants;
const MARKERS = {
  bakery: { dna: 'DNA-MARKER-BAKERY-7f3a91', layer: 'LAYER-MARKER-BAKERY-19c2e4', distributor: 'DISTRIBUTOR-MARKER-DIRECT-a0b1c2' },
  fitness: { dna: 'DNA-MARKER-FITNESS-d41e77', layer: 'LAYER-MARKER-FITNESS-88b0f3', distributor: 'DISTRIBUTOR-MARKER-ATLAS-5e6d0a' },
} as const;
type Client = keyof typeof MARKERS;
const CLIENTS: Record<Client, string> = { bakery: T.bakery, fitness: T.fitness };
const OTHER: Record<Client, Client> = { bakery: 'fitness', fitness: 'bakery' };

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let wire: WireServer;
const keyring = createKeyring(generateMasterKey());

async function addLayer(tenantId: string, level: 'distributor' | 'client', locale: string, document: Record<string, unknown>): Promise<void> {
  await admin.query(
    `insert into tenants.prompt_layer (id, tenant_id, level, locale, version, document)
     values ($1, $2, $3, $4, (select coalesce(max(version), 0) + 1 from tenants.prompt_layer where tenant_id = $2 and locale = $4), $5)`,
    [newId(), tenantId, level, locale, JSON.stringify(document)]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 8 });
  wire = await startWireServer();

  const distributors: Record<Client, string> = { bakery: T.direct, fitness: T.atlasAgency };
  for (const client of ['bakery', 'fitness'] as const) {
    const id = CLIENTS[client];
    const { rows: [latest] } = await admin.query('select version, locale, document from tenants.brand_dna_snapshot where tenant_id = $1 order by version desc limit 1', [id]);
    const document = { ...latest.document, mission: `${latest.document.mission ?? ''} ${MARKERS[client].dna}`.trim() };
    await admin.query(
      `insert into tenants.brand_dna_snapshot (id, tenant_id, version, document, locale, note) values ($1, $2, $3, $4, $5, 'isolation test')`,
      [newId(), id, latest.version + 1, JSON.stringify(document), latest.locale]);
    await addLayer(id, 'client', latest.locale, { house_rules: { signature: MARKERS[client].layer } });
    await addLayer(distributors[client], 'distributor', latest.locale, { agency_rules: { footer: MARKERS[client].distributor } });
  }
  // The generation route: one OpenAI-compatible model on the local server.
  await admin.query('update tenants.ai_provider set base_url = $1 where id = $2', [wire.baseUrl('ollama'), DEMO.providers.ollama]);
  const sealed = encryptSecret('local-server-key-0001', providerKeyContext(DEMO.providers.ollama!), keyring);
  await admin.query('insert into tenants.ai_provider_secret (provider_id, encrypted_key, key_id, last4) values ($1, $2, $3, $4)', [DEMO.providers.ollama, sealed.blob, sealed.keyId, '0001']);
  await admin.query(`delete from tenants.ai_route where task = 'generation'`);
  await admin.query(`insert into tenants.ai_route (id, task, position, model_id) values ($1, 'generation', 1, $2)`, [newId(), DEMO.models['llama3.1:8b']]);
});

afterAll(async () => {
  await wire?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

function everything(prompt: AiPrompt): string {
  return JSON.stringify(prompt);
}

function expectOnlyOwn(text: string, client: Client): void {
  for (const marker of Object.values(MARKERS[client])) expect(text, `${client} misses ${marker}`).toContain(marker);
  for (const marker of Object.values(MARKERS[OTHER[client]])) expect(text, `${client} holds ${marker}`).not.toContain(marker);
}

const build = (client: Client, i: number) => withTenant(orm, CLIENTS[client], null, ({ em }) =>
  buildClientPrompt(em, CLIENTS[client], { brief: { topic: `Topic ${i}`, goal: 'bookings' }, channel: i % 2 ? 'LINKEDIN' : 'BLOG', seed: `${client}-${i}` }));

describe('prompt isolation', () => {
  it('builds each client prompt from its own DNA, layers and distributor only, even when built concurrently', async () => {
    const order: Client[] = Array.from({ length: 24 }, (_, i) => (i % 3 === 0 ? 'fitness' : i % 2 ? 'bakery' : 'fitness'));
    const prompts = await Promise.all(order.map((client, i) => build(client, i).then((prompt) => ({ client, prompt }))));
    for (const { client, prompt } of prompts) {
      expectOnlyOwn(everything(prompt), client);
      expect(prompt.grounding?.dna).toBeDefined();
    }
  });

  it('sends each client only its own prompt through the router', async () => {
    const router = createDbAiRouter(orm, { keyring: () => keyring, timeoutMs: 5_000 });
    const jobs = (['bakery', 'fitness', 'bakery', 'fitness', 'fitness', 'bakery'] as const).map(async (client, i) => {
      const prompt = await build(client, i);
      const out = await router.generate({ tenantId: CLIENTS[client], task: 'generation', prompt, maxTokens: 300 });
      return { client, out };
    });
    const results = await Promise.all(jobs);
    expect(results.every((r) => r.out.model.code === 'llama3.1:8b')).toBe(true);
    expect(wire.requests).toHaveLength(6);
    for (const request of wire.requests) {
      const body = JSON.stringify(request.body);
      const client: Client = body.includes(MARKERS.bakery.dna) ? 'bakery' : 'fitness';
      expectOnlyOwn(body, client);
    }
    // Each call is on its own client's log, invisible to the other.
    for (const client of ['bakery', 'fitness'] as const) {
      const rows = await withTenant(orm, CLIENTS[client], null, ({ em }) =>
        em.getConnection().execute<Array<{ tenant_id: string }>>('select tenant_id from tenants.ai_call', [], 'all', em.getTransactionContext()));
      expect(rows).toHaveLength(3);
      expect(rows.every((r) => r.tenant_id === CLIENTS[client])).toBe(true);
    }
  });

  it("refuses to build another client's prompt", async () => {
    await expect(withTenant(orm, T.bakery, null, ({ em }) => loadClientPromptDna(em, T.fitness))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(withTenant(orm, T.fitness, null, ({ em }) => loadClientPromptDna(em, T.bakery))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A distributor reaches its own clients only.
    const own = await withTenant(orm, T.atlasAgency, null, ({ em }) => loadClientPromptDna(em, T.fitness));
    expectOnlyOwn(JSON.stringify(own.document), 'fitness');
    await expect(withTenant(orm, T.atlasAgency, null, ({ em }) => loadClientPromptDna(em, T.bakery))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // And the layers function itself answers nothing for a client out of scope.
    const rows = await withTenant(orm, T.bakery, null, ({ em }) =>
      em.getConnection().execute('select * from app.prompt_layers_for(?, ?)', [T.fitness, 'en'], 'all', em.getTransactionContext()));
    expect(rows).toEqual([]);
  });
});
