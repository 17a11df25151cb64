// graphql-ws on the gateway's /graphql endpoint. @apollo/gateway executes no
// subscriptions, so each one is validated here against the supergraph's API
// schema with the same rules and limits as HTTP, then forwarded to the subgraph
// owning its root field (from the supergraph's join__ directives) over a
// graphql-ws client opened per browser connection and per subgraph, carrying
// the caller's identity as a gateway-signed token. Queries and mutations sent
// over the socket run through Apollo Server (executeOperation), so they get the
// gateway's executor, limits and error masking exactly as over HTTP, with one
// exception: a mutation whose root fields all belong to one subgraph and all
// return scalars or enums (nothing another subgraph could resolve), sent while
// the connection has a subscription open to that subgraph, goes over that
// already-open socket (directMutationTarget). Live scoring sends such a
// mutation per keystroke next to its seoScore subscription; over HTTP each one
// cost a query-plan execution, a subgraph HTTP request, an identity-token check
// and a trip through express and Apollo Server on both sides. It goes that way
// only once validated here with the same rules and limits and with variables
// that fit the API schema (otherwise Apollo reports the problem as usual); its
// result is masked like a subscription event, and it gets the same subgraph
// timeout as the HTTP route (SUBGRAPH_TIMEOUT).
//
// Limits of a plain forwarder: an event can only select fields of the owning
// subgraph (a field resolved by another subgraph fails upstream validation).
import type { IncomingMessage } from 'node:http';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError, Kind, getNamedType, getOperationAST, getVariableValues, isLeafType, print, visit, type DocumentNode,
  type ExecutionArgs, type ExecutionResult, type FormattedExecutionResult, type FragmentDefinitionNode,
  type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { WebSocket, WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { createClient, type Client, type SubscribePayload } from 'graphql-ws';
import type { ApolloServer } from '@apollo/server';
import { cachedGraphQL } from '@ensemble/subgraph-kit/graphql-cache';
import type { Identity } from '@ensemble/tenancy/identity';
import type { Authenticator } from './auth.service.ts';
import type { InternalTokens } from './internal-token.ts';
import type { GatewayContext } from './subgraph-data-source.ts';
import { allValidationRules, parseWithLimits, type LimitConfig } from './limits.ts';
import { formatGatewayError, formatGraphQLError, gatewayError, subgraphTimedOut, subgraphUnavailable, type FormatOptions } from './errors.ts';
import { isAllowedOrigin } from './origins.ts';
import { logger } from './logger.ts';

/** Close code sent when the connection's credentials are refused. */
export const WS_UNAUTHENTICATED = 4401;
const MAX_SUBSCRIPTIONS_PER_CONNECTION = 100;

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  apollo: ApolloServer<GatewayContext>;
  /** the supergraph's API schema, once the gateway has loaded it */
  apiSchema: () => GraphQLSchema;
  /** Subscription root field → owning subgraph name */
  owners: ReadonlyMap<string, string>;
  /** Mutation root field → owning subgraph name */
  mutationOwners: ReadonlyMap<string, string>;
  /** subgraph name → its HTTP URL (its graphql-ws endpoint is the same path over ws:) */
  subgraphUrls: Readonly<Record<string, string>>;
  authenticator: Authenticator;
  tokens: InternalTokens;
  limits: LimitConfig;
  production: boolean;
  allowedOrigins: ReadonlySet<string>;
  /** how long a mutation sent over an open subgraph socket may take (the HTTP route's subgraph timeout) */
  subgraphTimeoutMs: number;
}

interface ConnectionState {
  identity: Identity;
  upstream: Map<string, Client>;
  /** subgraph → subscriptions forwarded to it and still open (their socket is open) */
  live: Map<string, number>;
}

interface OperationContext {
  connection: ConnectionState;
  request: SubscribePayload;
  /** a mutation sent straight to this subgraph over the connection's open socket */
  direct?: string;
}

