// C11: the fetcher of competitor watch — the product's SSRF-safe `safeFetch`.
//
// Test-only routes. End-to-end tests run the whole stack against a small
// shop served on loopback, which safeFetch rightly refuses. With
//   NODE_ENV=test ENSEMBLE_TEST_FETCH_ROUTES="shop.watch.test=127.0.0.1:57123"
// the fetcher is built through the ingest package's seam instead
// (createSafeFetcher({ resolve, dial })): each listed name resolves to a
// public address, so the address policy still runs, and the dialler sends that
// name's connections to the given loopback port. Names must end in ".test"
// (reserved by RFC 2606, never a real host) and targets must be 127.0.0.1,
// so the seam cannot shadow a real site nor reach another machine. Every other
// name goes through the system resolver and the policy as usual.
//
// Outside NODE_ENV=test the variable is refused: the process does not start
// (watchFetcherFromEnv throws), rather than silently ignoring it.
import net from 'node:net';
import { createSafeFetcher, defaultDial, safeFetch, systemResolve, type SafeFetch } from '@ensemble/ingest/safe-fetch';

export const TEST_ROUTES_VARIABLE = 'ENSEMBLE_TEST_FETCH_ROUTES';
/** The public address test names resolve to (never dialled: their connections go to loopback). */
export const TEST_ROUTE_ADDRESS = '93.184.215.14';

export interface TestRoute {
  host: string;
  port: number;
}

export function parseTestRoutes(value: string): TestRoute[] {
  const routes: TestRoute[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.test)=127\.0\.0\.1:(\d{1,5})$/.exec(entry.toLowerCase());
    const port = Number(match?.[5]);
    if (!match || !(port >= 1 && port <= 65535)) {
      throw new Error(`${TEST_ROUTES_VARIABLE}: "${entry}" is not "<name>.test=127.0.0.1:<port>"`);
    }
    routes.push({ host: match[1]!, port });
  }
  return routes;
}

/** The seam's fetcher for these routes (used by the tests directly, and by the stack under NODE_ENV=test). */
export function routedFetcher(routes: readonly TestRoute[]): SafeFetch {
  const ports = new Map(routes.map((r) => [r.host, r.port]));
  return createSafeFetcher({
    resolve: async (hostname) => (ports.has(hostname.toLowerCase()) ? [{ address: TEST_ROUTE_ADDRESS, family: 4 }] : systemResolve(hostname)),
    dial: (target) => {
      const port = ports.get(target.hostname.toLowerCase());
      return port !== undefined ? net.connect(port, '127.0.0.1') : defaultDial(target);
    },
  });
}

export function watchFetcherFromEnv(env: NodeJS.ProcessEnv = process.env): SafeFetch {
  const value = env[TEST_ROUTES_VARIABLE];
  if (!value) return safeFetch;
  if (env.NODE_ENV !== 'test') {
    throw new Error(`${TEST_ROUTES_VARIABLE} is set but NODE_ENV is "${env.NODE_ENV ?? ''}": test fetch routes exist only under NODE_ENV=test`);
  }
  return routedFetcher(parseTestRoutes(value));
}
