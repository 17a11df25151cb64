// Signed media URLs: `/media/<id>?v=…&t=<tenant>&e=<expiry>&sig=…`. The
// content subgraph signs them for media the caller may see; the gateway
// checks them before streaming the file. The signature binds the tenant, the
// media, the variant and the expiry, so none of them can be changed. Like an
// S3 presigned URL, a valid URL is a capability: whoever holds it may read
// that one file until it expires (images and players cannot send a bearer
// token). Expiry 0 means "no expiry" and is used only for URLs embedded in
// content, which stop working when the media is deleted.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type MediaVariant = 'original' | 'thumbnail';

export interface MediaUrlClaims {
  tenantId: string;
  mediaId: string;
  variant: MediaVariant;
  /** unix seconds; null: does not expire */
  expiresAt: number | null;
}

export const MEDIA_PATH_PREFIX = '/media/';

const VARIANT_CODE: Record<MediaVariant, string> = { original: 'o', thumbnail: 't' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * MEDIA_URL_SECRET when set (lets URLs outlive a rotation of GATEWAY_SECRET),
 * else a key derived from GATEWAY_SECRET, which the gateway and every
 * subgraph already share.
 */
export function mediaUrlSecret(env: NodeJS.ProcessEnv = process.env): Buffer {
  const own = env.MEDIA_URL_SECRET;
  if (own) {
    if (own.length < 32) throw new Error('MEDIA_URL_SECRET must be at least 32 characters');
    return Buffer.from(own);
  }
  const shared = env.GATEWAY_SECRET;
  if (!shared || shared.length < 32) throw new Error('GATEWAY_SECRET (or MEDIA_URL_SECRET) must be set to at least 32 characters');
  return createHmac('sha256', shared).update('ensemble media urls v1').digest();
}

function signature(claims: MediaUrlClaims, secret: Buffer): string {
  const payload = ['v1', claims.tenantId, claims.mediaId, VARIANT_CODE[claims.variant], String(claims.expiresAt ?? 0)].join('\n');
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** The path and query of a signed URL (relative: the web app and the gateway share an origin). */
export function signMediaPath(claims: MediaUrlClaims, secret: Buffer = mediaUrlSecret()): string {
  if (!UUID.test(claims.tenantId) || !UUID.test(claims.mediaId)) throw new Error('media URLs need UUIDs');
  const query = new URLSearchParams({
    v: VARIANT_CODE[claims.variant],
    t: claims.tenantId,
    e: String(claims.expiresAt ?? 0),
    sig: signature(claims, secret),
  });
  return `${MEDIA_PATH_PREFIX}${claims.mediaId}?${query.toString()}`;
}

/**
 * Expiry rounded up to a step, so that asking again within the step gives the
 * same URL and the browser's cache keeps working.
 */
export function expiryFor(ttlSeconds: number, now = Date.now()): number {
  const step = Math.max(60, Math.floor(ttlSeconds / 4));
  return Math.ceil((Math.floor(now / 1000) + ttlSeconds) / step) * step;
}

export type MediaUrlCheck = { ok: true; claims: MediaUrlClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyMediaUrl(mediaId: string, query: Record<string, unknown>, secret: Buffer = mediaUrlSecret(), now = Date.now()): MediaUrlCheck {
  const { v, t, e, sig } = query;
  if (typeof v !== 'string' || typeof t !== 'string' || typeof e !== 'string' || typeof sig !== 'string') return { ok: false, reason: 'malformed' };
  const variant = v === 'o' ? 'original' : v === 't' ? 'thumbnail' : null;
  if (!variant || !UUID.test(mediaId) || !UUID.test(t) || !/^\d{1,12}$/.test(e) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return { ok: false, reason: 'malformed' };
  const expiry = Number(e);
  const claims: MediaUrlClaims = { tenantId: t, mediaId, variant, expiresAt: expiry === 0 ? null : expiry };
  const expected = Buffer.from(signature(claims, secret));
  if (!timingSafeEqual(expected, Buffer.from(sig))) return { ok: false, reason: 'bad_signature' };
  if (claims.expiresAt !== null && claims.expiresAt * 1000 < now) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
