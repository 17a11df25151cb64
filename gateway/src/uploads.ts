// Files in and out of the media library (C7), beside /graphql:
//   POST /uploads      multipart/form-data with one `file` part (fields `tags`,
//                      `kind`, `alt` go before it; `?tags=` also works).
//                      Authenticated exactly like /graphql; a browser must send
//                      `x-ensemble-upload: 1`, a header a cross-site form cannot
//                      set and that CORS lets only our web origins preflight.
//                      The file part is streamed, never buffered, to the content
//                      subgraph (POST /internal/uploads), which sniffs and stores it.
//   GET  /media/:id    a URL signed by the content subgraph (see
//                      packages/storage/src/signed-url.ts); checked here, then
//                      streamed from the content subgraph as the URL's tenant.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type express from 'express';
import busboy from 'busboy';
import { GATEWAY_IDENTITY_HEADER, isAnonymous, type Identity } from '@ensemble/tenancy/identity';
import { mediaUrlSecret, verifyMediaUrl } from '@ensemble/storage/signed-url';
import { supergraphGraphs } from '@ensemble/schema/supergraph';
import type { Authenticator } from './auth.service.ts';
import type { InternalTokens } from './internal-token.ts';
import { logger } from './logger.ts';

export const UPLOAD_PATH = '/uploads';
export const UPLOAD_HEADER = 'x-ensemble-upload';
export const DEFAULT_UPLOAD_MAX_BYTES = 50 * 1024 * 1024;
const MULTIPART_OVERHEAD = 1024 * 1024;
const ALLOWED_HEADERS = `authorization, x-api-key, ${UPLOAD_HEADER}, content-type`;
// Headers of a media answer passed on to the browser.
const MEDIA_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'content-disposition'];

/** UPLOAD_MAX_BYTES (50 MB): the largest file the gateway accepts (plans may allow less per kind). */
export function uploadMaxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.UPLOAD_MAX_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_UPLOAD_MAX_BYTES;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error('UPLOAD_MAX_BYTES must be a positive integer');
  return n;
}

export interface UploadRoutesOptions {
  authenticator: Authenticator;
  tokens: InternalTokens;
  allowedOrigins: ReadonlySet<string>;
  subgraphUrls: Readonly<Record<string, string>>;
  supergraphSdl: string;
  maxBytes?: number;
  mediaSecret?: Buffer;
}

function sendError(res: express.Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(status).json({ errors: [{ message, extensions: { ...extra, code } }] });
}

function send(url: URL, options: { method: string; headers: Record<string, string> }) {
  return (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options);
}

