// C7: the media library. An upload is streamed to a temporary file while it
// is hashed and measured; its type is sniffed from the first bytes, then the
// whole file is parsed by a decoder (sharp for images, music-metadata for
// sound and video, a structure check for PDF), so a renamed or polyglot file
// is refused. Only then is it stored (packages/storage) and recorded in
// content.media; a failure at any step leaves neither object nor row behind.
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import sharp from 'sharp';
import { parseFile } from 'music-metadata';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId, uuidArrayLiteral } from '@ensemble/tenancy/ids';
import { configuredStorage, type ByteRange, type ObjectStorage, type StoredObject } from '@ensemble/storage/storage';
import { sql, toDate, type Row } from '../pipeline/sql.ts';
import {
  ACCEPTED_DESCRIPTION,
  AUDIO_ONLY_VARIANT,
  formatBytes,
  KIND_LABEL,
  limitsFromPlan,
  MEDIA_KINDS,
  SNIFF_BYTES,
  sniff,
  type MediaKind,
  type SniffedType,
} from './media-kinds.ts';

export { MEDIA_KINDS, type MediaKind };

export interface MediaRecord {
  id: string;
  tenantId: string;
  kind: MediaKind | 'document';
  filename: string;
  mimeType: string;
  declaredMimeType: string | null;
  sizeBytes: number;
  sha256: string;
  storage: 'local' | 's3';
  storageKey: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  altText: string | null;
  locale: string;
  source: string;
  createdAt: Date;
  tags: string[];
}

/** The public view an upload returns. */
export interface UploadedMedia {
  id: string;
  kind: string;
  mimeType: string;
  size: number;
  filename: string;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  tags: string[];
  /** true when the same bytes were already in the library (nothing new was stored) */
  duplicate: boolean;
}

export const THUMBNAIL_BOX = 320;
const MAX_TAGS = 20;
const MAX_INPUT_PIXELS = 100_000_000;

/** Why an upload was refused; the HTTP layer maps it to a status. */
export type UploadRefusal = 'unsupported_type' | 'too_large' | 'invalid_file' | 'wrong_kind' | 'empty';

function refuse(reason: UploadRefusal, message: string): AppError {
  return new AppError('BAD_USER_INPUT', message, { reason });
}

// ---------------------------------------------------------------- inputs

export function normaliseTags(raw: readonly string[]): string[] {
  const tags = new Set<string>();
  for (const value of raw) {
    const tag = value.normalize('NFC').trim().toLowerCase().replace(/\s+/g, '-');
    if (!tag) continue;
    if (tag.length > 64) throw badInput('A tag may have at most 64 characters', 'tags');
    tags.add(tag);
  }
  if (tags.size > MAX_TAGS) throw badInput(`At most ${MAX_TAGS} tags per file`, 'tags');
  return [...tags].sort();
}

const EXT_ALIASES: Record<string, string[]> = { jpg: ['jpeg', 'jpe'], mov: ['qt'], m4a: ['mp4'], ogg: ['oga'], opus: ['ogg'] };

