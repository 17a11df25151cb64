// S3 driver through the official SDK: AWS S3 or any S3-compatible service
// (MinIO, Ceph, R2, Scaleway…) by endpoint. Checksums are sent only where the
// API requires them: several S3-compatible services reject the SDK's default
// CRC32 trailers.
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertKey, checkRange, type ByteRange, type ObjectInfo, type ObjectStorage, type PutOptions, type StoredObject } from './object-storage.ts';

export interface S3Config {
  bucket: string;
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle?: boolean;
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export class S3Storage implements ObjectStorage {
  readonly driver = 's3' as const;
  readonly bucket: string;
  readonly client: S3Client;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      forcePathStyle: config.forcePathStyle ?? false,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Buffer | Uint8Array | Readable, options: PutOptions): Promise<{ size: number }> {
    assertKey(key);
    // A stream of unknown length cannot be signed for a single PutObject: buffer it (callers bound their sizes).
    const payload = body instanceof Readable && options.contentLength === undefined ? await collect(body) : body;
    const size = payload instanceof Readable ? options.contentLength! : payload.byteLength;
    await this.client.send(new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: payload,
      ContentType: options.contentType,
      ContentLength: size,
    }));
    return { size };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertKey(key);
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: answer.ContentLength ?? 0, contentType: answer.ContentType ?? null };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<StoredObject | null> {
    assertKey(key);
    let range: ByteRange | null = null;
    if (options.range) {
      const info = await this.head(key);
      if (!info) return null;
      range = checkRange(options.range, info.size);
    }
    try {
      const answer = await this.client.send(new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }));
      const contentLength = answer.ContentLength ?? 0;
      // Content-Range: bytes 0-9/1234 carries the object's full size.
      const total = /\/(\d+)$/.exec(answer.ContentRange ?? '')?.[1];
      return {
        body: answer.Body as Readable,
        size: total ? Number(total) : contentLength,
        contentLength,
        contentType: answer.ContentType ?? null,
        range,
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getBuffer(key: string): Promise<Buffer | null> {
    const object = await this.get(key);
    return object ? collect(object.body) : null;
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  locate(key: string): string {
    assertKey(key);
    return `s3://${this.bucket}/${key}`;
  }
}
