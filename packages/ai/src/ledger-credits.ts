// Credit hooks over the billing ledger (B2), for any task's call (generation,
// transcription): reserve before the call, settle with the credits used after
// it (with the call's ai_call row, in the same transaction), void when no
// model answered. Each movement
// carries a key derived from the request's idempotency key, so a retried
// request moves nothing twice. The ledger functions are passed in (they live
// in the billing subgraph, which this package does not depend on).
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { insertAiCall } from './catalogue.ts';
import type { AiAnswer, CreditHooks } from './router.ts';

export interface CreditLedger {
  reserveCredits(em: EntityManager, input: { tenantId: string; amount: number; task: string; idempotencyKey: string; ttlSeconds?: number; batch?: boolean; contentItemId?: string | null }): Promise<{ reservationId: string; amount: number }>;
  settleReservation(em: EntityManager, input: { tenantId: string; reservationId: string; amount: number; idempotencyKey: string }): Promise<void>;
  voidReservation(em: EntityManager, input: { tenantId: string; reservationId: string; idempotencyKey: string }): Promise<void>;
}

export function ledgerCreditHooks(orm: MikroORM, ledger: CreditLedger, request: { tenantId: string; idempotencyKey: string; contentItemId?: string | null; ttlSeconds?: number }): CreditHooks<AiAnswer> {
  const tx = <T>(fn: (em: EntityManager) => Promise<T>) => withTenant(orm, request.tenantId, null, ({ em }) => fn(em));
  const key = request.idempotencyKey;
  return {
    reserve: ({ tenantId, task, amount, batch }) => tx((em) => ledger.reserveCredits(em, {
      tenantId, task, amount, batch, idempotencyKey: `${key}:reserve`, contentItemId: request.contentItemId ?? null,
      ...(request.ttlSeconds ? { ttlSeconds: request.ttlSeconds } : {}),
    })),
    settle: (reservation, { credits, call }) => tx(async (em) => {
      await ledger.settleReservation(em, { tenantId: request.tenantId, reservationId: reservation.reservationId, amount: Math.min(credits, reservation.amount), idempotencyKey: `${key}:settle` });
      // What the ledger charged (a night-batch reservation is settled at its discount).
      const [row] = await em.getConnection().execute<Array<{ settled_amount: string | number | null }>>(
        'select settled_amount from billing.credit_reservation where id = ?', [reservation.reservationId], 'all', em.getTransactionContext());
      const charged = Number(row?.settled_amount ?? 0);
      await insertAiCall(em, { ...call, credits: charged });
      return charged;
    }),
    release: (reservation) => tx((em) => ledger.voidReservation(em, { tenantId: request.tenantId, reservationId: reservation.reservationId, idempotencyKey: `${key}:void` })),
  };
}
