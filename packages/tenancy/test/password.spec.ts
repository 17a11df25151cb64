import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../src/password.ts';

describe('passwords (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses malformed hashes and cost parameters that would exhaust the server', async () => {
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
    const stored = await hashPassword('x');
    const expensive = stored.replace('scrypt$16384$', 'scrypt$1073741824$');
    expect(await verifyPassword('x', expensive)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
    expect(needsRehash(stored.replace('scrypt$16384$', 'scrypt$1024$'))).toBe(true);
  });
});
