// Media through the real gateway: POST /uploads streamed to the real content
// subgraph (sniffing, storage, database), then the signed GET /media/:id URLs.
import './support/env.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { seed, DEMO } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { startSubgraph, type RunningSubgraph } from '@ensemble/subgraph-kit/server';
import { signAccessToken, type Identity } from '@ensemble/tenancy/identity';
import { readSupergraphSdl } from '@ensemble/schema/supergraph';
import { mediaUrlSecret, signMediaPath } from '@ensemble/storage/signed-url';
import { definition as contentDefinition } from '../../subgraphs/content/src/subgraph.ts';
import { startGateway, type RunningGateway } from '../src/server.ts';
import { exe, png } from '../../subgraphs/content/src/media/__tests__/fixtures.ts';

const storageDir = mkdtempSync(join(tmpdir(), 'ensemble-uploads-'));
process.env.STORAGE_DIR = storageDir;
process.env.UPLOAD_MAX_BYTES = String(2 * 1024 * 1024);
const WEB_ORIGIN = 'http://127.0.0.1:5173';

let orm: MikroORM;
let pubsub: PgPubSub;
let drop: () => Promise<void>;
let content: RunningSubgraph;
let gateway: RunningGateway;
let origin: string;
let tokenA: string;
let tokenB: string;
let readerA: string;

function identity(login: { id: string; tenantId: string }, permissions: Identity['permissions']): Identity {
  return { kind: 'user', actorId: login.id, tenantId: login.tenantId, role: 'client_admin', permissions };
}

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  orm = await createOrm({ url: appUrl(db.adminUrl) });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_content_uploads_test');
  await pubsub.start();
  content = await startSubgraph(contentDefinition, { orm, pubsub, port: 0 });
  gateway = await startGateway({
    port: 0,
    supergraphSdl: readSupergraphSdl(),
    subgraphUrls: { content: content.url, tenants: 'http://127.0.0.1:9/graphql' },
    production: false,
    webOrigins: [WEB_ORIGIN],
  });
  origin = gateway.url.replace(/\/graphql$/, '');
  tokenA = await signAccessToken(identity(DEMO.logins.clientAdmin, ['content:read', 'content:write']));
  tokenB = await signAccessToken(identity(DEMO.logins.fitnessAdmin, ['content:read', 'content:write']));
  readerA = await signAccessToken(identity(DEMO.logins.clientAdmin, ['content:read']));
});

afterAll(async () => {
  await gateway?.close();
  await content?.close();
  await pubsub?.close();
  await orm?.close();
  await drop?.();
  rmSync(storageDir, { recursive: true, force: true });
});

