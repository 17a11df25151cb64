import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T6: brand DNA. Every change is a new immutable snapshot; restore = a new
 * snapshot copying an old one. provenance records where each key came from.
 */
export const BrandDnaSnapshot = defineEntity({
  name: 'BrandDnaSnapshot',
  tableName: 'tenants.brand_dna_snapshot',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    version: p.integer(),
    document: p.json<Record<string, unknown>>(),
    provenance: p.json<Record<string, unknown>>().onCreate(() => ({})),
    locale: p.text(),
    note: p.text().nullable(),
    restoredFromId: p.uuid().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type BrandDnaSnapshotRow = InstanceType<typeof BrandDnaSnapshot.class>;
