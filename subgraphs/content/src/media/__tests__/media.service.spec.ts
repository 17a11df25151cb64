import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { seed, DEMO } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { createStorage, type ObjectStorage } from '@ensemble/storage/storage';
import { AppError } from '@ensemble/tenancy/errors';
import { createDraft } from '../../studio/studio.service.ts';
import {
  attachMedia, cleanFilename, deleteMedia, getMedia, ingestUpload, listMedia, readMediaFile, tagMedia, thumbnailKey, type UploadRequest,
} from '../media.service.ts';
import { DEFAULT_LIMITS, limitsFromPlan } from '../media-kinds.ts';
import { chunks, exe, jpeg, pdf, pdfPolyglot, png, pngPolyglot, wav } from './fixtures.ts';

let orm: MikroORM;
let drop: () => Promise<void>;
let admin: pg.Client;
let dir: string;
let storage: ObjectStorage;
const A = DEMO.logins.clientAdmin.tenantId;
const B = DEMO.logins.fitnessAdmin.tenantId;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  orm = await createOrm({ url: appUrl(db.adminUrl) });
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  dir = mkdtempSync(join(tmpdir(), 'ensemble-media-'));
  storage = createStorage({ driver: 'local', dir });
});

afterAll(async () => {
  await admin?.end();
  await orm?.close();
  await drop?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const deps = () => ({ orm, storage });
const upload = (bytes: Buffer, request: Partial<UploadRequest> & { filename: string }, tenantId = A) =>
  ingestUpload(deps(), { tenantId, actorId: null, ...request }, chunks(bytes));
const inA = <T>(fn: Parameters<typeof withTenant<T>>[3]) => withTenant(orm, A, null, fn);
const inB = <T>(fn: Parameters<typeof withTenant<T>>[3]) => withTenant(orm, B, null, fn);

async function refusal(promise: Promise<unknown>): Promise<{ code: string; reason: unknown; message: string }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  const e = error as AppError;
  return { code: e.code, reason: e.extensions['reason'], message: e.message };
}

async function mediaRows(tenantId: string): Promise<number> {
  return (await admin.query('select count(*)::int as n from content.media where tenant_id = $1', [tenantId])).rows[0].n;
}

function storedFiles(tenantId: string): string[] {
  const root = join(dir, tenantId);
  return existsSync(root) ? readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
}

describe('type sniffing', () => {
  it('takes a PNG called .pdf as a PNG, refuses it where a PDF is expected', async () => {
    const bytes = await png(1200, 800);
    const media = await upload(bytes, { filename: 'scan.pdf', declaredType: 'application/pdf', tags: ['Logo', ' brand kit '] });
    expect(media).toMatchObject({ kind: 'image', mimeType: 'image/png', filename: 'scan.png', width: 1200, height: 800, size: bytes.length, tags: ['brand-kit', 'logo'], duplicate: false });
    const row = (await admin.query('select declared_mime_type, storage, storage_key, sha256 from content.media where id = $1', [media.id])).rows[0];
    expect(row.declared_mime_type).toBe('application/pdf');
    expect(row.storage_key).toBe(`${A}/media/${media.id}/scan.png`);

    const other = await png(1200, 800, '#27ae60');
    const before = await mediaRows(A);
    const refused = await refusal(upload(other, { filename: 'menu.pdf', declaredType: 'application/pdf', expectKind: 'pdf' }));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'wrong_kind' });
    expect(refused.message).toMatch(/an image \(PNG\), not a PDF/);
    expect(await mediaRows(A)).toBe(before);
  });

  it('refuses an executable, whatever it is called, and writes nothing', async () => {
    const before = storedFiles(A).length;
    const refused = await refusal(upload(exe(), { filename: 'holiday.jpg', declaredType: 'image/jpeg' }));
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'unsupported_type' });
    expect(refused.message).toMatch(/EXE are not accepted/);
    expect(storedFiles(A).length).toBe(before);
    expect((await refusal(upload(Buffer.from('just some text\n'.repeat(50)), { filename: 'notes.png' }))).reason).toBe('unsupported_type');
    expect((await refusal(upload(Buffer.alloc(0), { filename: 'empty.png' }))).reason).toBe('empty');
  });

  it('refuses polyglots: a right signature in front of the wrong bytes', async () => {
    const before = await mediaRows(A);
    expect(await refusal(upload(await pngPolyglot(), { filename: 'x.png' }))).toMatchObject({ reason: 'invalid_file' });
    expect(await refusal(upload(pdfPolyglot(), { filename: 'x.pdf' }))).toMatchObject({ reason: 'invalid_file' });
    expect(await mediaRows(A)).toBe(before);
  });

  it('accepts PDF, WAV and JPEG, and reads them back byte for byte', async () => {
    const doc = pdf();
    const media = await upload(doc, { filename: 'Guide de marque.pdf', expectKind: 'pdf', source: 'onboarding' });
    expect(media).toMatchObject({ kind: 'pdf', mimeType: 'application/pdf', filename: 'Guide de marque.pdf', width: null });
    const read = await inA(({ em }) => readMediaFile(em, A, media.id, storage));
    expect(read.body.equals(doc)).toBe(true);
    expect(read).toMatchObject({ mimeType: 'application/pdf', filename: 'Guide de marque.pdf', kind: 'pdf' });

    const sound = await upload(wav(500), { filename: 'voice-note' });
    expect(sound).toMatchObject({ kind: 'audio', mimeType: 'audio/wav', filename: 'voice-note.wav', durationMs: 500 });

    const photo = await upload(await jpeg(300, 200), { filename: 'shop.jpeg' });
    expect(photo).toMatchObject({ kind: 'image', mimeType: 'image/jpeg', filename: 'shop.jpeg' });
  });

  it('cleans names: no path, no control characters, the right extension', () => {
    expect(cleanFilename('../../etc/passwd', 'png')).toBe('passwd.png');
    expect(cleanFilename('C:\\Users\\me\\photo.JPEG', 'jpg')).toBe('photo.jpeg');
    expect(cleanFilename('a\u0000b.gif', 'png')).toBe('ab.png');
    expect(cleanFilename('', 'pdf')).toBe('file.pdf');
    expect(cleanFilename('.hidden', 'webp')).toBe('hidden.webp');
  });
});

