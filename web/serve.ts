// Serves the built web app (web/dist) and forwards /graphql — plain HTTP and
// the graphql-ws WebSocket upgrade — to the gateway, so the browser talks to a
// single origin. Only Node's http/net: nothing to configure, nothing to trust.
//
//   startStack() calls serveWeb({ port, gatewayUrl });
//   standalone: PORT=5173 GATEWAY_URL=http://127.0.0.1:4000/graphql npx node web/serve.ts
import { readFile, stat } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { gzipSync } from 'node:zlib';

export interface ServeWebOptions {
  port: number;
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql (a bare origin means /graphql). */
  gatewayUrl: string;
  host?: string;
  /** Defaults to web/dist next to this file. */
  distDir?: string;
}

export interface WebServer {
  url: string;
  close(): Promise<void>;
}

const GRAPHQL_PATH = '/graphql';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map']);

// Same-origin everything; Mantine and recharts set inline styles, hence 'unsafe-inline' for styles only.
const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/** Headers that describe one hop only (RFC 9110 §7.6.1) and must not be forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

function forwardHeaders(req: IncomingMessage, target: URL, keepUpgrade: boolean): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  const listed = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    headers[name] = value;
  }
  headers.host = target.host;
  const remote = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${remote}` : remote;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  if (keepUpgrade) {
    headers.connection = 'Upgrade';
    headers.upgrade = req.headers.upgrade ?? 'websocket';
  }
  return headers;
}

function targetFor(gateway: URL, req: IncomingMessage): URL {
  const incoming = new URL(req.url ?? '/', 'http://placeholder');
  const target = new URL(gateway.href);
  // Media uploads and signed media URLs keep their own path on the gateway.
  if (isGatewayPath(req.url, req.method)) target.pathname = incoming.pathname;
  target.search = incoming.search;
  return target;
}

function proxyHttp(gateway: URL, req: IncomingMessage, res: ServerResponse): void {
  const target = targetFor(gateway, req);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(target, { method: req.method, headers: forwardHeaders(req, target, false) }, (answer) => {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      // Same shape as a GraphQL error so the app shows its "server unreachable" message.
      res.end(JSON.stringify({ errors: [{ message: 'The gateway cannot be reached.', extensions: { code: 'BAD_GATEWAY' } }] }));
    } else {
      res.destroy();
    }
  });
  req.on('aborted', () => upstream.destroy());
  req.pipe(upstream);
}

function proxyUpgrade(gateway: URL, req: IncomingMessage, client: Socket, head: Buffer): void {
  const target = targetFor(gateway, req);
  const secure = target.protocol === 'https:';
  const port = Number(target.port || (secure ? 443 : 80));
  const upstream = secure ? tlsConnect({ host: target.hostname, port, servername: target.hostname }) : netConnect({ host: target.hostname, port });
  const fail = () => {
    client.destroy();
    upstream.destroy();
  };
  upstream.once(secure ? 'secureConnect' : 'connect', () => {
    // Replay the handshake verbatim (minus hop headers); from then on the two sockets are one pipe.
    const headers = forwardHeaders(req, target, true);
    const lines = [`${req.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1`];
    for (const [name, value] of Object.entries(headers)) {
      for (const single of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${String(single)}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', fail);
  client.on('error', fail);
  upstream.on('close', () => client.destroy());
  client.on('close', () => upstream.destroy());
}

interface StaticFile {
  body: Buffer;
  gzipped: Buffer | null;
  type: string;
  immutable: boolean;
}

function createStaticHandler(distDir: string) {
  const root = resolve(distDir);
  const cache = new Map<string, StaticFile>();

  async function load(relative: string): Promise<StaticFile | null> {
    const cached = cache.get(relative);
    if (cached) return cached;
    const path = normalize(join(root, relative));
    if (path !== root && !path.startsWith(root + sep)) return null;
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    const ext = extname(path).toLowerCase();
    const body = await readFile(path);
    const file: StaticFile = {
      body,
      gzipped: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : null,
      type: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      // Vite fingerprints everything under assets/: those never change under the same name.
      immutable: relative.startsWith('assets/'),
    };
    // The built files do not change while serving; index.html is re-read so a rebuild shows up.
    if (file.immutable) cache.set(relative, file);
    return file;
  }

  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', ...SECURITY_HEADERS });
      res.end();
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://placeholder').pathname);
    } catch {
      res.writeHead(400, SECURITY_HEADERS);
      res.end();
      return;
    }
    const relative = pathname.replace(/^\/+/, '');
    let file = relative ? await load(relative) : null;
    // Client-side routes (/brand, /studio/…) get the app shell; a missing asset gets a 404.
    if (!file && !extname(relative)) file = await load('index.html');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('Not found');
      return;
    }
    const gzip = file.gzipped && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip && file.gzipped ? file.gzipped : file.body;
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': body.length,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

function isGraphqlPath(url: string | undefined): boolean {
  const pathname = new URL(url ?? '/', 'http://placeholder').pathname;
  return pathname === GRAPHQL_PATH || pathname === `${GRAPHQL_PATH}/`;
}

/**
 * Gateway paths other than GraphQL, kept as they are: media uploads and signed
 * media URLs (C7), one-click unsubscribe POSTs (RFC 8058) and provider webhooks.
 */
function isGatewayPath(url: string | undefined, method = 'GET'): boolean {
  const pathname = new URL(url ?? '/', 'http://placeholder').pathname;
  if (pathname === '/uploads' || /^\/media\/[0-9a-f-]{36}$/.test(pathname)) return true;
  return method === 'POST' && (/^\/u\/[A-Za-z0-9_-]+$/.test(pathname) || pathname === '/hooks/twilio/sms');
}

export async function serveWeb(options: ServeWebOptions): Promise<WebServer> {
  const gateway = new URL(options.gatewayUrl);
  if (gateway.pathname === '/' || gateway.pathname === '') gateway.pathname = GRAPHQL_PATH;
  const distDir = options.distDir ?? join(import.meta.dirname, 'dist');
  const index = await stat(join(distDir, 'index.html')).catch(() => null);
  if (!index?.isFile()) throw new Error(`${join(distDir, 'index.html')} is missing: run \`npm run build -w @ensemble/web\` first`);
  const serveStatic = createStaticHandler(distDir);
  const host = options.host ?? '127.0.0.1';

  const server = createServer((req, res) => {
    if (isGraphqlPath(req.url) || isGatewayPath(req.url, req.method)) {
      proxyHttp(gateway, req, res);
      return;
    }
    serveStatic(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!isGraphqlPath(req.url)) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    proxyUpgrade(gateway, req, socket as Socket, head);
  });
  // Sockets of long-lived subscriptions, destroyed on close so close() returns promptly.
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}

if (import.meta.main) {
  const server = await serveWeb({
    port: Number(process.env.PORT ?? process.env.WEB_PORT ?? 5173),
    gatewayUrl: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql',
  });
  console.log(`Ensemble web app on ${server.url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

