// How the content processes reach client-given hosts (competitor pages and
// feeds, webhook endpoints, a client's SMTP server): the product's SSRF-safe
// egress (`safeFetch`, system DNS plus the address policy).
//
// Test-only routes. End-to-end tests run the whole stack against small
// servers on loopback (a shop, a webhook receiver), which the policy rightly
// refuses. With
//   NODE_ENV=test ENSEMBLE_TEST_FETCH_ROUTES="shop.watch.test=127.0.0.1:57123"
// the egress is built through the ingest package's seam instead
// (createSafeFetcher({ resolve, dial })): each listed name resolves to a
// public address, so the address policy still runs, and the dialler sends that
// name's connections to the given loopback port. Names must end in ".test"
// (reserved by RFC 2606, never a real host) and targets must be 127.0.0.1,
// so the seam cannot shadow a real site nor reach another machine. Every other
// name goes through the system resolver and the policy as usual.
//
// Outside NODE_ENV=test the variable is refused: the process does not start
// (egressFromEnv throws), rather than silently ignoring it.
import net from 'node:net';
import { createSafeFetcher, defaultDial, safeFetch, systemResolve, type SafeFetch, type SafeFetcherDeps } from '@ensemble/ingest/safe-fetch';

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

/** The seam's resolver and dialler for these routes. */
export function routedEgress(routes: readonly TestRoute[]): SafeFetcherDeps {
  const ports = new Map(routes.map((r) => [r.host, r.port]));
  return {
    resolve: async (hostname) => (ports.has(hostname.toLowerCase()) ? [{ address: TEST_ROUTE_ADDRESS, family: 4 }] : systemResolve(hostname)),
    dial: (target) => {
      const port = ports.get(target.hostname.toLowerCase());
      return port !== undefined ? net.connect(port, '127.0.0.1') : defaultDial(target);
    },
  };
}

/** A fetcher over these routes (used by the tests directly, and by the stack under NODE_ENV=test). */
export function routedFetcher(routes: readonly TestRoute[]): SafeFetch {
  return createSafeFetcher(routedEgress(routes));
}

/** The test routes' egress when the variable is set (under NODE_ENV=test only), else null: the default policy. */
export function egressFromEnv(env: NodeJS.ProcessEnv = process.env): SafeFetcherDeps | null {
  const value = env[TEST_ROUTES_VARIABLE];
  if (!value) return null;
  if (env.NODE_ENV !== 'test') {
    throw new Error(`${TEST_ROUTES_VARIABLE} is set but NODE_ENV is "${env.NODE_ENV ?? ''}": test fetch routes exist only under NODE_ENV=test`);
  }
  return routedEgress(parseTestRoutes(value));
}

/** The fetcher of client-given URLs for this process. */
export function fetcherFromEnv(env: NodeJS.ProcessEnv = process.env): SafeFetch {
  const egress = egressFromEnv(env);
  return egress ? createSafeFetcher(egress) : safeFetch;
}
