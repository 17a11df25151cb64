// The gateway over HTTP, against real subgraphs (startSubgraph + PostgreSQL).
import './support/env.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY_IDENTITY_HEADER, signInternalIdentity } from '@ensemble/tenancy/identity';
import { startGateway, type RunningGateway } from '../src/server.ts';
import { isDedupableBody } from '../src/subgraph-fetcher.ts';
import { Authenticator } from '../src/auth.service.ts';
import { InternalTokens } from '../src/internal-token.ts';
import { gatewayConfigFromEnv } from '../src/main.ts';
import { API_KEY_IDENTITY, VALID_API_KEY, startTestSubgraphs, type TestSubgraphs } from './support/subgraphs.ts';
import { bearer, expiredAccessToken, post, user } from './support/client.ts';

const BASE = 15500;
const TENANT_A = '00000000-0000-7000-8000-00000000000a';
const LIMITS = { maxDepth: 6, maxAliases: 5, maxCost: 300, maxDirectives: 5, maxTokens: 400 };

let subgraphs: TestSubgraphs;
let gateway: RunningGateway;
let production: RunningGateway;

beforeAll(async () => {
  subgraphs = await startTestSubgraphs(BASE, 'gwtest_http');
  const common = { supergraphSdl: subgraphs.supergraphSdl, subgraphUrls: subgraphs.urls, subgraphTimeoutMs: 1000, limits: LIMITS };
  gateway = await startGateway({ ...common, port: BASE + 10, production: false });
  production = await startGateway({ ...common, port: BASE + 11, production: true });
});

afterAll(async () => {
  await gateway?.close();
  await production?.close();
  await subgraphs?.close();
});

describe('health', () => {
  it('GET /health answers', async () => {
    const response = await fetch(gateway.url.replace('/graphql', '/health'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, service: 'gateway' });
  });
});

describe('public routes', () => {
  const origin = () => gateway.url.replace('/graphql', '');

  it('forwards a one-click unsubscribe POST to its subgraph as an anonymous, gateway-signed caller', async () => {
    const token = 'tok_0123456789abcdef';
    const response = await fetch(`${origin()}/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ token, body: 'List-Unsubscribe=One-Click', identity: expect.objectContaining({ role: 'anonymous' }) });
  });

  it('forwards nothing else: other paths and methods stay closed', async () => {
    expect((await fetch(`${origin()}/u/tok_0123456789abcdef`)).status).toBe(404);
    expect((await fetch(`${origin()}/u/short`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${origin()}/public/u/tok_0123456789abcdef`, { method: 'POST' })).status).toBe(404);
  });
});

