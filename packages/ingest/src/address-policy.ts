// Which network destinations the product may talk to: public unicast only.
// Pure functions, shared by the URL check (before any I/O) and the connect-time
// check of every DNS answer.
import ipaddr from 'ipaddr.js';

/** Why a destination is refused; null means "public, allowed". */
export type ForbiddenReason =
  | 'loopback'
  | 'private'
  | 'carrier-grade-nat'
  | 'link-local'
  | 'cloud-metadata'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'unique-local'
  | 'ipv4-mapped'
  | 'ipv4-compatible'
  | 'nat64-local'
  | 'not-global'
  | 'internal-name'
  | 'single-label-name'
  | 'invalid-address';

const REASON_TEXT: Record<ForbiddenReason, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  'carrier-grade-nat': 'a carrier-grade NAT address (100.64.0.0/10)',
  'link-local': 'a link-local address',
  'cloud-metadata': 'a cloud metadata endpoint',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved (non-routable) address',
  'unique-local': 'a unique-local IPv6 address',
  'ipv4-mapped': 'an IPv4-mapped IPv6 address',
  'ipv4-compatible': 'an IPv4-compatible IPv6 address',
  'nat64-local': 'a local-use NAT64 address',
  'not-global': 'not a global unicast address',
  'internal-name': 'an internal host name',
  'single-label-name': 'not a public host name (it has no domain)',
  'invalid-address': 'not a valid IP address',
};

export function describeReason(reason: ForbiddenReason): string {
  return REASON_TEXT[reason];
}

const METADATA_V4 = ipaddr.IPv4.parse('169.254.169.254');
const METADATA_V6 = ipaddr.IPv6.parse('fd00:ec2::254');
const GLOBAL_UNICAST_V6: [ipaddr.IPv6, number] = [ipaddr.IPv6.parse('2000::'), 3];

const V4_REASONS: Record<string, ForbiddenReason> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade-nat',
  private: 'private',
  reserved: 'reserved',
  as112: 'reserved',
  amt: 'reserved',
};

/**
 * The WHATWG URL IPv4 parser, so legacy notations (2130706433, 0177.0.0.1,
 * 0x7f.1, 127.1) mean here exactly what they mean to `new URL` and to
 * inet_aton. Returns the dotted quad, or null when `input` is not IPv4.
 */
export function normaliseLegacyIpv4(input: string): string | null {
  const parts = input.split('.');
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Number(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255)) return null;
  if (last >= 256 ** (4 - numbers.length)) return null;
  let value = last;
  numbers.forEach((n, i) => {
    value += n * 256 ** (3 - i);
  });
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

function parseIpv4Number(part: string): number | null {
  if (part === '') return null;
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
  } else if (part.length > 1 && part.startsWith('0')) {
    digits = part.slice(1);
    radix = 8;
  }
  if (digits === '') return 0;
  const valid = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return null;
  const value = Number.parseInt(digits, radix);
  return Number.isSafeInteger(value) ? value : null;
}

/** Parses any textual IP (legacy IPv4 forms, bracketed or zoned IPv6); null if it is not one. */
export function parseIp(input: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.includes(':')) {
    const zone = text.indexOf('%');
    if (zone >= 0) text = text.slice(0, zone);
    return ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : null;
  }
  const dotted = normaliseLegacyIpv4(text);
  return dotted ? ipaddr.IPv4.parse(dotted) : null;
}

function classifyV4(ip: ipaddr.IPv4): ForbiddenReason | null {
  if (ip.match(METADATA_V4, 32)) return 'cloud-metadata';
  const range = ip.range();
  if (range === 'unicast') return null;
  return V4_REASONS[range] ?? 'reserved';
}

/** The IPv4 address held in two 16-bit IPv6 groups. */
function v4From(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
}

function classifyV6(ip: ipaddr.IPv6): ForbiddenReason | null {
  const p = ip.parts as [number, number, number, number, number, number, number, number];
  if (ip.match(METADATA_V6, 128)) return 'cloud-metadata';
  const range = ip.range();
  switch (range) {
    case 'unspecified':
      return 'unspecified';
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'link-local';
    case 'multicast':
      return 'multicast';
    case 'uniqueLocal':
      return 'unique-local';
    case 'ipv4Mapped':
    case 'rfc6145':
      return 'ipv4-mapped';
    case 'rfc6052': {
      // 64:ff9b::/96 reaches the embedded IPv4 through a NAT64 gateway; the
      // local-use 64:ff9b:1::/48 is never public.
      if (p[2] !== 0) return 'nat64-local';
      return classifyV4(v4From(p[6], p[7]));
    }
    case '6to4':
      // 2002:AABB:CCDD::/48 tunnels to AA.BB.CC.DD.
      return classifyV4(v4From(p[1], p[2]));
    case 'teredo': {
      // 2001:0:SSSS:SSSS:flags:port:~CCCC:~CCCC — both the server and the
      // obfuscated client address must be public.
      const server = classifyV4(v4From(p[2], p[3]));
      if (server) return server;
      return classifyV4(v4From(p[6] ^ 0xffff, p[7] ^ 0xffff));
    }
    default:
      break;
  }
  // ::a.b.c.d (deprecated IPv4-compatible) and everything outside 2000::/3.
  if (p.slice(0, 6).every((x) => x === 0)) return 'ipv4-compatible';
  if (range !== 'unicast') return 'reserved';
  if (!ip.match(GLOBAL_UNICAST_V6)) return 'not-global';
  return null;
}

/** Why this IP literal may not be contacted, or null when it is public unicast. */
export function forbiddenAddressReason(address: string): ForbiddenReason | null {
  const ip = parseIp(address);
  if (!ip) return 'invalid-address';
  return ip.kind() === 'ipv4' ? classifyV4(ip as ipaddr.IPv4) : classifyV6(ip as ipaddr.IPv6);
}

export function isPublicAddress(address: string): boolean {
  return forbiddenAddressReason(address) === null;
}

const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain', '.intranet', '.lan', '.corp'];

/**
 * Name-based refusals, before any DNS query: names that only ever mean
 * something inside a network (metadata.google.internal, *.local, intranet).
 * `hostname` is a WHATWG-normalised, non-IP host name.
 */
export function forbiddenHostnameReason(hostname: string): ForbiddenReason | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'metadata.google.internal' || name === 'metadata') return 'cloud-metadata';
  if (name === 'localhost') return 'loopback';
  if (INTERNAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) return 'internal-name';
  if (!name.includes('.')) return 'single-label-name';
  return null;
}