/** Several upstream errors travel through graphql-ws's single thrown error. */
class UpstreamErrors extends Error {
  readonly errors: GraphQLFormattedError[];
  constructor(errors: GraphQLFormattedError[]) {
    super(errors[0]?.message ?? 'Upstream error');
    this.errors = errors;
  }
}

export function toWebSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function rootFieldName(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): string | null {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') return selection.name.value;
    } else {
      const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
      const name = inner ? rootFieldName(inner, fragments) : null;
      if (name) return name;
    }
  }
  return null;
}

/**
 * The subgraph that alone can run this mutation, or null: every root
 * selection a plain field (no fragment, no directive, no __typename) whose
 * type is a scalar or enum, all owned by the same subgraph. Anything else
 * may need another subgraph, so it goes through the gateway's query planner.
 */
export function directMutationTarget(schema: GraphQLSchema, operation: OperationDefinitionNode, owners: ReadonlyMap<string, string>): string | null {
  const mutationType = schema.getMutationType();
  if (operation.operation !== 'mutation' || !mutationType || operation.directives?.length) return null;
  const fields = mutationType.getFields();
  let target: string | null = null;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.directives?.length) return null;
    const field = fields[selection.name.value];
    const owner = owners.get(selection.name.value);
    if (!field || !owner || !isLeafType(getNamedType(field.type))) return null;
    if (target !== null && owner !== target) return null;
    target = owner;
  }
  return target;
}

/** The operation and the fragments it uses: other operations of the document may need other subgraphs. */
function operationDocument(doc: DocumentNode, operation: OperationDefinitionNode): DocumentNode {
  const fragments = new Map(doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const used = new Set<string>();
  const pending: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread(node) {
        const name = node.name.value;
        const fragment = fragments.get(name);
        if (!used.has(name) && fragment) {
          used.add(name);
          pending.push(fragment);
        }
      },
    });
  }
  return { kind: Kind.DOCUMENT, definitions: [operation, ...[...used].map((n) => fragments.get(n)!)] };
}

