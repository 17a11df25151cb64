import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { seed, DEMO } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import type { Identity } from '@ensemble/tenancy/identity';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../api-key.service.ts';

let orm: MikroORM;
let drop: () => Promise<void>;
let clientA: string;
let clientB: string;

function admin(tenantId: string): Identity {
  const login = Object.values(DEMO.logins).find((l) => l.tenantId === tenantId && l.role === 'client_admin')!;
  return { kind: 'user', actorId: login.id, tenantId, role: login.role, permissions: ['api_keys:manage', 'content:read', 'content:write'] };
}

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  orm = await createOrm({ url: appUrl(db.adminUrl) });
  [clientA, clientB] = [DEMO.logins.clientAdmin.tenantId, DEMO.logins.fitnessAdmin.tenantId];
});

afterAll(async () => {
  await orm?.close();
  await drop?.();
});

describe('API keys', () => {
  it('creates a key whose secret verifies to the tenant and scopes, once', async () => {
    const { apiKey, secret } = await withTenant(orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'Zapier', scopes: ['content:read'] }));
    expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect(apiKey.secretHash).not.toContain(secret.split('_')[2]);
    const identity = await verifyApiKey(orm, secret);
    expect(identity).toMatchObject({ kind: 'api_key', actorId: apiKey.id, tenantId: clientA, permissions: ['content:read'] });
    expect(await verifyApiKey(orm, secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(await verifyApiKey(orm, 'ens_garbage')).toBeNull();
  });

  it('refuses scopes the creator does not hold and unknown scopes', async () => {
    await expect(withTenant(orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'x', scopes: ['billing:manage'] })))
      .rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(withTenant(orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'x', scopes: ['root'] })))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('stops verifying a revoked key; another tenant cannot revoke or list it', async () => {
    const { apiKey, secret } = await withTenant(orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'CRM', scopes: ['content:read'] }));
    await expect(withTenant(orm, clientB, null, ({ em }) => revokeApiKey(em, clientB, apiKey.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await withTenant(orm, clientB, null, ({ em }) => listApiKeys(em, clientB))).map((k) => k.id)).not.toContain(apiKey.id);
    expect(await verifyApiKey(orm, secret)).not.toBeNull();
    await withTenant(orm, clientA, null, ({ em }) => revokeApiKey(em, clientA, apiKey.id));
    expect(await verifyApiKey(orm, secret)).toBeNull();
  });
});
