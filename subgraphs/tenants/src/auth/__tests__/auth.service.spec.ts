import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { seed, DEMO } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { verifyAccessToken } from '@ensemble/tenancy/identity';
import { login, logout, refresh } from '../auth.service.ts';

let orm: MikroORM;
let drop: () => Promise<void>;
let adminUrl: string;
const email = () => DEMO.logins.clientAdmin.email;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  adminUrl = db.adminUrl;
  await seed(adminUrl);
  orm = await createOrm({ url: appUrl(adminUrl) });
});

afterAll(async () => {
  await orm?.close();
  await drop?.();
});

async function sessionCount(userId: string, where = 'true'): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from tenants.session where user_id = $1 and ${where}`, [userId]);
    return rows[0].n as number;
  } finally {
    await client.end();
  }
}

describe('login', () => {
  it('issues a verifiable access token carrying the membership role and permissions', async () => {
    const tokens = await login(orm, email().toUpperCase(), DEMO.password);
    const identity = await verifyAccessToken(tokens.accessToken);
    expect(identity).toMatchObject({ kind: 'user', tenantId: tokens.identity.tenantId, role: tokens.identity.role });
    expect(identity!.permissions).toContain('content:write');
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    const failure = (p: Promise<unknown>) => p.then(() => ({ code: 'none', message: 'succeeded' }), (e: { code: string; message: string }) => e);
    const wrong = await failure(login(orm, email(), 'not-the-password'));
    const unknown = await failure(login(orm, `nobody-${randomUUID()}@example.test`, 'whatever'));
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
  });

  it('rejects a malformed email as bad input', async () => {
    await expect(login(orm, 'no-at-sign', 'x')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('refresh', () => {
  it('rotates the refresh token and revokes the old one', async () => {
    const first = await login(orm, email(), DEMO.password);
    const second = await refresh(orm, first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await verifyAccessToken(second.accessToken)).toMatchObject({ actorId: first.identity.actorId });
    await expect(refresh(orm, 'not-a-token')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('treats reuse of a rotated token as theft and revokes every session of the user', async () => {
    const first = await login(orm, email(), DEMO.password);
    const userId = first.identity.actorId;
    const second = await refresh(orm, first.refreshToken);
    await expect(refresh(orm, first.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await sessionCount(userId, 'revoked_at is null')).toBe(0);
    await expect(refresh(orm, second.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const first = await login(orm, email(), DEMO.password);
    const results = await Promise.allSettled([refresh(orm, first.refreshToken), refresh(orm, first.refreshToken)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('logout', () => {
  it('revokes the session so its refresh token no longer works', async () => {
    const tokens = await login(orm, email(), DEMO.password);
    expect(await logout(orm, tokens.refreshToken)).toBe(true);
    await expect(refresh(orm, tokens.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await logout(orm, tokens.refreshToken)).toBe(true);
  });
});
