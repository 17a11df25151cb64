// What every storage driver offers, and the key rules they all enforce.
// Callers build keys as `<tenantId>/<area>/…`; keys that could escape that
// layout (`..`, absolute paths, backslashes, control characters) are refused.
import type { Readable } from 'node:stream';

export type StorageDriver = 'local' | 's3';

export interface PutOptions {
  contentType: string;
  /** bytes in a stream body; without it an S3 upload buffers the stream first */
  contentLength?: number;
}

/** Inclusive byte positions, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectInfo {
  size: number;
  /** null when the driver does not record it (local disk) */
  contentType: string | null;
}

export interface StoredObject extends ObjectInfo {
  body: Readable;
  /** the bytes of `body`: the whole size, or the range's length */
  contentLength: number;
  range: ByteRange | null;
}

export interface ObjectStorage {
  readonly driver: StorageDriver;
  put(key: string, body: Buffer | Uint8Array | Readable, options: PutOptions): Promise<{ size: number }>;
  /** null when there is no such object */
  get(key: string, options?: { range?: ByteRange }): Promise<StoredObject | null>;
  getBuffer(key: string): Promise<Buffer | null>;
  head(key: string): Promise<ObjectInfo | null>;
  exists(key: string): Promise<boolean>;
  /** Deleting a missing object is not an error (deletes are retried). */
  delete(key: string): Promise<void>;
  /** Where the object lives, for logs and records: a file: URL (local disk) or s3://bucket/key. */
  locate(key: string): string;
}

export class InvalidStorageKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`invalid storage key ${JSON.stringify(key.slice(0, 200))}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

export class RangeNotSatisfiableError extends Error {
  readonly size: number;
  constructor(size: number) {
    super(`range not satisfiable (object size ${size})`);
    this.name = 'RangeNotSatisfiableError';
    this.size = size;
  }
}

const MAX_KEY_BYTES = 1024;

/** Throws unless `key` is a relative, normalised path of safe segments. */
export function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidStorageKeyError(String(key), 'empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new InvalidStorageKeyError(key, `longer than ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/') || /^[a-zA-Z]:/.test(key)) throw new InvalidStorageKeyError(key, 'absolute');
  if (key.includes('\\')) throw new InvalidStorageKeyError(key, 'backslash');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidStorageKeyError(key, 'control character');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') throw new InvalidStorageKeyError(key, 'empty, "." or ".." segment');
  }
}

/** Validates a requested range against the object's size. */
export function checkRange(range: ByteRange, size: number): ByteRange {
  if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < 0 || range.start > range.end || range.start >= size) {
    throw new RangeNotSatisfiableError(size);
  }
  return { start: range.start, end: Math.min(range.end, size - 1) };
}
