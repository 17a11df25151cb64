// Object storage for tenant files (media, published site pages, exports): local disk by default,
// any S3-compatible service by configuration (see storageConfigFromEnv).
import { resolve } from 'node:path';
import type { ObjectStorage } from './object-storage.ts';
import { LocalStorage } from './local-storage.ts';
import { S3Storage, type S3Config } from './s3-storage.ts';

export type StorageConfig = { driver: 'local'; dir: string } | ({ driver: 's3' } & S3Config);

export * from './object-storage.ts';

function flag(value: string | undefined): boolean {
  return value === '1' || value?.toLowerCase() === 'true';
}

/**
 * STORAGE_DRIVER=local|s3 (local); local: STORAGE_DIR (.data/storage);
 * s3: S3_BUCKET (required), S3_REGION (us-east-1), S3_ENDPOINT (for
 * S3-compatible services), S3_ACCESS_KEY_ID + S3_SECRET_ACCESS_KEY (else the
 * SDK's default credential chain), S3_FORCE_PATH_STYLE=true|1.
 */
export function storageConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const driver = env.STORAGE_DRIVER || 'local';
  if (driver === 'local') return { driver, dir: resolve(env.STORAGE_DIR || '.data/storage') };
  if (driver !== 's3') throw new Error(`STORAGE_DRIVER must be "local" or "s3", not ${JSON.stringify(driver)}`);
  const bucket = env.S3_BUCKET;
  if (!bucket) throw new Error('S3_BUCKET is required when STORAGE_DRIVER=s3');
  const accessKeyId = env.S3_ACCESS_KEY_ID;
  const secretAccessKey = env.S3_SECRET_ACCESS_KEY;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together');
  return {
    driver,
    bucket,
    region: env.S3_REGION || 'us-east-1',
    ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    forcePathStyle: flag(env.S3_FORCE_PATH_STYLE),
  };
}

export function createStorage(config: StorageConfig = storageConfigFromEnv()): ObjectStorage {
  return config.driver === 'local' ? new LocalStorage(config.dir) : new S3Storage(config);
}

let configured: ObjectStorage | null = null;

/** The storage the environment configures (STORAGE_DRIVER…), created on first use, one per process. */
export function configuredStorage(): ObjectStorage {
  configured ??= createStorage();
  return configured;
}
