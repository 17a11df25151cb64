// The built-in site connector writes its pages through packages/storage, like
// the media library: with STORAGE_DRIVER=s3 a published page lands in the
// bucket (a real S3-compatible server, moto) and nowhere on local disk, once
// per publication key.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { startS3TestServer, type S3TestServer } from '@ensemble/testing/moto-server';
import { createStorage, storageConfigFromEnv } from '@ensemble/storage/storage';
import { S3Storage } from '@ensemble/storage/s3-storage';
import { endpointsFromEnv } from '../../connectors/endpoints.ts';
import { createConnectorRegistry, type ConnectorRegistry } from '../../connectors/registry.ts';
import { getPublication } from '../publication-log.service.ts';
import { createPublisher, type Publisher } from '../publish-item.service.ts';
import { A, approvedItem, inTenant, openFixture, type Fixture } from './publication-fixtures.ts';

const BUCKET = 'ensemble-sites';

let f: Fixture;
let server: S3TestServer;
let s3: S3Storage;
let registry: ConnectorRegistry;
let publisher: Publisher;
let localDir: string;

beforeAll(async () => {
  f = await openFixture();
  server = await startS3TestServer();
  // STORAGE_DIR is set too: the site connector must not write there when the driver is s3.
  localDir = mkdtempSync(join(tmpdir(), 'ensemble-site-local-'));
  const storage = createStorage(storageConfigFromEnv({
    STORAGE_DRIVER: 's3', STORAGE_DIR: localDir, S3_BUCKET: BUCKET, S3_REGION: 'eu-west-3', S3_ENDPOINT: server.endpoint,
    S3_ACCESS_KEY_ID: 'test-key', S3_SECRET_ACCESS_KEY: 'test-secret', S3_FORCE_PATH_STYLE: 'true',
  }));
  if (!(storage instanceof S3Storage)) throw new Error('expected the S3 driver');
  s3 = storage;
  await s3.client.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-3' } }));
  registry = createConnectorRegistry({ ...endpointsFromEnv({}), publicWebUrl: 'https://app.example.test' });
  publisher = createPublisher({ orm: f.orm, connectors: registry, storage: s3, now: () => new Date('2026-04-02T08:00:00Z') });
}, 300_000);

afterAll(async () => {
  registry?.close();
  s3?.client.destroy();
  await server?.stop();
  await f?.close();
  if (localDir) rmSync(localDir, { recursive: true, force: true });
});

describe('site pages with STORAGE_DRIVER=s3', () => {
  it('writes the page to the bucket, records its s3:// location, and does not write it again on replay', async () => {
    const itemId = await approvedItem(f, A, 'blog', 'Le levain du samedi', 'Chaque samedi, le **pain au levain** sort du four à 7 h.');
    const outcome = await publisher.publishNow(A, itemId);
    expect(outcome).toMatchObject({ status: 'sent', connector: 'site', replayed: false });
    if (outcome.status !== 'sent') throw new Error('not sent');
    const key = outcome.externalId!;
    expect(key).toMatch(new RegExp(`^${A}/published/[a-z0-9-]+\\.html$`));

    const page = (await s3.getBuffer(key))?.toString('utf8') ?? '';
    expect(page).toContain('<title>Le levain du samedi');
    expect(page).toContain('<strong>pain au levain</strong>');
    expect(await s3.head(key)).toMatchObject({ contentType: 'text/html; charset=utf-8' });
    const puts = server.requests.filter((r) => r.method === 'PUT' && r.path.startsWith(`/${BUCKET}/${key}`));
    expect(puts).toHaveLength(1);
    expect(readdirSync(localDir)).toEqual([]);

    const view = await inTenant(f, A, (em) => getPublication(em, outcome.publicationId));
    expect(view).toMatchObject({ status: 'sent', externalId: key, externalUrl: `s3://${BUCKET}/${key}` });

    // Same key: the claim finds it done, and the bucket is not written again.
    expect(await publisher.publishNow(A, itemId)).toMatchObject({ status: 'sent', replayed: true, externalId: key });
    expect(server.requests.filter((r) => r.method === 'PUT' && r.path.startsWith(`/${BUCKET}/${key}`))).toHaveLength(1);
  });
});