describe('thumbnails', () => {
  it('makes a WebP that fits 320×320 without enlarging small images', async () => {
    const wide = await upload(await png(1600, 400, '#8e44ad'), { filename: 'banner.png' });
    const thumb = await storage.getBuffer(thumbnailKey(A, wide.id));
    const meta = await sharp(thumb!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 80]);

    const small = await upload(await png(100, 150, '#16a085'), { filename: 'icon.png' });
    const smallMeta = await sharp((await storage.getBuffer(thumbnailKey(A, small.id)))!).metadata();
    expect([smallMeta.width, smallMeta.height]).toEqual([100, 150]);

    const doc = await upload(pdf('no thumbnail'), { filename: 'no-thumb.pdf' });
    expect(await storage.exists(thumbnailKey(A, doc.id))).toBe(false);
  });
});

describe('limits', () => {
  it('reads per-kind limits from the plan, in megabytes, else the defaults', () => {
    expect(limitsFromPlan(null)).toEqual(DEFAULT_LIMITS);
    expect(limitsFromPlan({ media_image_mb: 2, media_video_mb: 'lots', media_pdf_mb: -1 })).toEqual({ ...DEFAULT_LIMITS, image: 2 * 1024 * 1024 });
  });

  it("refuses a file over its kind's limit in the client's plan, while it streams", async () => {
    const { rows: [plan] } = await admin.query(
      `select p.id, p.limits from billing.subscription s join tenants.plan p on p.id = s.plan_id where s.tenant_id = $1 and s.status <> 'cancelled'`, [A]);
    expect(plan).toBeDefined();
    await admin.query(`update tenants.plan set limits = limits || '{"media_image_mb": 0.05}'::jsonb where id = $1`, [plan.id]);
    try {
      const big = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
      expect(big.length).toBeGreaterThan(0.05 * 1024 * 1024);
      const refused = await refusal(upload(big, { filename: 'noise.png' }));
      expect(refused).toMatchObject({ reason: 'too_large' });
      expect(refused.message).toMatch(/51 KB allowed for an image/);
      // Other kinds keep their own limits.
      expect((await upload(pdf('still fine'), { filename: 'ok.pdf' })).kind).toBe('pdf');
    } finally {
      await admin.query('update tenants.plan set limits = $2 where id = $1', [plan.id, plan.limits]);
    }
  });
});

