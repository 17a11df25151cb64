// The one way the product reads a URL it was given (onboarding, competitor
// watch) or sends to one (a client's outgoing webhooks). Public http(s)
// destinations only: the URL is checked before any I/O,
// every DNS answer is checked when the connection is made (the socket then
// connects to exactly the addresses that passed, so DNS rebinding cannot slip
// a private address in), every redirect hop is checked again, and the body is
// capped while it streams.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { pipeline, Transform, type Duplex, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import type { buildConnector } from 'undici';
import { AppError } from '@ensemble/tenancy/errors';
import {
  describeReason,
  forbiddenAddressReason,
  forbiddenHostnameReason,
  parseIp,
  type ForbiddenReason,
} from './address-policy.ts';
import { formatBytes } from './bytes.ts';

export type SafeFetchFailure =
  | 'invalid-url'
  | 'scheme'
  | 'credentials'
  | 'port'
  | 'forbidden-destination'
  | 'dns'
  | 'unreachable'
  | 'tls'
  | 'timeout'
  | 'aborted'
  | 'too-large'
  | 'too-many-redirects'
  | 'bad-response';

/** Every refusal or failure of safeFetch: BAD_USER_INPUT with a sentence a user can act on. */
export class SafeFetchError extends AppError {
  readonly reason: SafeFetchFailure;
  readonly url: string;
  readonly forbidden?: ForbiddenReason;
  constructor(reason: SafeFetchFailure, url: string, message: string, forbidden?: ForbiddenReason) {
    super('BAD_USER_INPUT', message, { reason, url, ...(forbidden ? { forbidden } : {}) });
    this.name = 'SafeFetchError';
    this.reason = reason;
    this.url = url;
    if (forbidden) this.forbidden = forbidden;
  }
}

export interface SafeFetchOptions {
  /** Largest body accepted, after decompression. Default 5 MiB. */
  maxBytes?: number;
  /** Budget for the whole fetch, redirects and body included. Default 15 s. */
  timeoutMs?: number;
  /** Redirect hops followed (each one re-checked), 0–5. Default 5. */
  maxRedirects?: number;
  accept?: string;
  userAgent?: string;
  /** Cancels the fetch (e.g. a crawl's time budget). */
  signal?: AbortSignal;
  /**
   * HTTP method, GET by default. Any other method than GET and HEAD follows no
   * redirect: a 3xx answer is returned as it came, since re-sending a body to
   * wherever a server points would be the caller's decision, not ours.
   */
  method?: SafeFetchMethod;
  /** Request body (not with GET or HEAD). */
  body?: string | Uint8Array;
  /**
   * Extra request headers (e.g. content-type, a signature); they override
   * accept and user-agent. Headers that shape the connection itself (host,
   * content-length, transfer-encoding, connection…) are refused.
   */
  headers?: Record<string, string>;
  /** Deliberately absent: there is no way to allow loopback from a call site. */
  allowLoopbackForTests?: never;
}

export type SafeFetchMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SafeFetchResponse {
  /** Final URL, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  /** Media type, lower case, without parameters (e.g. "text/html"); null when absent. */
  contentType: string | null;
  /** The charset parameter of Content-Type, lower case, when given. */
  charset: string | null;
  body: Buffer;
  /** Every URL fetched before the final one. */
  redirects: string[];
}

export type SafeFetch = (url: string, options?: SafeFetchOptions) => Promise<SafeFetchResponse>;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name has. Production: the system resolver (getaddrinfo). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface DialTarget {
  /** Host name from the URL (an IP literal when the URL had one). */
  hostname: string;
  /** Addresses that passed the policy; the socket must connect to one of these. */
  addresses: ResolvedAddress[];
  port: number;
  tls: boolean;
}

/** Opens the connection to an already-checked destination. */
export type Dialer = (target: DialTarget) => net.Socket;

