import { describe, expect, it } from 'vitest';
import {
  SecretUnreadableError,
  createKeyring,
  decryptSecret,
  encryptSecret,
  generateMasterKey,
  keyringFromEnv,
  lastFour,
  providerKeyContext,
  rewrapSecret,
} from '../secrets.ts';

const KEY = 'sk-live-0123456789abcdefXYZW';
const CONTEXT = providerKeyContext('0190a5f4-0000-7000-8000-000000000041');

describe('envelope encryption of provider keys', () => {
  it('round-trips, with a fresh data key and nonce each time, and never stores the key in clear', () => {
    const keyring = createKeyring(generateMasterKey());
    const a = encryptSecret(KEY, CONTEXT, keyring);
    const b = encryptSecret(KEY, CONTEXT, keyring);
    expect(decryptSecret(a, CONTEXT, keyring)).toBe(KEY);
    expect(decryptSecret(b, CONTEXT, keyring)).toBe(KEY);
    expect(a.keyId).toBe(keyring.current.id);
    expect(a.blob.equals(b.blob)).toBe(false);
    expect(a.blob.includes(Buffer.from(KEY))).toBe(false);
    expect(a.blob.includes(Buffer.from(KEY.slice(4, 16)))).toBe(false);
    expect(a.blob.length).toBe(1 + 60 + 12 + Buffer.byteLength(KEY) + 16);
  });

  it('detects tampering in every part of the blob', () => {
    const keyring = createKeyring(generateMasterKey());
    const sealed = encryptSecret(KEY, CONTEXT, keyring);
    // wrapped-key nonce, wrapped key, its tag, the secret's nonce, ciphertext, tag
    for (const offset of [1, 20, 55, 64, 80, sealed.blob.length - 1]) {
      const blob = Buffer.from(sealed.blob);
      blob[offset] = blob[offset]! ^ 0x01;
      expect(() => decryptSecret({ blob, keyId: sealed.keyId }, CONTEXT, keyring), `byte ${offset}`).toThrow(SecretUnreadableError);
    }
    expect(() => decryptSecret({ blob: sealed.blob.subarray(0, 40), keyId: sealed.keyId }, CONTEXT, keyring)).toThrow(/malformed/);
  });

  it('does not open on another row, nor with another master key', () => {
    const keyring = createKeyring(generateMasterKey());
    const sealed = encryptSecret(KEY, CONTEXT, keyring);
    expect(() => decryptSecret(sealed, providerKeyContext('0190a5f4-0000-7000-8000-000000000042'), keyring)).toThrow(SecretUnreadableError);
    const other = createKeyring(generateMasterKey());
    expect(() => decryptSecret(sealed, CONTEXT, other)).toThrow(/which this process does not have/);
    // Same bytes, claimed under the other key's id: authentication fails.
    expect(() => decryptSecret({ blob: sealed.blob, keyId: other.current.id }, CONTEXT, other)).toThrow(/failed authentication/);
  });

  it('rotates: an old master key still opens, and rewrapping moves the secret to the new one', () => {
    const oldKey = generateMasterKey();
    const before = createKeyring(oldKey);
    const sealed = encryptSecret(KEY, CONTEXT, before);
    const during = createKeyring(generateMasterKey(), [oldKey]);
    expect(decryptSecret(sealed, CONTEXT, during)).toBe(KEY);
    const moved = rewrapSecret(sealed, CONTEXT, during);
    expect(moved.keyId).toBe(during.current.id);
    expect(moved.keyId).not.toBe(sealed.keyId);
    // Only the envelope changed.
    expect(moved.blob.subarray(61).equals(sealed.blob.subarray(61))).toBe(true);
    const after = createKeyring(Buffer.from(during.current.key));
    expect(decryptSecret(moved, CONTEXT, after)).toBe(KEY);
    expect(() => decryptSecret(sealed, CONTEXT, after)).toThrow(SecretUnreadableError);
  });

  it('reads the master key from the environment and explains what is missing or wrong', () => {
    const master = generateMasterKey();
    expect(keyringFromEnv({ ENSEMBLE_MASTER_KEY: master }).current.key.equals(Buffer.from(master, 'base64'))).toBe(true);
    expect(() => keyringFromEnv({})).toThrow(/ENSEMBLE_MASTER_KEY is not set/);
    expect(() => keyringFromEnv({ ENSEMBLE_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/ENSEMBLE_MASTER_KEY is invalid: a master key must be 32 bytes/);
    const previous = generateMasterKey();
    expect(keyringFromEnv({ ENSEMBLE_MASTER_KEY: master, ENSEMBLE_MASTER_KEYS_PREVIOUS: ` ${previous} ` }).byId.size).toBe(2);
  });

  it('shows four characters of a long key, none of a short one', () => {
    expect(lastFour(KEY)).toBe('XYZW');
    expect(lastFour('ollama')).toBe('');
  });
});
