// T6: a client's brand DNA is a sequence of immutable snapshots; the latest is
// current. Callers pass an em inside withTenant(), so RLS bounds every read.
import type { EntityManager } from '@ensemble/db/orm';
import { BrandDnaSnapshot, type BrandDnaSnapshotRow } from '@ensemble/db/tenants/brand-dna.entity';

export async function latestSnapshot(em: EntityManager, tenantId: string): Promise<BrandDnaSnapshotRow | null> {
  return em.findOne(BrandDnaSnapshot, { tenantId }, { orderBy: { version: 'desc' } });
}

export async function listSnapshots(em: EntityManager, tenantId: string): Promise<BrandDnaSnapshotRow[]> {
  return em.find(BrandDnaSnapshot, { tenantId }, { orderBy: { version: 'desc' } });
}
