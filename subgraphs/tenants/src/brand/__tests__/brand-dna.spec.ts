// Brand DNA (T6) through the tenants subgraph's guarded schema, on the seeded
// demo world: snapshots, optimistic concurrency, validation, diff, restore and
// who may read or write which client's DNA.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl, OWNER_ROLE } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { seededIdentity } from '@ensemble/testing/identities';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import type { Identity } from '@ensemble/tenancy/identity';
import { brandDnaModule } from '../brand-dna.resolver.ts';
import { updateBrandDna } from '../brand-dna.service.ts';

let db: TestDatabase;
let orm: MikroORM;
let admin: pg.Client;
let pubsub: PgPubSub;
const schema = buildGuardedSubgraphSchema([brandDnaModule]);
const T = DEMO.tenants;
const L = DEMO.logins;

type Json = Record<string, any>;
const SNAPSHOT = 'id version locale document provenance note restoredFromId';
const UPDATE = `mutation($c: ID, $d: JSONObject!, $n: String, $b: Int!) { updateBrandDna(clientId: $c, document: $d, note: $n, baseVersion: $b) { ${SNAPSHOT} } }`;
const RESTORE = `mutation($c: ID, $v: Int!) { restoreBrandDna(clientId: $c, version: $v) { ${SNAPSHOT} } }`;
const DIFF = 'query($c: ID, $f: Int!, $t: Int!) { brandDnaDiff(clientId: $c, fromVersion: $f, toVersion: $t) { fromVersion toVersion changes { kind path before after } } }';
const LATEST = `query($c: ID) { brandDna(clientId: $c) { ${SNAPSHOT} } brandDnaHistory(clientId: $c) { version note } }`;

beforeAll(async () => {
  db = await createTestDatabase();
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_brand_test');
});

afterAll(async () => {
  await pubsub?.close();
  await orm?.close(true);
  await admin?.end();
  await db?.drop();
});

const as = (login: Parameters<typeof seededIdentity>[1]) => seededIdentity(admin, login);
const { gql: run, ok, fails } = executeAs(() => ({ schema, orm, pubsub }));

async function versions(tenantId: string): Promise<number[]> {
  return (await admin.query<{ version: number }>('select version from tenants.brand_dna_snapshot where tenant_id = $1 order by version', [tenantId])).rows.map((r) => r.version);
}

async function latest(identity: Identity, clientId?: string): Promise<Json> {
  return (await ok(identity, LATEST, { c: clientId ?? null })).brandDna;
}

