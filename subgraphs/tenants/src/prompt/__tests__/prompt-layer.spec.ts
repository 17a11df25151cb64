// Prompt layers (T7) through the tenants subgraph's guarded schema, on the
// seeded demo world: the chain each tenant sees, the merged prompt with its
// provenance, versioned saves and who owns which level.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { seededIdentity } from '@ensemble/testing/identities';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { promptModule } from '../prompt.resolver.ts';

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let pubsub: PgPubSub;
const schema = buildGuardedSubgraphSchema([promptModule]);
const T = DEMO.tenants;
const L = DEMO.logins;

type Json = Record<string, any>;
const LAYER = 'id tenantId tenantName level depth locale version document note editable';
const LAYERS = `query($t: ID, $l: String!) { promptLayers(tenantId: $t, locale: $l) { ${LAYER} } }`;
const MERGED = 'query($c: ID, $l: String!) { mergedPrompt(clientId: $c, locale: $l) { tenantId locale document provenance { path level tenantId version layerId } } }';
const SAVE = `mutation($t: ID, $l: String!, $d: JSONObject!, $b: Int!, $n: String) { savePromptLayer(tenantId: $t, locale: $l, document: $d, baseVersion: $b, note: $n) { ${LAYER} } }`;

beforeAll(async () => {
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_prompt_test');
});

