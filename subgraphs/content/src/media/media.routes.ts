// The content subgraph's internal HTTP routes for media, reachable only with
// a gateway-signed identity (subgraph-kit's requireGateway):
//   POST /internal/uploads    the gateway streams one file (raw body) with
//                             x-upload-filename / -tags / -kind / -alt (URI-encoded)
//                             and x-upload-declared-type; answers { media } or { errors }
//   GET  /internal/media/:id  ?variant=original|thumbnail, for a signed media
//                             URL the gateway checked: streams the file (Range aware)
import { pipeline } from 'node:stream/promises';
import type express from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant } from '@ensemble/db/orm';
import { isAppError } from '@ensemble/tenancy/errors';
import { isAnonymous, type Identity } from '@ensemble/tenancy/identity';
import { isUuid } from '@ensemble/tenancy/ids';
import { configuredStorage, RangeNotSatisfiableError, type ByteRange, type ObjectStorage } from '@ensemble/storage/storage';
import { logger } from '@ensemble/subgraph-kit/logger';
import { ingestUpload, openMediaFile, type UploadRefusal } from './media.service.ts';
import { MEDIA_KINDS, type MediaKind } from './media-kinds.ts';

const REFUSAL_STATUS: Record<UploadRefusal, number> = { unsupported_type: 415, too_large: 413, invalid_file: 422, wrong_kind: 422, empty: 400 };

function decodeHeader(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

function sendError(res: express.Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ errors: [{ message, extensions: { ...extra, code } }] });
}

/** Answers once the request body has been read to its end (the gateway bounds it), so the upstream never sees a reset. */
function afterBody(req: express.Request, fn: () => void): void {
  if (req.readableEnded) {
    fn();
    return;
  }
  const timer = setTimeout(() => { req.destroy(); }, 30_000);
  req.once('end', () => { clearTimeout(timer); fn(); });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else (several ranges…) means the whole file. */
export function parseRange(header: string | undefined, size: number | null): ByteRange | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    // Suffix range: the last n bytes (needs the size: asked of the storage).
    if (size === null) return null;
    const n = Number(match[2]);
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? Number.MAX_SAFE_INTEGER : Number(match[2]);
  return { start, end };
}

export function mediaRoutes(router: express.Router, deps: { orm: MikroORM }, storage: () => ObjectStorage = configuredStorage): void {
  router.post('/uploads', (req, res) => {
    const identity = res.locals['identity'] as Identity;
    const reply = (fn: () => void) => afterBody(req, fn);
    if (identity.kind === 'system' || isAnonymous(identity)) {
      reply(() => sendError(res, 401, 'UNAUTHENTICATED', 'Sign in to upload files'));
      return;
    }
    if (!identity.permissions.includes('content:write')) {
      reply(() => sendError(res, 403, 'FORBIDDEN', 'You may not add files to the media library'));
      return;
    }
    const filename = decodeHeader(req.header('x-upload-filename'));
    const tags = decodeHeader(req.header('x-upload-tags'));
    const kind = decodeHeader(req.header('x-upload-kind'));
    const alt = decodeHeader(req.header('x-upload-alt'));
    if (!filename) {
      reply(() => sendError(res, 400, 'BAD_USER_INPUT', 'The file needs a name (x-upload-filename)'));
      return;
    }
    if (kind && !(MEDIA_KINDS as readonly string[]).includes(kind)) {
      reply(() => sendError(res, 400, 'BAD_USER_INPUT', `kind must be one of ${MEDIA_KINDS.join(', ')}`, { field: 'kind' }));
      return;
    }
    ingestUpload({ orm: deps.orm, storage: storage() }, {
      tenantId: identity.tenantId,
      actorId: identity.kind === 'user' ? identity.actorId : null,
      filename,
      declaredType: req.header('x-upload-declared-type') ?? null,
      tags: tags ? tags.split(',') : [],
      expectKind: (kind as MediaKind | null) ?? null,
      altText: alt,
    // destroyOnReturn: false — a refusal mid-stream must leave the request readable,
    // so the rest is drained and the gateway gets the answer instead of a reset.
    }, req.iterator({ destroyOnReturn: false })).then(
      (media) => reply(() => res.status(media.duplicate ? 200 : 201).json({ media })),
      (error: unknown) => reply(() => {
        if (isAppError(error)) {
          const reason = (error.extensions as { reason?: UploadRefusal }).reason;
          const status = reason ? REFUSAL_STATUS[reason] : error.code === 'NOT_FOUND' ? 404 : error.code === 'BAD_USER_INPUT' ? 400 : error.code === 'FORBIDDEN' ? 403 : 500;
          sendError(res, status, error.code, error.message, { ...(reason ? { reason } : {}), ...((error.extensions as { field?: string }).field ? { field: (error.extensions as { field?: string }).field } : {}) });
          return;
        }
        logger.error({ err: error }, 'upload failed');
        sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'The upload failed; try again');
      }),
    );
  });

  router.get('/media/:id', async (req, res) => {
    const identity = res.locals['identity'] as Identity;
    // Only the gateway, after checking a signed URL, asks: as the tenant the URL is bound to.
    if (identity.kind !== 'system' || !isUuid(identity.tenantId)) {
      sendError(res, 403, 'FORBIDDEN', 'gateway only');
      return;
    }
    const id = req.params['id'] ?? '';
    const variant = req.query['variant'] === 'thumbnail' ? 'thumbnail' : 'original';
    const store = storage();
    try {
      const opened = await withTenant(deps.orm, identity.tenantId, null, async ({ em }) => {
        const rangeHeader = req.header('range');
        // A suffix range needs the size first; other ranges are checked by the storage.
        let size: number | null = null;
        if (rangeHeader && /^bytes=-\d+$/.test(rangeHeader.trim())) {
          const whole = await openMediaFile(em, store, id, variant);
          if (!whole) return null;
          whole.object.body.destroy();
          size = whole.object.size;
        }
        const range = parseRange(rangeHeader, size);
        return openMediaFile(em, store, id, variant, range ?? undefined);
      });
      if (!opened) {
        sendError(res, 404, 'NOT_FOUND', 'Media not found');
        return;
      }
      const { object, media } = opened;
      if (req.header('if-none-match') === opened.etag) {
        object.body.destroy();
        res.status(304).setHeader('etag', opened.etag).end();
        return;
      }
      res.status(object.range ? 206 : 200);
      res.setHeader('content-type', opened.mimeType);
      res.setHeader('content-length', String(object.contentLength));
      res.setHeader('accept-ranges', 'bytes');
      res.setHeader('etag', opened.etag);
      if (object.range) res.setHeader('content-range', `bytes ${object.range.start}-${object.range.end}/${object.size}`);
      const name = variant === 'thumbnail' ? media.filename.replace(/\.[^.]+$/, '') + '.webp' : media.filename;
      res.setHeader('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`);
      if (req.method === 'HEAD') {
        object.body.destroy();
        res.end();
        return;
      }
      await pipeline(object.body, res).catch(() => {
        // The client went away mid-file: nothing to answer any more.
      });
    } catch (error) {
      if (error instanceof RangeNotSatisfiableError) {
        res.status(416).setHeader('content-range', `bytes */${error.size}`).end();
        return;
      }
      logger.error({ err: error }, 'media read failed');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'The file could not be read');
      else res.destroy();
    }
  });
}