describe('identity', () => {
  it('forwards the tenant of the access token to the subgraph', async () => {
    const { status, body } = await post(gateway.url, '{ whoami { kind tenantId role permissions } }', await bearer(user(TENANT_A)));
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ whoami: { kind: 'user', tenantId: TENANT_A, role: 'client_admin', permissions: ['tenants:read', 'content:read'] } });
  });

  it('anonymous callers reach @public fields and are refused by @auth ones', async () => {
    const { body } = await post(gateway.url, '{ hello whoami { tenantId } }');
    expect(body.data).toBeNull(); // whoami is non-null, so the refusal nulls the whole result
    expect(body.errors?.[0]).toMatchObject({ message: 'Sign in to do this', path: ['whoami'], extensions: { code: 'UNAUTHENTICATED' } });
    expect((await post(gateway.url, '{ hello }')).body.data).toEqual({ hello: 'hello from tenants' });
  });

  it('refuses an expired or malformed access token with 401 UNAUTHENTICATED', async () => {
    for (const token of [expiredAccessToken(user(TENANT_A)), 'not-a-jwt', `${(await bearer(user(TENANT_A))).authorization!.slice(7)}x`]) {
      const { status, body } = await post(gateway.url, '{ hello }', { authorization: `Bearer ${token}` });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
      expect(body.data).toBeUndefined();
    }
  });

  it('verifies API keys with the tenants subgraph and caches the answer', async () => {
    const before = subgraphs.counters.verifyCalls;
    const viaHeader = await post(gateway.url, '{ whoami { kind actorId tenantId } }', { 'x-api-key': VALID_API_KEY });
    expect(viaHeader.body.data).toEqual({ whoami: { kind: 'api_key', actorId: API_KEY_IDENTITY.actorId, tenantId: API_KEY_IDENTITY.tenantId } });
    const viaBearer = await post(gateway.url, '{ whoami { kind tenantId } }', { authorization: `Bearer ${VALID_API_KEY}` });
    expect(viaBearer.body.data).toEqual({ whoami: { kind: 'api_key', tenantId: API_KEY_IDENTITY.tenantId } });
    expect(subgraphs.counters.verifyCalls - before).toBe(1);
    // The gateway presents itself as the system identity.
    expect(subgraphs.counters.verifyCallers.at(-1)).toMatchObject({ kind: 'system', actorId: 'gateway' });
  });

  it('treats an unknown API key as anonymous and does not cache the refusal', async () => {
    const before = subgraphs.counters.verifyCalls;
    for (let i = 0; i < 2; i++) {
      const { status, body } = await post(gateway.url, '{ whoami { tenantId } }', { 'x-api-key': 'ens_unknown_key' });
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
    expect(subgraphs.counters.verifyCalls - before).toBe(2);
  });

  it('asks again once a cached API key expires', async () => {
    const authenticator = new Authenticator({
      apiKeyVerifyUrl: new URL('/internal/api-keys/verify', subgraphs.urls.tenants).toString(), tokens: new InternalTokens(), apiKeyCacheMs: 200,
    });
    const before = subgraphs.counters.verifyCalls;
    expect(await authenticator.identify({ apiKey: VALID_API_KEY })).toEqual(API_KEY_IDENTITY);
    expect(await authenticator.identify({ authorization: `Bearer ${VALID_API_KEY}` })).toEqual(API_KEY_IDENTITY);
    expect(subgraphs.counters.verifyCalls - before).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    await authenticator.identify({ apiKey: VALID_API_KEY });
    expect(subgraphs.counters.verifyCalls - before).toBe(2);
  });

  it('fails clearly when API keys cannot be verified', async () => {
    const authenticator = new Authenticator({ apiKeyVerifyUrl: `http://127.0.0.1:${BASE + 99}/internal/api-keys/verify`, tokens: new InternalTokens() });
    await expect(authenticator.identify({ apiKey: VALID_API_KEY })).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_UNAVAILABLE' } });
    // No credentials never needs the verifier.
    expect((await authenticator.identify({})).role).toBe('anonymous');
  });

  it('a subgraph refuses a direct call without a gateway-signed identity', async () => {
    const direct = await post(subgraphs.urls.tenants, '{ hello }');
    expect(direct.status).toBe(401);
    const forged = await signInternalIdentity(user(TENANT_A), new TextEncoder().encode('some-other-secret-that-is-32-chars-long!!'));
    expect((await post(subgraphs.urls.tenants, '{ hello }', { [GATEWAY_IDENTITY_HEADER]: forged })).status).toBe(401);
    const genuine = await signInternalIdentity(user(TENANT_A));
    expect((await post(subgraphs.urls.tenants, '{ hello }', { [GATEWAY_IDENTITY_HEADER]: genuine })).status).toBe(200);
  });
});

