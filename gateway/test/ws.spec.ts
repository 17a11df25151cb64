// Subscriptions and operations over graphql-ws through the gateway, against
// real subgraphs; events are published through PostgreSQL (PgPubSub).
import './support/env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startGateway, type RunningGateway } from '../src/server.ts';
import { WS_UNAUTHENTICATED } from '../src/subscription-forwarder.ts';
import { API_KEY_IDENTITY, VALID_API_KEY, startTestSubgraphs, type TestSubgraphs } from './support/subgraphs.ts';
import { bearer, collect, expiredAccessToken, until, user, wsClient } from './support/client.ts';

const BASE = 15520;
const TENANT_B = '00000000-0000-7000-8000-00000000000b';
const TENANT_C = '00000000-0000-7000-8000-00000000000c';
const LIMITS = { maxDepth: 6, maxAliases: 5, maxCost: 300, maxDirectives: 5, maxTokens: 400 };

let subgraphs: TestSubgraphs;
let gateway: RunningGateway;
let production: RunningGateway;

beforeAll(async () => {
  subgraphs = await startTestSubgraphs(BASE, 'gwtest_ws');
  const common = { supergraphSdl: subgraphs.supergraphSdl, subgraphUrls: subgraphs.urls, subgraphTimeoutMs: 1000, limits: LIMITS };
  gateway = await startGateway({ ...common, port: BASE + 10, production: false });
  production = await startGateway({ ...common, port: BASE + 11, production: true });
});

afterAll(async () => {
  await gateway?.close();
  await production?.close();
  await subgraphs?.close();
});

const auth = async (tenantId: string, permissions?: Parameters<typeof user>[1]) => ({ authorization: (await bearer(user(tenantId, permissions))).authorization! });

/** Publishes until the subscriber has `n` results: the upstream subscription starts asynchronously. */
async function publishUntil(tenantId: string, got: () => number, n: number): Promise<void> {
  let i = 0;
  await until(async () => {
    if (got() >= n) return true;
    await subgraphs.pubsub.publish(`${tenantId}:ping`, { tenantId, n: ++i });
    return false;
  }, 10_000, 100);
}

