import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO } from '@ensemble/db/seed';
import { useTestDatabase } from '@ensemble/testing/database';
import { verifyAccessToken } from '@ensemble/tenancy/identity';
import { login, logout, refresh } from '../auth.service.ts';

const db = useTestDatabase();
const email = () => DEMO.logins.clientAdmin.email;

async function sessionCount(userId: string, where = 'true'): Promise<number> {
  const { rows } = await db.admin.query(`select count(*)::int as n from tenants.session where user_id = $1 and ${where}`, [userId]);
  return rows[0].n as number;
}

describe('login', () => {
  it('issues a verifiable access token carrying the membership role and permissions', async () => {
    const tokens = await login(db.orm, email().toUpperCase(), DEMO.password);
    const identity = await verifyAccessToken(tokens.accessToken);
    expect(identity).toMatchObject({ kind: 'user', tenantId: tokens.identity.tenantId, role: tokens.identity.role });
    expect(identity!.permissions).toContain('content:write');
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const failure = (p: Promise<unknown>) => p.then(() => ({ code: 'none', message: 'succeeded' }), (e: { code: string; message: string }) => e);
    const wrong = await failure(login(db.orm, email(), 'not-the-password'));
    const unknown = await failure(login(db.orm, `nobody-${randomUUID()}@example.test`, 'whatever'));
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
  });

  it('rejects a malformed email as bad input', async () => {
    await expect(login(db.orm, 'no-at-sign', 'x')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('refresh', () => {
  it('rotates the refresh token and revokes the old one', async () => {
    const first = await login(db.orm, email(), DEMO.password);
    const second = await refresh(db.orm, first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await verifyAccessToken(second.accessToken)).toMatchObject({ actorId: first.identity.actorId });
    await expect(refresh(db.orm, 'not-a-token')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('treats reuse of a rotated token as theft and revokes every session of the user', async () => {
    const first = await login(db.orm, email(), DEMO.password);
    const userId = first.identity.actorId;
    const second = await refresh(db.orm, first.refreshToken);
    await expect(refresh(db.orm, first.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await sessionCount(userId, 'revoked_at is null')).toBe(0);
    await expect(refresh(db.orm, second.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const first = await login(db.orm, email(), DEMO.password);
    const results = await Promise.allSettled([refresh(db.orm, first.refreshToken), refresh(db.orm, first.refreshToken)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('logout', () => {
  it('revokes the session so its refresh token no longer works', async () => {
    const tokens = await login(db.orm, email(), DEMO.password);
    expect(await logout(db.orm, tokens.refreshToken)).toBe(true);
    await expect(refresh(db.orm, tokens.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await logout(db.orm, tokens.refreshToken)).toBe(true);
  });
});
