// One way to run a subgraph: Apollo Server 5 on express 5 for HTTP, graphql-ws
// on the same path for subscriptions. Every request must carry the identity
// token the gateway signed; without one the subgraph answers 401 and nothing
// runs. Subgraphs trust nothing else, not even the network.
//
// Over graphql-ws the token is verified once, at connect; each operation then
// gets a context of its own (its own memo and dataloaders), and results are
// masked by the same formatError as HTTP. The gateway sends subscriptions and,
// while one is open, mutations of this subgraph alone (a live keystroke is one)
// over that socket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { MikroORM } from '@mikro-orm/postgresql';
import { GATEWAY_IDENTITY_HEADER, verifyInternalIdentity, type Identity } from '@ensemble/tenancy/identity';
import { buildGuardedSubgraphSchema, type SubgraphModule } from './schema.ts';
import { createContext, type RequestContext } from './context.ts';
import { formatError } from './errors.ts';
import { cachedGraphQL } from './graphql-cache.ts';
import type { PgPubSub } from './pubsub.ts';
import { logger } from './logger.ts';

export interface SubgraphDefinition {
  name: string;
  modules: SubgraphModule[];
  /** Extra HTTP routes reachable only with a gateway-signed identity (e.g. API-key verification). */
  internalRoutes?: (router: express.Router, deps: { orm: MikroORM }) => void;
  /**
   * Routes the gateway forwards for people without an account (one-click
   * unsubscribe, provider webhooks). Still gateway-only: the gateway signs an
   * anonymous identity for them. Handlers read their own request body.
   */
  publicRoutes?: (router: express.Router, deps: { orm: MikroORM }) => void;
}

export interface RunningSubgraph {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export interface SubgraphDeps {
  orm: MikroORM;
  pubsub: PgPubSub;
  port: number;
  host?: string;
}

async function identityFrom(token: unknown): Promise<Identity | null> {
  return typeof token === 'string' && token ? verifyInternalIdentity(token) : null;
}

export async function startSubgraph(def: SubgraphDefinition, deps: SubgraphDeps): Promise<RunningSubgraph> {
  const schema = buildGuardedSubgraphSchema(def.modules);
  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<{ identity?: string }, { identity?: Identity }>({
    schema,
    ...cachedGraphQL(),
    onConnect: async (ctx) => {
      const identity = await identityFrom(ctx.connectionParams?.identity);
      if (!identity) return false;
      ctx.extra.identity = identity;
      return true;
    },
    context: (ctx) => createContext(ctx.extra.identity!, deps.orm, deps.pubsub),
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : undefined,
    onError: (_ctx, _id, _payload, errors) => {
      logger.warn({ errors: errors.map((e) => e.message) }, 'graphql-ws operation refused');
      return errors.map((e) => formatError(e.toJSON(), e));
    },
  }, wsServer);

  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: process.env.NODE_ENV !== 'production',
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  const requireGateway: express.RequestHandler = async (req, res, next) => {
    const identity = await identityFrom(req.header(GATEWAY_IDENTITY_HEADER));
    if (!identity) {
      res.status(401).json({ errors: [{ message: 'Calls must come through the gateway', extensions: { code: 'UNAUTHENTICATED' } }] });
      return;
    }
    res.locals['identity'] = identity;
    next();
  };

  app.get('/health', (_req, res) => { res.json({ ok: true, subgraph: def.name }); });
  if (def.internalRoutes) {
    const router = express.Router();
    def.internalRoutes(router, { orm: deps.orm });
    app.use('/internal', requireGateway, express.json({ limit: '64kb' }), router);
  }
  if (def.publicRoutes) {
    const router = express.Router();
    def.publicRoutes(router, { orm: deps.orm });
    app.use('/public', requireGateway, router);
  }
  app.use('/graphql', requireGateway, express.json({ limit: '2mb' }), expressMiddleware(apollo, {
    context: async ({ res }) => createContext(res.locals['identity'] as Identity, deps.orm, deps.pubsub),
  }));

  await new Promise<void>((resolve) => httpServer.listen(deps.port, deps.host ?? '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const host = deps.host ?? '127.0.0.1';
  logger.info({ subgraph: def.name, port }, 'subgraph listening');
  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    async close() {
      await apollo.stop();
    },
  };
}
