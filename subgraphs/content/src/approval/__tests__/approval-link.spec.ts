import { describe, expect, it } from 'vitest';
import { linkSecret, signLinkToken, tokenHash, verifyLinkToken } from '../approval-link.ts';
import { RateLimiter } from '../rate-limit.ts';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const LINK = '0190f5e0-1234-7000-8000-00000000abcd';
const NOW = new Date('2026-03-01T10:00:00Z');
const LATER = new Date('2026-03-03T10:00:00Z');

describe('signed approval tokens', () => {
  it('round-trips the link id and expiry, URL-safe, different every time', () => {
    const a = signLinkToken(LINK, LATER, SECRET);
    const b = signLinkToken(LINK, LATER, SECRET);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9~_-]+$/);
    expect(verifyLinkToken(a, NOW, SECRET)).toEqual({ linkId: LINK, expiresAt: LATER });
    expect(tokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(a)).not.toBe(tokenHash(b));
  });

  it('refuses expired, tampered, foreign-key and malformed tokens', () => {
    const token = signLinkToken(LINK, LATER, SECRET);
    expect(verifyLinkToken(token, LATER, SECRET)).toBeNull();
    expect(verifyLinkToken(token, NOW, Buffer.from('another-secret-another-secret-xx'))).toBeNull();
    const [v, id, exp, nonce, sig] = token.split('~') as [string, string, string, string, string];
    // A later expiry or another link id breaks the signature.
    expect(verifyLinkToken([v, id, (parseInt(exp, 36) + 86_400).toString(36), nonce, sig].join('~'), NOW, SECRET)).toBeNull();
    expect(verifyLinkToken([v, id.replace(/.$/, (c) => (c === '0' ? '1' : '0')), exp, nonce, sig].join('~'), NOW, SECRET)).toBeNull();
    expect(verifyLinkToken([v, id, exp, nonce, sig.slice(0, -2)].join('~'), NOW, SECRET)).toBeNull();
    for (const bad of ['', 'abc', '~', token + '~', 'x'.repeat(300), 42, null]) expect(verifyLinkToken(bad, NOW, SECRET)).toBeNull();
  });

  it('takes its key from APPROVAL_LINK_SECRET, else derives one from GATEWAY_SECRET', () => {
    expect(linkSecret({ APPROVAL_LINK_SECRET: 'x'.repeat(32) })).toEqual(Buffer.from('x'.repeat(32)));
    const derived = linkSecret({ GATEWAY_SECRET: 'g'.repeat(40) });
    expect(derived).toHaveLength(32);
    expect(derived.equals(Buffer.from('g'.repeat(40)))).toBe(false);
    expect(() => linkSecret({ APPROVAL_LINK_SECRET: 'short' })).toThrow();
    expect(() => linkSecret({})).toThrow();
  });
});

describe('RateLimiter', () => {
  it('allows the limit per window and key, then refuses until the window turns', () => {
    let t = 0;
    const limiter = new RateLimiter({ limit: 3, windowMs: 1000 }, { now: () => t });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    t = 999;
    expect(limiter.take('a')).toBe(false);
    t = 1000;
    expect(limiter.take('a')).toBe(true);
  });

  it('stays bounded in memory', () => {
    let t = 0;
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000 }, { now: () => t, maxKeys: 10 });
    for (let i = 0; i < 100; i += 1) {
      t = i;
      expect(limiter.take(`k${i}`)).toBe(true);
    }
  });
});
