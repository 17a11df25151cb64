// B2: the activity behind the expiry schedule, built by a factory with its
// dependencies injected (ORM, clock). Idempotent: an expired reservation is no
// longer open, so a retried or repeated sweep expires nothing twice.
import type { MikroORM } from '@mikro-orm/postgresql';
import { expireOrphanReservationsForAll } from '@ensemble/subgraph-billing/credits/credit-expiry.service';
import type { CreditExpiryResult } from '@ensemble/workflow-contracts/credits';

export interface CreditExpiryActivityDeps {
  orm: MikroORM;
  /** the clock (tests move it past reservations' expiry) */
  now?: () => Date;
}

export function createCreditExpiryActivities(deps: CreditExpiryActivityDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    async expireOrphanCredits(): Promise<CreditExpiryResult> {
      return expireOrphanReservationsForAll(deps.orm, now());
    },
  };
}

export type CreditExpiryActivities = ReturnType<typeof createCreditExpiryActivities>;
