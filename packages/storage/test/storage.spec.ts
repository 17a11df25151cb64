import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  assertKey,
  createStorage,
  InvalidStorageKeyError,
  RangeNotSatisfiableError,
  storageConfigFromEnv,
  type ObjectStorage,
} from '../src/storage.ts';
import { S3Storage } from '../src/s3-storage.ts';
import { startS3TestServer, type S3TestServer } from '@ensemble/testing/moto-server';

const TENANT = '0190f5a0-0000-7000-8000-000000000001';

async function text(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe('keys', () => {
  it('accepts tenant-prefixed relative keys', () => {
    expect(() => assertKey(`${TENANT}/media/abc/photo.png`)).not.toThrow();
  });

  it.each([
    '', '/etc/passwd', '../x', `${TENANT}/../other/x`, `${TENANT}/./x`, `${TENANT}//x`, `${TENANT}/x/`, 'a\\b', 'C:/x', 'a/\u0000b', 'a/b\nc', 'x'.repeat(1025),
  ])('refuses %j', (key) => {
    expect(() => assertKey(key)).toThrow(InvalidStorageKeyError);
  });
});

describe('configuration from the environment', () => {
  it('defaults to local disk under .data/storage', () => {
    const config = storageConfigFromEnv({});
    expect(config.driver).toBe('local');
    expect(config.driver === 'local' && config.dir.endsWith(join('.data', 'storage'))).toBe(true);
  });

  it('reads the S3 settings', () => {
    expect(storageConfigFromEnv({
      STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', S3_FORCE_PATH_STYLE: 'true',
    })).toEqual({ driver: 's3', bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000', credentials: { accessKeyId: 'k', secretAccessKey: 's' }, forcePathStyle: true });
  });

  it('refuses incomplete or unknown settings', () => {
    expect(() => storageConfigFromEnv({ STORAGE_DRIVER: 'ftp' })).toThrow(/STORAGE_DRIVER/);
    expect(() => storageConfigFromEnv({ STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET/);
    expect(() => storageConfigFromEnv({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' })).toThrow(/go together/);
  });
});

/** The contract every driver honours. */
function contract(name: string, storage: () => ObjectStorage) {
  describe(`${name} driver`, () => {
    const key = `${TENANT}/media/0190f5a0-0000-7000-8000-00000000aaaa/hello.txt`;

    it('puts, reads, ranges, lists existence and deletes', async () => {
      const s = storage();
      expect(await s.exists(key)).toBe(false);
      expect(await s.get(key)).toBeNull();
      expect(await s.getBuffer(key)).toBeNull();
      expect(await s.put(key, Buffer.from('hello, storage'), { contentType: 'text/plain' })).toEqual({ size: 14 });
      expect(await s.exists(key)).toBe(true);
      expect((await s.head(key))?.size).toBe(14);
      expect((await s.getBuffer(key))?.toString()).toBe('hello, storage');
      const whole = (await s.get(key))!;
      expect([whole.size, whole.contentLength, whole.range]).toEqual([14, 14, null]);
      expect(await text(whole.body)).toBe('hello, storage');
      const part = (await s.get(key, { range: { start: 7, end: 100 } }))!;
      expect([part.size, part.contentLength, part.range]).toEqual([14, 7, { start: 7, end: 13 }]);
      expect(await text(part.body)).toBe('storage');
      await expect(s.get(key, { range: { start: 14, end: 20 } })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
      await s.delete(key);
      expect(await s.exists(key)).toBe(false);
      await s.delete(key); // deleting twice is fine (retries)
    });

    it('stores streams, overwriting in place', async () => {
      const s = storage();
      const streamKey = `${TENANT}/media/stream/data.bin`;
      const bytes = Buffer.alloc(300_000, 7);
      await s.put(streamKey, Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), { contentType: 'application/octet-stream' });
      expect((await s.getBuffer(streamKey))?.equals(bytes)).toBe(true);
      await s.put(streamKey, Readable.from([Buffer.from('short')]), { contentType: 'application/octet-stream', contentLength: 5 });
      expect((await s.getBuffer(streamKey))?.toString()).toBe('short');
      await s.delete(streamKey);
    });

    it('refuses keys that could escape', async () => {
      const s = storage();
      await expect(s.put('../escape.txt', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(s.get('/etc/passwd')).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(s.delete(`${TENANT}/../x`)).rejects.toBeInstanceOf(InvalidStorageKeyError);
    });
  });
}

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'ensemble-storage-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

contract('local', () => createStorage({ driver: 'local', dir }));

describe('local driver files', () => {
  it('leaves no temporary file behind, even when the stream fails', async () => {
    const s = createStorage({ driver: 'local', dir });
    const failing = new Readable({ read() { this.destroy(new Error('client went away')); } });
    await expect(s.put(`${TENANT}/media/x/broken.bin`, failing, { contentType: 'application/octet-stream' })).rejects.toThrow('client went away');
    expect(readdirSync(join(dir, TENANT, 'media', 'x'))).toEqual([]);
  });

  it('locates an object as a file: URL under the root, and refuses keys that could escape', () => {
    const s = createStorage({ driver: 'local', dir });
    expect(s.locate(`${TENANT}/published/page.html`)).toBe(pathToFileURL(join(dir, TENANT, 'published', 'page.html')).href);
    expect(() => s.locate('../page.html')).toThrow(InvalidStorageKeyError);
  });
});

describe('S3 driver against moto (a local S3-compatible server)', () => {
  let server: S3TestServer;
  let s3: S3Storage;
  beforeAll(async () => {
    server = await startS3TestServer();
    s3 = createStorage({
      driver: 's3', bucket: 'ensemble-media', region: 'eu-west-3', endpoint: server.endpoint,
      credentials: { accessKeyId: 'test-key', secretAccessKey: 'test-secret' }, forcePathStyle: true,
    }) as S3Storage;
    await s3.client.send(new CreateBucketCommand({ Bucket: 'ensemble-media', CreateBucketConfiguration: { LocationConstraint: 'eu-west-3' } }));
  }, 300_000);
  afterAll(async () => {
    s3?.client.destroy();
    await server?.stop();
  });

  contract('s3', () => s3);

  it('locates an object as s3://bucket/key', () => {
    expect(s3.locate(`${TENANT}/published/page.html`)).toBe(`s3://ensemble-media/${TENANT}/published/page.html`);
    expect(() => s3.locate(`${TENANT}/../page.html`)).toThrow(InvalidStorageKeyError);
  });

  it('sends path-style requests signed with AWS Signature V4', async () => {
    server.requests.length = 0;
    const key = `${TENANT}/media/signed/file.txt`;
    await s3.put(key, Buffer.from('signed'), { contentType: 'text/plain' });
    await s3.head(key);
    await s3.getBuffer(key);
    await s3.delete(key);
    expect(server.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
      `PUT /ensemble-media/${key}`, `HEAD /ensemble-media/${key}`, `GET /ensemble-media/${key}`, `DELETE /ensemble-media/${key}`,
    ]);
    for (const r of server.requests) {
      expect(r.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test-key\/\d{8}\/eu-west-3\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
      expect(r.contentSha256).toBeDefined();
    }
  });
});
