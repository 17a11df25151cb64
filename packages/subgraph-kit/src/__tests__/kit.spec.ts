import { GraphQLError, graphql as execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { AppError } from '@ensemble/tenancy/errors';
import { ANONYMOUS, type Identity } from '@ensemble/tenancy/identity';
import { buildGuardedSubgraphSchema } from '../schema.ts';
import { formatError } from '../errors.ts';
import { cachedGraphQL } from '../graphql-cache.ts';
import type { RequestContext } from '../context.ts';

const editor: Identity = { kind: 'user', actorId: 'u1', tenantId: 't1', role: 'client_editor', permissions: ['content:read', 'content:write'] };

function ctx(identity: Identity): RequestContext {
  return { identity, memo: new Map() } as unknown as RequestContext;
}

const schema = buildGuardedSubgraphSchema([{
  sdl: `extend type Query {
    hello: String @public
    secret: String @auth(requires: ["content:read"])
    publishNow: String @auth(requires: ["content:publish"])
    anyone: String @auth
  }`,
  resolvers: { Query: { hello: () => 'hi', secret: () => 's3cret', publishNow: () => 'published', anyone: () => 'ok' } },
}]);

async function run(query: string, identity: Identity) {
  const result = await execute({ schema, source: query, contextValue: ctx(identity) });
  return { data: result.data, codes: result.errors?.map((e) => (e.originalError as AppError | undefined)?.code) };
}

describe('guardSchema', () => {
  it('refuses to build a schema with a root field that is neither @auth nor @public', () => {
    expect(() => buildGuardedSubgraphSchema([{ sdl: 'extend type Query { leak: String }', resolvers: {} }]))
      .toThrow(/Unguarded GraphQL fields.*Query\.leak/);
    expect(() => buildGuardedSubgraphSchema([{ sdl: 'type Subscription { leak: String }', resolvers: {} }]))
      .toThrow(/Subscription\.leak/);
  });

  it('refuses permissions that do not exist', () => {
    expect(() => buildGuardedSubgraphSchema([{ sdl: 'extend type Query { x: String @auth(requires: ["content:reed"]) }', resolvers: {} }]))
      .toThrow(/unknown permissions: content:reed/);
  });

  it('lets public fields through, refuses anonymous callers and missing permissions', async () => {
    expect(await run('{ hello }', ANONYMOUS)).toEqual({ data: { hello: 'hi' }, codes: undefined });
    expect((await run('{ secret }', ANONYMOUS)).codes).toEqual(['UNAUTHENTICATED']);
    expect((await run('{ anyone }', ANONYMOUS)).codes).toEqual(['UNAUTHENTICATED']);
    expect(await run('{ secret anyone }', editor)).toEqual({ data: { secret: 's3cret', anyone: 'ok' }, codes: undefined });
    // An editor can create but not publish (T3).
    expect((await run('{ publishNow }', editor)).codes).toEqual(['FORBIDDEN']);
  });
});

describe('formatError', () => {
  it('keeps an AppError code and message', () => {
    const error = new GraphQLError('wrapped', { originalError: new AppError('NOT_FOUND', 'Content item not found'), path: ['contentItem'] });
    expect(formatError({ message: 'wrapped', path: ['contentItem'] }, error)).toEqual({
      message: 'Content item not found', path: ['contentItem'], locations: undefined, extensions: { code: 'NOT_FOUND' },
    });
  });

  it('masks anything else: no message, stack or address leaks', () => {
    const internal = new Error('connect ECONNREFUSED 10.0.0.7:5432 at /srv/app/db.ts:12');
    const error = new GraphQLError(internal.message, { originalError: internal, path: ['x'] });
    const formatted = formatError({ message: internal.message, path: ['x'], extensions: { stacktrace: ['at /srv/app/db.ts:12'] } }, error);
    expect(formatted).toEqual({ message: 'Internal server error', path: ['x'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(formatted)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7|\/srv/);
  });
});

describe('cachedGraphQL', () => {
  it('parses a text once, validates a document once per schema, and keeps nothing of a text that does not parse', () => {
    let parses = 0;
    const cache = cachedGraphQL({ parse: (source) => { parses++; return parse(source); }, maxDocuments: 2 });
    const first = cache.parse('{ hello }');
    expect(cache.parse('{ hello }')).toBe(first);
    expect(parses).toBe(1);
    expect(cache.validate(schema, first)).toEqual([]);
    expect(cache.validate(schema, first)).toBe(cache.validate(schema, first));
    const bad = cache.parse('{ nope }');
    expect(cache.validate(schema, bad).map((e) => e.message)).toEqual(['Cannot query field "nope" on type "Query".']);
    expect(() => cache.parse('{ broken')).toThrow(GraphQLError);
    expect(() => cache.parse('{ broken')).toThrow(GraphQLError);
    expect(parses).toBe(4);
    // Bounded: the least recently used text goes.
    cache.parse('{ secret }');
    cache.parse('{ hello }');
    expect(parses).toBe(6);
  });
});
