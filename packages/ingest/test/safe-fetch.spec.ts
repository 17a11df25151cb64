import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbiddenAddressReason, normaliseLegacyIpv4 } from '../src/address-policy.ts';
import {
  createSafeFetcher,
  DEFAULT_USER_AGENT,
  defaultDial,
  parsePublicUrl,
  safeFetch,
  SafeFetchError,
  type Dialer,
  type Resolver,
} from '../src/safe-fetch.ts';

// The canary listens where an SSRF would land. Every refusal below must leave
// its connection count at zero.
const CANARY_PORT = 16110;
const SITE_PORT = 16111;
const TLS_PORT = 16112;
// A routable address that stands for "the public site" in these tests: the
// test dialler routes it to the local site server, nothing else is rerouted.
const PUBLIC_SITE_IP = '93.184.215.14';

let canaryConnections = 0;
const canaries: net.Server[] = [];
let site: http.Server;
let bigBytesSent = 0;
let bigClosed: Promise<void> = Promise.resolve();

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

beforeAll(async () => {
  for (const host of ['127.0.0.1', '::1']) {
    const canary = net.createServer((socket) => {
      canaryConnections += 1;
      socket.destroy();
    });
    try {
      await listen(canary, CANARY_PORT, host);
      canaries.push(canary);
    } catch (error) {
      // A machine without IPv6 loopback still gets the IPv4 canary.
      if (host === '127.0.0.1') throw error;
    }
  }
  site = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
    if (hop) {
      const n = Number(hop[1]);
      if (n === 0) return res.writeHead(200, { 'content-type': 'text/plain' }).end('arrived');
      return res.writeHead(302, { location: `/hop/${n - 1}` }).end();
    }
    switch (url.pathname) {
      case '/':
        return res.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' }).end('<h1>Maison Lumière</h1>');
      case '/echo': {
        // What arrived, as JSON: method, headers and body.
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          res.writeHead(Number(url.searchParams.get('status') ?? 200), { 'content-type': 'application/json' })
            .end(JSON.stringify({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }));
        });
        return;
      }
      case '/missing':
        return res.writeHead(404, { 'content-type': 'text/plain' }).end('nope');
      case '/redirect': {
        const to = url.searchParams.get('to') ?? '/';
        return res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: to }).end();
      }
      case '/loop':
        return res.writeHead(301, { location: '/loop' }).end();
      case '/gzip':
        return res
          .writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
          .end(gzipSync(Buffer.from('sourdough '.repeat(1000))));
      case '/gzip-bomb':
        // ~50 KB on the wire, 50 MB once inflated.
        return res
          .writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
          .end(gzipSync(Buffer.alloc(50 * 1024 * 1024)));
      case '/declared-big':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(50 * 1024 * 1024) });
        return res.write(Buffer.alloc(1024));
      case '/big': {
        // Streams up to 50 MB, honouring back-pressure; the client must hang up early.
        bigBytesSent = 0;
        bigClosed = new Promise((resolve) => res.on('close', () => resolve()));
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = () => {
          while (bigBytesSent < 50 * 1024 * 1024 && !res.destroyed) {
            bigBytesSent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      case '/slow':
        return setTimeout(() => res.writeHead(200).end('late'), 5_000).unref();
      default:
        return res.writeHead(404).end();
    }
  });
  await listen(site, SITE_PORT, '127.0.0.1');
});

afterAll(async () => {
  site.closeAllConnections();
  await new Promise((resolve) => site.close(resolve));
  for (const canary of canaries) await new Promise((resolve) => canary.close(resolve));
});

/** Resolves the test names; any other name goes to the real resolver (so localhost is really 127.0.0.1). */
function testResolver(extra: Record<string, string[] | (() => string[])> = {}): Resolver {
  return async (hostname) => {
    const entry = hostname === 'shop.example' ? [PUBLIC_SITE_IP] : extra[hostname];
    if (!entry) {
      const { lookup } = await import('node:dns/promises');
      const answers = await lookup(hostname, { all: true });
      return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    }
    const addresses = typeof entry === 'function' ? entry() : entry;
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

/** Routes only the public test address to the local site; everything else dials for real. */
const testDial: Dialer = (target) =>
  target.addresses.every((a) => a.address === PUBLIC_SITE_IP) ? net.connect(SITE_PORT, '127.0.0.1') : defaultDial(target);

async function refusal(promise: Promise<unknown>): Promise<SafeFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SafeFetchError);
    expect((error as SafeFetchError).code).toBe('BAD_USER_INPUT');
    return error as SafeFetchError;
  }
  throw new Error('expected a refusal');
}