export interface SafeFetcherDeps {
  resolve: Resolver;
  /**
   * Test seam: how a checked destination is dialled. The policy runs before
   * the dialler and cannot be changed here, so a test can route a *public*
   * address to a local server, but no caller can reach a private one.
   */
  dial?: Dialer;
}

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_REDIRECTS = 5;
export const DEFAULT_USER_AGENT = 'EnsembleBot/1.0 (+https://ensemble.app/bot)';
const DEFAULT_ACCEPT = 'text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// The Fetch standard's "bad ports": protocols that a smuggled HTTP request could talk to.
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** What the refused call was about to do, for the message: fetch a URL, or connect to a server (SMTP). */
export type Approach = 'fetch' | 'connect to';

function forbiddenError(url: string, host: string, reason: ForbiddenReason, approach: Approach = 'fetch'): SafeFetchError {
  return new SafeFetchError(
    'forbidden-destination',
    url,
    `Refusing to ${approach} ${url}: ${host} is ${describeReason(reason)}, not a public internet address.`,
    reason,
  );
}

// Refusals that a retry cannot change; the others (DNS, network, timeout) may pass later.
const LASTING_FAILURES = new Set<SafeFetchFailure>(['invalid-url', 'scheme', 'credentials', 'port', 'forbidden-destination', 'tls', 'too-large', 'too-many-redirects']);

/** True when trying again later cannot help (a refused address, a bad certificate…). */
export function isLastingFailure(reason: SafeFetchFailure): boolean {
  return LASTING_FAILURES.has(reason);
}

function display(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}

/**
 * Parses and checks a URL without any network I/O: http(s) only, no embedded
 * credentials, no "bad" port, no internal host name, no non-public IP literal
 * in any notation (WHATWG parsing turns 0x7f.1 or 2130706433 into 127.0.0.1).
 */
export function parsePublicUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new SafeFetchError('invalid-url', display(input), `"${display(input)}" is not a valid web address.`);
  }
  const shown = display(url.href);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SafeFetchError('scheme', shown, `Only http and https addresses can be fetched, not ${url.protocol.slice(0, -1)}.`);
  }
  if (url.username || url.password) {
    throw new SafeFetchError('credentials', shown, `Refusing to fetch ${shown}: addresses with a user name or password are not fetched.`);
  }
  if (url.port && BAD_PORTS.has(Number(url.port))) {
    throw new SafeFetchError('port', shown, `Refusing to fetch ${shown}: port ${url.port} is not a web port.`);
  }
  checkPublicHost(url.hostname, shown);
  return url;
}

/**
 * The host part of the check, without I/O: no internal host name, no
 * non-public IP literal in any notation (for URLs WHATWG does not normalise,
 * such as smtp://127.1, the legacy IPv4 forms are read here). `shown` names
 * the destination in the message (with any password already hidden).
 */
export function checkPublicHost(host: string, shown: string, approach: Approach = 'fetch'): void {
  const reason = host.startsWith('[') || parseIp(host) ? forbiddenAddressReason(host) : forbiddenHostnameReason(host);
  if (reason) throw forbiddenError(shown, host, reason, approach);
}

