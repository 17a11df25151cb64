// Every entity of every schema, registered once. The data model of all three
// phases lives here (SQL in db/migrations, mapping in db/src/<schema>/).
import { Tenant } from './tenants/tenant.entity.ts';
import { ApiKey, Membership, Role, RolePermission, Session, User } from './tenants/identity.entity.ts';

export const ALL_ENTITIES = [Tenant, Role, RolePermission, User, Membership, Session, ApiKey];
