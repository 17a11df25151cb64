import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T4: invitations to join a tenant. Token stored hashed; looked up before the
 * invitee has a session, hence global uniqueness of the hash.
 */
export const Invitation = defineEntity({
  name: 'Invitation',
  tableName: 'tenants.invitation',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    email: p.text(),
    roleId: p.uuid(),
    tokenHash: p.text().hidden(),
    invitedBy: p.uuid().nullable(),
    expiresAt: p.datetime(),
    acceptedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type InvitationRow = InstanceType<typeof Invitation.class>;
