// T12: provider API keys at rest, by envelope encryption. Each secret gets its
// own random data key (AES-256-GCM); the data key is wrapped by a master key
// (AES-256-GCM too) that lives only in the services' environment
// (ENSEMBLE_MASTER_KEY, 32 bytes in base64), never in the database. The row
// keeps the id of the master key that wrapped it, so a new master key can be
// introduced while the old one still opens what it wrapped (rotation).
//
// Layout of the stored blob (bytea):
//   version (1 byte = 1)
//   ‖ wrapped data key: nonce (12) ‖ ciphertext (32) ‖ tag (16)
//   ‖ secret:          nonce (12) ‖ ciphertext (n)  ‖ tag (16)
// Both layers authenticate the context (e.g. "ai_provider:<id>"), so a blob
// copied onto another row does not open there.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '@ensemble/tenancy/errors';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
const KEY = 32;
const WRAPPED = NONCE + KEY + TAG;

export const MASTER_KEY_ENV = 'ENSEMBLE_MASTER_KEY';
/** Older master keys, comma-separated, still accepted for decryption during a rotation. */
export const PREVIOUS_MASTER_KEYS_ENV = 'ENSEMBLE_MASTER_KEYS_PREVIOUS';

export interface MasterKey {
  /** stable, non-secret name of the key (stored beside each secret it wraps) */
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** the key new secrets are wrapped with */
  current: MasterKey;
  /** every key that may open a stored secret, by id */
  byId: ReadonlyMap<string, MasterKey>;
}

export interface SealedSecret {
  blob: Buffer;
  keyId: string;
}

/** The id of a master key: a short hash of it, which reveals nothing usable. */
export function masterKeyId(key: Buffer): string {
  return `mk-${createHash('sha256').update('ensemble-master-key-id\u0000').update(key).digest('hex').slice(0, 12)}`;
}

export function parseMasterKey(encoded: string): MasterKey {
  const trimmed = encoded.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) || key.length !== KEY) throw new Error(`a master key must be ${KEY} bytes in base64`);
  return { id: masterKeyId(key), key };
}

export function createKeyring(current: string | Buffer, previous: ReadonlyArray<string | Buffer> = []): Keyring {
  const asKey = (k: string | Buffer): MasterKey => {
    if (typeof k === 'string') return parseMasterKey(k);
    if (k.length !== KEY) throw new Error(`a master key must be ${KEY} bytes`);
    return { id: masterKeyId(k), key: Buffer.from(k) };
  };
  const currentKey = asKey(current);
  const byId = new Map<string, MasterKey>([[currentKey.id, currentKey]]);
  for (const k of previous) {
    const key = asKey(k);
    if (!byId.has(key.id)) byId.set(key.id, key);
  }
  return { current: currentKey, byId };
}

/** A fresh master key in the form ENSEMBLE_MASTER_KEY takes. */
export function generateMasterKey(): string {
  return randomBytes(KEY).toString('base64');
}

/**
 * The keyring of this process's environment. Without ENSEMBLE_MASTER_KEY no
 * key can be stored or used: the error says what to set.
 */
export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): Keyring {
  const current = env[MASTER_KEY_ENV];
  if (!current) {
    throw new AppError('INTERNAL_SERVER_ERROR', `Provider keys cannot be used: ${MASTER_KEY_ENV} is not set (32 random bytes in base64).`, { reason: 'MASTER_KEY_MISSING' });
  }
  const previous = (env[PREVIOUS_MASTER_KEYS_ENV] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  try {
    return createKeyring(current, previous);
  } catch (error) {
    throw new AppError('INTERNAL_SERVER_ERROR', `${MASTER_KEY_ENV} is invalid: ${(error as Error).message}.`, { reason: 'MASTER_KEY_INVALID' });
  }
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE + TAG) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  return Buffer.concat([decipher.update(sealed.subarray(NONCE, sealed.length - TAG)), decipher.final()]);
}

/** Encrypts a secret for one context (e.g. `ai_provider:<id>`) under the keyring's current master key. */
export function encryptSecret(plaintext: string, context: string, keyring: Keyring): SealedSecret {
  const dataKey = randomBytes(KEY);
  try {
    const aad = Buffer.from(context, 'utf8');
    const wrapped = seal(keyring.current.key, dataKey, Buffer.concat([Buffer.from(`${keyring.current.id}\u0000`), aad]));
    const body = seal(dataKey, Buffer.from(plaintext, 'utf8'), aad);
    return { blob: Buffer.concat([Buffer.from([VERSION]), wrapped, body]), keyId: keyring.current.id };
  } finally {
    dataKey.fill(0);
  }
}

/** Thrown when a stored secret does not open: tampered, moved to another row, or wrapped by an unknown master key. */
export class SecretUnreadableError extends Error {
  override name = 'SecretUnreadableError';
}

export function decryptSecret(sealed: SealedSecret, context: string, keyring: Keyring): string {
  const { blob, keyId } = sealed;
  const master = keyring.byId.get(keyId);
  if (!master) throw new SecretUnreadableError(`the secret was encrypted with master key ${keyId}, which this process does not have`);
  if (blob.length < 1 + WRAPPED + NONCE + TAG || blob[0] !== VERSION) throw new SecretUnreadableError('the stored secret is malformed');
  const aad = Buffer.from(context, 'utf8');
  let dataKey: Buffer | undefined;
  try {
    dataKey = open(master.key, blob.subarray(1, 1 + WRAPPED), Buffer.concat([Buffer.from(`${keyId}\u0000`), aad]));
    return open(dataKey, blob.subarray(1 + WRAPPED), aad).toString('utf8');
  } catch {
    throw new SecretUnreadableError('the stored secret failed authentication (tampered, moved, or wrong master key)');
  } finally {
    dataKey?.fill(0);
  }
}

/**
 * Re-wraps a secret's data key under the keyring's current master key (key
 * rotation): only the envelope changes, the secret's own ciphertext is kept.
 */
export function rewrapSecret(sealed: SealedSecret, context: string, keyring: Keyring): SealedSecret {
  if (sealed.keyId === keyring.current.id) return sealed;
  // Proves the whole secret opens before anything is rewritten.
  decryptSecret(sealed, context, keyring);
  const old = keyring.byId.get(sealed.keyId)!;
  const aad = Buffer.from(context, 'utf8');
  const dataKey = open(old.key, sealed.blob.subarray(1, 1 + WRAPPED), Buffer.concat([Buffer.from(`${old.id}\u0000`), aad]));
  try {
    const wrapped = seal(keyring.current.key, dataKey, Buffer.concat([Buffer.from(`${keyring.current.id}\u0000`), aad]));
    return { blob: Buffer.concat([Buffer.from([VERSION]), wrapped, sealed.blob.subarray(1 + WRAPPED)]), keyId: keyring.current.id };
  } finally {
    dataKey.fill(0);
  }
}

/** The context a provider's key is bound to. */
export function providerKeyContext(providerId: string): string {
  return `ai_provider:${providerId}`;
}

/** What may be shown of a key: its last four characters. */
export function lastFour(secret: string): string {
  return secret.length > 8 ? secret.slice(-4) : '';
}