async function uploadFile(bytes: Buffer, filename: string, options: { token?: string; header?: boolean; tags?: string; kind?: string; type?: string; origin?: string } = {}) {
  const form = new FormData();
  if (options.tags) form.append('tags', options.tags);
  if (options.kind) form.append('kind', options.kind);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: options.type ?? 'application/octet-stream' }), filename);
  const response = await fetch(`${origin}/uploads`, {
    method: 'POST',
    headers: {
      ...(options.header === false ? {} : { 'x-ensemble-upload': '1' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.origin ? { origin: options.origin } : {}),
    },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as { media?: Record<string, unknown>; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
}

async function gql<T>(query: string, variables: Record<string, unknown>, token: string) {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

const MEDIA_QUERY = 'query($id: ID!) { mediaItem(id: $id) { id kind mimeType filename size width height tags url thumbnailUrl embedUrl } }';
type MediaItem = { id: string; kind: string; mimeType: string; filename: string; size: number; width: number; height: number; tags: string[]; url: string; thumbnailUrl: string; embedUrl: string };

describe('POST /uploads', () => {
  it('stores an image sniffed from its bytes, with tags, and serves it and its thumbnail by signed URL', async () => {
    const bytes = await png(900, 600);
    const { status, body } = await uploadFile(bytes, 'storefront.pdf', { token: tokenA, tags: 'Shop, front', type: 'application/pdf', origin: WEB_ORIGIN });
    expect(status).toBe(201);
    expect(body.media).toMatchObject({ kind: 'image', mimeType: 'image/png', filename: 'storefront.png', width: 900, height: 600, size: bytes.length, tags: ['front', 'shop'] });
    const id = body.media!.id as string;

    const { data } = await gql<{ mediaItem: MediaItem }>(MEDIA_QUERY, { id }, tokenA);
    const media = data!.mediaItem;
    expect(media).toMatchObject({ id, kind: 'IMAGE', tags: ['front', 'shop'] });
    expect(media.url).toMatch(new RegExp(`^/media/${id}\\?v=o&t=${DEMO.logins.clientAdmin.tenantId}&e=\\d+&sig=`));

    const file = await fetch(origin + media.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);

    const thumb = await fetch(origin + media.thumbnailUrl);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([320, 213]);

    const part = await fetch(origin + media.url, { headers: { range: 'bytes=0-7' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-7/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 8))).toBe(true);

    const embedded = await fetch(origin + media.embedUrl);
    expect(embedded.status).toBe(200);
    expect(embedded.headers.get('cache-control')).toBe('public, max-age=86400');
    await embedded.body?.cancel();
  });

  it('refuses what it must, with clear errors', async () => {
    const image = await png(20, 20);
    expect((await uploadFile(image, 'a.png', { token: tokenA, header: false })).status).toBe(400);
    expect((await uploadFile(image, 'a.png', {})).status).toBe(401);
    expect((await uploadFile(image, 'a.png', { token: tokenA, origin: 'https://evil.example' })).status).toBe(403);
    const reader = await uploadFile(image, 'a.png', { token: readerA });
    expect([reader.status, reader.body.errors?.[0]?.extensions['code']]).toEqual([403, 'FORBIDDEN']);
    const binary = await uploadFile(exe(), 'invoice.pdf', { token: tokenA, type: 'application/pdf' });
    expect([binary.status, binary.body.errors?.[0]?.extensions['reason']]).toEqual([415, 'unsupported_type']);
    expect(binary.body.errors?.[0]?.message).toMatch(/EXE are not accepted/);
    // Refused after the first 64 KB while the rest is still arriving: still a clear answer.
    const longBinary = await uploadFile(Buffer.concat([exe(), Buffer.alloc(600 * 1024, 0x90)]), 'setup.png', { token: tokenA });
    expect([longBinary.status, longBinary.body.errors?.[0]?.extensions['reason']]).toEqual([415, 'unsupported_type']);
    const wrongKind = await uploadFile(image, 'brochure.pdf', { token: tokenA, kind: 'pdf' });
    expect([wrongKind.status, wrongKind.body.errors?.[0]?.extensions['reason']]).toEqual([422, 'wrong_kind']);
    const big = await sharp({ create: { width: 1400, height: 1400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 80 } } }).png().toBuffer();
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    const tooBig = await uploadFile(big, 'noise.png', { token: tokenA });
    expect([tooBig.status, tooBig.body.errors?.[0]?.extensions['reason']]).toEqual([413, 'too_large']);
    // The gateway still answers normally afterwards.
    expect((await uploadFile(await png(21, 21), 'ok.png', { token: tokenA })).status).toBe(201);
  });

  it('answers the CORS preflight for the web origins only', async () => {
    const allowed = await fetch(`${origin}/uploads`, { method: 'OPTIONS', headers: { origin: WEB_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-ensemble-upload, authorization' } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-ensemble-upload');
    const denied = await fetch(`${origin}/uploads`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('signed media URLs', () => {
  let media: MediaItem;
  beforeAll(async () => {
    const { body } = await uploadFile(await png(64, 48, '#112233'), 'private.png', { token: tokenA });
    media = (await gql<{ mediaItem: MediaItem }>(MEDIA_QUERY, { id: body.media!.id }, tokenA)).data!.mediaItem;
  });

  it('refuses a tampered signature, another tenant or another media in the URL', async () => {
    const url = new URL(media.url, origin);
    const tampered = new URL(url);
    tampered.searchParams.set('sig', `${url.searchParams.get('sig')!.slice(0, -2)}AA`);
    const otherTenant = new URL(url);
    otherTenant.searchParams.set('t', DEMO.logins.fitnessAdmin.tenantId);
    const longer = new URL(url);
    longer.searchParams.set('e', String(Number(url.searchParams.get('e')) + 86_400));
    const thumbAsOriginal = new URL(media.thumbnailUrl, origin);
    thumbAsOriginal.searchParams.set('v', 'o');
    for (const bad of [tampered, otherTenant, longer, thumbAsOriginal]) {
      const response = await fetch(bad, { headers: { authorization: `Bearer ${tokenB}` } });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { errors: Array<{ extensions: { reason: string } }> }).errors[0]!.extensions.reason).toBe('bad_signature');
    }
  });

  it('expires', async () => {
    const expired = signMediaPath({ tenantId: DEMO.logins.clientAdmin.tenantId, mediaId: media.id, variant: 'original', expiresAt: Math.floor(Date.now() / 1000) - 5 }, mediaUrlSecret());
    const response = await fetch(origin + expired);
    expect(response.status).toBe(403);
    expect(((await response.json()) as { errors: Array<{ extensions: { reason: string } }> }).errors[0]!.extensions.reason).toBe('expired');
  });

  it("is bound to the tenant: B gets no URL for A's media, and a URL bound to B finds nothing of A's", async () => {
    const asB = await gql<{ mediaItem: MediaItem }>(MEDIA_QUERY, { id: media.id }, tokenB);
    expect(asB.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const listed = await gql<{ mediaLibrary: { nodes: Array<{ id: string }> } }>('{ mediaLibrary(first: 100) { nodes { id } } }', {}, tokenB);
    expect(listed.data!.mediaLibrary.nodes.map((n) => n.id)).not.toContain(media.id);
    // Even a validly signed URL naming B's tenant reads inside B's scope only.
    const boundToB = signMediaPath({ tenantId: DEMO.logins.fitnessAdmin.tenantId, mediaId: media.id, variant: 'original', expiresAt: null }, mediaUrlSecret());
    expect((await fetch(origin + boundToB)).status).toBe(404);
    expect((await fetch(origin + media.url, { headers: { authorization: `Bearer ${tokenB}` } })).status).toBe(200);
  });

  it('stops serving a deleted file', async () => {
    const deleted = await gql<{ deleteMedia: boolean }>('mutation($id: ID!) { deleteMedia(id: $id) }', { id: media.id }, tokenA);
    expect(deleted.data?.deleteMedia).toBe(true);
    expect((await fetch(origin + media.url)).status).toBe(404);
    expect((await fetch(origin + media.embedUrl)).status).toBe(404);
  });
});
