// The signed embed URLs of media files (`/media/<id>?v=…&t=…&e=…&sig=…`,
// packages/storage/src/signed-url.ts) as they appear in published content:
// recognised, so UTM tagging leaves them alone (extra parameters would only
// add rows to the attribution table, a file is not a landing page), and made
// absolute with MEDIA_PUBLIC_BASE_URL, since a page, an e-mail or a post is
// read away from the app's origin. Pure functions: no I/O.
import { MEDIA_PATH_PREFIX, signMediaPath, type MediaVariant } from '@ensemble/storage/signed-url';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const MEDIA_PATH = new RegExp(`^${MEDIA_PATH_PREFIX}${UUID}$`, 'i');

/** MEDIA_PUBLIC_BASE_URL without trailing slashes, or null when unset (URLs then stay relative). */
export function mediaPublicBase(env: NodeJS.ProcessEnv = process.env): string | null {
  const base = env['MEDIA_PUBLIC_BASE_URL']?.trim().replace(/\/+$/, '');
  return base ? base : null;
}

/** `base` + a relative media path; the path as is when there is no base. */
export function withMediaBase(path: string, base: string | null): string {
  const origin = base?.replace(/\/+$/, '');
  return origin && path.startsWith('/') && !path.startsWith('//') ? `${origin}${path}` : path;
}

/**
 * True for a signed media URL, relative (`/media/<id>?…sig=…`) or absolute on
 * any origin (the app's, or MEDIA_PUBLIC_BASE_URL's).
 */
export function isSignedMediaUrl(href: string): boolean {
  let url: URL;
  try {
    url = new URL(href.trim(), 'http://relative.invalid');
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && MEDIA_PATH.test(url.pathname) && url.searchParams.has('sig');
}

/** A media file's embed URL (no expiry), absolute when a base is known. */
export function embedUrl(tenantId: string, mediaId: string, base: string | null, variant: MediaVariant = 'original', secret?: Buffer): string {
  return withMediaBase(signMediaPath({ tenantId, mediaId, variant, expiresAt: null }, secret), base);
}

// A relative media path as a link or image destination: markdown `](…)` or
// `](<…>)`, a reference definition `]: …`, or an HTML src/href attribute.
const RELATIVE_MEDIA = new RegExp(
  `(\\]\\(\\s*<?|^ {0,3}\\[[^\\]\\n]+\\]:[ \\t]*<?|\\b(?:src|href)\\s*=\\s*["']?)(${MEDIA_PATH_PREFIX}${UUID}\\?[^\\s)>"']*)`,
  'gim',
);

/** Makes every relative media URL of a text (markdown or HTML) absolute; unchanged without a base. */
export function absoluteMediaUrls(text: string, base: string | null): string {
  if (!base) return text;
  return text.replace(RELATIVE_MEDIA, (whole: string, prefix: string, path: string) => (isSignedMediaUrl(path) ? `${prefix}${withMediaBase(path, base)}` : whole));
}