describe('limits over HTTP', () => {
  const nested = (levels: number) => `{ tenantTree { ${'children { '.repeat(levels)}id${' }'.repeat(levels)} } }`;

  it('accepts a query within the depth limit', async () => {
    const { body } = await post(gateway.url, nested(3), await bearer(user(TENANT_A)));
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ tenantTree: { children: [{ children: [{ children: [{ id: 'root.1.1.1' }] }] }] } });
  });

  it('refuses a query deeper than the limit', async () => {
    const { status, body } = await post(gateway.url, nested(8), await bearer(user(TENANT_A)));
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/depth limit of 6/);
  });

  it('refuses too many aliases', async () => {
    const { status, body } = await post(gateway.url, `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: hello`).join(' ')} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(body.errors?.[0]?.message).toMatch(/Aliases limit of 5/i);
  });

  it('refuses a query over the cost limit', async () => {
    // shallow and alias-free, but 2 + 1.5 × 200 fields = 302 > 300
    const query = `{ tenantTree { ${'name '.repeat(200)}} }`;
    const { status, body } = await post(gateway.url, query, await bearer(user(TENANT_A)));
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/cost limit of 300/i);
  });

  it('refuses too many directives', async () => {
    const { status, body } = await post(gateway.url, `{ hello ${'@include(if: true) '.repeat(6)} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/Directives limit of 5/i);
  });

  it('refuses a document with too many tokens', async () => {
    const { status, body } = await post(gateway.url, `{ ${'__typename '.repeat(450)} }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/more that 400 tokens/);
  });
});

describe('production mode', () => {
  const introspection = '{ __schema { queryType { name } } }';

  it('allows introspection and suggestions in development', async () => {
    expect((await post(gateway.url, introspection)).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await post(gateway.url, '{ helo }')).body.errors?.[0]?.message).toMatch(/Did you mean "hello"\?/);
  });

  it('refuses introspection and hides field suggestions', async () => {
    const { status, body } = await post(production.url, introspection);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await post(production.url, '{ helo }');
    expect(typo.body.errors?.[0]?.message).toBe('Cannot query field "helo" on type "Query".');
  });
});

describe('malformed requests', () => {
  it('answers bad JSON and oversized bodies with JSON errors, no stack', async () => {
    const bad = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    const badText = await bad.text();
    expect(JSON.parse(badText)).toEqual({ errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    const big = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ hello } #${'x'.repeat(1_100_000)}` }) });
    expect(big.status).toBe(413);
    expect(await big.text()).not.toMatch(/at |node_modules/);
  });
});

describe('subscriptions over HTTP', () => {
  it('are refused with a pointer to the WebSocket endpoint', async () => {
    const { status, body } = await post(gateway.url, 'subscription { pings { n } }', await bearer(user(TENANT_A)));
    expect(status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/WebSocket/), extensions: { code: 'BAD_REQUEST' } });
  });
});