describe('brand DNA snapshots', () => {
  it('refuses to change a stored snapshot, as the application and as the owner', async () => {
    await expect(withTenant(orm, T.bakery, null, ({ em }) =>
      em.getConnection().execute(`update tenants.brand_dna_snapshot set note = 'rewritten' where tenant_id = ?`, [T.bakery], 'run', em.getTransactionContext())))
      .rejects.toThrow(/immutable/);
    await admin.query(`set role ${OWNER_ROLE}`);
    await expect(admin.query(`update tenants.brand_dna_snapshot set document = '{}' where tenant_id = $1`, [T.bakery])).rejects.toThrow(/immutable/);
    await admin.query('reset role');
    const [row] = (await admin.query('select document, note from tenants.brand_dna_snapshot where tenant_id = $1 and version = 1', [T.bakery])).rows;
    expect(row.note).not.toBe('rewritten');
    expect(row.document.identity.name).toBe('Maison Lumière');
  });

  it('saves an edit as the next version, keeping the provenance of untouched keys', async () => {
    const me = await as(L.clientAdmin);
    const v1 = await latest(me);
    const document = { ...v1.document, identity: { ...v1.document.identity, tagline: 'Pain au levain, chaque nuit' } };
    const { updateBrandDna: v2 } = await ok(me, UPDATE, { d: document, n: '  New tagline  ', b: v1.version });
    expect(v2).toMatchObject({ version: v1.version + 1, locale: 'fr', note: 'New tagline', restoredFromId: null });
    expect(v2.document.identity.tagline).toBe('Pain au levain, chaque nuit');
    expect(v2.provenance.identity).toMatchObject({ source: 'edit', snapshot: v2.version, by: L.clientAdmin.id });
    expect(v2.provenance.offer).toEqual(v1.provenance.offer);
    const after = await ok(me, LATEST);
    expect(after.brandDna.id).toBe(v2.id);
    expect(after.brandDnaHistory.map((s: Json) => s.version)).toEqual([v2.version, v1.version]);
  });

  it('lets one of two concurrent edits from the same version win; the other gets CONFLICT', async () => {
    const me = await as(L.fitnessAdmin);
    const base = await latest(me);
    const before = await versions(T.fitness);
    const edit = (tagline: string) => run(me, UPDATE, { d: { ...base.document, identity: { ...base.document.identity, tagline } }, b: base.version });
    const results = await Promise.all([edit('Stronger together'), edit('Move well, live well'), edit('Eight at a time')]);
    const won = results.filter((r) => !r.errors);
    const lost = results.filter((r) => r.errors);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(2);
    for (const r of lost) {
      expect(r.errors![0]!.extensions?.['code']).toBe('CONFLICT');
      expect(r.errors![0]!.message).toMatch(new RegExp(`started from version ${base.version}, the latest is version ${base.version + 1}`));
    }
    expect(await versions(T.fitness)).toEqual([...before, base.version + 1]);
    // A stale base is refused the same way, and writes nothing.
    const stale = await fails(me, UPDATE, { d: base.document, b: base.version });
    expect(stale.code).toBe('CONFLICT');
    expect(stale.extensions).toMatchObject({ baseVersion: base.version, latestVersion: base.version + 1 });
    expect(await versions(T.fitness)).toEqual([...before, base.version + 1]);
  });

  it('refuses invalid documents field by field and writes nothing', async () => {
    const me = await as(L.clientAdmin);
    const current = await latest(me);
    const before = await versions(T.bakery);
    const doc = current.document;
    const cases: Array<[Json, string]> = [
      [{ ...doc, tone: { ...doc.tone, address: 'you' } }, 'tone.address'],
      [{ ...doc, identity: { ...doc.identity, name: undefined } }, 'identity.name'],
      [{ ...doc, offer: { ...doc.offer, products: [{ name: 'Baguette', price_minor: 1.3, currency: 'EUR' }] } }, 'offer.products.0.price_minor'],
      [{ ...doc, offer: { ...doc.offer, services: [{ name: 'Atelier', price_minor: 6500, currency: 'euros' }] } }, 'offer.services.0.currency'],
      [{ ...doc, slogan: 'typo of tagline' }, 'slogan'],
      [{ ...doc, channels: ['instagram', 'myspace'] }, 'channels.1'],
      [{ ...doc, locale: 'French' }, 'locale'],
      [{ ...doc, audiences: [{ description: 'no persona' }] }, 'audiences.0.persona'],
    ];
    for (const [document, field] of cases) {
      const error = await fails(me, UPDATE, { d: JSON.parse(JSON.stringify(document)), b: current.version });
      expect(error.code, field).toBe('BAD_USER_INPUT');
      expect(error.extensions.field, error.message).toBe(field);
      expect(error.message.startsWith(field)).toBe(true);
    }
    // Every problem is listed, not only the first.
    const many = await fails(me, UPDATE, { d: { locale: 'fr', identity: {}, extra: 1 }, b: current.version });
    expect(many.extensions.fields.map((f: Json) => f.field).sort()).toEqual(['extra', 'identity.name', 'tone']);
    const note = await fails(me, UPDATE, { d: doc, n: 'x'.repeat(501), b: current.version });
    expect(note).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'note' } });
    const same = await fails(me, UPDATE, { d: doc, b: current.version });
    expect(same).toMatchObject({ code: 'BAD_USER_INPUT', message: `Nothing changed since version ${current.version}` });
    expect(await versions(T.bakery)).toEqual(before);
  });

  it('diffs two versions with paths, old and new values, elements matched by name', async () => {
    const me = await as(L.riadAdmin);
    const v1 = await latest(me);
    const doc = structuredClone(v1.document);
    doc.identity.tagline = 'Une maison d’hôtes au cœur de la médina';
    doc.offer.products[0].price_minor = 130000;
    doc.offer.products.unshift({ name: 'Chambre Jardin', price_minor: 90000, currency: 'MAD' });
    doc.competitors = doc.competitors.filter((c: Json) => c.name !== 'Dar Zellige Boutique Hotel');
    doc.values.push('Lenteur');
    const { updateBrandDna: v2 } = await ok(me, UPDATE, { d: doc, b: v1.version });
    const { brandDnaDiff } = await ok(me, DIFF, { f: v1.version, t: v2.version });
    expect(brandDnaDiff).toMatchObject({ fromVersion: v1.version, toVersion: v2.version });
    // jsonb keeps its own key order: compare as sets of changes.
    const byPath = (changes: Json[]) => [...changes].sort((a, b) => a.path.localeCompare(b.path));
    expect(byPath(brandDnaDiff.changes)).toEqual(byPath([
      { kind: 'CHANGED', path: 'identity.tagline', before: v1.document.identity.tagline, after: 'Une maison d’hôtes au cœur de la médina' },
      { kind: 'ADDED', path: 'values[5]', before: null, after: 'Lenteur' },
      { kind: 'CHANGED', path: 'offer.products[name=Chambre Patio].price_minor', before: 120000, after: 130000 },
      { kind: 'ADDED', path: 'offer.products[name=Chambre Jardin]', before: null, after: { name: 'Chambre Jardin', price_minor: 90000, currency: 'MAD' } },
      { kind: 'REMOVED', path: 'competitors[name=Dar Zellige Boutique Hotel]', before: v1.document.competitors[1], after: null },
    ]));
    // The other way round, additions become removals.
    const back = (await ok(me, DIFF, { f: v2.version, t: v1.version })).brandDnaDiff.changes;
    expect(Object.fromEntries(back.map((c: Json) => [c.path, c.kind]))).toEqual({
      'identity.tagline': 'CHANGED', 'values[5]': 'REMOVED', 'offer.products[name=Chambre Patio].price_minor': 'CHANGED',
      'offer.products[name=Chambre Jardin]': 'REMOVED', 'competitors[name=Dar Zellige Boutique Hotel]': 'ADDED',
    });
    expect((await ok(me, DIFF, { f: v1.version, t: v1.version })).brandDnaDiff.changes).toEqual([]);
    expect((await fails(me, DIFF, { f: v1.version, t: 99 })).code).toBe('NOT_FOUND');
  });

  it('restores an old version as a new snapshot', async () => {
    const me = await as(L.clientAdmin);
    const current = await latest(me);
    const { rows: [v1] } = await admin.query('select id, document, provenance from tenants.brand_dna_snapshot where tenant_id = $1 and version = 1', [T.bakery]);
    const { restoreBrandDna: restored } = await ok(me, RESTORE, { v: 1 });
    expect(restored).toMatchObject({ version: current.version + 1, note: 'Restored from v1', restoredFromId: v1.id });
    expect(restored.document).toEqual(v1.document);
    expect(restored.provenance).toEqual(v1.provenance);
    expect((await ok(me, DIFF, { f: 1, t: restored.version })).brandDnaDiff.changes).toEqual([]);
    // Restoring what is already current adds nothing.
    expect(await fails(me, RESTORE, { v: 1 })).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'version' } });
    expect(await fails(me, RESTORE, { v: 99 })).toMatchObject({ code: 'NOT_FOUND' });
    expect((await versions(T.bakery)).at(-1)).toBe(restored.version);
  });

  it("keeps each client's DNA to itself and its distributors", async () => {
    const fitness = await as(L.fitnessAdmin);
    const bakeryBefore = await versions(T.bakery);
    for (const [source, vars] of [[LATEST, { c: T.bakery }], [DIFF, { c: T.bakery, f: 1, t: 1 }], [RESTORE, { c: T.bakery, v: 1 }]] as const) {
      const error = await fails(fitness, source, vars);
      expect(error.code).toBe('NOT_FOUND');
    }
    const bakeryDoc = (await latest(await as(L.clientAdmin))).document;
    expect((await fails(fitness, UPDATE, { c: T.bakery, d: { ...bakeryDoc, mission: 'hijacked' }, b: bakeryBefore.length })).code).toBe('NOT_FOUND');
    expect(await versions(T.bakery)).toEqual(bakeryBefore);

    // Atlas Agency reads its clients (fitness, and riad through Atlas Maroc), not the Direct distributor's bakery.
    const atlas = await as(L.distributorAdmin);
    expect((await latest(atlas, T.fitness)).document.identity.name).toBe('Forge & Flow Studio');
    expect((await latest(atlas, T.riad)).document.identity.name).toBe('Riad Dar Yasmine');
    expect((await fails(atlas, LATEST, { c: T.bakery })).code).toBe('NOT_FOUND');
    // Atlas Maroc sees its riad only, not its parent's fitness client.
    const maroc = await as(L.subDistributorAdmin);
    expect((await latest(maroc, T.riad)).document.identity.name).toBe('Riad Dar Yasmine');
    expect((await fails(maroc, LATEST, { c: T.fitness })).code).toBe('NOT_FOUND');
    // A distributor has no DNA of its own to write.
    expect((await fails(atlas, UPDATE, { d: bakeryDoc, b: 0 })).code).toBe('NOT_FOUND');
    // Viewers read but cannot write.
    const viewer = await as(L.clientViewer);
    expect((await fails(viewer, UPDATE, { d: { ...bakeryDoc, mission: 'x' }, b: bakeryBefore.length })).code).toBe('FORBIDDEN');
    expect(await versions(T.bakery)).toEqual(bakeryBefore);
  });

  it('lets a distributor edit the DNA of a client in its subtree', async () => {
    const atlas = await as(L.distributorAdmin);
    const current = await latest(atlas, T.fitness);
    const { updateBrandDna: next } = await ok(atlas, UPDATE, { c: T.fitness, d: { ...current.document, mission: 'Strong, pain-free, confident.' }, n: 'Agency review', b: current.version });
    expect(next.version).toBe(current.version + 1);
    expect(next.provenance.mission).toMatchObject({ source: 'edit', by: L.distributorAdmin.id });
  });

  it('writes a first snapshot from version 0 for a client without DNA', async () => {
    const clientId = '0190f5e0-0000-7000-8000-0000000000f1';
    await admin.query(`set role ${OWNER_ROLE}`);
    await admin.query(`insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'client', $2, $3, 'Nouveau client', 'nouveau-client')`,
      [clientId, T.direct, `{${T.platform},${T.direct},${clientId}}`]);
    await admin.query('reset role');
    const document = { identity: { name: 'Nouveau client' }, locale: 'en' };
    const first = await withTenant(orm, clientId, null, ({ em }) => updateBrandDna(em, clientId, null, { document, note: null, baseVersion: 0 }));
    expect(first).toMatchObject({ version: 1, locale: 'en', note: null });
    await expect(withTenant(orm, clientId, null, ({ em }) => updateBrandDna(em, clientId, null, { document, baseVersion: 0 }))).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
