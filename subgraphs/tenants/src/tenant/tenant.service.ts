// T1: the tenant tree. Everything here runs inside withTenant(), so a caller
// sees its own tenant and its subtree, never a sibling or an ancestor.
import type { EntityManager, TenantTx } from '@ensemble/db/orm';
import { Tenant, type TenantRow } from '@ensemble/db/tenants/tenant.entity';
import { notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';

export type TenantKind = TenantRow['kind'];

export async function getTenant(em: EntityManager, id: string): Promise<TenantRow> {
  const tenant = isUuid(id) ? await em.findOne(Tenant, { id }) : null;
  if (!tenant) throw notFound('Tenant');
  return tenant;
}

export async function listTenants(em: EntityManager, kind?: TenantKind): Promise<TenantRow[]> {
  return em.find(Tenant, kind ? { kind } : {}, { orderBy: { name: 'asc' } });
}

export async function ancestorsOf(em: EntityManager, tenant: TenantRow): Promise<TenantRow[]> {
  const ids = (tenant.ancestry as string[]).filter((id) => id !== tenant.id);
  if (ids.length === 0) return [];
  const rows = await em.find(Tenant, { id: { $in: ids } });
  return ids.flatMap((id) => rows.filter((r) => r.id === id));
}

export async function childrenOf(em: EntityManager, tenantId: string): Promise<TenantRow[]> {
  return em.find(Tenant, { parentId: tenantId }, { orderBy: { name: 'asc' } });
}

/**
 * The tenant a request acts on: the caller's own, or one it names that lies in
 * its scope. "Outside your scope" and "does not exist" are the same NOT_FOUND.
 */
export function targetTenant(tx: TenantTx, requested: string | null | undefined, what = 'Tenant'): string {
  if (requested == null) return tx.tenantId;
  if (!tx.scope.includes(requested)) throw notFound(what);
  return requested;
}
