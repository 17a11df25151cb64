// Permission names are code (resolvers check them); which role holds which
// permission is data (tenants.role / tenants.role_permission rows, seeded).
export const PERMISSIONS = [
  'platform:admin',
  'tenants:read',
  'tenants:manage',
  'users:manage',
  'api_keys:manage',
  'brand:read',
  'brand:write',
  'content:read',
  'content:write',
  'content:publish',
  'pipeline:read',
  'pipeline:run',
  'analytics:read',
  'analytics:write',
  'billing:read',
  'billing:manage',
  'ai:admin',
  'workspace:enter',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
