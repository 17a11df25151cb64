// UUIDv7 everywhere (time-ordered, index friendly). An id argument that is not
// a UUID is answered like an unknown id: NOT_FOUND, never a database error.
import { v7 } from 'uuid';

export function newId(): string {
  return v7();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * A PostgreSQL array literal of UUIDs for raw SQL (`= any(?::uuid[])`):
 * MikroORM expands JS arrays into value lists, which `any()` cannot take.
 * Anything that is not a UUID is dropped, so nothing else reaches the SQL.
 */
export function uuidArrayLiteral(ids: readonly string[]): string {
  return `{${ids.filter(isUuid).join(',')}}`;
}
