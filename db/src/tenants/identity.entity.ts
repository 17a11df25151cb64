import { defineEntity, p } from '@mikro-orm/postgresql';

/** T3: roles are rows; platform-defined roles have no tenant. */
export const Role = defineEntity({
  name: 'Role',
  tableName: 'tenants.role',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid().nullable(),
    name: p.string(),
    appliesTo: p.enum(['platform', 'distributor', 'client'] as const),
    description: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const RolePermission = defineEntity({
  name: 'RolePermission',
  tableName: 'tenants.role_permission',
  properties: {
    roleId: p.uuid().primary(),
    permission: p.string().primary(),
  },
});

/** T4: a person; one login, memberships in one or more tenants. */
export const User = defineEntity({
  name: 'User',
  tableName: 'tenants.user',
  properties: {
    id: p.uuid().primary(),
    email: p.string(),
    passwordHash: p.string().hidden(),
    displayName: p.string(),
    locale: p.string(),
    status: p.enum(['active', 'disabled'] as const),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'tenants.membership',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    userId: p.uuid(),
    roleId: p.uuid(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** T4: refresh tokens, stored hashed, rotated on use. */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'tenants.session',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    userId: p.uuid(),
    refreshTokenHash: p.string().hidden(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    replacedBy: p.uuid().nullable(),
    userAgent: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** T4: integrator keys, hashed, scoped, revocable. */
export const ApiKey = defineEntity({
  name: 'ApiKey',
  tableName: 'tenants.api_key',
  properties: {
    id: p.uuid().primary(),
    tenantId: p.uuid(),
    name: p.string(),
    prefix: p.string(),
    secretHash: p.string().hidden(),
    scopes: p.array().columnType('text[]'),
    createdBy: p.uuid().nullable(),
    lastUsedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