describe('connection', () => {
  it('refuses an upgrade from an origin outside WEB_ORIGINS', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(gateway.wsUrl, 'graphql-transport-ws', { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
      ws.on('open', () => reject(new Error('opened')));
      ws.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  it('accepts an allowed origin', async () => {
    const client = wsClient(gateway.wsUrl, {}, 'http://localhost:5173');
    try {
      const run = collect(client, '{ hello }');
      await run.done;
      expect(run.results).toEqual([{ data: { hello: 'hello from tenants' } }]);
    } finally {
      await client.dispose();
    }
  });

  it('closes with 4401 on an expired access token', async () => {
    const client = wsClient(gateway.wsUrl, { authorization: `Bearer ${expiredAccessToken(user(TENANT_B))}` });
    try {
      const run = collect(client, '{ hello }');
      await run.done;
      expect((run.error as { code?: number }).code).toBe(WS_UNAUTHENTICATED);
    } finally {
      await client.dispose();
    }
  });
});

describe('subscriptions', () => {
  it('forwards a subscription to its subgraph with the caller identity, end to end', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    try {
      const run = collect(client, 'subscription { pings { tenantId n again { n } } }');
      await publishUntil(TENANT_B, () => run.results.length, 2);
      expect(run.error).toBeUndefined();
      for (const result of run.results) {
        expect(result.errors).toBeUndefined();
        const ping = (result.data as { pings: { tenantId: string; n: number; again: { n: number } } }).pings;
        // The subgraph subscribed to the topic of the tenant taken from the forwarded identity.
        expect(ping.tenantId).toBe(TENANT_B);
        expect(ping.again.n).toBe(ping.n);
      }
      // Completing one subscription closes it upstream while the connection stays open.
      const other = collect(client, 'subscription { pings { n } }');
      await publishUntil(TENANT_B, () => other.results.length, 1);
      expect(subgraphs.counters.activePings).toBe(2);
      run.dispose();
      await until(() => subgraphs.counters.activePings === 1);
      await publishUntil(TENANT_B, () => other.results.length, 2);
      other.dispose();
      await until(() => subgraphs.counters.activePings === 0);
    } finally {
      await client.dispose();
    }
  });

  it('keeps tenants apart', async () => {
    const b = wsClient(gateway.wsUrl, await auth(TENANT_B));
    const c = wsClient(gateway.wsUrl, await auth(TENANT_C));
    try {
      const runB = collect(b, 'subscription { pings { tenantId } }');
      const runC = collect(c, 'subscription { pings { tenantId } }');
      await publishUntil(TENANT_C, () => runC.results.length, 1);
      await publishUntil(TENANT_B, () => runB.results.length, 1);
      expect(runB.results.every((r) => (r.data as { pings: { tenantId: string } }).pings.tenantId === TENANT_B)).toBe(true);
      expect(runC.results.every((r) => (r.data as { pings: { tenantId: string } }).pings.tenantId === TENANT_C)).toBe(true);
    } finally {
      await b.dispose();
      await c.dispose();
    }
  });

  it('authenticates an integrator by API key at connect time', async () => {
    const client = wsClient(gateway.wsUrl, { authorization: `Bearer ${VALID_API_KEY}` });
    try {
      const run = collect(client, 'subscription { pings { tenantId } }');
      await publishUntil(API_KEY_IDENTITY.tenantId, () => run.results.length, 1);
      expect(run.results[0]).toEqual({ data: { pings: { tenantId: API_KEY_IDENTITY.tenantId } } });
    } finally {
      await client.dispose();
    }
  });

  it('closes upstream subscriptions when the client disconnects', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    const run = collect(client, 'subscription { pings { n } }');
    await publishUntil(TENANT_B, () => run.results.length, 1);
    expect(subgraphs.counters.activePings).toBe(1);
    await client.dispose();
    await until(() => subgraphs.counters.activePings === 0);
  });

  it('relays the subgraph refusing an anonymous subscriber', async () => {
    const client = wsClient(gateway.wsUrl);
    try {
      const run = collect(client, 'subscription { pings { n } }');
      await run.done;
      const errors = [...run.results.flatMap((r) => r.errors ?? []), ...(Array.isArray(run.error) ? run.error : [])];
      expect(errors[0]).toMatchObject({ message: 'Sign in to do this', extensions: { code: 'UNAUTHENTICATED' } });
    } finally {
      await client.dispose();
    }
  });

  it('relays a missing permission as FORBIDDEN', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B, ['tenants:read']));
    try {
      const run = collect(client, 'subscription { pings { n } }');
      await run.done;
      expect(run.results[0]?.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    } finally {
      await client.dispose();
    }
  });

  it('reports a down owning subgraph as SUBGRAPH_UNAVAILABLE, without internals', async () => {
    const client = wsClient(gateway.wsUrl);
    try {
      const run = collect(client, 'subscription { analyticsTicks }');
      await run.done;
      expect(run.error).toEqual([{ message: 'The analytics service is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', service: 'analytics' } }]);
      // The connection survives: another operation still runs on it.
      const next = collect(client, '{ hello }');
      await next.done;
      expect(next.results).toEqual([{ data: { hello: 'hello from tenants' } }]);
    } finally {
      await client.dispose();
    }
  });
});

describe('limits over WebSocket', () => {
  const deep = `subscription { pings { ${'again { '.repeat(7)}n${' }'.repeat(7)} } }`;

  it('refuses a subscription deeper than the limit', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    try {
      const run = collect(client, deep);
      await run.done;
      expect(run.error).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
      expect((run.error as { message: string }[])[0]!.message).toMatch(/depth limit of 6/);
      expect(subgraphs.counters.activePings).toBe(0);
    } finally {
      await client.dispose();
    }
  });

  it('refuses too many aliases, too much cost, too many tokens', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    try {
      const cases: [string, string, RegExp][] = [
        [`subscription { pings { ${Array.from({ length: 6 }, (_, i) => `a${i}: n`).join(' ')} } }`, 'GRAPHQL_VALIDATION_FAILED', /Aliases limit of 5/i],
        [`subscription { pings { ${'n '.repeat(200)}} }`, 'GRAPHQL_VALIDATION_FAILED', /cost limit of 300/i],
        [`subscription { pings { n ${'@include(if: true) '.repeat(6)}} }`, 'GRAPHQL_VALIDATION_FAILED', /Directives limit of 5/i],
        [`subscription { pings { ${'n '.repeat(450)}} }`, 'GRAPHQL_PARSE_FAILED', /more that 400 tokens/],
      ];
      for (const [query, code, message] of cases) {
        const run = collect(client, query);
        await run.done;
        const errors = run.error as { message: string; extensions: { code: string } }[];
        expect(errors[0]?.extensions.code).toBe(code);
        expect(errors[0]?.message).toMatch(message);
      }
    } finally {
      await client.dispose();
    }
  });

  it('applies the same limits to queries sent over the socket', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    try {
      const run = collect(client, `{ tenantTree { ${'children { '.repeat(8)}id${' }'.repeat(8)} } }`);
      await run.done;
      const errors = run.results[0]?.errors ?? [];
      expect(errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      expect(errors[0]?.message).toMatch(/depth limit of 6/);
    } finally {
      await client.dispose();
    }
  });
});

