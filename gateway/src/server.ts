// The gateway: @apollo/gateway over a static supergraph, served by Apollo
// Server 5 on express 5 at /graphql (HTTP), with graphql-ws on the same path
// for subscriptions. Callers are identified here (JWT or API key) and their
// identity is forwarded to subgraphs as a gateway-signed token.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloGateway } from '@apollo/gateway';
import { rootFieldOwners, subscriptionOwners, supergraphGraphs } from '@ensemble/schema/supergraph';
import { Authenticator } from './auth.service.ts';
import { InternalTokens } from './internal-token.ts';
import { IdentityDataSource, type GatewayContext } from './subgraph-data-source.ts';
import { createSubgraphFetcher } from './subgraph-fetcher.ts';
import { DEFAULT_LIMITS, limitRules, parseOptions, type LimitConfig } from './limits.ts';
import { formatGatewayError } from './errors.ts';
import { corsMiddleware, DEFAULT_WEB_ORIGINS } from './origins.ts';
import { attachSubscriptionServer } from './subscription-forwarder.ts';
import { mountUploads } from './uploads.ts';
import { mountPublicRoutes } from './public-routes.ts';
import { logger } from './logger.ts';

export const GRAPHQL_PATH = '/graphql';
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;

export interface GatewayOptions {
  port: number;
  host?: string;
  /** subgraph name → URL; names missing here keep the URL recorded in the supergraph */
  subgraphUrls: Readonly<Record<string, string>>;
  supergraphSdl: string;
  /** no introspection, no field suggestions */
  production: boolean;
  subgraphTimeoutMs?: number;
  /** browser origins allowed to call (CORS) and to open WebSockets */
  webOrigins?: readonly string[];
  limits?: Partial<LimitConfig>;
  /** how long a verified API key is trusted without asking the tenants subgraph again */
  apiKeyCacheMs?: number;
}

export interface RunningGateway {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const limits: LimitConfig = { ...DEFAULT_LIMITS, ...options.limits };
  const allowedOrigins = new Set(options.webOrigins ?? DEFAULT_WEB_ORIGINS);
  const tokens = new InternalTokens();
  const subgraphTimeoutMs = options.subgraphTimeoutMs ?? DEFAULT_SUBGRAPH_TIMEOUT_MS;
  const fetcher = createSubgraphFetcher({ timeoutMs: subgraphTimeoutMs });

  // URLs as used: the overrides, else those recorded at composition.
  const owners = subscriptionOwners(options.supergraphSdl);
  const mutationOwners = rootFieldOwners(options.supergraphSdl, 'mutation');
  const subgraphUrls: Record<string, string> = {};
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger,
    buildService: ({ name, url }) => {
      const resolved = options.subgraphUrls[name] ?? url;
      if (!resolved) throw new Error(`no URL for subgraph ${name}`);
      subgraphUrls[name] = resolved;
      return new IdentityDataSource({ name, url: resolved, fetcher: fetcher.fetch, tokens });
    },
  });
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: schema }) => { apiSchema = schema; });

  const tenantsUrl = options.subgraphUrls['tenants'] ?? supergraphGraphs(options.supergraphSdl).find((g) => g.name === 'tenants')?.url;
  if (!tenantsUrl) throw new Error('the tenants subgraph URL is required (it verifies API keys)');
  const authenticator = new Authenticator({
    apiKeyVerifyUrl: new URL('/internal/api-keys/verify', tenantsUrl).toString(),
    tokens,
    ...(options.apiKeyCacheMs !== undefined ? { apiKeyCacheMs: options.apiKeyCacheMs } : {}),
  });

  const app = express();
  app.disable('x-powered-by');
  const httpServer: Server = createServer(app);
  let subscriptions: { dispose(): Promise<void> } | null = null;
  const format = { hideSuggestions: options.production };

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger,
    formatError: (formatted, error) => formatGatewayError(formatted, error, format),
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    validationRules: limitRules(limits),
    parseOptions: parseOptions(limits),
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { async drainServer() { await subscriptions?.dispose(); } }; } },
      // @apollo/gateway cannot execute subscriptions: say where they are served instead of failing with a 500.
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ operation }) {
              if (operation?.operation !== 'subscription') return;
              throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws protocol) on this same endpoint', {
                extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
              });
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  if (!apiSchema) throw new Error('the gateway did not load the supergraph');
  const loadedSchema: GraphQLSchema = apiSchema;

  subscriptions = attachSubscriptionServer({
    httpServer,
    path: GRAPHQL_PATH,
    apollo,
    apiSchema: () => apiSchema ?? loadedSchema,
    owners: new Map([...owners].map(([field, graph]) => [field, graph.name])),
    mutationOwners: new Map([...mutationOwners].map(([field, graph]) => [field, graph.name])),
    subgraphUrls,
    authenticator,
    tokens,
    limits,
    production: options.production,
    allowedOrigins,
    subgraphTimeoutMs,
  });

  app.get('/health', (_req, res) => { res.json({ ok: true, service: 'gateway' }); });
  mountUploads(app, { authenticator, tokens, allowedOrigins, subgraphUrls: options.subgraphUrls, supergraphSdl: options.supergraphSdl });
  const contentUrl = options.subgraphUrls['content'] ?? supergraphGraphs(options.supergraphSdl).find((g) => g.name === 'content')?.url;
  if (contentUrl) mountPublicRoutes(app, { tokens, contentUrl });

  const authenticate: express.RequestHandler = async (req, res, next) => {
    try {
      res.locals['identity'] = await authenticator.identify({ authorization: req.header('authorization'), apiKey: req.header('x-api-key') });
      next();
    } catch (error) {
      const gqlError = error as { message?: string; extensions?: { code?: string; http?: { status?: number } } };
      const code = gqlError.extensions?.code;
      if (code === 'UNAUTHENTICATED' || code === 'SUBGRAPH_UNAVAILABLE') {
        res.status(gqlError.extensions?.http?.status ?? 401).json({ errors: [{ message: gqlError.message, extensions: { code } }] });
        return;
      }
      next(error);
    }
  };

  app.use(GRAPHQL_PATH,
    corsMiddleware(allowedOrigins),
    express.json({ limit: '1mb' }),
    authenticate,
    expressMiddleware(apollo, { context: async ({ res }) => ({ identity: res.locals['identity'] as GatewayContext['identity'] }) }));

  // Express's default handler would answer with an HTML page and, outside production, a stack trace.
  const onError: express.ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const [status, code, message] =
      error.type === 'entity.parse.failed' ? [400, 'BAD_REQUEST', 'The request body is not valid JSON']
        : error.type === 'entity.too.large' ? [413, 'BAD_REQUEST', 'The request body is too large']
          : error.status && error.status >= 400 && error.status < 500 ? [error.status, 'BAD_REQUEST', 'Bad request']
            : [500, 'INTERNAL_SERVER_ERROR', 'Internal server error'];
    if (status === 500) logger.error({ err: error }, 'unhandled HTTP error');
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
  app.use(onError);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  logger.info({ port, subgraphs: subgraphUrls }, 'gateway listening');
  return {
    url: `http://${shownHost}:${port}${GRAPHQL_PATH}`,
    wsUrl: `ws://${shownHost}:${port}${GRAPHQL_PATH}`,
    async close() {
      await apollo.stop();
      await fetcher.close();
    },
  };
}