async function readJson(answer: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('answer too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function mountUploads(app: express.Express, options: UploadRoutesOptions): void {
  const maxBytes = options.maxBytes ?? uploadMaxBytesFromEnv();
  const contentUrl = options.subgraphUrls['content'] ?? supergraphGraphs(options.supergraphSdl).find((g) => g.name === 'content')?.url;
  if (!contentUrl) throw new Error('the content subgraph URL is required (it stores media)');
  const uploadUrl = new URL('/internal/uploads', contentUrl);
  const mediaBase = new URL('/internal/media/', contentUrl);
  let secret = options.mediaSecret ?? null;

  const cors: express.RequestHandler = (req, res, next) => {
    const origin = req.header('origin');
    res.vary('Origin');
    if (origin && !options.allowedOrigins.has(origin)) {
      sendError(res, 403, 'FORBIDDEN', 'This origin may not upload');
      return;
    }
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };

  app.options(UPLOAD_PATH, cors);
  app.post(UPLOAD_PATH, cors, async (req, res) => {
    if (req.header(UPLOAD_HEADER) === undefined) {
      sendError(res, 400, 'BAD_REQUEST', `Uploads must carry the ${UPLOAD_HEADER} header`);
      return;
    }
    let identity: Identity;
    try {
      identity = await options.authenticator.identify({ authorization: req.header('authorization'), apiKey: req.header('x-api-key') });
    } catch (error) {
      const e = error as { message?: string; extensions?: { code?: string; http?: { status?: number } } };
      sendError(res, e.extensions?.http?.status ?? 401, e.extensions?.code ?? 'UNAUTHENTICATED', e.message ?? 'Sign in to upload files');
      return;
    }
    if (isAnonymous(identity)) {
      sendError(res, 401, 'UNAUTHENTICATED', 'Sign in to upload files');
      return;
    }
    if (!/^multipart\/form-data\b/i.test(req.header('content-type') ?? '')) {
      sendError(res, 415, 'BAD_REQUEST', 'Send the file as multipart/form-data in a field named "file"');
      return;
    }
    const declaredLength = Number(req.header('content-length') ?? 0);
    if (declaredLength > maxBytes + MULTIPART_OVERHEAD) {
      res.setHeader('connection', 'close');
      sendError(res, 413, 'BAD_USER_INPUT', `Files may be at most ${Math.floor(maxBytes / (1024 * 1024))} MB`, { reason: 'too_large' });
      return;
    }
    const token = await options.tokens.tokenFor(identity);
    const queryTags = typeof req.query['tags'] === 'string' ? [req.query['tags']] : [];
    const fields: { tags: string[]; kind: string | null; alt: string | null } = { tags: queryTags, kind: null, alt: null };

    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 4096, parts: 12 } });
    } catch {
      sendError(res, 400, 'BAD_REQUEST', 'The multipart body could not be read');
      return;
    }
    let forwarded: Promise<{ status: number; body: unknown }> | null = null;
    let tooLarge = false;
    let failed = false;

    parser.on('field', (name, value) => {
      if (name === 'tags') fields.tags.push(value);
      else if (name === 'kind') fields.kind = value;
      else if (name === 'alt') fields.alt = value;
    });
    parser.on('file', (name, file, info) => {
      if (name !== 'file' || forwarded) {
        file.resume();
        return;
      }
      forwarded = new Promise((resolve, reject) => {
        const upstream = send(uploadUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/octet-stream',
            'transfer-encoding': 'chunked',
            [GATEWAY_IDENTITY_HEADER]: token,
            'x-upload-filename': encodeURIComponent(info.filename || 'file'),
            'x-upload-declared-type': info.mimeType || '',
            ...(fields.tags.length ? { 'x-upload-tags': encodeURIComponent(fields.tags.join(',')) } : {}),
            ...(fields.kind ? { 'x-upload-kind': encodeURIComponent(fields.kind) } : {}),
            ...(fields.alt ? { 'x-upload-alt': encodeURIComponent(fields.alt) } : {}),
          },
        });
        upstream.on('response', (answer) => {
          readJson(answer).then((body) => resolve({ status: answer.statusCode ?? 502, body }), reject);
        });
        upstream.on('error', reject);
        file.on('limit', () => {
          // Over the gateway's limit: stop forwarding; the content subgraph discards the partial upload.
          tooLarge = true;
          file.unpipe(upstream);
          upstream.destroy();
          file.resume();
          reject(new Error('too large'));
        });
        file.pipe(upstream);
      });
      forwarded.catch(() => { /* answered in 'close' */ });
    });
    parser.on('error', () => {
      failed = true;
      req.unpipe(parser);
      req.resume();
      sendError(res, 400, 'BAD_REQUEST', 'The multipart body could not be read');
    });
    parser.on('close', () => {
      if (failed) return;
      if (!forwarded) {
        sendError(res, 400, 'BAD_USER_INPUT', 'No file: send it in a multipart field named "file"');
        return;
      }
      (forwarded as Promise<{ status: number; body: unknown }>).then(
        ({ status, body }) => { if (!res.headersSent) res.status(status).json(body); },
        (error: unknown) => {
          if (tooLarge) {
            sendError(res, 413, 'BAD_USER_INPUT', `Files may be at most ${Math.floor(maxBytes / (1024 * 1024))} MB`, { reason: 'too_large' });
            return;
          }
          logger.error({ err: error }, 'upload forwarding failed');
          sendError(res, 502, 'SUBGRAPH_UNAVAILABLE', 'The media library is not reachable right now; try again shortly');
        },
      );
    });
    req.pipe(parser);
  });

  const serveMedia: express.RequestHandler = async (req, res) => {
    secret ??= mediaUrlSecret();
    const id = String(req.params['id'] ?? '');
    const check = verifyMediaUrl(id, req.query as Record<string, unknown>, secret);
    if (!check.ok) {
      const message = check.reason === 'expired' ? 'This media link has expired; reload the page for a new one' : 'This media link is not valid';
      sendError(res, 403, 'FORBIDDEN', message, { reason: check.reason });
      return;
    }
    const { claims } = check;
    const system: Identity = { kind: 'system', actorId: 'gateway', tenantId: claims.tenantId, role: 'system', permissions: [] };
    const target = new URL(`${encodeURIComponent(claims.mediaId)}?variant=${claims.variant}`, mediaBase);
    const headers: Record<string, string> = { [GATEWAY_IDENTITY_HEADER]: await options.tokens.tokenFor(system) };
    for (const name of ['range', 'if-none-match']) {
      const value = req.header(name);
      if (value) headers[name] = value;
    }
    const upstream = send(target, { method: req.method === 'HEAD' ? 'HEAD' : 'GET', headers });
    upstream.on('response', (answer) => {
      const status = answer.statusCode ?? 502;
      if (status >= 400 && status !== 416) {
        answer.resume();
        sendError(res, status === 404 ? 404 : 502, status === 404 ? 'NOT_FOUND' : 'SUBGRAPH_UNAVAILABLE', status === 404 ? 'Media not found' : 'The media library is not reachable right now');
        return;
      }
      res.status(status);
      for (const name of MEDIA_HEADERS) {
        const value = answer.headers[name];
        if (value !== undefined) res.setHeader(name, value);
      }
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('cross-origin-resource-policy', 'same-site');
      // Expiring URLs: cached privately until they expire; embed URLs: shareable, cached a day.
      const maxAge = claims.expiresAt === null ? 86_400 : Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000));
      res.setHeader('cache-control', `${claims.expiresAt === null ? 'public' : 'private'}, max-age=${maxAge}`);
      answer.pipe(res);
      res.on('close', () => answer.destroy());
    });
    upstream.on('error', (error) => {
      logger.error({ err: error }, 'media read failed');
      sendError(res, 502, 'SUBGRAPH_UNAVAILABLE', 'The media library is not reachable right now');
    });
    upstream.end();
  };
  app.get('/media/:id', serveMedia);
}
