// Raw SQL inside the caller's transaction (withTenant): row-level security
// still bounds every statement. Used where SQL says it best: "insert … on
// conflict do nothing" for idempotent writes, counters, set-based reads.
import type { EntityManager } from '@ensemble/db/orm';

export type Row = Record<string, unknown>;

export function sql<T = Row>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}
