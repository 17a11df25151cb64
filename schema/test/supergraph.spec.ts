import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { fieldAccess } from '@ensemble/subgraph-kit/auth-directives';
import { buildGuardedSubgraphSchema, SUBGRAPH_PRELUDE, type SubgraphModule } from '@ensemble/subgraph-kit/schema';
import {
  composeSupergraph, diffSummary, findStaleFiles, generateSchemaFiles, loadSubgraphModules, printSubgraph,
} from '../src/composition.ts';
import { readSupergraphSdl, rootFieldOwners, subscriptionOwner, subscriptionOwners } from '../src/supergraph.ts';
import { SUBGRAPH_NAMES } from '../src/subgraphs.ts';

const FEDERATION_FIELDS = new Set(['_service', '_entities']);

/** Root fields carrying neither @auth nor @public. */
function unguardedRootFields(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (FEDERATION_FIELDS.has(field.name)) continue;
      if (fieldAccess(field).kind === 'unguarded') out.push(`${root!.name}.${field.name}`);
    }
  }
  return out;
}

describe('committed schemas', () => {
  it('subgraphs/*/schema.graphql and schema/supergraph.graphql match composition (run `npm run compose`)', async () => {
    const stale = await findStaleFiles();
    expect(stale.map((s) => `${s.path}\n${s.summary}`)).toEqual([]);
  });

  it('reports a stale or missing file with a diff summary', async () => {
    const generated = await generateSchemaFiles({ fromSdlFiles: true });
    const dir = await mkdtemp(join(tmpdir(), 'ens-schema-'));
    try {
      const copies = generated.map((f, i) => ({ path: join(dir, `${i}.graphql`), content: f.content }));
      for (const c of copies.slice(1)) await writeFile(c.path, c.content);
      await writeFile(copies[1]!.path, copies[1]!.content.replace(/\n$/, '\n  extra: Int\n'));
      const stale = await findStaleFiles(copies);
      expect(stale.map((s) => s.path)).toEqual([copies[0]!.path, copies[1]!.path]);
      expect(stale[0]!.summary).toContain('missing');
      expect(stale[1]!.summary).toContain('-   extra: Int');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('summarises added and removed lines', () => {
    expect(diffSummary('a\nb\nc', 'a\nc\nd')).toBe('  - b\n  + d');
    expect(diffSummary('a\nb', 'b\na')).toContain('different order');
  });
});

describe('every root field is @auth or @public', () => {
  it.each(SUBGRAPH_NAMES)('%s', async (name) => {
    const { modules } = await loadSubgraphModules(name);
    // buildGuardedSubgraphSchema throws on an unguarded field; the walk checks the result again.
    const schema = buildGuardedSubgraphSchema(modules);
    expect(unguardedRootFields(schema)).toEqual([]);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).length).toBeGreaterThan(2);
  });

  const unguarded: SubgraphModule = {
    sdl: 'extend type Query { guarded: String @public\n leak: String }\nextend type Subscription { leakStream: String }',
    resolvers: {},
  };

  it('the walk finds an unguarded field', () => {
    const raw = buildSubgraphSchema([{ typeDefs: parse(SUBGRAPH_PRELUDE) }, { typeDefs: parse(unguarded.sdl) }]);
    expect(unguardedRootFields(raw)).toEqual(['Query.leak', 'Subscription.leakStream']);
  });

  it('the guard refuses to build a subgraph with an unguarded field', () => {
    expect(() => buildGuardedSubgraphSchema([unguarded])).toThrow(/Unguarded GraphQL fields.*Query\.leak.*Subscription\.leakStream/);
    expect(() => printSubgraph([unguarded])).toThrow(/Unguarded/);
  });

  it('the guard refuses an unknown permission', () => {
    expect(() => buildGuardedSubgraphSchema([{ sdl: 'extend type Query { x: String @auth(requires: ["nope:nope"]) }', resolvers: {} }]))
      .toThrow(/unknown permissions: nope:nope/);
  });
});

describe('subscription owners', () => {
  it('maps the product subscriptions to the content subgraph', () => {
    const sdl = readSupergraphSdl();
    const owners = subscriptionOwners(sdl);
    expect(owners.size).toBeGreaterThan(0);
    expect(subscriptionOwner(sdl, 'seoScore')).toEqual({ enumValue: 'CONTENT', name: 'content', url: 'http://127.0.0.1:4002/graphql' });
    expect(subscriptionOwner(sdl, 'pipelineProgress')?.name).toBe('content');
    expect(subscriptionOwner(sdl, 'noSuchField')).toBeNull();
  });

  it('maps mutation fields to their subgraphs too', () => {
    const mutations = rootFieldOwners(readSupergraphSdl(), 'mutation');
    expect(mutations.get('scoreDraft')?.name).toBe('content');
    expect(mutations.get('createDraft')?.name).toBe('content');
    expect([...mutations.values()].some((g) => g.name === 'tenants')).toBe(true);
    expect(mutations.has('seoScore')).toBe(false);
  });

  it('tells owners apart when several subgraphs define subscriptions', () => {
    const sub = (field: string) => printSubgraph([{ sdl: `type Subscription { ${field}: String @public }\nextend type Query { q${field}: String @public }`, resolvers: {} }]);
    const supergraph = composeSupergraph([
      { name: 'alpha', url: 'http://alpha.test/graphql', sdl: sub('ticks') },
      { name: 'beta', url: 'http://beta.test/graphql', sdl: sub('tocks') },
    ]);
    expect(subscriptionOwner(supergraph, 'ticks')).toMatchObject({ name: 'alpha', url: 'http://alpha.test/graphql' });
    expect(subscriptionOwner(supergraph, 'tocks')).toMatchObject({ name: 'beta', url: 'http://beta.test/graphql' });
  });
});
