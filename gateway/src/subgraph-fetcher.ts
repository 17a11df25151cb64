// How the gateway reaches subgraphs over HTTP: undici with keep-alive
// connections, a per-request timeout, and in-flight deduplication: while a
// query is on its way to a subgraph, an identical one (same URL, same identity
// token, same body) waits for the same answer instead of being sent again.
// Mutations are never deduplicated: each must run.
import { Agent, fetch } from 'undici';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GATEWAY_IDENTITY_HEADER } from '@ensemble/tenancy/identity';

export interface SubgraphFetcherOptions {
  timeoutMs: number;
  /** keep idle connections this long */
  keepAliveMs?: number;
  /** connections per subgraph origin */
  connections?: number;
}

export interface SubgraphFetcher {
  fetch: Fetcher;
  /** requests actually sent (deduplicated ones are not counted) */
  readonly sent: number;
  close(): Promise<void>;
}

interface Buffered {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: ArrayBuffer;
}

/**
 * The gateway serialises `{"query":"<operation>", …}` with the query first;
 * only operations that are plainly queries are shared.
 */
export function isDedupableBody(body: string): boolean {
  const match = /^\{"query":"(?:\\n|\\t|\s)*(\w*)/.exec(body);
  if (!match) return false;
  const keyword = match[1];
  return keyword === '' || keyword === 'query';
}

export function createSubgraphFetcher(options: SubgraphFetcherOptions): SubgraphFetcher {
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveMs ?? 30_000,
    keepAliveMaxTimeout: 10 * 60_000,
    connections: options.connections ?? 128,
  });
  const inFlight = new Map<string, Promise<Buffered>>();
  let sent = 0;

  const send = async (url: string, init: FetcherRequestInit | undefined): Promise<Buffered> => {
    sent++;
    const response = await fetch(url, {
      method: init?.method ?? 'POST',
      headers: init?.headers,
      body: init?.body,
      dispatcher: agent,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // The body is read under the same timeout signal.
    const body = await response.arrayBuffer();
    return { status: response.status, statusText: response.statusText, headers: [...response.headers], body };
  };

  const toResponse = (b: Buffered, url: string): FetcherResponse => {
    const response = new Response(b.body.slice(0), { status: b.status, statusText: b.statusText, headers: b.headers });
    // A constructed Response has no url; RemoteGraphQLDataSource reads it for error reports.
    Object.defineProperty(response, 'url', { value: url });
    return response as unknown as FetcherResponse;
  };

  const subgraphFetch: Fetcher = async (url, init) => {
    const body = typeof init?.body === 'string' ? init.body : undefined;
    if (body === undefined || !isDedupableBody(body)) return toResponse(await send(url, init), url);
    const key = `${url}\n${init?.headers?.[GATEWAY_IDENTITY_HEADER] ?? ''}\n${body}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = send(url, init).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return toResponse(await pending, url);
  };

  return {
    fetch: subgraphFetch,
    get sent() {
      return sent;
    },
    close: () => agent.close(),
  };
}