afterAll(async () => {
  await pubsub?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

const as = (login: Parameters<typeof seededIdentity>[1]) => seededIdentity(admin, login);
const { gql: run, ok, fails } = executeAs(() => ({ schema, orm, pubsub }));

async function layerCount(): Promise<number> {
  return Number((await admin.query('select count(*) as n from tenants.prompt_layer')).rows[0].n);
}

function provenanceOf(merged: Json, path: string): Json | undefined {
  return merged.provenance.find((p: Json) => p.path === path);
}

describe('prompt layers', () => {
  it("shows a client its chain: read-only ancestors, then its own editable layer", async () => {
    const layers = (await ok(await as(L.riadAdmin), LAYERS, { l: 'fr' })).promptLayers;
    expect(layers.map((l: Json) => [l.level, l.tenantId, l.version, l.editable])).toEqual([
      ['PLATFORM', T.platform, 1, false],
      ['DISTRIBUTOR', T.atlasAgency, 1, false],
      ['DISTRIBUTOR', T.atlasMaroc, 1, false],
      ['CLIENT', T.riad, 1, true],
    ]);
    // Ancestors are outside a client's scope: their layers are readable here, their names are not.
    expect(layers.map((l: Json) => l.tenantName)).toEqual([null, null, null, 'Riad Dar Yasmine']);
    expect(layers[1].document.agency.name).toBe('Atlas Agency');
    // A level without a layer for the locale is listed with version 0.
    const bakeryEn = (await ok(await as(L.clientAdmin), LAYERS, { l: 'en' })).promptLayers;
    expect(bakeryEn.map((l: Json) => [l.level, l.id === null, l.version])).toEqual([['PLATFORM', false, 1], ['DISTRIBUTOR', true, 0], ['CLIENT', false, 1]]);
  });

  it('merges the chain with the level, tenant and version behind every leaf', async () => {
    const { mergedPrompt } = await ok(await as(L.riadAdmin), MERGED, { l: 'fr' });
    expect(mergedPrompt.document.market.currency).toBe('MAD');
    expect(mergedPrompt.document.channel_rules.instagram).toEqual({ max_chars: 2200, hashtags: 5, first_line_hook: true });
    expect(mergedPrompt.document.style).toMatchObject({ address: 'vous', emoji: 'aucun', sentence_length: 'courtes' });
    expect(provenanceOf(mergedPrompt, 'role')).toMatchObject({ level: 'PLATFORM', tenantId: T.platform, version: 1 });
    expect(provenanceOf(mergedPrompt, 'channel_rules.instagram.hashtags')).toMatchObject({ level: 'DISTRIBUTOR', tenantId: T.atlasAgency, version: 1 });
    expect(provenanceOf(mergedPrompt, 'channel_rules.instagram.max_chars')).toMatchObject({ level: 'PLATFORM' });
    expect(provenanceOf(mergedPrompt, 'market.currency')).toMatchObject({ level: 'DISTRIBUTOR', tenantId: T.atlasMaroc });
    expect(provenanceOf(mergedPrompt, 'style.address')).toMatchObject({ level: 'CLIENT', tenantId: T.riad, version: 1 });
    // Arrays are leaves: replaced whole by the client.
    expect(provenanceOf(mergedPrompt, 'channel_rules.landing_page.sections')).toMatchObject({ level: 'CLIENT' });
    expect(provenanceOf(mergedPrompt, 'channel_rules.landing_page.sections.0')).toBeUndefined();
    // Its distributor may look at the riad's merged prompt; another distributor may not.
    const viaAgency = (await ok(await as(L.distributorAdmin), MERGED, { c: T.riad, l: 'fr' })).mergedPrompt;
    expect(viaAgency.document).toEqual(mergedPrompt.document);
    expect((await fails(await as(L.fitnessAdmin), MERGED, { c: T.riad, l: 'fr' })).code).toBe('NOT_FOUND');
    expect((await fails(await as(L.fitnessAdmin), LAYERS, { t: T.riad, l: 'fr' })).code).toBe('NOT_FOUND');
    expect((await fails(await as(L.riadAdmin), MERGED, { l: 'french' })).code).toBe('BAD_USER_INPUT');
  });

  it('saves the owner\'s layer as a new version and the merge follows, operators included', async () => {
    const me = await as(L.clientAdmin);
    const [, , own] = (await ok(me, LAYERS, { l: 'fr' })).promptLayers;
    const document = { ...own.document, safety: { avoid: { $append: ['promesses de livraison express'] } }, format: { markdown: { $unset: true } } };
    const saved = (await ok(me, SAVE, { l: 'fr', d: document, b: own.version, n: 'Livraison' })).savePromptLayer;
    expect(saved).toMatchObject({ level: 'CLIENT', tenantId: T.bakery, version: own.version + 1, note: 'Livraison', editable: true });
    const { mergedPrompt } = await ok(me, MERGED, { l: 'fr' });
    expect(mergedPrompt.document.safety.avoid).toEqual(['allégations médicales ou juridiques', 'propos discriminatoires', 'techniques de pression', 'promesses de livraison express']);
    expect(mergedPrompt.document.format).toEqual({ headings: 'majuscule initiale seulement', dates: 'en toutes lettres' });
    expect(provenanceOf(mergedPrompt, 'safety.avoid')).toMatchObject({ level: 'CLIENT', version: own.version + 1, layerId: saved.id });
    expect(provenanceOf(mergedPrompt, 'format.markdown')).toBeUndefined();
    expect(provenanceOf(mergedPrompt, 'format.dates')).toMatchObject({ level: 'PLATFORM' });
    // The old version stays as it was.
    const { rows } = await admin.query('select version, document from tenants.prompt_layer where tenant_id = $1 and locale = $2 order by version', [T.bakery, 'fr']);
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    expect(rows[0].document).toEqual(own.document);
  });

  it('lets only the owners of a level save it', async () => {
    const before = await layerCount();
    const doc = { style: { tone: 'test' } };
    const refusals: Array<[{ id: string; tenantId: string; role: string }, string | null, string]> = [
      [L.clientAdmin, T.direct, 'FORBIDDEN'], // a client admin, its distributor's layer
      [L.clientAdmin, T.platform, 'FORBIDDEN'], // a client admin, the platform layer
      [L.distributorAdmin, T.platform, 'FORBIDDEN'], // a distributor admin, the platform layer
      [L.distributorAdmin, T.fitness, 'FORBIDDEN'], // a distributor admin, its own client's layer
      [L.subDistributorAdmin, T.atlasAgency, 'FORBIDDEN'], // a sub-distributor, its parent's layer
      [L.distributorMember, null, 'FORBIDDEN'], // a distributor member, its own distributor's layer
      [L.clientEditor, null, 'FORBIDDEN'], // a client editor, its own client's layer
      [L.clientViewer, null, 'FORBIDDEN'], // a viewer lacks brand:write altogether
      [L.supportAgent, T.platform, 'FORBIDDEN'], // platform staff without ai:admin
      [L.fitnessAdmin, T.bakery, 'NOT_FOUND'], // another client's layer: not even visible
      [L.subDistributorAdmin, T.bakery, 'NOT_FOUND'],
    ];
    for (const [login, tenantId, code] of refusals) {
      const error = await fails(await as(login), SAVE, { t: tenantId, l: 'fr', d: doc, b: 1 });
      expect(error.code, `${login.role} → ${tenantId}`).toBe(code);
    }
    expect(await layerCount()).toBe(before);

    // The owners themselves.
    const platform = (await ok(await as(L.superAdmin), SAVE, { t: T.platform, l: 'fr', d: { ...(await platformDoc()), signature: 'L’équipe' }, b: 1 })).savePromptLayer;
    expect(platform).toMatchObject({ level: 'PLATFORM', version: 2 });
    const agency = (await ok(await as(L.distributorAdmin), SAVE, { l: 'en', d: { agency: { name: 'Atlas' } }, b: 1 })).savePromptLayer;
    expect(agency).toMatchObject({ level: 'DISTRIBUTOR', tenantId: T.atlasAgency, version: 2 });
    // A first layer for a locale starts from version 0.
    const direct = await ok(await as(L.fitnessAdmin), SAVE, { l: 'fr', d: { style: { address: 'tu' } }, b: 0 });
    expect(direct.savePromptLayer).toMatchObject({ level: 'CLIENT', tenantId: T.fitness, version: 1 });
    expect(await layerCount()).toBe(before + 3);
  });

  it('refuses malformed documents field by field and writes nothing', async () => {
    const me = await as(L.riadAdmin);
    const before = await layerCount();
    const cases: Array<[unknown, string]> = [
      [{ style: { emoji: { $push: ['x'] } } }, 'document.style.emoji.$push'],
      [{ style: { emoji: { $unset: 'yes' } } }, 'document.style.emoji.$unset'],
      [{ list: { $append: 'x' } }, 'document.list.$append'],
      [{ mixed: { $append: [1], other: 1 } }, 'document.mixed'],
      [{ 'a.b': 1 }, 'document.a.b'],
      [{ big: 'x'.repeat(70 * 1024) }, 'document'],
      [{ a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } }, 'document.a.b.c.d.e.f.g.h.i'],
    ];
    for (const [d, field] of cases) {
      const error = await fails(me, SAVE, { l: 'fr', d, b: 1 });
      expect(error.code, field).toBe('BAD_USER_INPUT');
      expect(error.extensions.field, error.message).toBe(field);
    }
    expect((await fails(me, SAVE, { l: 'fr-fr', d: { a: 1 }, b: 1 })).extensions.field).toBe('locale');
    expect((await fails(me, SAVE, { l: 'fr', d: { a: 1 }, b: -1 })).extensions.field).toBe('baseVersion');
    const [, , , own] = (await ok(me, LAYERS, { l: 'fr' })).promptLayers;
    expect((await fails(me, SAVE, { l: 'fr', d: own.document, b: 1 })).message).toBe('Nothing changed since version 1');
    expect(await layerCount()).toBe(before);
  });

  it('takes one of two concurrent saves from the same version; the other gets CONFLICT', async () => {
    const me = await as(L.riadAdmin);
    const save = (emoji: string) => run(me, SAVE, { l: 'en', d: { style: { emoji } }, b: 1 });
    const results = await Promise.all([save('none at all'), save('one'), save('two')]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    for (const r of results.filter((x) => x.errors)) {
      expect(r.errors![0]!.extensions?.['code']).toBe('CONFLICT');
      expect(r.errors![0]!.message).toMatch(/started from version 1, the latest is version 2/);
    }
    const { rows } = await admin.query('select version from tenants.prompt_layer where tenant_id = $1 and locale = $2 order by version', [T.riad, 'en']);
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
  });
});

async function platformDoc(): Promise<Json> {
  return (await admin.query('select document from tenants.prompt_layer where tenant_id = $1 and locale = $2 and version = 1', [T.platform, 'fr'])).rows[0].document;
}