export const systemResolve: Resolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, order: 'verbatim' });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Connects to exactly the checked addresses: a pinned lookup, so no second DNS query happens. */
export const defaultDial: Dialer = ({ hostname, addresses, port, tls: secure }) => {
  const lookup: LookupFunction = (_name, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const literal = net.isIP(hostname) !== 0;
  if (secure) {
    return tls.connect({
      host: hostname,
      port,
      lookup,
      // SNI is for names only; certificate checks still use `host`.
      ...(literal ? {} : { servername: hostname }),
      ALPNProtocols: ['http/1.1'],
    });
  }
  return net.connect({ host: hostname, port, lookup });
};

/**
 * A refusal raised inside the connector, which knows the host but not the
 * URL being fetched: the fetch loop turns it into a SafeFetchError for its URL.
 */
class ConnectRefusal extends Error {
  readonly build: (url: string, approach?: Approach) => SafeFetchError;
  constructor(build: (url: string, approach?: Approach) => SafeFetchError) {
    super('connection refused by policy');
    this.build = build;
  }
}

async function resolveChecked(hostname: string, resolve: Resolver): Promise<ResolvedAddress[]> {
  const literal = parseIp(hostname);
  if (net.isIP(hostname) && literal) {
    const reason = forbiddenAddressReason(hostname);
    if (reason) throw new ConnectRefusal((url, approach) => forbiddenError(url, hostname, reason, approach));
    return [{ address: hostname, family: literal.kind() === 'ipv6' ? 6 : 4 }];
  }
  const nameReason = forbiddenHostnameReason(hostname);
  if (nameReason) throw new ConnectRefusal((url, approach) => forbiddenError(url, hostname, nameReason, approach));
  let answers: ResolvedAddress[];
  try {
    answers = await resolve(hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConnectRefusal((url) => new SafeFetchError('dns', url, `The host ${hostname} could not be found (DNS ${code}).`));
  }
  if (answers.length === 0) throw new ConnectRefusal((url) => new SafeFetchError('dns', url, `The host ${hostname} has no address.`));
  // One forbidden answer refuses the whole name: a mix is the rebinding trick.
  for (const answer of answers) {
    const reason = forbiddenAddressReason(answer.address);
    if (reason) throw new ConnectRefusal((url, approach) => forbiddenError(url, `${hostname} (${answer.address})`, reason, approach));
  }
  return answers;
}

/** Resolves and checks the host, then dials exactly the addresses that passed; settles once connected. */
async function openChecked(resolve: Resolver, dial: Dialer, target: Omit<DialTarget, 'addresses'>, connectTimeoutMs: number): Promise<net.Socket> {
  const addresses = await resolveChecked(target.hostname, resolve);
  return new Promise((settle, fail) => {
    let done = false;
    const socket = dial({ ...target, addresses });
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        fail(error);
      } else settle(socket);
    };
    const seconds = Math.round(connectTimeoutMs / 1000);
    const timer = setTimeout(
      () => finish(new ConnectRefusal((url) => new SafeFetchError('timeout', url, `${target.hostname} did not accept a connection within ${seconds} s.`))),
      connectTimeoutMs,
    );
    socket.once(target.tls ? 'secureConnect' : 'connect', () => finish(null));
    socket.once('error', (error) => finish(error));
  });
}

function createConnector(resolve: Resolver, dial: Dialer, connectTimeoutMs: number): buildConnector.connector {
  return (options, callback) => {
    let hostname = options.hostname;
    if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
    const secure = options.protocol === 'https:';
    const port = Number(options.port) || (secure ? 443 : 80);
    openChecked(resolve, dial, { hostname, port, tls: secure }, connectTimeoutMs).then(
      (socket) => callback(null, socket),
      (error: Error) => callback(error, null),
    );
  };
}

/**
 * The same policy for a client-given server spoken to over another protocol
 * (SMTP): the name and every DNS answer are checked, then a plain TCP socket
 * is opened to exactly the addresses that passed (no second DNS query, so no
 * rebinding). The caller speaks its protocol over it, TLS included. `shown`
 * names the destination in errors; every failure is a SafeFetchError.
 */
export async function connectPublicHost(deps: SafeFetcherDeps, host: string, port: number, options: { shown: string; timeoutMs: number }): Promise<net.Socket> {
  const hostname = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  try {
    return await openChecked(deps.resolve, deps.dial ?? defaultDial, { hostname, port, tls: false }, options.timeoutMs);
  } catch (error) {
    if (error instanceof ConnectRefusal) throw error.build(options.shown, 'connect to');
    throw mapError(error, options.shown, false, false, options.timeoutMs);
  }
}

const METHODS = new Set<SafeFetchMethod>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
// Headers that frame the request or the connection: undici sets them from the
// body and the URL; a caller's value could smuggle a second request.
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection']);