/** The name shown to people: no path, no control characters, the extension the bytes call for. */
export function cleanFilename(raw: string, ext: string): string {
  // eslint-disable-next-line no-control-regex
  const name = (raw.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').split(/[\\/]/).pop() ?? '').trim().replace(/^\.+/, '');
  const dot = name.lastIndexOf('.');
  const base = (dot > 0 ? name.slice(0, dot) : name).trim().slice(0, 200) || 'file';
  const given = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const keep = given === ext || (EXT_ALIASES[ext] ?? []).includes(given);
  return `${base}.${keep ? given : ext}`;
}

/** The name inside the storage key: ASCII only. */
export function storageName(filename: string): string {
  const dot = filename.lastIndexOf('.');
  const slug = (dot > 0 ? filename.slice(0, dot) : filename)
    .normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'file';
  const ext = dot > 0 ? filename.slice(dot + 1).toLowerCase().replace(/[^a-z0-9]/g, '') : '';
  return ext ? `${slug}.${ext}` : slug;
}

export function mediaKey(tenantId: string, mediaId: string, name: string): string {
  return `${tenantId}/media/${mediaId}/${name}`;
}

/** Original names always carry an extension, so this directory never collides with one. */
export function thumbnailKey(tenantId: string, mediaId: string): string {
  return `${tenantId}/media/${mediaId}/thumbnail/${THUMBNAIL_BOX}.webp`;
}

// ---------------------------------------------------------------- plan limits

/** Per-kind size limits from the client's plan (tenants.plan.limits via app.plan_for), else the defaults. */
export async function mediaLimits(em: EntityManager, tenantId: string): Promise<Record<MediaKind, number>> {
  const [plan] = await sql<{ limits: Record<string, unknown> | null }>(em, 'select limits from app.plan_for(?::uuid)', [tenantId]);
  return limitsFromPlan(plan?.limits);
}

// ---------------------------------------------------------------- upload

export interface UploadRequest {
  tenantId: string;
  /** the uploading user (null for API keys) */
  actorId: string | null;
  filename: string;
  declaredType?: string | null;
  tags?: readonly string[];
  /** refuse anything but this kind (e.g. onboarding asks for a PDF) */
  expectKind?: MediaKind | null;
  altText?: string | null;
  source?: 'upload' | 'onboarding';
}

export interface MediaDeps {
  orm: MikroORM;
  storage: ObjectStorage;
}

interface Spooled {
  path: string;
  size: number;
  sha256: string;
  type: SniffedType;
}

/** Streams the body to a temporary file, refusing as soon as the type or the size says no. */
async function spool(dir: string, body: AsyncIterable<Uint8Array>, limits: Record<MediaKind, number>): Promise<Spooled> {
  const path = join(dir, 'upload');
  const file = await open(path, 'wx');
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  let type: SniffedType | null = null;
  const ceiling = Math.max(...Object.values(limits));
  const decide = async () => {
    const found = await sniff(Buffer.concat(head));
    if (!found.ok) {
      throw refuse('unsupported_type', found.detected
        ? `Files of type ${found.detected.toUpperCase()} are not accepted; the library takes ${ACCEPTED_DESCRIPTION}`
        : `The file type could not be recognised from its content; the library takes ${ACCEPTED_DESCRIPTION}`);
    }
    type = found.type;
  };
  const tooLarge = (limit: number, kind: MediaKind | null) =>
    refuse('too_large', `The file is larger than the ${formatBytes(limit)} allowed${kind ? ` for ${KIND_LABEL[kind]}` : ''}`);
  try {
    for await (const raw of body) {
      const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      size += chunk.length;
      const limit = type ? limits[(type as SniffedType).kind] : ceiling;
      if (size > limit) throw tooLarge(limit, type ? (type as SniffedType).kind : null);
      hash.update(chunk);
      await file.write(chunk);
      if (!type) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= SNIFF_BYTES) {
          await decide();
          if (size > limits[type!.kind]) throw tooLarge(limits[type!.kind], type!.kind);
        }
      }
    }
    if (size === 0) throw refuse('empty', 'The file is empty');
    if (!type) {
      await decide();
      if (size > limits[type!.kind]) throw tooLarge(limits[type!.kind], type!.kind);
    }
  } finally {
    await file.close();
  }
  return { path, size, sha256: hash.digest('hex'), type: type! };
}

interface Inspected {
  type: SniffedType;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  thumbnail: Buffer | null;
}

async function inspectImage(path: string, type: SniffedType): Promise<Inspected> {
  try {
    const image = sharp(path, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
    const meta = await image.metadata();
    // Decoding the whole image (for the thumbnail) is what proves it is one.
    const thumbnail = await sharp(path, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: THUMBNAIL_BOX, height: THUMBNAIL_BOX, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    const turned = (meta.orientation ?? 1) >= 5;
    const width = meta.width ?? null;
    const height = meta.height ?? null;
    return { type, width: turned ? height : width, height: turned ? width : height, durationMs: null, thumbnail };
  } catch {
    throw refuse('invalid_file', `The file starts like ${type.ext.toUpperCase()} image but is not a readable image`);
  }
}

async function inspectPdf(path: string, size: number, type: SniffedType): Promise<Inspected> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(1024, size));
    await file.read(head, 0, head.length, 0);
    const tailLength = Math.min(2048, size);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    // A PDF starts with its version and ends with %%EOF (allowing trailing whitespace);
    // a PDF signature pasted in front of something else does not.
    const ok = /^%PDF-[12]\.\d/.test(head.toString('latin1')) && /%%EOF\s*$/.test(tail.toString('latin1')) && /\bobj\b/.test(head.toString('latin1') + tail.toString('latin1'));
    if (!ok) throw new Error('not a PDF');
    return { type, width: null, height: null, durationMs: null, thumbnail: null };
  } catch {
    throw refuse('invalid_file', 'The file starts like a PDF but is not a complete PDF document');
  } finally {
    await file.close();
  }
}

