// Small real subgraphs for the gateway tests, started with the product's
// startSubgraph() (same identity check, guard, masking, graphql-ws, PgPubSub)
// but with test-only modules for behaviours the product subgraphs do not
// have: a slow field, a crash, call counters, a subscription fed by PgPubSub.
import './env.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm } from '@ensemble/db/orm';
import { appUrl, ensureDatabase, ensureRoles } from '@ensemble/db/connection';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from '@ensemble/subgraph-kit/server';
import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { AppError } from '@ensemble/tenancy/errors';
import type { Identity } from '@ensemble/tenancy/identity';
import { composeSupergraph, printSubgraph } from '@ensemble/schema/composition';

export const VALID_API_KEY = 'ens_test_valid_key_0123456789';
export const API_KEY_IDENTITY: Identity = {
  kind: 'api_key', actorId: '00000000-0000-7000-8000-00000000a91e', tenantId: '00000000-0000-7000-8000-0000000000c3',
  role: 'integrator', permissions: ['content:read'],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TenantRef { id: string }

export class Counters {
  readonly calls = new Map<string, number>();
  verifyCalls = 0;
  verifyCallers: Identity[] = [];
  activePings = 0;
  bump(key: string): number {
    const n = (this.calls.get(key) ?? 0) + 1;
    this.calls.set(key, n);
    return n;
  }
}

function tenantsModule(counters: Counters): SubgraphModule {
  return {
    sdl: /* GraphQL */ `
      type Tenant @key(fields: "id") {
        id: ID!
        name: String!
        parent: Tenant
        children: [Tenant!]!
      }
      type Caller {
        kind: String!
        actorId: String!
        tenantId: String!
        role: String!
        permissions: [String!]!
      }
      extend type Query {
        whoami: Caller! @auth
        tenantTree: Tenant! @auth(requires: ["tenants:read"])
        hello: String! @public
        missing: String @auth
        crash: String @public
        counted(key: String!): Int! @public
      }
      extend type Mutation {
        bump(key: String!): Int! @public
      }
    `,
    resolvers: {
      Query: {
        whoami: (_: unknown, __: unknown, ctx: RequestContext) => ctx.identity,
        tenantTree: () => ({ id: 'root' }),
        hello: () => 'hello from tenants',
        missing: () => { throw new AppError('NOT_FOUND', 'Widget not found'); },
        crash: () => { throw new Error('connect ECONNREFUSED 10.1.2.3:5432 at Pool.connect (/srv/db.ts:12)'); },
        counted: async (_: unknown, { key }: { key: string }) => {
          const n = counters.bump(key);
          await sleep(200);
          return n;
        },
      },
      Mutation: {
        bump: async (_: unknown, { key }: { key: string }) => {
          const n = counters.bump(key);
          await sleep(200);
          return n;
        },
      },
      Tenant: {
        __resolveReference: (ref: TenantRef) => ref,
        name: (t: TenantRef) => `tenant ${t.id}`,
        parent: (t: TenantRef) => ({ id: `${t.id}^` }),
        children: (t: TenantRef) => [{ id: `${t.id}.1` }],
      },
    },
  };
}

function contentModule(counters: Counters): SubgraphModule {
  return {
    sdl: /* GraphQL */ `
      type Tenant @key(fields: "id") {
        id: ID!
        contentCount: Int!
      }
      type Ping {
        tenantId: String!
        n: Int!
        again: Ping
      }
      extend type Query {
        slow(ms: Int!): String @public
        contentHello: String! @public
      }
      extend type Mutation {
        "Echoes the caller's tenant, n and the operation name the subgraph received (the gateway's planner renames it). n < 0: a crash; n = 0: NOT_FOUND."
        nudge(n: Int!): String! @auth(requires: ["content:write"])
      }
      type Subscription {
        pings: Ping! @auth(requires: ["content:read"])
      }
    `,
    resolvers: {
      Query: {
        slow: async (_: unknown, { ms }: { ms: number }) => {
          await sleep(ms);
          return 'slow done';
        },
        contentHello: () => 'hello from content',
      },
      Mutation: {
        nudge: async (_: unknown, { n }: { n: number }, ctx: RequestContext, info: GraphQLResolveInfo) => {
          if (n < 0) throw new Error('connect ECONNREFUSED 10.1.2.3:5432 at Pool.connect (/srv/db.ts:12)');
          if (n === 0) throw new AppError('NOT_FOUND', 'Nothing to nudge');
          // n ≥ 1000: answers after n ms (past the gateway's subgraph timeout).
          if (n >= 1000) await sleep(n);
          return `${ctx.identity.tenantId}:${n}:${info.operation.name?.value ?? ''}`;
        },
      },
      Subscription: {
        pings: {
          subscribe: (_: unknown, __: unknown, ctx: RequestContext) => {
            const inner = ctx.pubsub.subscribe<unknown>(`${ctx.identity.tenantId}:ping`);
            counters.activePings++;
            let open = true;
            const close = () => {
              if (open) counters.activePings--;
              open = false;
            };
            // Counts live upstream subscriptions, so tests can see the gateway close them.
            return {
              next: () => inner.next(),
              return: async () => {
                close();
                return inner.return!();
              },
              [Symbol.asyncIterator]() { return this; },
            };
          },
          resolve: (payload: unknown) => payload,
        },
      },
      Tenant: {
        __resolveReference: (ref: TenantRef) => ref,
        contentCount: () => 3,
      },
      Ping: { again: (p: unknown) => p },
    },
  };
}

/** Composed with the others, never started: a subgraph that is down. */
const analyticsModule: SubgraphModule = {
  sdl: /* GraphQL */ `
    extend type Query {
      analyticsHello: String @public
    }
    type Subscription {
      analyticsTicks: Int @public
    }
  `,
  resolvers: {},
};

/** Any administrative connection: the suite's server (DATABASE_URL) or the local PostgreSQL. */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestSubgraphs {
  urls: { tenants: string; content: string; analytics: string };
  supergraphSdl: string;
  counters: Counters;
  /** the content subgraph's pubsub */
  pubsub: PgPubSub;
  /** stops the content subgraph (to see the gateway cope with it gone) */
  stopContent(): Promise<void>;
  close(): Promise<void>;
}

async function retry<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(100 * i);
    }
  }
}