describe('queries and mutations over WebSocket', () => {
  it('run through the gateway executor with the connection identity', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    try {
      const query = collect(client, '{ whoami { tenantId } tenantTree { id contentCount } }');
      await query.done;
      expect(query.results).toEqual([{ data: { whoami: { tenantId: TENANT_B }, tenantTree: { id: 'root', contentCount: 3 } } }]);
      const mutation = collect(client, 'mutation { bump(key: "ws-m") }');
      await mutation.done;
      expect(mutation.results).toEqual([{ data: { bump: 1 } }]);
    } finally {
      await client.dispose();
    }
  });

  it('are masked like HTTP responses', async () => {
    const client = wsClient(gateway.wsUrl);
    try {
      const run = collect(client, '{ hello crash analyticsHello }');
      await run.done;
      const text = JSON.stringify(run.results);
      expect(run.results[0]?.data).toEqual({ hello: 'hello from tenants', crash: null, analyticsHello: null });
      expect(run.results[0]?.errors?.map((e) => e.extensions?.['code']).sort()).toEqual(['INTERNAL_SERVER_ERROR', 'SUBGRAPH_UNAVAILABLE']);
      expect(text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|127\.0\.0\.1|stack/i);
    } finally {
      await client.dispose();
    }
  });
});

describe('a one-subgraph mutation next to an open subscription', () => {
  const nudge = 'mutation Nudge($n: Int!) { nudge(n: $n) }';
  const writer = (tenantId: string) => auth(tenantId, ['tenants:read', 'content:read', 'content:write']);
  const run = async (client: ReturnType<typeof wsClient>, query: string, variables?: Record<string, unknown>) => {
    const op = collect(client, query, variables);
    await op.done;
    return op.results;
  };

  it('goes over the open socket with the connection identity, and through the planner otherwise', async () => {
    const client = wsClient(gateway.wsUrl, await writer(TENANT_B));
    try {
      // No subscription yet: the planner sends it over HTTP under its own operation name.
      const planned = await run(client, nudge, { n: 1 });
      expect((planned[0]?.data as { nudge: string } | undefined)?.nudge).toMatch(new RegExp(`^${TENANT_B}:1:Nudge__content__\\d+$`));
      const sub = collect(client, 'subscription { pings { n } }');
      await publishUntil(TENANT_B, () => sub.results.length, 1);
      expect(await run(client, nudge, { n: 2 })).toEqual([{ data: { nudge: `${TENANT_B}:2:Nudge` } }]);
      // A root field of another subgraph in the same mutation: planned.
      const mixed = await run(client, 'mutation Mixed { nudge(n: 3) bump(key: "direct-mixed") }');
      expect((mixed[0]?.data as { nudge: string } | undefined)?.nudge).toMatch(/:3:Mixed__content__\d+$/);
      sub.dispose();
      await until(() => subgraphs.counters.activePings === 0);
      const after = await run(client, nudge, { n: 4 });
      expect((after[0]?.data as { nudge: string } | undefined)?.nudge).toMatch(/:4:Nudge__content__\d+$/);
    } finally {
      await client.dispose();
    }
  });

  it('keeps each connection to its own identity', async () => {
    const b = wsClient(gateway.wsUrl, await writer(TENANT_B));
    const c = wsClient(gateway.wsUrl, await writer(TENANT_C));
    try {
      const subB = collect(b, 'subscription { pings { n } }');
      const subC = collect(c, 'subscription { pings { n } }');
      await publishUntil(TENANT_B, () => subB.results.length, 1);
      await publishUntil(TENANT_C, () => subC.results.length, 1);
      expect(await run(b, nudge, { n: 5 })).toEqual([{ data: { nudge: `${TENANT_B}:5:Nudge` } }]);
      expect(await run(c, nudge, { n: 6 })).toEqual([{ data: { nudge: `${TENANT_C}:6:Nudge` } }]);
    } finally {
      await b.dispose();
      await c.dispose();
    }
  });

  it('is validated, coerced and masked like the planned path', async () => {
    const client = wsClient(production.wsUrl, await writer(TENANT_B));
    try {
      const sub = collect(client, 'subscription { pings { n } }');
      await publishUntil(TENANT_B, () => sub.results.length, 1);
      const badVariable = await run(client, nudge, { n: 'seven' });
      expect(badVariable[0]?.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      const unknownField = await run(client, 'mutation { nudge(n: 1, extra: 2) }');
      expect(unknownField[0]?.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      const notFound = await run(client, nudge, { n: 0 });
      expect(notFound[0]?.errors?.map((e) => [e.message, e.extensions?.['code']])).toEqual([['Nothing to nudge', 'NOT_FOUND']]);
      const crash = await run(client, nudge, { n: -1 });
      expect(crash[0]?.errors?.map((e) => e.extensions?.['code'])).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(JSON.stringify(crash)).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|stack/i);
      // Still on the socket after the errors.
      expect(await run(client, nudge, { n: 8 })).toEqual([{ data: { nudge: `${TENANT_B}:8:Nudge` } }]);
    } finally {
      await client.dispose();
    }
  });

  it('times out like the HTTP route, and the connection goes on', async () => {
    const client = wsClient(gateway.wsUrl, await writer(TENANT_B));
    try {
      const sub = collect(client, 'subscription { pings { n } }');
      await publishUntil(TENANT_B, () => sub.results.length, 1);
      const slow = collect(client, nudge, { n: 3000 });
      await slow.done;
      // graphql-ws delivers an operation's failure as its error message, with no result.
      expect(slow.results).toEqual([]);
      const errors = slow.error as Array<{ message: string; extensions?: Record<string, unknown> }>;
      expect(errors?.map((e) => [e.message, e.extensions?.['code']])).toEqual([['The content service did not answer in time', 'SUBGRAPH_TIMEOUT']]);
      expect(await run(client, nudge, { n: 9 })).toEqual([{ data: { nudge: `${TENANT_B}:9:Nudge` } }]);
      // The subscription beside it still delivers.
      await publishUntil(TENANT_B, () => sub.results.length, 2);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a caller without the permission, on the socket too', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    try {
      const sub = collect(client, 'subscription { pings { n } }');
      await publishUntil(TENANT_B, () => sub.results.length, 1);
      expect(await run(client, nudge, { n: 1 })).toMatchObject([{ errors: [{ extensions: { code: 'FORBIDDEN' } }] }]);
    } finally {
      await client.dispose();
    }
  });
});

describe('production mode over WebSocket', () => {
  it('refuses introspection and hides suggestions', async () => {
    const client = wsClient(production.wsUrl);
    try {
      const intro = collect(client, '{ __schema { queryType { name } } }');
      await intro.done;
      expect(intro.results[0]?.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
      const typo = collect(client, 'subscription { pingz { n } }');
      await typo.done;
      expect((typo.error as { message: string }[])[0]?.message).toBe('Cannot query field "pingz" on type "Subscription".');
    } finally {
      await client.dispose();
    }
  });

  it('keeps suggestions in development', async () => {
    const client = wsClient(gateway.wsUrl);
    try {
      const typo = collect(client, 'subscription { pingz { n } }');
      await typo.done;
      expect((typo.error as { message: string }[])[0]?.message).toMatch(/Did you mean "pings"\?/);
    } finally {
      await client.dispose();
    }
  });
});

// Last: stops the content subgraph for good.
describe('an owning subgraph going away', () => {
  it('ends its subscriptions with SUBGRAPH_UNAVAILABLE and keeps the connection', async () => {
    const client = wsClient(gateway.wsUrl, await auth(TENANT_B));
    try {
      const run = collect(client, 'subscription { pings { n } }');
      await publishUntil(TENANT_B, () => run.results.length, 1);
      await subgraphs.stopContent();
      await run.done;
      expect(run.error).toEqual([{ message: 'The content service is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', service: 'content' } }]);
      const after = collect(client, '{ hello }');
      await after.done;
      expect(after.results).toEqual([{ data: { hello: 'hello from tenants' } }]);
    } finally {
      await client.dispose();
    }
  });
});