function checkOptions(options: SafeFetchOptions): Required<Pick<SafeFetchOptions, 'maxBytes' | 'timeoutMs' | 'maxRedirects' | 'method'>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  const method = options.method ?? 'GET';
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > 200 * 1024 * 1024) throw new RangeError('maxBytes must be an integer in 1..200 MiB');
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw new RangeError('timeoutMs must be in 1..600000');
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0 || maxRedirects > MAX_REDIRECTS) throw new RangeError(`maxRedirects must be an integer in 0..${MAX_REDIRECTS}`);
  if (!METHODS.has(method)) throw new RangeError(`method must be one of ${[...METHODS].join(', ')}`);
  if (options.body !== undefined && (method === 'GET' || method === 'HEAD')) throw new RangeError(`a ${method} request has no body`);
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const key = name.toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(key)) throw new RangeError(`invalid header name ${JSON.stringify(name)}`);
    if (RESERVED_HEADERS.has(key) || key.startsWith('proxy-')) throw new RangeError(`the ${key} header is set by the fetcher, not by callers`);
    if (/[\r\n\0]/.test(value)) throw new RangeError(`the ${key} header holds a line break`);
  }
  return { maxBytes, timeoutMs, maxRedirects, method };
}

function requestHeaders(options: SafeFetchOptions): Record<string, string> {
  const headers: Record<string, string> = {
    accept: options.accept ?? DEFAULT_ACCEPT,
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    'accept-encoding': 'gzip, deflate, br',
    'accept-language': 'en, fr;q=0.9, *;q=0.5',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseContentType(value: string | undefined): { contentType: string | null; charset: string | null } {
  if (!value) return { contentType: null, charset: null };
  const [type, ...params] = value.split(';');
  const contentType = type!.trim().toLowerCase() || null;
  let charset: string | null = null;
  for (const param of params) {
    const [key, val] = param.split('=');
    if (key?.trim().toLowerCase() === 'charset' && val) charset = val.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { contentType, charset };
}

function decoderFor(encoding: string, url: string): Duplex | null {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new SafeFetchError('bad-response', url, `${url} answered with an unsupported content encoding (${encoding}).`);
  }
}

function tooLarge(url: string, maxBytes: number): SafeFetchError {
  return new SafeFetchError('too-large', url, `${url} is larger than the ${formatBytes(maxBytes)} limit.`);
}

/** Reads the body through its content encodings, aborting as soon as either side passes maxBytes. */
async function readBody(body: Readable, encodingHeader: string, maxBytes: number, url: string): Promise<Buffer> {
  const encodings = encodingHeader.split(',').map((e) => e.trim().toLowerCase()).filter(Boolean).reverse();
  const decoders = encodings.map((e) => decoderFor(e, url)).filter((d): d is Duplex => d !== null);
  let failure: Error | null = null;
  let rawBytes = 0;
  // Compressed bytes are capped too, so a slow trickle of junk cannot run on.
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      rawBytes += chunk.length;
      if (rawBytes > maxBytes) {
        failure ??= tooLarge(url, maxBytes);
        callback(failure);
      } else callback(null, chunk);
    },
  });
  const source: Readable =
    decoders.length === 0
      ? body
      : (pipeline([body, counter, ...decoders], (error) => {
          if (error) failure ??= error;
        }) as unknown as Readable);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        failure ??= tooLarge(url, maxBytes);
        break;
      }
      chunks.push(chunk);
    }
  } catch (error) {
    failure ??= error as Error;
  } finally {
    if (failure) {
      source.destroy();
      body.destroy();
    }
  }
  if (failure) throw failure;
  return Buffer.concat(chunks, size);
}

