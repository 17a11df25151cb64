// T6: a client's brand DNA is a sequence of immutable snapshots; the latest is
// current. Every change, restores included, appends a snapshot. Callers pass
// an em inside withTenant(), so RLS bounds every read and write.
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { EntityManager } from '@ensemble/db/orm';
import { BrandDnaSnapshot, type BrandDnaSnapshotRow } from '@ensemble/db/tenants/brand-dna.entity';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { newId } from '@ensemble/tenancy/ids';
import { deepEqual, isPlainObject } from './cascade.ts';
import { diffDocuments, type DnaChange } from './brand-dna.diff.ts';
import { assertValidBrandDna } from './brand-dna.schema.ts';

export const MAX_NOTE_LENGTH = 500;

export async function latestSnapshot(em: EntityManager, tenantId: string): Promise<BrandDnaSnapshotRow | null> {
  return em.findOne(BrandDnaSnapshot, { tenantId }, { orderBy: { version: 'desc' } });
}

export async function listSnapshots(em: EntityManager, tenantId: string): Promise<BrandDnaSnapshotRow[]> {
  return em.find(BrandDnaSnapshot, { tenantId }, { orderBy: { version: 'desc' } });
}

export async function snapshotByVersion(em: EntityManager, tenantId: string, version: number): Promise<BrandDnaSnapshotRow> {
  const row = Number.isInteger(version) && version > 0 ? await em.findOne(BrandDnaSnapshot, { tenantId, version }) : null;
  if (!row) throw notFound(`Brand DNA version ${version}`);
  return row;
}

/** Only clients have a brand DNA; anything else in scope answers like a missing client. */
async function requireClient(em: EntityManager, tenantId: string): Promise<void> {
  const tenant = await em.findOne(Tenant, { id: tenantId });
  if (!tenant || tenant.kind !== 'client') throw notFound('Client');
}

/**
 * Serialises writers of one client's DNA for the rest of the transaction, then
 * reads the latest snapshot: whoever comes second sees the first one's version.
 */
async function lockLatest(em: EntityManager, tenantId: string): Promise<BrandDnaSnapshotRow | null> {
  await em.getConnection().execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`brand_dna:${tenantId}`], 'all', em.getTransactionContext());
  return latestSnapshot(em, tenantId);
}

function cleanNote(note: string | null | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  if (trimmed.length > MAX_NOTE_LENGTH) throw badInput(`note must be at most ${MAX_NOTE_LENGTH} characters`, 'note');
  return trimmed || null;
}

function conflict(baseVersion: number, latest: number): AppError {
  return new AppError(
    'CONFLICT',
    `The brand DNA changed while you were editing: you started from version ${baseVersion}, the latest is version ${latest}. Reload it, reapply your change and save again.`,
    { baseVersion, latestVersion: latest },
  );
}

async function append(em: EntityManager, row: Omit<BrandDnaSnapshotRow, 'id' | 'createdAt'>): Promise<BrandDnaSnapshotRow> {
  const snapshot = em.create(BrandDnaSnapshot, { ...row, id: newId(), createdAt: new Date() });
  try {
    await em.flush();
  } catch (error) {
    // (tenant_id, version) is unique: a writer that bypassed the lock lost the race.
    if (error instanceof UniqueConstraintViolationException) throw conflict(row.version - 1, row.version);
    throw error;
  }
  return snapshot;
}

/** Per top-level key: where it came from. Unchanged keys keep their provenance; edited ones record the edit. */
function editProvenance(previous: BrandDnaSnapshotRow | null, document: Record<string, unknown>, version: number, actorId: string | null): Record<string, unknown> {
  const before = previous?.document ?? {};
  const kept = isPlainObject(previous?.provenance) ? previous.provenance : {};
  const provenance: Record<string, unknown> = {};
  for (const key of Object.keys(document)) {
    provenance[key] = deepEqual(before[key], document[key]) && kept[key] !== undefined
      ? kept[key]
      : { source: 'edit', detail: 'brand DNA editor', snapshot: version, by: actorId };
  }
  return provenance;
}

export interface UpdateBrandDnaInput {
  document: unknown;
  note?: string | null;
  /** the version the edit started from (0 when the client has none yet) */
  baseVersion: number;
  /** where each key came from, given the new version (default: an edit in the DNA editor); onboarding passes its sources */
  provenance?: (version: number) => Record<string, unknown>;
}

/** A new snapshot with `document`, if `baseVersion` is still the latest and the document is valid. */
export async function updateBrandDna(em: EntityManager, tenantId: string, actorId: string | null, input: UpdateBrandDnaInput): Promise<BrandDnaSnapshotRow> {
  if (!Number.isInteger(input.baseVersion) || input.baseVersion < 0) throw badInput('baseVersion must be a non-negative integer', 'baseVersion');
  const note = cleanNote(input.note);
  assertValidBrandDna(input.document);
  const document = input.document;
  await requireClient(em, tenantId);
  const latest = await lockLatest(em, tenantId);
  const latestVersion = latest?.version ?? 0;
  if (input.baseVersion !== latestVersion) throw conflict(input.baseVersion, latestVersion);
  if (latest && deepEqual(latest.document, document)) throw badInput(`Nothing changed since version ${latestVersion}`, 'document');
  const version = latestVersion + 1;
  return append(em, {
    tenantId,
    version,
    document: structuredClone(document),
    provenance: input.provenance ? input.provenance(version) : editProvenance(latest, document, version, actorId),
    locale: document.locale as string,
    note,
    restoredFromId: null,
    createdBy: actorId,
  });
}

/**
 * A new snapshot whose document is version `version`'s. The old document is
 * taken as it was accepted then, without re-validation: history stays
 * restorable even if the schema has grown stricter since.
 */
export async function restoreBrandDna(em: EntityManager, tenantId: string, actorId: string | null, version: number): Promise<BrandDnaSnapshotRow> {
  await requireClient(em, tenantId);
  const source = await snapshotByVersion(em, tenantId, version);
  const latest = await lockLatest(em, tenantId);
  if (!latest) throw notFound(`Brand DNA version ${version}`);
  if (deepEqual(latest.document, source.document)) {
    throw badInput(`Version ${version} is already the current brand DNA (version ${latest.version})`, 'version');
  }
  return append(em, {
    tenantId,
    version: latest.version + 1,
    document: structuredClone(source.document),
    provenance: structuredClone(source.provenance),
    locale: source.locale,
    note: `Restored from v${source.version}`,
    restoredFromId: source.id,
    createdBy: actorId,
  });
}

export interface BrandDnaDiff {
  tenantId: string;
  fromVersion: number;
  toVersion: number;
  changes: DnaChange[];
}

export async function diffBrandDna(em: EntityManager, tenantId: string, fromVersion: number, toVersion: number): Promise<BrandDnaDiff> {
  const from = await snapshotByVersion(em, tenantId, fromVersion);
  const to = await snapshotByVersion(em, tenantId, toVersion);
  return { tenantId, fromVersion, toVersion, changes: diffDocuments(from.document, to.document) };
}
