import type pg from 'pg';
import type { Identity } from '@ensemble/tenancy/identity';
import type { Permission } from '@ensemble/tenancy/permissions';

/** The identity a seeded login gets: its tenant, its role and that role's permissions as seeded. */
export async function seededIdentity(admin: pg.ClientBase | pg.Pool, login: { id: string; tenantId: string; role: string }): Promise<Identity> {
  const { rows } = await admin.query<{ permission: Permission }>(
    'select rp.permission from tenants.role_permission rp join tenants.role r on r.id = rp.role_id where r.name = $1 and r.tenant_id is null', [login.role]);
  return { kind: 'user', actorId: login.id, tenantId: login.tenantId, role: login.role, permissions: rows.map((r) => r.permission) };
}
