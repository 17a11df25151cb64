// T7: prompt layers. Each tenant of the chain platform → distributors →
// client owns one layer per locale, as a list of immutable versions (the
// latest is in force). The merged prompt of a tenant is the cascade of the
// latest layer of every tenant in its ancestry (cascade.ts gives the rules).
//
// Who may edit which layer: the owners of that level only. The platform layer
// by a platform user holding ai:admin or platform:admin; a distributor's or a
// client's layer by that tenant's own administrators (users:manage, the
// permission that marks a tenant's administrators). A distributor reads its
// clients' layers but cannot edit them, and nobody edits an ancestor's.
import { UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { EntityManager } from '@ensemble/db/orm';
import { PromptLayer } from '@ensemble/db/tenants/prompt-layer.entity';
import { Tenant, type TenantRow } from '@ensemble/db/tenants/tenant.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import type { Identity } from '@ensemble/tenancy/identity';
import type { Permission } from '@ensemble/tenancy/permissions';
import { cascadeSyntaxErrors, deepEqual, isPlainObject, mergeCascade } from '../brand/cascade.ts';

export type PromptLevel = 'platform' | 'distributor' | 'client';

/** Serialized size limit of one layer document. */
export const MAX_LAYER_BYTES = 64 * 1024;
export const MAX_LAYER_DEPTH = 8;
export const MAX_KEY_LENGTH = 100;
export const MAX_NOTE_LENGTH = 500;
const LOCALE = /^[a-z]{2}(-[A-Z]{2})?$/;

/** Holding any one of these (in the owning tenant itself) makes a user an owner of the level. */
export const OWNER_PERMISSIONS: Record<PromptLevel, readonly Permission[]> = {
  platform: ['ai:admin', 'platform:admin'],
  distributor: ['users:manage'],
  client: ['users:manage'],
};

export interface PromptLayerView {
  /** null when the level has no layer yet for the locale */
  id: string | null;
  tenantId: string;
  /** null when the tenant lies outside the caller's scope (an ancestor) */
  tenantName: string | null;
  level: PromptLevel;
  /** position in the chain, 1 = platform */
  depth: number;
  locale: string;
  /** 0 when the level has no layer yet */
  version: number;
  document: Record<string, unknown>;
  note: string | null;
  createdAt: Date | null;
  editable: boolean;
}

export interface PromptProvenance {
  path: string;
  level: PromptLevel;
  tenantId: string;
  version: number;
  layerId: string;
}

export interface MergedPrompt {
  tenantId: string;
  locale: string;
  document: Record<string, unknown>;
  provenance: PromptProvenance[];
  layers: PromptLayerView[];
}

interface LayerRow {
  id: string;
  tenant_id: string;
  level: PromptLevel;
  depth: number;
  version: number;
  document: Record<string, unknown>;
  created_at: Date;
}

function checkLocale(locale: string): void {
  if (typeof locale !== 'string' || !LOCALE.test(locale)) throw badInput('locale must look like fr or en-GB', 'locale');
}

/** May this identity edit the layer of `tenantId` (a tenant of kind `level`)? */
export function canEditLayer(identity: Identity, tenantId: string, level: PromptLevel): boolean {
  return identity.tenantId === tenantId && OWNER_PERMISSIONS[level].some((p) => identity.permissions.includes(p));
}

async function tenantInScope(em: EntityManager, tenantId: string): Promise<TenantRow> {
  const tenant = isUuid(tenantId) ? await em.findOne(Tenant, { id: tenantId }) : null;
  if (!tenant) throw notFound('Tenant');
  return tenant;
}

/** The latest layer of every tenant of the chain that has one (app.prompt_layers_for reads past RLS for ancestors). */
async function latestLayers(em: EntityManager, tenantId: string, locale: string): Promise<LayerRow[]> {
  return em.getConnection().execute<LayerRow[]>(
    'select id, tenant_id, level, depth, version, document, created_at from app.prompt_layers_for(?, ?) order by depth',
    [tenantId, locale], 'all', em.getTransactionContext());
}

function levelAt(ancestry: string[], index: number, tenant: TenantRow): PromptLevel {
  if (index === ancestry.length - 1) return tenant.kind;
  return index === 0 ? 'platform' : 'distributor';
}

/** The chain of a tenant for a locale, root first: one entry per tenant, with or without a layer. */
export async function promptLayers(em: EntityManager, identity: Identity, tenantId: string, locale: string): Promise<PromptLayerView[]> {
  checkLocale(locale);
  const tenant = await tenantInScope(em, tenantId);
  const ancestry = tenant.ancestry as string[];
  const rows = await latestLayers(em, tenant.id, locale);
  const byTenant = new Map(rows.map((r) => [r.tenant_id, r]));
  const visible = await em.find(Tenant, { id: { $in: ancestry } });
  const names = new Map(visible.map((t) => [t.id, t.name]));
  const inScope = rows.filter((r) => names.has(r.tenant_id)).map((r) => r.id);
  const notes = new Map((inScope.length ? await em.find(PromptLayer, { id: { $in: inScope } }) : []).map((l) => [l.id, l.note ?? null]));
  return ancestry.map((id, index) => {
    const row = byTenant.get(id);
    const level = levelAt(ancestry, index, tenant);
    return {
      id: row?.id ?? null,
      tenantId: id,
      tenantName: names.get(id) ?? null,
      level,
      depth: index + 1,
      locale,
      version: row?.version ?? 0,
      document: row?.document ?? {},
      note: row ? notes.get(row.id) ?? null : null,
      createdAt: row ? new Date(row.created_at) : null,
      editable: canEditLayer(identity, id, level),
    };
  });
}

/** The cascade of a tenant's chain for a locale, with the level, tenant and version behind every leaf. */
export async function mergedPrompt(em: EntityManager, identity: Identity, tenantId: string, locale: string): Promise<MergedPrompt> {
  const layers = await promptLayers(em, identity, tenantId, locale);
  const present = layers.filter((l): l is PromptLayerView & { id: string } => l.id !== null);
  const merged = mergeCascade(present.map((l) => ({ source: `${l.level}:${l.tenantId}:v${l.version}`, document: l.document })));
  const provenance = Object.entries(merged.layerOf).map(([path, index]) => {
    const layer = present[index]!;
    return { path, level: layer.level, tenantId: layer.tenantId, version: layer.version, layerId: layer.id };
  });
  return { tenantId, locale, document: merged.document, provenance, layers };
}

/** Field-level problems of a layer document: shape, size, keys and operator syntax. */
export function layerDocumentErrors(document: unknown): Array<{ field: string; message: string }> {
  if (!isPlainObject(document)) return [{ field: 'document', message: 'must be a JSON object' }];
  if (JSON.stringify(document).length > MAX_LAYER_BYTES) return [{ field: 'document', message: `is larger than ${MAX_LAYER_BYTES / 1024} KB` }];
  const errors: Array<{ field: string; message: string }> = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (depth > MAX_LAYER_DEPTH) {
      errors.push({ field: `document.${path}`, message: `nests deeper than ${MAX_LAYER_DEPTH} levels` });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}.${i}`, depth + 1));
      return;
    }
    if (!isPlainObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (key.startsWith('$')) {
        visit(child, at, depth + 1);
        continue; // operator syntax is checked by the cascade itself
      }
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) errors.push({ field: `document.${at}`, message: `keys must have 1 to ${MAX_KEY_LENGTH} characters` });
      else if (key.includes('.')) errors.push({ field: `document.${at}`, message: 'keys cannot contain "." (provenance paths are dotted)' });
      else if (key === '__proto__' || key === 'constructor' || key === 'prototype') errors.push({ field: `document.${at}`, message: `${key} is a reserved key` });
      visit(child, at, depth + 1);
    }
  };
  visit(document, '', 0);
  for (const e of cascadeSyntaxErrors(document)) errors.push({ field: e.path ? `document.${e.path}` : 'document', message: e.message });
  return errors;
}

export interface SavePromptLayerInput {
  locale: string;
  document: unknown;
  /** the version the edit started from (0 when the level has no layer yet) */
  baseVersion: number;
  note?: string | null;
}

/**
 * A new version of `tenantId`'s layer for the locale. Only the owners of that
 * level may write it; `baseVersion` must still be the latest.
 */
export async function savePromptLayer(em: EntityManager, identity: Identity, tenantId: string, input: SavePromptLayerInput): Promise<PromptLayerView> {
  if (!isUuid(tenantId)) throw notFound('Tenant');
  if (tenantId !== identity.tenantId) {
    // An ancestor's or a descendant's layer can be seen, so say why it cannot be changed.
    const own = await tenantInScope(em, identity.tenantId);
    const visible = (own.ancestry as string[]).includes(tenantId) || (await em.findOne(Tenant, { id: tenantId })) !== null;
    if (!visible) throw notFound('Tenant');
    throw new AppError('FORBIDDEN', 'Only the administrators of a level can edit its prompt layer; this one belongs to another tenant.');
  }
  const tenant = await tenantInScope(em, tenantId);
  if (!canEditLayer(identity, tenantId, tenant.kind)) {
    throw new AppError('FORBIDDEN', `Only the administrators of this ${tenant.kind} can edit its prompt layer.`);
  }
  checkLocale(input.locale);
  if (!Number.isInteger(input.baseVersion) || input.baseVersion < 0) throw badInput('baseVersion must be a non-negative integer', 'baseVersion');
  const note = input.note?.trim() ?? '';
  if (note.length > MAX_NOTE_LENGTH) throw badInput(`note must be at most ${MAX_NOTE_LENGTH} characters`, 'note');
  const errors = layerDocumentErrors(input.document);
  if (errors.length > 0) {
    const [first] = errors as [{ field: string; message: string }];
    throw new AppError('BAD_USER_INPUT', `${first.field} ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`, { field: first.field, fields: errors });
  }
  const document = structuredClone(input.document as Record<string, unknown>);

  await em.getConnection().execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`prompt_layer:${tenantId}:${input.locale}`], 'all', em.getTransactionContext());
  const latest = await em.findOne(PromptLayer, { tenantId, locale: input.locale }, { orderBy: { version: 'desc' } });
  const latestVersion = latest?.version ?? 0;
  if (input.baseVersion !== latestVersion) {
    throw new AppError('CONFLICT',
      `This prompt layer changed while you were editing: you started from version ${input.baseVersion}, the latest is version ${latestVersion}. Reload it and save again.`,
      { baseVersion: input.baseVersion, latestVersion });
  }
  if (latest && deepEqual(latest.document, document)) throw badInput(`Nothing changed since version ${latestVersion}`, 'document');
  const layer = em.create(PromptLayer, {
    id: newId(),
    tenantId,
    level: tenant.kind,
    locale: input.locale,
    version: latestVersion + 1,
    document,
    note: note || null,
    createdBy: identity.kind === 'user' ? identity.actorId : null,
    createdAt: new Date(),
  });
  try {
    await em.flush();
  } catch (error) {
    // (tenant_id, locale, version) is unique: a writer that bypassed the lock lost the race.
    if (error instanceof UniqueConstraintViolationException) {
      throw new AppError('CONFLICT', `This prompt layer changed while you were editing (version ${latestVersion + 1} exists). Reload it and save again.`);
    }
    throw error;
  }
  const ancestry = tenant.ancestry as string[];
  return {
    id: layer.id,
    tenantId,
    tenantName: tenant.name,
    level: tenant.kind,
    depth: ancestry.length,
    locale: layer.locale,
    version: layer.version,
    document: layer.document,
    note: layer.note ?? null,
    createdAt: layer.createdAt,
    editable: true,
  };
}
