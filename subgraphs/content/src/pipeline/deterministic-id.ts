// Name-based UUIDs (RFC 9562 version 5): the same name always gives the same
// id, so a retried activity inserts "on conflict do nothing" instead of a
// second row, and analytics events dedup by id. Random ids (UUIDv7, newId())
// remain the rule for everything created once by a person.
import { createHash } from 'node:crypto';

/** Namespace of every Ensemble pipeline name (a fixed random UUID). */
export const PIPELINE_NAMESPACE = '6f1c7d0e-3b9a-4e55-9c2d-8a41f0b7e213';

function bytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export function uuidV5(name: string, namespace: string = PIPELINE_NAMESPACE): string {
  const hash = createHash('sha1').update(bytes(namespace)).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