async function inspectAudioVideo(path: string, type: SniffedType): Promise<Inspected> {
  let format;
  try {
    ({ format } = await parseFile(path, { skipCovers: true, duration: false }));
  } catch {
    throw refuse('invalid_file', `The file starts like ${type.ext.toUpperCase()} but could not be read as ${KIND_LABEL[type.kind]}`);
  }
  if (!format.container && !format.codec) throw refuse('invalid_file', `The file could not be read as ${KIND_LABEL[type.kind]}`);
  // WebM and MP4 hold sound alone as often as video: the parse tells which.
  const soundOnly = AUDIO_ONLY_VARIANT[type.mimeType];
  const actual = soundOnly && format.hasVideo === false && format.hasAudio === true ? soundOnly : type;
  if (actual.kind === 'audio' && format.hasAudio === false) throw refuse('invalid_file', 'The file holds no sound');
  const durationMs = typeof format.duration === 'number' && Number.isFinite(format.duration) ? Math.round(format.duration * 1000) : null;
  return { type: actual, width: null, height: null, durationMs: durationMs !== null && durationMs < 2 ** 31 ? durationMs : null, thumbnail: null };
}

async function inspect(spooled: Spooled): Promise<Inspected> {
  switch (spooled.type.kind) {
    case 'image': return inspectImage(spooled.path, spooled.type);
    case 'pdf': return inspectPdf(spooled.path, spooled.size, spooled.type);
    default: return inspectAudioVideo(spooled.path, spooled.type);
  }
}

function uploadedView(record: MediaRecord, duplicate: boolean): UploadedMedia {
  return {
    id: record.id, kind: record.kind, mimeType: record.mimeType, size: record.sizeBytes, filename: record.filename,
    width: record.width, height: record.height, durationMs: record.durationMs, tags: record.tags, duplicate,
  };
}

/**
 * Takes one uploaded file into the tenant's library. Uploading the same bytes
 * again returns the existing media (with the new tags added): retries and
 * double clicks store nothing twice.
 */
