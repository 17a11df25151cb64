// Raw SQL inside the caller's transaction (withTenant): row-level security
// still bounds every statement. Used where SQL says it best: "insert … on
// conflict do nothing" for idempotent writes, counters, set-based reads.
// Rows with derived ids use "on conflict do nothing" with no target: two racing
// attempts collide on the primary key and on the natural key at once, and a
// targeted clause would still raise on the other one.
// Beware: MikroORM expands a JS array parameter into a comma list; pass
// arrays as one JSON parameter (jsonb_array_elements_text, jsonb_to_recordset).
import type { EntityManager } from '@ensemble/db/orm';

export type Row = Record<string, unknown>;

export function sql<T = Row>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}

/** Timestamps come back from raw queries as text ('2026-01-05 09:00:00+00'): make them Dates. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const date = new Date(typeof value === 'string' ? value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00') : Number.NaN);
  if (Number.isNaN(date.getTime())) throw new TypeError(`not a timestamp: ${String(value)}`);
  return date;
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}