const P = CANARY_PORT;
// Every notation of "not the public internet" that a URL can carry.
const FORBIDDEN_URLS = [
  `http://127.0.0.1:${P}/`,
  `https://127.0.0.1:${P}/`,
  `http://127.1:${P}/`,
  `http://127.0.1:${P}/`,
  `http://127.000.000.001:${P}/`,
  `http://127.0.0.1.:${P}/`,
  `http://2130706433:${P}/`,
  `http://0x7f000001:${P}/`,
  `http://0x7f.1:${P}/`,
  `http://0X7F.0X0.0X0.0X1:${P}/`,
  `http://0177.0.0.1:${P}/`,
  `http://0177.1:${P}/`,
  `http://017700000001:${P}/`,
  `http://0x7f.0.0.1:${P}/`,
  `http://127%2E0%2E0%2E1:${P}/`,
  `http://１２７.０.０.１:${P}/`,
  `http://127.255.255.254:${P}/`,
  `http://localhost:${P}/`,
  `http://LOCALHOST:${P}/`,
  `http://localhost.:${P}/`,
  `http://shop.localhost:${P}/`,
  `http://[::1]:${P}/`,
  `http://[0:0:0:0:0:0:0:1]:${P}/`,
  `http://[::ffff:127.0.0.1]:${P}/`,
  `http://[::ffff:7f00:1]:${P}/`,
  `http://[0:0:0:0:0:ffff:127.0.0.1]:${P}/`,
  `http://[::127.0.0.1]:${P}/`,
  `http://[::ffff:0:127.0.0.1]:${P}/`,
  `http://[64:ff9b::127.0.0.1]:${P}/`,
  `http://[64:ff9b::7f00:1]:${P}/`,
  `http://[64:ff9b:1::8.8.8.8]:${P}/`,
  `http://[2002:7f00:1::]:${P}/`,
  `http://[2002:a00:1::1]:${P}/`,
  `http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:${P}/`,
  `http://0.0.0.0:${P}/`,
  `http://0:${P}/`,
  `http://[::]:${P}/`,
  'http://10.0.0.1/',
  'http://10.255.255.255/',
  'http://012.1/',
  'http://172.16.0.1/',
  'http://172.31.255.254/',
  'http://0xac.0x10.0.1/',
  'http://192.168.1.1/',
  'http://3232235777/',
  'http://100.64.0.1/',
  'http://100.127.255.255/',
  'http://169.254.169.254/latest/meta-data/',
  'http://2852039166/latest/meta-data/',
  'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/',
  'http://169.254.1.1/',
  'http://[fe80::1]/',
  'http://[fe80::1%25eth0]/',
  'http://224.0.0.1/',
  'http://239.255.255.250/',
  'http://255.255.255.255/',
  'http://[ff02::1]/',
  'http://240.0.0.1/',
  'http://192.0.2.1/',
  'http://198.18.0.1/',
  'http://[fc00::1]/',
  'http://[fd12:3456::1]/',
  'http://[fec0::1]/',
  'http://[100::1]/',
  'http://[2001:db8::1]/',
  'http://intranet/',
  'http://printer.local/',
  'http://router.home.arpa/',
  `file:///etc/passwd`,
  `ftp://example.com/`,
  `gopher://127.0.0.1:${P}/_GET`,
  `dict://127.0.0.1:${P}/`,
  'data:text/html,hello',
  'javascript:alert(1)',
  'http://user:secret@example.com/',
  `http://example.com@127.0.0.1:${P}/`,
  'http://example.com:25/',
  'http://example.com:6379x/',
  'not a url',
];