describe('CSRF prevention', () => {
  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    it(`refuses a simple POST sent as ${contentType}`, async () => {
      const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify({ query: '{ hello }' }) });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/CSRF/);
    });
  }

  it('refuses a GET query without a preflight header, accepts it with one', async () => {
    const url = `${gateway.url}?query=${encodeURIComponent('{ hello }')}`;
    expect((await fetch(url)).status).toBe(400);
    const ok = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(await ok.json()).toEqual({ data: { hello: 'hello from tenants' } });
  });

  it('answers CORS preflights for allowed web origins only', async () => {
    const preflight = (origin: string) => fetch(gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await preflight('http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('errors', () => {
  it('keeps AppError codes and messages from subgraphs', async () => {
    const { body } = await post(gateway.url, '{ missing }', await bearer(user(TENANT_A)));
    expect(body.errors).toEqual([{ message: 'Widget not found', path: ['missing'], extensions: { code: 'NOT_FOUND' } }]);
  });

  it('masks unexpected errors', async () => {
    const { text, body } = await post(gateway.url, '{ hello crash }');
    expect(body.data).toEqual({ hello: 'hello from tenants', crash: null });
    expect(body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|\/srv\/|stack/i);
  });

  it('a down subgraph gives partial data and a masked error', async () => {
    const { status, text, body } = await post(gateway.url, '{ hello analyticsHello }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ hello: 'hello from tenants', analyticsHello: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ message: 'The analytics service is unavailable', extensions: { code: 'SUBGRAPH_UNAVAILABLE', service: 'analytics' } });
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|555\d\d|stack|fetch failed/i);
  });

  it('a slow subgraph times out with partial data', async () => {
    const started = Date.now();
    const { text, body } = await post(gateway.url, '{ hello slow(ms: 4000) }');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(body.data).toEqual({ hello: 'hello from tenants', slow: null });
    expect(body.errors?.[0]).toMatchObject({ message: 'The content service did not answer in time', extensions: { code: 'SUBGRAPH_TIMEOUT', service: 'content' } });
    expect(text).not.toMatch(/127\.0\.0\.1|abort|stack/i);
    // Within the timeout the same field answers.
    expect((await post(gateway.url, '{ slow(ms: 50) }')).body.data).toEqual({ slow: 'slow done' });
  });
});

describe('subgraph fetches', () => {
  it('shares one subgraph request among identical in-flight queries', async () => {
    const headers = await bearer(user(TENANT_A));
    const results = await Promise.all(Array.from({ length: 5 }, () => post(gateway.url, '{ counted(key: "q1") }', headers)));
    expect(results.map((r) => r.body.data)).toEqual(Array(5).fill({ counted: 1 }));
    expect(subgraphs.counters.calls.get('q1')).toBe(1);
  });

  it('does not share between different callers', async () => {
    await Promise.all([post(gateway.url, '{ counted(key: "q2") }', await bearer(user(TENANT_A))), post(gateway.url, '{ counted(key: "q2") }')]);
    expect(subgraphs.counters.calls.get('q2')).toBe(2);
  });

  it('never shares mutations', async () => {
    const results = await Promise.all(Array.from({ length: 3 }, () => post(gateway.url, 'mutation { bump(key: "m1") }')));
    expect(results.map((r) => r.body.data?.['bump']).sort()).toEqual([1, 2, 3]);
    expect(subgraphs.counters.calls.get('m1')).toBe(3);
  });

  it('recognises query bodies', () => {
    expect(isDedupableBody('{"query":"query A__tenants__0{x}","variables":{}}')).toBe(true);
    expect(isDedupableBody('{"query":"{x}"}')).toBe(true);
    expect(isDedupableBody('{"query":"mutation{bump}"}')).toBe(false);
    expect(isDedupableBody('{"variables":{},"query":"{x}"}')).toBe(false);
  });
});

describe('configuration', () => {
  it('reads the environment', () => {
    const config = gatewayConfigFromEnv({
      PORT: '4100', SUBGRAPH_CONTENT_URL: 'http://content.internal:4002/graphql', SUBGRAPH_TIMEOUT_MS: '2500',
      WEB_ORIGINS: 'https://app.example.com, https://admin.example.com/', NODE_ENV: 'production', GRAPHQL_MAX_DEPTH: '12',
    });
    expect(config).toMatchObject({
      port: 4100,
      production: true,
      subgraphTimeoutMs: 2500,
      webOrigins: ['https://app.example.com', 'https://admin.example.com'],
      subgraphUrls: {
        tenants: 'http://127.0.0.1:4001/graphql', content: 'http://content.internal:4002/graphql',
        analytics: 'http://127.0.0.1:4003/graphql', billing: 'http://127.0.0.1:4004/graphql',
      },
      limits: { maxDepth: 12, maxAliases: 15 },
    });
    expect(config.supergraphSdl).toContain('join__Graph');
    expect(gatewayConfigFromEnv({})).toMatchObject({ port: 4000, production: false, subgraphTimeoutMs: 10_000 });
    expect(() => gatewayConfigFromEnv({ SUBGRAPH_TIMEOUT_MS: 'soon' })).toThrow(/SUBGRAPH_TIMEOUT_MS/);
  });
});