export function attachSubscriptionServer(options: SubscriptionServerOptions): { dispose(): Promise<void> } {
  const format: FormatOptions = { hideSuggestions: options.production };
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  // The same operation texts come back on every message (a keystroke is one): parse and validate once.
  const graphql = cachedGraphQL({
    parse: (source) => {
      const document = parseWithLimits(source, options.limits);
      if (document instanceof GraphQLError) throw document;
      return document;
    },
    rules: allValidationRules(options.limits, options.production),
  });
  const printed = new WeakMap<OperationDefinitionNode, string>();
  const upstreamQuery = (document: DocumentNode, operation: OperationDefinitionNode): string => {
    let query = printed.get(operation);
    if (query === undefined) {
      query = print(operationDocument(document, operation));
      printed.set(operation, query);
    }
    return query;
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (pathname !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!isAllowedOrigin(request.headers.origin, options.allowedOrigins)) {
      logger.warn({ origin: request.headers.origin }, 'websocket origin refused');
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nOrigin not allowed');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  options.httpServer.on('upgrade', onUpgrade);

  const upstreamClient = (connection: ConnectionState, subgraph: string): Client => {
    let client = connection.upstream.get(subgraph);
    if (client) return client;
    const url = options.subgraphUrls[subgraph];
    if (!url) throw new Error(`no URL for subgraph ${subgraph}`);
    client = createClient({
      url: toWebSocketUrl(url),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: 0,
      // Evaluated on each (re)connect, so the 60-second token is always fresh.
      connectionParams: async () => ({ identity: await options.tokens.tokenFor(connection.identity) }),
    });
    connection.upstream.set(subgraph, client);
    return client;
  };

  const upstreamFailure = (subgraph: string, error: unknown): Error => {
    if (Array.isArray(error) && error.every((e) => typeof e === 'object' && e !== null && 'message' in e)) {
      return new UpstreamErrors((error as GraphQLFormattedError[]).map((e) => formatGatewayError(e, undefined, format)));
    }
    const close = error as { code?: unknown; reason?: unknown } | null;
    logger.error({ subgraph, code: close?.code, reason: close?.reason, err: error instanceof Error ? error : undefined }, 'upstream subscription failed');
    return subgraphUnavailable(subgraph);
  };

  /**
   * Relays one upstream subscription. Not an async generator function: its
   * return() must end the upstream subscription at once, even while waiting
   * for an event that may never come. A single-result operation (a mutation
   * on the socket route) passes `timeoutMs`: without a result by then it
   * ends upstream and fails with SUBGRAPH_TIMEOUT, as over HTTP.
   */
  const forward = (connection: ConnectionState, subgraph: string, request: SubscribePayload, holdsSocket: boolean, timeoutMs?: number): AsyncGenerator<FormattedExecutionResult> => {
    const queue: FormattedExecutionResult[] = [];
    let failure: unknown = null;
    let done = false;
    let wake: (() => void) | null = null;
    let held = holdsSocket;
    let timer: NodeJS.Timeout | undefined;
    if (held) connection.live.set(subgraph, (connection.live.get(subgraph) ?? 0) + 1);
    const signal = () => {
      if (done || queue.length > 0) clearTimeout(timer);
      if (done && held) {
        held = false;
        const left = (connection.live.get(subgraph) ?? 1) - 1;
        if (left > 0) connection.live.set(subgraph, left);
        else connection.live.delete(subgraph);
      }
      const w = wake;
      wake = null;
      w?.();
    };
    let dispose: () => void = () => {};
    try {
      dispose = upstreamClient(connection, subgraph).subscribe(request, {
        next(value) {
          const errors = value.errors?.map((e) => formatGatewayError(e, undefined, format));
          queue.push({ ...value, ...(errors ? { errors } : {}) } as FormattedExecutionResult);
          signal();
        },
        error(error) {
          failure = upstreamFailure(subgraph, error);
          done = true;
          signal();
        },
        complete() {
          done = true;
          signal();
        },
      });
    } catch (error) {
      failure = upstreamFailure(subgraph, error);
      done = true;
      signal();
    }
    if (timeoutMs !== undefined && !done && queue.length === 0) {
      timer = setTimeout(() => {
        logger.warn({ subgraph }, 'subgraph timed out on the socket route');
        failure = subgraphTimedOut(subgraph);
        done = true;
        dispose();
        signal();
      }, timeoutMs);
    }
    const iterator: AsyncGenerator<FormattedExecutionResult> = {
      async next() {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => { wake = resolve; });
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        if (failure) {
          const error = failure;
          failure = null;
          throw error;
        }
        return { value: undefined, done: true };
      },
      async return() {
        if (!done) {
          done = true;
          dispose();
        }
        queue.length = 0;
        failure = null;
        signal();
        return { value: undefined, done: true };
      },
      async throw(error: unknown) {
        await iterator.return(undefined);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
      async [Symbol.asyncDispose]() {
        await iterator.return(undefined);
      },
    };
    return iterator;
  };

  const toFormatted = (errors: readonly (GraphQLError | GraphQLFormattedError)[]): GraphQLFormattedError[] =>
    errors.flatMap((e) => {
      if (!(e instanceof GraphQLError)) return [e];
      const original = e.originalError;
      if (original instanceof UpstreamErrors) return original.errors;
      if (original instanceof GraphQLError) return [formatGraphQLError(original, format)];
      return [formatGatewayError(e.toJSON(), original ?? e, format)];
    });

  const server = useServer<Record<string, unknown>, { connection: ConnectionState }>({
    isProd: options.production,
    onConnect: async (ctx) => {
      const authorization = ctx.connectionParams?.['authorization'];
      try {
        const identity = await options.authenticator.identify({ authorization: typeof authorization === 'string' ? authorization : undefined });
        ctx.extra.connection = { identity, upstream: new Map(), live: new Map() };
        return true;
      } catch (error) {
        const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
        if (code === 'UNAUTHENTICATED') ctx.extra.socket.close(WS_UNAUTHENTICATED, 'Unauthenticated');
        else ctx.extra.socket.close(1013, 'Try again later');
        return false;
      }
    },
    onSubscribe: (ctx, _id, payload) => {
      const connection = ctx.extra.connection!;
      if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
        return [gatewayError('RATE_LIMITED', `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} operations per connection`)];
      }
      let document: DocumentNode;
      try {
        document = graphql.parse(payload.query);
      } catch (error) {
        return [error as GraphQLError];
      }
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [gatewayError('BAD_REQUEST', 'Could not identify the operation to run')];
      const schema = options.apiSchema();
      const contextValue: OperationContext = { connection, request: payload };
      const args: ExecutionArgs = { schema, document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? null, contextValue };
      if (operation.operation === 'mutation') {
        const direct = directMutationTarget(schema, operation, options.mutationOwners);
        // Only a valid operation with variables that fit the API schema skips the planner: anything
        // else goes to Apollo Server, which reports it exactly as for any other mutation.
        if (direct !== null && (connection.live.get(direct) ?? 0) > 0 && graphql.validate(schema, document).length === 0
          && !getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 1 }).errors) {
          contextValue.direct = direct;
        }
      }
      // Queries and mutations are validated by Apollo Server in execute below.
      if (operation.operation !== 'subscription') return args;
      const errors = graphql.validate(schema, document);
      if (errors.length) {
        return errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { ...e.extensions, code: e.extensions['code'] ?? 'GRAPHQL_VALIDATION_FAILED' } }));
      }
      return args;
    },
    execute: async (args) => {
      const { connection, request, direct } = args.contextValue as OperationContext;
      if (direct) {
        const operation = getOperationAST(args.document, args.operationName)!;
        const upstream: SubscribePayload = { query: upstreamQuery(args.document, operation), variables: request.variables ?? null, operationName: operation.name?.value ?? null };
        return forward(connection, direct, upstream, false, options.subgraphTimeoutMs) as AsyncGenerator<ExecutionResult>;
      }
      const response = await options.apollo.executeOperation(
        { query: request.query, variables: request.variables ?? undefined, operationName: request.operationName ?? undefined, extensions: request.extensions ?? undefined },
        { contextValue: { identity: connection.identity } },
      );
      if (response.body.kind !== 'single') {
        return { errors: [gatewayError('BAD_REQUEST', 'Incremental delivery is not supported over WebSocket')] };
      }
      // Already formatted by Apollo's formatError; onNext passes plain errors through.
      return response.body.singleResult as ExecutionResult;
    },
    subscribe: (args) => {
      const { connection, request } = args.contextValue as OperationContext;
      const operation = getOperationAST(args.document, args.operationName)!;
      const fragments = new Map(args.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
      const field = rootFieldName(operation.selectionSet, fragments);
      const subgraph = field ? options.owners.get(field) : undefined;
      if (!subgraph) {
        logger.error({ field }, 'no subgraph owns this subscription');
        return { errors: [gatewayError('INTERNAL_SERVER_ERROR', 'Internal server error')] };
      }
      const upstream: SubscribePayload = {
        query: upstreamQuery(args.document, operation),
        variables: request.variables ?? null,
        operationName: operation.name?.value ?? null,
      };
      return forward(connection, subgraph, upstream, true) as AsyncGenerator<ExecutionResult>;
    },
    onNext: (_ctx, _id, _payload, _args, result) => {
      const errors = result.errors as readonly (GraphQLError | GraphQLFormattedError)[] | undefined;
      return errors ? { ...result, errors: toFormatted(errors) } : (result as FormattedExecutionResult);
    },
    onError: (_ctx, _id, _payload, errors) => toFormatted(errors),
    onClose: async (ctx) => {
      const connection = ctx.extra.connection;
      if (!connection) return;
      const clients = [...connection.upstream.values()];
      connection.upstream.clear();
      await Promise.all(clients.map((c) => c.dispose()));
    },
  }, wss);

  return {
    async dispose() {
      options.httpServer.off('upgrade', onUpgrade);
      await server.dispose();
    },
  };
}