describe('the forbidden-URL corpus', () => {
  it('has at least 40 entries', () => {
    expect(FORBIDDEN_URLS.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses every one of them through the production safeFetch, and the canary sees no connection', async () => {
    const before = canaryConnections;
    const reasons = new Map<string, string>();
    for (const url of FORBIDDEN_URLS) {
      const error = await refusal(safeFetch(url, { timeoutMs: 3_000 }));
      reasons.set(url, error.reason);
      // Refused up front, never "tried and failed to connect".
      expect(['forbidden-destination', 'scheme', 'credentials', 'port', 'invalid-url'], url).toContain(error.reason);
      // Refusals say what was refused, never a bare code.
      expect(error.message.length).toBeGreaterThan(20);
    }
    expect(canaryConnections - before).toBe(0);
    // Spot-check that each was refused for the right reason, not by accident.
    expect(reasons.get(`http://2130706433:${P}/`)).toBe('forbidden-destination');
    expect(reasons.get(`http://[::ffff:127.0.0.1]:${P}/`)).toBe('forbidden-destination');
    expect(reasons.get('file:///etc/passwd')).toBe('scheme');
    expect(reasons.get('http://user:secret@example.com/')).toBe('credentials');
    expect(reasons.get('http://example.com:25/')).toBe('port');
    expect(reasons.get('not a url')).toBe('invalid-url');
    const destinations = FORBIDDEN_URLS.filter((u) => reasons.get(u) === 'forbidden-destination');
    expect(destinations.length).toBeGreaterThanOrEqual(60);
  });

  it('names the kind of address it refused', async () => {
    const metadata = await refusal(safeFetch('http://169.254.169.254/latest/meta-data/'));
    expect(metadata.forbidden).toBe('cloud-metadata');
    expect(metadata.message).toContain('cloud metadata');
    const cgnat = await refusal(safeFetch('http://100.64.0.1/'));
    expect(cgnat.forbidden).toBe('carrier-grade-nat');
    const octal = await refusal(safeFetch(`http://0177.0.0.1:${P}/`));
    expect(octal.forbidden).toBe('loopback');
    expect(octal.message).toContain('127.0.0.1');
  });
});

describe('address policy', () => {
  it('reads legacy IPv4 notations exactly as WHATWG URL does', () => {
    for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0x7f000001', '017700000001', '10.1', '3232235777', '0', '1.2.3.4.']) {
      expect(normaliseLegacyIpv4(host), host).toBe(new URL(`http://${host}/`).hostname);
    }
    expect(normaliseLegacyIpv4('example.com')).toBeNull();
    expect(normaliseLegacyIpv4('1.2.3.4.5')).toBeNull();
    expect(normaliseLegacyIpv4('256.1.1.1')).toBeNull();
    expect(normaliseLegacyIpv4('4294967296')).toBeNull();
  });

  it('classifies raw addresses in every notation', () => {
    const cases: Array<[string, string | null]> = [
      ['127.0.0.1', 'loopback'],
      ['0177.0.0.1', 'loopback'],
      ['0x7f.1', 'loopback'],
      ['2130706433', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.20.0.1', 'private'],
      ['192.168.0.10', 'private'],
      ['100.100.0.1', 'carrier-grade-nat'],
      ['169.254.169.254', 'cloud-metadata'],
      ['169.254.10.10', 'link-local'],
      ['0.0.0.0', 'unspecified'],
      ['255.255.255.255', 'broadcast'],
      ['230.1.1.1', 'multicast'],
      ['250.1.1.1', 'reserved'],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fe80::abcd%eth0', 'link-local'],
      ['fd00:ec2::254', 'cloud-metadata'],
      ['fc00::5', 'unique-local'],
      ['::ffff:10.0.0.1', 'ipv4-mapped'],
      ['::ffff:8.8.8.8', 'ipv4-mapped'],
      ['::7f00:1', 'ipv4-compatible'],
      ['64:ff9b::a9fe:a9fe', 'cloud-metadata'],
      ['64:ff9b::10.0.0.1', 'private'],
      ['2002:c0a8:101::', 'private'],
      ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
      ['ff05::2', 'multicast'],
      ['4000::1', 'not-global'],
      ['not-an-ip', 'invalid-address'],
      // Public: allowed.
      ['93.184.215.14', null],
      ['8.8.8.8', null],
      ['2606:4700:4700::1111', null],
      ['64:ff9b::8.8.8.8', null],
      ['2002:808:808::1', null],
    ];
    for (const [address, reason] of cases) expect(forbiddenAddressReason(address), address).toBe(reason);
  });

  it('parsePublicUrl accepts public web addresses and normalises them', () => {
    expect(parsePublicUrl(' https://Maison-Lumiere.example/Menu?x=1 ').href).toBe('https://maison-lumiere.example/Menu?x=1');
    expect(parsePublicUrl('http://8.8.8.8:8080/').port).toBe('8080');
  });
});

describe('fetching through the connect-time checks', () => {
  const fetcher = createSafeFetcher({ resolve: testResolver({ 'loopback.example': ['127.0.0.1'] }), dial: testDial });

  it('fetches a public page and reports type, charset and final URL', async () => {
    const res = await fetcher('http://shop.example/');
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/html');
    expect(res.charset).toBe('utf-8');
    expect(res.body.toString('utf8')).toBe('<h1>Maison Lumière</h1>');
    expect(res.url).toBe('http://shop.example/');
    expect(res.redirects).toEqual([]);
  });

  it('returns error statuses instead of throwing', async () => {
    const res = await fetcher('http://shop.example/missing');
    expect(res.status).toBe(404);
    expect(res.body.toString()).toBe('nope');
  });

  it('refuses a DNS name that resolves to 127.0.0.1, with the real dialler behind it', async () => {
    const before = canaryConnections;
    const error = await refusal(fetcher(`http://loopback.example:${P}/admin?x=1`));
    expect(error.reason).toBe('forbidden-destination');
    expect(error.url).toBe(`http://loopback.example:${P}/admin?x=1`);
    expect(error.message).toBe(
      `Refusing to fetch http://loopback.example:${P}/admin?x=1: loopback.example (127.0.0.1) is a loopback address, not a public internet address.`,
    );
    // The production fetcher refuses the real resolver's localhost too.
    await refusal(safeFetch(`http://localhost:${P}/`));
    expect(canaryConnections - before).toBe(0);
  });

  it('refuses a name whose answers mix a public and a private address', async () => {
    const mixed = createSafeFetcher({ resolve: testResolver({ 'mixed.example': [PUBLIC_SITE_IP, '127.0.0.1'] }), dial: testDial });
    const error = await refusal(mixed(`http://mixed.example:${P}/`));
    expect(error.forbidden).toBe('loopback');
  });

  it('defeats DNS rebinding: the second answer (127.0.0.1) is checked when the connection is made', async () => {
    let calls = 0;
    const rebinding = createSafeFetcher({
      resolve: testResolver({ 'rebind.example': () => (calls++ === 0 ? [PUBLIC_SITE_IP] : ['127.0.0.1']) }),
      dial: testDial,
    });
    const before = canaryConnections;
    const first = await rebinding(`http://rebind.example:${P}/`);
    expect(first.status).toBe(200);
    const error = await refusal(rebinding(`http://rebind.example:${P}/again`));
    expect(error.forbidden).toBe('loopback');
    expect(calls).toBe(2);
    expect(canaryConnections - before).toBe(0);
  });

  it('re-checks every redirect hop and refuses forbidden targets in any notation', async () => {
    const before = canaryConnections;
    const targets = [
      `http://127.0.0.1:${P}/`,
      `http://2130706433:${P}/`,
      `http://0x7f.1:${P}/`,
      `http://[::1]:${P}/`,
      `http://[::ffff:127.0.0.1]:${P}/`,
      `http://localhost:${P}/`,
      `http://loopback.example:${P}/`,
      'http://169.254.169.254/latest/meta-data/',
      'file:///etc/passwd',
    ];
    for (const to of targets) {
      for (const status of [301, 302, 307]) {
        const error = await refusal(fetcher(`http://shop.example/redirect?status=${status}&to=${encodeURIComponent(to)}`));
        expect(['forbidden-destination', 'scheme'], to).toContain(error.reason);
      }
    }
    const viaRedirect = await refusal(fetcher(`http://shop.example/redirect?to=${encodeURIComponent('http://2130706433/')}`));
    expect(viaRedirect.message).toBe(
      'Refusing to fetch http://127.0.0.1/: 127.0.0.1 is a loopback address, not a public internet address. (http://shop.example/redirect?to=http%3A%2F%2F2130706433%2F redirected there)',
    );
    expect(canaryConnections - before).toBe(0);
  });

  it('follows up to five redirects and reports the chain', async () => {
    const res = await fetcher('http://shop.example/hop/5');
    expect(res.body.toString()).toBe('arrived');
    expect(res.url).toBe('http://shop.example/hop/0');
    expect(res.redirects).toHaveLength(5);
    expect((await refusal(fetcher('http://shop.example/hop/6'))).reason).toBe('too-many-redirects');
    expect((await refusal(fetcher('http://shop.example/loop'))).reason).toBe('too-many-redirects');
    expect((await refusal(fetcher('http://shop.example/hop/2', { maxRedirects: 1 }))).reason).toBe('too-many-redirects');
    await expect(fetcher('http://shop.example/', { maxRedirects: 6 })).rejects.toThrow(RangeError);
  });

  it('aborts a body past maxBytes while it streams', async () => {
    const error = await refusal(fetcher('http://shop.example/big', { maxBytes: 100_000 }));
    expect(error.reason).toBe('too-large');
    expect(error.message).toBe('http://shop.example/big is larger than the 98 KB limit.');
    await bigClosed;
    // The server was cut off long before its 50 MB.
    expect(bigBytesSent).toBeLessThan(10 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit without reading it', async () => {
    const error = await refusal(fetcher('http://shop.example/declared-big', { maxBytes: 1024 * 1024 }));
    expect(error.reason).toBe('too-large');
    expect(error.message).toContain('1 MB');
  });

  it('decompresses gzip, and caps the inflated size (gzip bomb)', async () => {
    const res = await fetcher('http://shop.example/gzip');
    expect(res.body.toString()).toBe('sourdough '.repeat(1000));
    const error = await refusal(fetcher('http://shop.example/gzip-bomb', { maxBytes: 1024 * 1024 }));
    expect(error.reason).toBe('too-large');
  });

  it('gives up after the total timeout', async () => {
    const started = Date.now();
    const error = await refusal(fetcher('http://shop.example/slow', { timeoutMs: 300 }));
    expect(error.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops when the caller cancels', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await refusal(fetcher('http://shop.example/slow', { signal: controller.signal }));
    expect(error.reason).toBe('aborted');
    const custom = new AbortController();
    setTimeout(() => custom.abort(new Error('activity cancelled')), 100);
    expect((await refusal(fetcher('http://shop.example/slow', { signal: custom.signal }))).reason).toBe('aborted');
  });

  it('reports an unknown host plainly', async () => {
    const none = createSafeFetcher({
      resolve: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    const error = await refusal(none('https://no-such-bakery.example/'));
    expect(error.reason).toBe('dns');
    expect(error.message).toBe('The host no-such-bakery.example could not be found (DNS ENOTFOUND).');
  });
});

describe('HTTPS', () => {
  let dir: string;
  let cert: Buffer;
  let secureSite: https.Server;

  beforeAll(async () => {
    // A self-signed certificate for shop.example, made for this test.
    dir = await mkdtemp(join(tmpdir(), 'ingest-tls-'));
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=shop.example',
      '-addext', 'subjectAltName=DNS:shop.example', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    cert = await readFile(join(dir, 'cert.pem'));
    secureSite = https.createServer({ key: await readFile(join(dir, 'key.pem')), cert }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('secure bread');
    });
    await listen(secureSite, TLS_PORT, '127.0.0.1');
  });

  afterAll(async () => {
    secureSite.closeAllConnections();
    await new Promise((resolve) => secureSite.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches over TLS through the connector, with SNI and certificate checks on the host name', async () => {
    // The test dialler trusts the test certificate; the policy still ran first.
    const secureDial: Dialer = (target) => {
      expect(target).toMatchObject({ hostname: 'shop.example', tls: true, port: 443, addresses: [{ address: PUBLIC_SITE_IP, family: 4 }] });
      return tls.connect({ host: '127.0.0.1', port: TLS_PORT, servername: target.hostname, ca: cert, ALPNProtocols: ['http/1.1'] });
    };
    const fetcher = createSafeFetcher({ resolve: testResolver(), dial: secureDial });
    const res = await fetcher('https://shop.example/');
    expect(res.body.toString()).toBe('secure bread');
  });

  it('the production dialler connects to the pinned address and rejects an untrusted certificate', async () => {
    // shop.example has no real DNS entry: reaching the server proves the pinned address was used.
    const socket = defaultDial({ hostname: 'shop.example', addresses: [{ address: '127.0.0.1', family: 4 }], port: TLS_PORT, tls: true });
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      socket.once('error', resolve);
      socket.once('secureConnect', () => reject(new Error('an untrusted certificate was accepted')));
    });
    expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('reports an untrusted certificate as a TLS failure', async () => {
    const dialToLocal: Dialer = (target) =>
      defaultDial({ ...target, addresses: target.addresses.map(() => ({ address: '127.0.0.1', family: 4 as const })), port: TLS_PORT });
    const fetcher = createSafeFetcher({ resolve: testResolver(), dial: dialToLocal });
    const error = await refusal(fetcher('https://shop.example/'));
    expect(error.reason).toBe('tls');
    expect(error.message).toMatch(/^https:\/\/shop\.example\/ does not have a valid HTTPS certificate/);
  });
});

describe('sending with a method, a body and headers (outgoing webhooks)', () => {
  const fetcher = createSafeFetcher({ resolve: testResolver({ 'loopback.example': ['127.0.0.1'] }), dial: testDial });

  it('POSTs the body with the caller\'s headers, and keeps the fetcher\'s framing', async () => {
    const body = JSON.stringify({ type: 'content.published', data: { title: 'Pain' } });
    const res = await fetcher('http://shop.example/echo?status=202', {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'webhook-id': 'msg_1', accept: 'application/json' },
    });
    expect(res.status).toBe(202);
    const seen = JSON.parse(res.body.toString('utf8')) as { method: string; headers: Record<string, string>; body: string };
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe(body);
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['webhook-id']).toBe('msg_1');
    expect(seen.headers['accept']).toBe('application/json');
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
  });

  it('refuses private destinations for a POST as for a GET, before anything is sent', async () => {
    const before = canaryConnections;
    for (const url of [`http://127.0.0.1:${P}/hook`, `http://loopback.example:${P}/hook`, 'http://169.254.169.254/hook', `http://localhost:${P}/hook`]) {
      const error = await refusal(fetcher(url, { method: 'POST', body: '{}' }));
      expect(error.reason).toBe('forbidden-destination');
    }
    expect(canaryConnections - before).toBe(0);
  });

  it('does not follow a redirect with a body: the 3xx comes back as it is', async () => {
    const before = canaryConnections;
    for (const status of [301, 302, 303, 307, 308]) {
      const res = await fetcher(`http://shop.example/redirect?status=${status}&to=${encodeURIComponent(`http://127.0.0.1:${P}/`)}`, { method: 'POST', body: 'x' });
      expect(res.status).toBe(status);
      expect(res.redirects).toEqual([]);
    }
    expect(canaryConnections - before).toBe(0);
  });

  it('refuses options that would frame the request differently', async () => {
    await expect(fetcher('http://shop.example/echo', { body: 'x' })).rejects.toThrow(/GET request has no body/);
    await expect(fetcher('http://shop.example/echo', { method: 'HEAD', body: 'x' })).rejects.toThrow(/HEAD request has no body/);
    await expect(fetcher('http://shop.example/echo', { method: 'TRACE' as 'GET' })).rejects.toThrow(/method must be one of/);
    for (const name of ['Host', 'content-length', 'Transfer-Encoding', 'connection', 'proxy-authorization']) {
      await expect(fetcher('http://shop.example/echo', { method: 'POST', body: 'x', headers: { [name]: '1' } })).rejects.toThrow(/set by the fetcher/);
    }
    await expect(fetcher('http://shop.example/echo', { method: 'POST', headers: { 'x-a': 'b\r\nx-injected: 1' } })).rejects.toThrow(/line break/);
    await expect(fetcher('http://shop.example/echo', { method: 'POST', headers: { 'bad name': 'x' } })).rejects.toThrow(/invalid header name/);
  });
});