function mapError(error: unknown, url: string, timedOut: boolean, cancelled: boolean, timeoutMs: number): Error {
  if (error instanceof SafeFetchError) return error;
  if (error instanceof ConnectRefusal) return error.build(url);
  if ((error as { cause?: unknown })?.cause instanceof ConnectRefusal) return ((error as { cause: ConnectRefusal }).cause).build(url);
  if (timedOut) return new SafeFetchError('timeout', url, `${url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
  const err = error as NodeJS.ErrnoException & { cause?: unknown };
  if (cancelled || err?.name === 'AbortError') return new SafeFetchError('aborted', url, `Fetching ${url} was cancelled.`);
  const code = err?.code ?? (err?.cause as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (/CERT|SSL|TLS|ERR_OSSL/.test(code) || /certificate/i.test(err?.message ?? '')) {
    return new SafeFetchError('tls', url, `${url} does not have a valid HTTPS certificate (${code || err.message}).`);
  }
  if (code.startsWith('Z_') || code.startsWith('ERR_BROTLI')) {
    return new SafeFetchError('bad-response', url, `${url} sent a corrupt compressed body.`);
  }
  if (code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_')) {
    return new SafeFetchError('bad-response', url, `${url} sent a malformed HTTP response.`);
  }
  return new SafeFetchError('unreachable', url, `${url} could not be reached${code ? ` (${code})` : ''}.`);
}

/**
 * Builds a fetcher around a resolver. Production code uses `safeFetch`
 * (system resolver, real sockets); tests inject a resolver, and a dialler to
 * route a public test address to a local server.
 */
export function createSafeFetcher(deps: SafeFetcherDeps): SafeFetch {
  const dial = deps.dial ?? defaultDial;
  return async function safeFetchImpl(input: string, options: SafeFetchOptions = {}): Promise<SafeFetchResponse> {
    const { maxBytes, timeoutMs, maxRedirects, method } = checkOptions(options);
    const headers = requestHeaders(options);
    const followsRedirects = method === 'GET' || method === 'HEAD';
    let url = parsePublicUrl(input);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const agent = new Agent({
      connect: createConnector(deps.resolve, dial, Math.min(timeoutMs, 10_000)),
      allowH2: false,
      pipelining: 0,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      maxHeaderSize: 64 * 1024,
    });
    const redirects: string[] = [];
    try {
      for (;;) {
        if (signal.aborted) throw signal.reason;
        const response = await request(url, {
          dispatcher: agent,
          method,
          signal,
          headers,
          ...(options.body !== undefined ? { body: options.body } : {}),
        });
        const answered = flattenHeaders(response.headers);
        const location = answered.location;
        if (followsRedirects && REDIRECT_STATUSES.has(response.statusCode) && location) {
          response.body.dump().catch(() => undefined);
          if (redirects.length >= maxRedirects) {
            throw new SafeFetchError('too-many-redirects', url.href, `${display(input)} redirects more than ${maxRedirects} times.`);
          }
          redirects.push(url.href);
          let next: string;
          try {
            next = new URL(location, url).href;
          } catch {
            throw new SafeFetchError('bad-response', url.href, `${url.href} redirects to an invalid address.`);
          }
          try {
            url = parsePublicUrl(next);
          } catch (error) {
            const refusal = error as SafeFetchError;
            throw new SafeFetchError(refusal.reason, refusal.url, `${refusal.message} (${display(url.href)} redirected there)`, refusal.forbidden);
          }
          continue;
        }
        const declared = Number(answered['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          response.body.destroy();
          throw tooLarge(url.href, maxBytes);
        }
        const body = await readBody(response.body, answered['content-encoding'] ?? '', maxBytes, url.href);
        const { contentType, charset } = parseContentType(answered['content-type']);
        return { url: url.href, status: response.statusCode, headers: answered, contentType, charset, body, redirects };
      }
    } catch (error) {
      throw mapError(error, url.href, timeout.aborted, options.signal?.aborted === true, timeoutMs);
    } finally {
      agent.destroy().catch(() => undefined);
    }
  };
}

/** The product's fetcher: system DNS, every answer checked at connect time. */
export const safeFetch: SafeFetch = createSafeFetcher({ resolve: systemResolve });
