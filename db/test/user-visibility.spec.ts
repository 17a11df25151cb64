// The policy on tenants."user" (0001, fixed in 0020): a tenant transaction sees
// the members of the tenants in its scope and the acting user, nobody else.
import { describe, expect, it } from 'vitest';
import { withTenant } from '../src/orm.ts';
import { DEMO } from '../src/seed.ts';
import { User } from '../src/tenants/identity.entity.ts';
import { useTestDatabase } from '@ensemble/testing/database';

const db = useTestDatabase();

const emailsOf = (tenantId: string) => Object.values(DEMO.logins).filter((l) => l.tenantId === tenantId).map((l) => l.email).sort();

describe('who sees which users', () => {
  it('a client sees its own members, not another client\'s', async () => {
    const bakery = DEMO.logins.clientAdmin;
    const seen = (await withTenant(db.orm, bakery.tenantId, bakery.id, ({ em }) => em.find(User, {}))).map((u) => u.email).sort();
    expect(seen).toEqual(emailsOf(bakery.tenantId));
    expect(seen).not.toContain(DEMO.logins.fitnessAdmin.email);
  });

  it('a distributor sees the members of its subtree', async () => {
    const agency = DEMO.logins.distributorAdmin;
    const seen = (await withTenant(db.orm, agency.tenantId, agency.id, ({ em }) => em.find(User, {}))).map((u) => u.email);
    expect(seen).toEqual(expect.arrayContaining([agency.email, DEMO.logins.distributorMember.email, DEMO.logins.subDistributorAdmin.email]));
    expect(seen).not.toContain(DEMO.logins.superAdmin.email);
  });
});
