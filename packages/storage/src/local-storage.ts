// Local-disk driver: one file per key under the root directory. Writes go to
// a temporary file renamed into place, so a reader never sees half an object
// and a crashed upload leaves no object behind.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { assertKey, checkRange, InvalidStorageKeyError, type ByteRange, type ObjectInfo, type ObjectStorage, type PutOptions, type StoredObject } from './object-storage.ts';

export class LocalStorage implements ObjectStorage {
  readonly driver = 'local' as const;
  readonly root: string;
  readonly #base: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.#base = this.root.endsWith(sep) ? this.root : this.root + sep;
  }

  #path(key: string): string {
    assertKey(key);
    const path = resolve(join(this.root, key));
    // Belt and braces: assertKey already refuses anything that could climb out.
    if (!path.startsWith(this.#base)) throw new InvalidStorageKeyError(key, 'outside the storage root');
    return path;
  }

  async put(key: string, body: Buffer | Uint8Array | Readable, _options: PutOptions): Promise<{ size: number }> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const source = body instanceof Readable ? body : Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
      await pipeline(source, createWriteStream(temp, { flags: 'wx' }));
      const { size } = await stat(temp);
      await rename(temp, path);
      return { size };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const info = await stat(this.#path(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    return info?.isFile() ? { size: info.size, contentType: null } : null;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<StoredObject | null> {
    const info = await this.head(key);
    if (!info) return null;
    const path = this.#path(key);
    if (options.range) {
      const range = checkRange(options.range, info.size);
      return { ...info, range, contentLength: range.end - range.start + 1, body: createReadStream(path, { start: range.start, end: range.end }) };
    }
    return { ...info, range: null, contentLength: info.size, body: createReadStream(path) };
  }

  async getBuffer(key: string): Promise<Buffer | null> {
    return readFile(this.#path(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR') return null;
      throw error;
    });
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await rm(path, { force: true });
  }

  locate(key: string): string {
    return pathToFileURL(this.#path(key)).href;
  }
}
