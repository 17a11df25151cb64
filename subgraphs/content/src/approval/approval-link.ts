// C6: the external approver's signed, expiring link. The token carries the
// link's id and expiry, signed with HMAC-SHA256; the database stores only the
// token's SHA-256 (content.approval_link.token_hash), so a leaked table opens
// nothing. A token is checked twice: the signature and expiry here (constant
// time, no database), then the hash through app.approval_link(), which also
// refuses used and revoked links.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'a1';
const SEP = '~';
const MAX_TOKEN_CHARS = 256;
const UUID_HEX = /^[0-9a-f]{32}$/;

/**
 * APPROVAL_LINK_SECRET (at least 32 characters), else a key derived from
 * GATEWAY_SECRET, so a deployment needs no extra secret to get a separate key.
 */
export function linkSecret(env: NodeJS.ProcessEnv = process.env): Buffer {
  const own = env.APPROVAL_LINK_SECRET;
  if (own) {
    if (own.length < 32) throw new Error('APPROVAL_LINK_SECRET must be at least 32 characters');
    return Buffer.from(own, 'utf8');
  }
  const gateway = env.GATEWAY_SECRET;
  if (!gateway || gateway.length < 32) throw new Error('APPROVAL_LINK_SECRET or GATEWAY_SECRET must be set to at least 32 characters');
  return createHmac('sha256', gateway).update('ensemble approval links v1').digest();
}

const b64 = (bytes: Buffer) => bytes.toString('base64url');

function mac(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/**
 * `a1~<link id hex>~<expiry, unix seconds base 36>~<nonce>~<signature>`:
 * URL-safe and without dots (static servers treat a dotted last path segment
 * as a file name, not an app route).
 */
export function signLinkToken(linkId: string, expiresAt: Date, secret: Buffer): string {
  const id = linkId.replace(/-/g, '').toLowerCase();
  if (!UUID_HEX.test(id)) throw new RangeError('not a link id');
  const payload = [VERSION, id, Math.floor(expiresAt.getTime() / 1000).toString(36), b64(randomBytes(18))].join(SEP);
  return `${payload}${SEP}${b64(mac(secret, payload))}`;
}

export interface VerifiedToken {
  linkId: string;
  expiresAt: Date;
}

/** The link a well-signed, unexpired token names; null for anything else. */
export function verifyLinkToken(token: unknown, now: Date, secret: Buffer): VerifiedToken | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return null;
  const cut = token.lastIndexOf(SEP);
  if (cut < 0) return null;
  const payload = token.slice(0, cut);
  const given = Buffer.from(token.slice(cut + 1), 'base64url');
  const expected = mac(secret, payload);
  // Compare a full-length buffer either way, so the time taken says nothing.
  const same = timingSafeEqual(given.length === expected.length ? given : Buffer.alloc(expected.length), expected) && given.length === expected.length;
  if (!same) return null;
  const [version, id, expiry] = payload.split(SEP);
  if (version !== VERSION || !id || !UUID_HEX.test(id) || !expiry) return null;
  const expiresAt = new Date(parseInt(expiry, 36) * 1000);
  if (!(expiresAt.getTime() > now.getTime())) return null;
  return { linkId: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`, expiresAt };
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The web app's public page for a token. */
export function approvalPath(token: string): string {
  return `/approve/${token}`;
}

/** Absolute URL on PUBLIC_WEB_URL (default: the local web app). */
export function approvalUrl(token: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = (env.PUBLIC_WEB_URL ?? 'http://localhost:5173').replace(/\/+$/, '');
  return `${base}${approvalPath(token)}`;
}