/** Ports: base+1 tenants, base+2 content, base+3 analytics (never listening). */
export async function startTestSubgraphs(basePort: number, channel: string): Promise<TestSubgraphs> {
  // Test files run in parallel against one server: each has its own database,
  // and the cluster-wide roles may be created by two files at once, so retry.
  const dbUrl = await retry(() => ensureDatabase(ADMIN_URL, `ens_gateway_${channel}`));
  await retry(() => ensureRoles(dbUrl));
  const counters = new Counters();
  const orm: MikroORM = await createOrm({ url: appUrl(dbUrl), poolMax: 2 });
  const pubsub = new PgPubSub(appUrl(dbUrl), channel);
  await pubsub.start();

  const tenantsDef: SubgraphDefinition = {
    name: 'tenants',
    modules: [tenantsModule(counters)],
    // Same contract as the tenants subgraph's /internal/api-keys/verify.
    internalRoutes: (router) => {
      router.post('/api-keys/verify', (req, res) => {
        counters.verifyCalls++;
        counters.verifyCallers.push(res.locals['identity'] as Identity);
        const key = (req.body as { key?: unknown } | undefined)?.key;
        if (key === VALID_API_KEY) res.json({ identity: API_KEY_IDENTITY });
        else res.status(401).json({ error: 'invalid API key' });
      });
    },
  };
  const contentDef: SubgraphDefinition = {
    name: 'content',
    modules: [contentModule(counters)],
    // Echoes what a public route receives (one-click unsubscribe's contract).
    publicRoutes: (router) => {
      router.post('/u/:token', async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        res.json({ token: req.params['token'], body: Buffer.concat(chunks).toString('utf8'), identity: res.locals['identity'] as Identity });
      });
    },
  };
  const tenants: RunningSubgraph = await startSubgraph(tenantsDef, { orm, pubsub, port: basePort + 1 });
  let content: RunningSubgraph | null = await startSubgraph(contentDef, { orm, pubsub, port: basePort + 2 });
  const urls = { tenants: tenants.url, content: content.url, analytics: `http://127.0.0.1:${basePort + 3}/graphql` };

  const supergraphSdl = composeSupergraph([
    { name: 'tenants', url: urls.tenants, sdl: printSubgraph(tenantsDef.modules) },
    { name: 'content', url: urls.content, sdl: printSubgraph(contentDef.modules) },
    { name: 'analytics', url: urls.analytics, sdl: printSubgraph([analyticsModule]) },
  ]);

  const stopContent = async () => {
    await content?.close();
    content = null;
  };
  return {
    urls,
    supergraphSdl,
    counters,
    pubsub,
    stopContent,
    async close() {
      await stopContent();
      await tenants.close();
      await pubsub.close();
      await orm.close();
    },
  };
}
