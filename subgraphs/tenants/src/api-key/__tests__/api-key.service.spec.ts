import { describe, expect, it } from 'vitest';
import { withTenant } from '@ensemble/db/orm';
import { DEMO } from '@ensemble/db/seed';
import { useTestDatabase } from '@ensemble/testing/database';
import type { Identity } from '@ensemble/tenancy/identity';
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from '../api-key.service.ts';

const db = useTestDatabase();
const [clientA, clientB] = [DEMO.logins.clientAdmin.tenantId, DEMO.logins.fitnessAdmin.tenantId];

function admin(tenantId: string): Identity {
  const login = Object.values(DEMO.logins).find((l) => l.tenantId === tenantId && l.role === 'client_admin')!;
  return { kind: 'user', actorId: login.id, tenantId, role: login.role, permissions: ['api_keys:manage', 'content:read', 'content:write'] };
}

describe('API keys', () => {
  it('creates a key whose secret verifies to the tenant and scopes, once', async () => {
    const { apiKey, secret } = await withTenant(db.orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'Zapier', scopes: ['content:read'] }));
    expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
    // The secret part is base64url, so it may itself hold '_': cut after the prefix, not at every '_'.
    const body = secret.slice(apiKey.prefix.length + 1);
    expect(body).toHaveLength(43);
    expect(apiKey.secretHash).not.toContain(body);
    const identity = await verifyApiKey(db.orm, secret);
    expect(identity).toMatchObject({ kind: 'api_key', actorId: apiKey.id, tenantId: clientA, permissions: ['content:read'] });
    expect(await verifyApiKey(db.orm, secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'))).toBeNull();
    expect(await verifyApiKey(db.orm, 'ens_garbage')).toBeNull();
  });

  it('refuses scopes the creator does not hold and unknown scopes', async () => {
    await expect(withTenant(db.orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'x', scopes: ['billing:manage'] })))
      .rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(withTenant(db.orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'x', scopes: ['root'] })))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('stops verifying a revoked key; another tenant cannot revoke or list it', async () => {
    const { apiKey, secret } = await withTenant(db.orm, clientA, null, ({ em }) => createApiKey(em, admin(clientA), { name: 'CRM', scopes: ['content:read'] }));
    await expect(withTenant(db.orm, clientB, null, ({ em }) => revokeApiKey(em, clientB, apiKey.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await withTenant(db.orm, clientB, null, ({ em }) => listApiKeys(em, clientB))).map((k) => k.id)).not.toContain(apiKey.id);
    expect(await verifyApiKey(db.orm, secret)).not.toBeNull();
    await withTenant(db.orm, clientA, null, ({ em }) => revokeApiKey(em, clientA, apiKey.id));
    expect(await verifyApiKey(db.orm, secret)).toBeNull();
  });
});
