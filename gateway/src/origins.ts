// Which browser origins may call the gateway: CORS for HTTP, and the Origin
// check that stops cross-site WebSocket hijacking (a WebSocket upgrade is not
// covered by CORS or by Apollo's CSRF prevention).
import type { RequestHandler } from 'express';

export const DEFAULT_WEB_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173', 'http://localhost:4000'];

/** WEB_ORIGINS: a comma-separated allow-list. */
export function webOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.WEB_ORIGINS;
  if (!raw) return DEFAULT_WEB_ORIGINS;
  return raw.split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean);
}

/**
 * Browsers always send Origin on a WebSocket upgrade; a request without one
 * comes from a non-browser client (an integrator's server), which no other
 * site can drive, so it is allowed.
 */
export function isAllowedOrigin(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  return origin === undefined || allowed.has(origin);
}

const ALLOWED_HEADERS = 'content-type, authorization, x-api-key, apollo-require-preflight, x-apollo-operation-name';

export function corsMiddleware(allowed: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.header('origin');
    res.vary('Origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
