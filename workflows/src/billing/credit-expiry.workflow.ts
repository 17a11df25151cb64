// B2: releases credit reservations whose caller died between reserve and
// settle. Started by the Temporal Schedule of ./credit-schedules.ts; one
// activity does the sweep (every tenant, each in its own transaction).
import { proxyActivities } from '@temporalio/workflow';
import type { CreditExpiryResult } from '@ensemble/workflow-contracts/credits';
import type { CreditExpiryActivities } from './credit-expiry.activities.ts';

const { expireOrphanCredits } = proxyActivities<CreditExpiryActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function creditExpiryWorkflow(): Promise<CreditExpiryResult> {
  return expireOrphanCredits();
}