export async function ingestUpload(deps: MediaDeps, request: UploadRequest, body: AsyncIterable<Uint8Array>): Promise<UploadedMedia> {
  const tags = normaliseTags(request.tags ?? []);
  if (request.expectKind && !MEDIA_KINDS.includes(request.expectKind)) throw badInput(`kind must be one of ${MEDIA_KINDS.join(', ')}`, 'kind');
  const altText = request.altText?.trim() || null;
  if (altText && altText.length > 500) throw badInput('Alternative text may have at most 500 characters', 'altText');
  const declaredType = request.declaredType?.trim().slice(0, 200) || null;
  const tx = <T>(fn: (em: EntityManager) => Promise<T>) => withTenant(deps.orm, request.tenantId, request.actorId, ({ em }) => fn(em));

  const limits = await tx((em) => mediaLimits(em, request.tenantId));
  const dir = await mkdtemp(join(tmpdir(), 'ensemble-upload-'));
  try {
    const spooled = await spool(dir, body, limits);
    const inspected = await inspect(spooled);
    const { type } = inspected;
    if (spooled.size > limits[type.kind]) throw refuse('too_large', `The file is larger than the ${formatBytes(limits[type.kind])} allowed for ${KIND_LABEL[type.kind]}`);
    if (request.expectKind && request.expectKind !== type.kind) {
      throw refuse('wrong_kind', `This file is ${KIND_LABEL[type.kind]} (${type.ext.toUpperCase()}), not ${KIND_LABEL[request.expectKind]}`);
    }

    const existing = await tx(async (em) => {
      const [row] = await sql<{ id: string }>(em,
        'select id from content.media where tenant_id = ? and sha256 = ? and deleted_at is null order by id limit 1', [request.tenantId, spooled.sha256]);
      if (!row) return null;
      if (tags.length) await addTags(em, request.tenantId, row.id, tags);
      return getMedia(em, row.id);
    });
    if (existing) return uploadedView(existing, true);

    const id = newId();
    const filename = cleanFilename(request.filename, type.ext);
    const key = mediaKey(request.tenantId, id, storageName(filename));
    const thumbKey = thumbnailKey(request.tenantId, id);
    try {
      await deps.storage.put(key, createReadStream(spooled.path), { contentType: type.mimeType, contentLength: spooled.size });
      if (inspected.thumbnail) await deps.storage.put(thumbKey, inspected.thumbnail, { contentType: 'image/webp' });
      const record = await tx(async (em) => {
        const [tenant] = await sql<{ locale: string }>(em, 'select locale from tenants.tenant where id = ?', [request.tenantId]);
        await sql(em,
          `insert into content.media (id, tenant_id, kind, filename, mime_type, declared_mime_type, size_bytes, sha256, storage, storage_key,
                                      width, height, duration_ms, alt_text, locale, source, created_by)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, request.tenantId, type.kind, filename, type.mimeType, declaredType, spooled.size, spooled.sha256, deps.storage.driver, key,
            inspected.width, inspected.height, inspected.durationMs, altText, tenant?.locale ?? 'en', request.source ?? 'upload',
            request.actorId]);
        if (tags.length) await addTags(em, request.tenantId, id, tags);
        return getMedia(em, id);
      });
      return uploadedView(record, false);
    } catch (error) {
      // Nothing half-written: no row means no objects either.
      await Promise.allSettled([deps.storage.delete(key), deps.storage.delete(thumbKey)]);
      throw error;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- reads

const MEDIA_COLUMNS = `m.id, m.tenant_id, m.kind, m.filename, m.mime_type, m.declared_mime_type, m.size_bytes, m.sha256, m.storage, m.storage_key,
  m.width, m.height, m.duration_ms, m.alt_text, m.locale, m.source, m.created_at,
  coalesce((select array_agg(t.tag order by t.tag) from content.media_tag t where t.tenant_id = m.tenant_id and t.media_id = m.id), '{}') as tags`;

function toRecord(row: Row): MediaRecord {
  const tags = row.tags;
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    kind: row.kind as MediaRecord['kind'],
    filename: row.filename as string,
    mimeType: row.mime_type as string,
    declaredMimeType: (row.declared_mime_type as string | null) ?? null,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256 as string,
    storage: row.storage as MediaRecord['storage'],
    storageKey: row.storage_key as string,
    width: (row.width as number | null) ?? null,
    height: (row.height as number | null) ?? null,
    durationMs: (row.duration_ms as number | null) ?? null,
    altText: (row.alt_text as string | null) ?? null,
    locale: row.locale as string,
    source: row.source as string,
    createdAt: toDate(row.created_at),
    // pg returns text[] parsed; be tolerant of the literal form too.
    tags: Array.isArray(tags) ? (tags as string[]) : typeof tags === 'string' ? tags.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((t) => t.replace(/^"|"$/g, '')) : [],
  };
}

/** A live media item in the caller's scope; NOT_FOUND otherwise (also for garbage ids). */
export async function getMedia(em: EntityManager, id: string): Promise<MediaRecord> {
  const [row] = isUuid(id) ? await sql(em, `select ${MEDIA_COLUMNS} from content.media m where m.id = ? and m.deleted_at is null`, [id]) : [];
  if (!row) throw notFound('Media');
  return toRecord(row);
}

export interface MediaFilter {
  search?: string | null;
  kind?: MediaKind | null;
  tag?: string | null;
  first?: number | null;
  after?: string | null;
}

export interface MediaPage {
  nodes: MediaRecord[];
  endCursor: string | null;
  hasNextPage: boolean;
  totalCount: number;
}

export function encodeCursor(id: string): string {
  return Buffer.from(`media:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString();
  const id = decoded.startsWith('media:') ? decoded.slice(6) : '';
  if (!isUuid(id)) throw badInput('after is not a cursor from this list', 'after');
  return id;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Newest first (ids are time-ordered UUIDv7), keyset-paginated. */
export async function listMedia(em: EntityManager, tenantIds: readonly string[], filter: MediaFilter = {}): Promise<MediaPage> {
  const first = filter.first ?? 30;
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first must be between 1 and 100', 'first');
  if (filter.kind && !MEDIA_KINDS.includes(filter.kind)) throw badInput('Unknown kind', 'kind');
  const search = filter.search?.trim() || null;
  if (search && search.length > 200) throw badInput('Search at most 200 characters', 'search');
  const tag = filter.tag ? normaliseTags([filter.tag])[0] ?? null : null;
  const where = ['m.tenant_id = any(?::uuid[])', 'm.deleted_at is null'];
  const params: unknown[] = [uuidArrayLiteral(tenantIds)];
  if (filter.kind) {
    where.push('m.kind = ?');
    params.push(filter.kind);
  }
  if (tag) {
    where.push('exists (select 1 from content.media_tag t where t.tenant_id = m.tenant_id and t.media_id = m.id and t.tag = ?)');
    params.push(tag);
  }
  if (search) {
    const like = likePattern(search);
    where.push(`(m.filename ilike ? or m.alt_text ilike ? or exists (select 1 from content.media_tag t where t.tenant_id = m.tenant_id and t.media_id = m.id and t.tag ilike ?))`);
    params.push(like, like, like);
  }
  const [count] = await sql<{ n: number }>(em, `select count(*)::int as n from content.media m where ${where.join(' and ')}`, params);
  if (filter.after) {
    where.push('m.id < ?::uuid');
    params.push(decodeCursor(filter.after));
  }
  const rows = await sql(em, `select ${MEDIA_COLUMNS} from content.media m where ${where.join(' and ')} order by m.id desc limit ?`, [...params, first + 1]);
  const nodes = rows.slice(0, first).map(toRecord);
  return {
    nodes,
    hasNextPage: rows.length > first,
    endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : null,
    totalCount: count?.n ?? 0,
  };
}

export async function mediaTagCounts(em: EntityManager, tenantIds: readonly string[]): Promise<Array<{ tag: string; count: number }>> {
  return sql<{ tag: string; count: number }>(em,
    `select t.tag, count(*)::int as count from content.media_tag t
       join content.media m on m.tenant_id = t.tenant_id and m.id = t.media_id
      where t.tenant_id = any(?::uuid[]) and m.deleted_at is null
      group by t.tag order by count(*) desc, t.tag limit 200`, [uuidArrayLiteral(tenantIds)]);
}

// ---------------------------------------------------------------- writes

async function addTags(em: EntityManager, tenantId: string, mediaId: string, tags: readonly string[]): Promise<void> {
  if (!tags.length) return;
  await sql(em,
    `insert into content.media_tag (tenant_id, media_id, tag)
     select ?, ?, value from jsonb_array_elements_text(?::jsonb) on conflict do nothing`, [tenantId, mediaId, JSON.stringify(tags)]);
}

/** Replaces the media's tags. */
export async function tagMedia(em: EntityManager, id: string, rawTags: readonly string[]): Promise<MediaRecord> {
  const tags = normaliseTags(rawTags);
  const media = await getMedia(em, id);
  await sql(em, 'delete from content.media_tag where tenant_id = ? and media_id = ?', [media.tenantId, media.id]);
  await addTags(em, media.tenantId, media.id, tags);
  return getMedia(em, media.id);
}

export async function describeMedia(em: EntityManager, id: string, rawAlt: string | null): Promise<MediaRecord> {
  const altText = rawAlt?.trim() || null;
  if (altText && altText.length > 500) throw badInput('Alternative text may have at most 500 characters', 'altText');
  const media = await getMedia(em, id);
  await sql(em, 'update content.media set alt_text = ? where tenant_id = ? and id = ?', [altText, media.tenantId, media.id]);
  return getMedia(em, media.id);
}

export interface MediaUsage {
  mediaId: string;
  itemId: string;
  title: string;
  status: string;
  role: string;
}

export async function mediaUsage(em: EntityManager, mediaIds: readonly string[]): Promise<Map<string, MediaUsage[]>> {
  const rows = mediaIds.length ? await sql<{ media_id: string; item_id: string; title: string; status: string; role: string }>(em,
    `select cm.media_id, cm.item_id, i.title, i.status, cm.role from content.content_media cm
       join content.content_item i on i.tenant_id = cm.tenant_id and i.id = cm.item_id
      where cm.media_id = any(?::uuid[]) order by i.updated_at desc`, [uuidArrayLiteral(mediaIds)]) : [];
  const out = new Map<string, MediaUsage[]>(mediaIds.map((id) => [id, []]));
  for (const r of rows) out.get(r.media_id)?.push({ mediaId: r.media_id, itemId: r.item_id, title: r.title, status: r.status, role: r.role });
  return out;
}

export const MEDIA_ROLES = ['hero', 'inline', 'attachment', 'thumbnail'] as const;
export type MediaRole = (typeof MEDIA_ROLES)[number];

/** Records that an item uses a media file (C7 reuse); attaching twice only updates the role. */
/** The content item a media use refers to; another client's item is NOT_FOUND. */
async function itemRef(em: EntityManager, itemId: string): Promise<{ id: string; tenant_id: string }> {
  const [item] = isUuid(itemId) ? await sql<{ id: string; tenant_id: string }>(em, 'select id, tenant_id from content.content_item where id = ?', [itemId]) : [];
  if (!item) throw notFound('Content item');
  return item;
}

export async function attachMedia(em: EntityManager, itemId: string, mediaId: string, role: MediaRole = 'inline'): Promise<MediaRecord> {
  if (!MEDIA_ROLES.includes(role)) throw badInput('Unknown role', 'role');
  const item = await itemRef(em, itemId);
  const media = await getMedia(em, mediaId);
  if (media.tenantId !== item.tenant_id) throw badInput('The media belongs to another client than the content', 'mediaId');
  await sql(em,
    `insert into content.content_media (tenant_id, item_id, media_id, role, position)
     values (?, ?, ?, ?, (select coalesce(max(position) + 1, 0) from content.content_media where tenant_id = ? and item_id = ?))
     on conflict (tenant_id, item_id, media_id) do update set role = excluded.role`,
    [item.tenant_id, item.id, media.id, role, item.tenant_id, item.id]);
  return media;
}

/** True when the media was used by the item; an item or media the caller cannot see is NOT_FOUND. */
export async function detachMedia(em: EntityManager, itemId: string, mediaId: string): Promise<boolean> {
  const item = await itemRef(em, itemId);
  const media = await getMedia(em, mediaId);
  const rows = await sql(em, 'delete from content.content_media where tenant_id = ? and item_id = ? and media_id = ? returning media_id',
    [item.tenant_id, item.id, media.id]);
  return rows.length > 0;
}

/** Statuses whose content is out (or about to go out): its media must stay reachable. */
const LIVE_STATUSES = ['published', 'scheduled'];

/**
 * Deletes a media file: refused while published or scheduled content uses it
 * (its embedded URLs would break); otherwise its uses are dropped, the row is
 * marked deleted (kept for provenance: onboarding sources may cite it) and the
 * stored objects are returned for the caller to remove after the commit.
 */
export async function deleteMedia(em: EntityManager, id: string): Promise<{ keys: string[] }> {
  const media = await getMedia(em, id);
  const live = await sql<{ title: string }>(em,
    `select i.title from content.content_media cm join content.content_item i on i.tenant_id = cm.tenant_id and i.id = cm.item_id
      where cm.tenant_id = ? and cm.media_id = ? and i.status = any(?::text[]) order by i.title limit 3`,
    [media.tenantId, media.id, `{${LIVE_STATUSES.join(',')}}`]);
  if (live.length) {
    throw new AppError('CONFLICT', `This file is used by published or scheduled content (${live.map((r) => `“${r.title}”`).join(', ')}); remove it from that content first`);
  }
  await sql(em, 'delete from content.content_media where tenant_id = ? and media_id = ?', [media.tenantId, media.id]);
  await sql(em, 'update content.media set deleted_at = now() where tenant_id = ? and id = ?', [media.tenantId, media.id]);
  return { keys: [media.storageKey, ...(media.kind === 'image' ? [thumbnailKey(media.tenantId, media.id)] : [])] };
}

// ---------------------------------------------------------------- files

/**
 * The bytes of an uploaded file (used by onboarding to read PDFs and audio).
 * `em` is inside withTenant; the media must be in its scope.
 */
export async function readMediaFile(em: EntityManager, tenantId: string, mediaId: string, storage: ObjectStorage = configuredStorage()): Promise<{ body: Buffer; mimeType: string; filename: string; kind: MediaRecord['kind'] }> {
  const media = await getMedia(em, mediaId);
  if (media.tenantId !== tenantId) throw notFound('Media');
  const body = await storage.getBuffer(media.storageKey);
  if (!body) throw new AppError('INTERNAL_SERVER_ERROR', 'The stored file is missing');
  return { body, mimeType: media.mimeType, filename: media.filename, kind: media.kind };
}

export interface OpenedFile {
  media: MediaRecord;
  object: StoredObject;
  mimeType: string;
  etag: string;
}

/** Opens the original or the thumbnail for streaming; null when there is none. */
export async function openMediaFile(em: EntityManager, storage: ObjectStorage, mediaId: string, variant: 'original' | 'thumbnail', range?: ByteRange): Promise<OpenedFile | null> {
  const media = await getMedia(em, mediaId).catch(() => null);
  if (!media) return null;
  if (variant === 'thumbnail' && media.kind !== 'image') return null;
  const key = variant === 'thumbnail' ? thumbnailKey(media.tenantId, media.id) : media.storageKey;
  const object = await storage.get(key, range ? { range } : {});
  if (!object) return null;
  return { media, object, mimeType: variant === 'thumbnail' ? 'image/webp' : media.mimeType, etag: `"${media.sha256.slice(0, 32)}${variant === 'thumbnail' ? '-t' : ''}"` };
}
