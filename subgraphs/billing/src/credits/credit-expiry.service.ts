// B2: the platform's sweep of orphaned reservations (a worker that died
// between reserve and settle). Runs as each platform root (its scope is the
// whole tree), finds the tenants holding expired open reservations, and
// expires each tenant's in its own transaction so one tenant's trouble
// neither blocks nor rolls back another's. Safe to run again at any time.
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant } from '@ensemble/db/orm';
import { expireOrphanReservations } from './credit-ledger.service.ts';

export interface ExpirySweep {
  tenants: number;
  expired: number;
  /** tenants whose expiry failed (the next sweep tries again) */
  failed: Array<{ tenantId: string; error: string }>;
}

export async function expireOrphanReservationsForAll(orm: MikroORM, now: Date): Promise<ExpirySweep> {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('now must be a valid date');
  const platforms = await withoutTenant(orm, (em) => em.execute<Array<{ id: string }>>('select id from app.platform_tenants() as id'));
  const sweep: ExpirySweep = { tenants: 0, expired: 0, failed: [] };
  for (const { id: platformId } of platforms) {
    const tenantIds = await withTenant(orm, platformId, null, ({ em }) => em.execute<Array<{ tenant_id: string }>>(
      `select distinct tenant_id from billing.credit_reservation where status = 'open' and expires_at <= ?::timestamptz order by tenant_id`,
      [now.toISOString()]));
    for (const { tenant_id: tenantId } of tenantIds) {
      sweep.tenants += 1;
      try {
        sweep.expired += await withTenant(orm, platformId, null, ({ em }) => expireOrphanReservations(em, { tenantId, now }));
      } catch (error) {
        sweep.failed.push({ tenantId, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return sweep;
}
