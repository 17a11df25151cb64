// One Apollo client for the app: queries and mutations over HTTP, subscriptions
// (and operations sent with the REALTIME context) over graphql-ws, both to the
// gateway's single /graphql endpoint.
import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { from, mergeMap, throwError } from 'rxjs';
import { GRAPHQL_PATH, currentAccessToken, getRefreshToken, onAuthChange, refreshSession } from './auth.ts';
import { createCache } from './cache.ts';
import { isUnauthenticated } from './errors.ts';

/** Operations that carry their own credentials (or none): never refreshed nor retried. */
const SESSION_OPERATIONS = new Set(['Login', 'RefreshSession', 'Logout']);

export function websocketUrl(location: Location): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${GRAPHQL_PATH}`;
}

type ConnectedListener = () => void;

export interface Realtime {
  client: Client;
  /** Reconnects with the current credentials; live subscriptions resubscribe on the new socket. */
  restart(): void;
  /** Called after every (re)connection is acknowledged. */
  onConnected(listener: ConnectedListener): () => void;
  isConnected(): boolean;
}

function createRealtime(url: string): Realtime {
  let socket: WebSocket | null = null;
  let connected = false;
  let restartRequested = false;
  const connectedListeners = new Set<ConnectedListener>();
  const client = createClient({
    url,
    lazy: true,
    // Keep the socket a moment after the last subscription so page changes do not reconnect.
    lazyCloseTimeout: 3_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: async () => {
      const token = await currentAccessToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      opened: (opened) => {
        socket = opened as WebSocket;
        if (restartRequested) {
          restartRequested = false;
          socket.close(4205, 'Client Restart');
        }
      },
      connected: () => {
        connected = true;
        for (const listener of connectedListeners) listener();
      },
      closed: () => {
        connected = false;
        socket = null;
      },
    },
  });
  return {
    client,
    restart() {
      // 4205 is not a fatal close code: graphql-ws reconnects and resubscribes everything.
      if (socket?.readyState === WebSocket.OPEN) socket.close(4205, 'Client Restart');
      else if (socket) restartRequested = true;
    },
    onConnected(listener) {
      connectedListeners.add(listener);
      return () => connectedListeners.delete(listener);
    },
    isConnected: () => connected,
  };
}

/**
 * Operation context that sends a query or mutation over the WebSocket instead
 * of HTTP: for live keystrokes, which the gateway then hands straight to the
 * subgraph serving the subscription open on that socket.
 */
export const REALTIME = { realtime: true } as const;

export interface AppApollo {
  client: ApolloClient;
  realtime: Realtime;
}

export function createApollo(location: Location = window.location): AppApollo {
  const realtime = createRealtime(websocketUrl(location));
  const httpLink = new HttpLink({ uri: GRAPHQL_PATH });
  const wsLink = new GraphQLWsLink(realtime.client);

  const authLink = new ApolloLink((operation, forward) => {
    if (operation.operationName && SESSION_OPERATIONS.has(operation.operationName)) return forward(operation);
    return from(currentAccessToken()).pipe(
      mergeMap((token) => {
        operation.setContext(({ headers }) => ({
          headers: { ...(headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        }));
        return forward(operation);
      }),
    );
  });

  // On UNAUTHENTICATED: refresh once, then replay the operation with the new token.
  const refreshLink = new ErrorLink(({ error, operation, forward }) => {
    if (!isUnauthenticated(error)) return;
    if (operation.operationName && SESSION_OPERATIONS.has(operation.operationName)) return;
    if (operation.getContext().authRetried === true || !getRefreshToken()) return;
    return from(refreshSession().catch(() => null)).pipe(
      mergeMap((payload) => {
        if (!payload) return throwError(() => error);
        operation.setContext({ authRetried: true });
        return forward(operation);
      }),
    );
  });

  const transport = ApolloLink.split(
    (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION || operation.getContext()['realtime'] === true,
    wsLink,
    httpLink,
  );

  const client = new ApolloClient({
    link: ApolloLink.from([refreshLink, authLink, transport]),
    cache: createCache(),
  });

  // A different person (or nobody) now: reconnect the socket with the new credentials.
  // (The session provider clears the cache itself, in order with its own writes.)
  onAuthChange((event) => {
    if (event === 'signed-in' || event === 'signed-out') realtime.restart();
  });

  return { client, realtime };
}
