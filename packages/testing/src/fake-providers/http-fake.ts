// A tiny loopback HTTP server for provider fakes: routes by method and path
// pattern, records every request (headers and body, for assertions on auth
// and wire format), and injects faults on demand:
//   failNext(route, status, body)  answer an error instead of handling
//   hangUpNext(route)              handle the request (the provider acts),
//                                  then drop the connection without an
//                                  answer: what a client sees when it, or the
//                                  network, dies between the provider's
//                                  success and its own record of it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
  /** form fields (x-www-form-urlencoded) or JSON, when the body is one */
  form: Record<string, string> | null;
  json: unknown;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (request: RecordedRequest, params: Record<string, string>) => Answer | Promise<Answer>;

interface Route {
  name: string;
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export interface HttpFake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** register a route: path like "/v21.0/:pageId/feed" */
  route(name: string, method: string, path: string, handler: Handler): void;
  failNext(name: string, status: number, body?: unknown, times?: number): void;
  hangUpNext(name: string, times?: number): void;
  /** requests a route received */
  calls(name: string): RecordedRequest[];
  close(): Promise<void>;
}

function compile(path: string): { pattern: RegExp; keys: string[] } {
  const keys: string[] = [];
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:([a-zA-Z]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), keys };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHttpFake(options: { port?: number; host?: string } = {}): Promise<HttpFake> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const byRoute = new Map<string, RecordedRequest[]>();
  const failures = new Map<string, Array<{ status: number; body: unknown }>>();
  const hangUps = new Map<string, number>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const type = headers['content-type'] ?? '';
    let json: unknown = null;
    if (type.includes('json') && body) {
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
      form: type.includes('x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : null,
      json,
    };
    requests.push(recorded);
    for (const route of routes) {
      if (route.method !== recorded.method) continue;
      const match = route.pattern.exec(decodeURIComponent(url.pathname));
      if (!match) continue;
      byRoute.get(route.name)!.push(recorded);
      const failure = failures.get(route.name)?.shift();
      if (failure) {
        send(res, { status: failure.status, body: failure.body });
        return;
      }
      const params = Object.fromEntries(route.keys.map((k, i) => [k, match[i + 1]!]));
      const answer = await route.handler(recorded, params);
      const hang = hangUps.get(route.name) ?? 0;
      if (hang > 0) {
        hangUps.set(route.name, hang - 1);
        // The work is done; the answer never arrives.
        res.socket?.destroy();
        return;
      }
      send(res, answer);
      return;
    }
    send(res, { status: 404, body: { error: { message: `no fake route for ${recorded.method} ${url.pathname}` } } });
  }

  function send(res: ServerResponse, answer: Answer): void {
    const isJson = answer.body !== undefined && typeof answer.body !== 'string';
    res.writeHead(answer.status, { ...(isJson ? { 'content-type': 'application/json' } : answer.body !== undefined ? { 'content-type': 'text/plain' } : {}), ...answer.headers });
    res.end(answer.body === undefined ? undefined : isJson ? JSON.stringify(answer.body) : String(answer.body));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: { message: error.message } } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route(name, method, path, handler) {
      const { pattern, keys } = compile(path);
      routes.push({ name, method, pattern, keys, handler });
      byRoute.set(name, []);
    },
    failNext(name, status, body = { error: { message: `injected ${status}` } }, times = 1) {
      const list = failures.get(name) ?? [];
      for (let i = 0; i < times; i += 1) list.push({ status, body });
      failures.set(name, list);
    },
    hangUpNext(name, times = 1) {
      hangUps.set(name, (hangUps.get(name) ?? 0) + times);
    },
    calls: (name) => byRoute.get(name) ?? [],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The bearer token of a request, if any. */
export function bearer(request: RecordedRequest): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers['authorization'] ?? '');
  return match?.[1] ?? null;
}