describe('library', () => {
  it('stores the same bytes once and merges tags', async () => {
    const bytes = await png(50, 50, '#f1c40f');
    const first = await upload(bytes, { filename: 'sun.png', tags: ['summer'] });
    const again = await upload(bytes, { filename: 'sun-copy.png', tags: ['logo'] });
    expect(again).toMatchObject({ id: first.id, duplicate: true, tags: ['logo', 'summer'] });
  });

  it('searches, filters and pages newest first', async () => {
    await upload(await png(40, 40, '#000001'), { filename: 'croissant.png', tags: ['bakery'] });
    await upload(await png(40, 40, '#000002'), { filename: 'baguette.png', tags: ['bakery', 'bread'] });
    const all = await inA(({ em, scope }) => listMedia(em, scope, { first: 100 }));
    expect(all.totalCount).toBe(all.nodes.length);
    expect(all.nodes.map((m) => m.id)).toEqual(all.nodes.map((m) => m.id).toSorted().reverse());
    const bakery = await inA(({ em, scope }) => listMedia(em, scope, { tag: 'Bakery' }));
    expect(bakery.nodes.map((m) => m.filename)).toEqual(['baguette.png', 'croissant.png']);
    expect((await inA(({ em, scope }) => listMedia(em, scope, { search: 'BREAD' }))).nodes.map((m) => m.filename)).toEqual(['baguette.png']);
    expect((await inA(({ em, scope }) => listMedia(em, scope, { search: 'croiss' }))).nodes.map((m) => m.filename)).toEqual(['croissant.png']);
    expect((await inA(({ em, scope }) => listMedia(em, scope, { search: '%' }))).nodes).toEqual([]);
    const pdfs = await inA(({ em, scope }) => listMedia(em, scope, { kind: 'pdf' }));
    expect(pdfs.nodes.every((m) => m.kind === 'pdf') && pdfs.nodes.length > 0).toBe(true);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const result: Awaited<ReturnType<typeof listMedia>> = await inA(({ em, scope }) => listMedia(em, scope, { first: 2, after }));
      seen.push(...result.nodes.map((m) => m.id));
      if (!result.hasNextPage) break;
      after = result.endCursor;
    }
    expect(seen).toEqual(all.nodes.map((m) => m.id));
    await expect(inA(({ em, scope }) => listMedia(em, scope, { after: 'garbage' }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('attaches media to content and refuses to delete what published content uses', async () => {
    const media = await upload(await png(60, 60, '#d35400'), { filename: 'hero.png' });
    const item = await inA(({ em }) => createDraft(em, A, null, { channel: 'BLOG', title: 'Hero post', body: 'Text', locale: 'en' }));
    await inA(({ em }) => attachMedia(em, item.id, media.id, 'hero'));
    await inA(({ em }) => attachMedia(em, item.id, media.id, 'hero')); // twice: one use
    expect((await admin.query('select role from content.content_media where media_id = $1', [media.id])).rows).toEqual([{ role: 'hero' }]);

    await admin.query(`update content.content_item set status = 'published' where id = $1`, [item.id]);
    expect(await refusal(inA(({ em }) => deleteMedia(em, media.id)))).toMatchObject({ code: 'CONFLICT' });
    await admin.query(`update content.content_item set status = 'draft' where id = $1`, [item.id]);

    const { keys } = await inA(({ em }) => deleteMedia(em, media.id));
    expect(keys).toEqual([`${A}/media/${media.id}/hero.png`, thumbnailKey(A, media.id)]);
    expect((await admin.query('select count(*)::int as n from content.content_media where media_id = $1', [media.id])).rows[0].n).toBe(0);
    expect(await refusal(inA(({ em }) => getMedia(em, media.id)))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('isolation', () => {
  it("B sees none of A's media and cannot tag, read, attach or delete it", async () => {
    const media = await upload(await png(30, 30, '#123456'), { filename: 'secret.png', tags: ['a-only'] });
    const bItem = await inB(({ em }) => createDraft(em, B, null, { channel: 'BLOG', title: 'B post', body: 'B', locale: 'en' }));
    const attempts = [
      () => inB(({ em }) => getMedia(em, media.id)),
      () => inB(({ em }) => tagMedia(em, media.id, ['stolen'])),
      () => inB(({ em }) => readMediaFile(em, B, media.id, storage)),
      () => inB(({ em }) => attachMedia(em, bItem.id, media.id)),
      () => inB(({ em }) => deleteMedia(em, media.id)),
      () => inB(({ em }) => getMedia(em, 'not-a-uuid')),
    ];
    for (const attempt of attempts) expect(await refusal(attempt())).toMatchObject({ code: 'NOT_FOUND' });
    const listed = await inB(({ em, scope }) => listMedia(em, scope, { first: 100 }));
    expect(listed.nodes.map((m) => m.id)).not.toContain(media.id);
    expect((await inB(({ em, scope }) => listMedia(em, scope, { tag: 'a-only' }))).totalCount).toBe(0);
    expect((await inA(({ em }) => getMedia(em, media.id))).tags).toEqual(['a-only']);
    // Same bytes uploaded by B: B's own copy, not A's.
    const bCopy = await upload(await png(30, 30, '#123456'), { filename: 'mine.png' }, B);
    expect(bCopy.id).not.toBe(media.id);
    expect(bCopy.duplicate).toBe(false);
  });
});
