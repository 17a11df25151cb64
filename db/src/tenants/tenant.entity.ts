import { defineEntity, p } from '@mikro-orm/postgresql';

/** T1: platform, distributors (any depth) and clients in one tree. */
export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenants.tenant',
  properties: {
    id: p.uuid().primary(),
    kind: p.enum(['platform', 'distributor', 'client'] as const),
    parentId: p.uuid().nullable(),
    ancestry: p.array().columnType('uuid[]'),
    name: p.string(),
    slug: p.string(),
    locale: p.string(),
    timeZone: p.string(),
    currency: p.string(),
    status: p.enum(['active', 'suspended', 'closed'] as const),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type TenantRow = InstanceType<typeof Tenant.class>;
