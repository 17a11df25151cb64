// T8: where every field of an onboarding draft came from. A field is a
// scalar leaf (identity.name, tone.address) or one element of a list
// (offer.products.0, keywords.3): each is cited on its own, because one list
// can mix the questionnaire, a PDF page and a web page. On acceptance the
// per-field origins fold into the snapshot's per-key provenance (T6 shape:
// {source, detail, snapshot}) with the fields kept under `fields`.
import { deepEqual, isPlainObject } from '../brand/cascade.ts';

export const FIELD_SOURCES = ['questionnaire', 'pdf', 'url', 'audio', 'workspace'] as const;
export type FieldSource = (typeof FIELD_SOURCES)[number];

export interface FieldOrigin {
  source: FieldSource;
  /** questionnaire, pdf:<filename> page <n>, url:<url>, audio:<filename>, workspace */
  label: string;
  sourceId?: string;
  page?: number;
  url?: string;
  /** the text the value was read from (shortened) */
  excerpt?: string;
}

export type DraftProvenance = Record<string, FieldOrigin>;

export const QUESTIONNAIRE: FieldOrigin = { source: 'questionnaire', label: 'questionnaire' };
export const WORKSPACE: FieldOrigin = { source: 'workspace', label: 'workspace language' };

/** Every citable field of a document: scalar leaves and list elements, as dotted paths. */
export function draftFieldPaths(document: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      value.forEach((_item, i) => out.push(`${path}.${i}`));
    } else if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    } else if (path && value !== undefined && value !== null) {
      out.push(path);
    }
  };
  walk(document, '');
  return out;
}

function valueAt(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isPlainObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

/** Seed and T6 name the questionnaire "answers". */
const SNAPSHOT_SOURCE: Record<FieldSource | 'edit', string> = {
  questionnaire: 'answers', pdf: 'pdf', url: 'url', audio: 'audio', workspace: 'workspace', edit: 'edit',
};

interface AcceptedOrigin {
  source: string;
  detail: string;
  sourceId?: string;
  page?: number;
  url?: string;
  by?: string | null;
}

/**
 * The origin of each field of the accepted document: a field equal to the
 * draft's keeps the draft's origin (list elements are matched by value, so
 * removing or reordering keeps the others' origins); anything the client
 * changed or added in review is an edit.
 */
export function acceptedFieldOrigins(accepted: Record<string, unknown>, draft: Record<string, unknown> | null, provenance: DraftProvenance, actorId: string | null): Record<string, AcceptedOrigin> {
  const out: Record<string, AcceptedOrigin> = {};
  const used = new Set<string>();
  const asAccepted = (origin: FieldOrigin): AcceptedOrigin => ({
    source: SNAPSHOT_SOURCE[origin.source],
    detail: origin.label,
    ...(origin.sourceId ? { sourceId: origin.sourceId } : {}),
    ...(origin.page ? { page: origin.page } : {}),
    ...(origin.url ? { url: origin.url } : {}),
  });
  const edit: AcceptedOrigin = { source: 'edit', detail: 'onboarding review', by: actorId };
  for (const path of draftFieldPaths(accepted)) {
    const value = valueAt(accepted, path);
    const lastDot = path.lastIndexOf('.');
    const parent = path.slice(0, lastDot);
    const parentValue = lastDot > 0 ? valueAt(draft, parent) : undefined;
    if (Array.isArray(valueAt(accepted, parent)) && Array.isArray(parentValue)) {
      const index = parentValue.findIndex((item, i) => !used.has(`${parent}.${i}`) && deepEqual(item, value) && provenance[`${parent}.${i}`]);
      if (index >= 0) {
        used.add(`${parent}.${index}`);
        out[path] = asAccepted(provenance[`${parent}.${index}`]!);
      } else {
        out[path] = edit;
      }
      continue;
    }
    const origin = provenance[path];
    out[path] = origin && deepEqual(valueAt(draft, path), value) ? asAccepted(origin) : edit;
  }
  return out;
}

/**
 * Snapshot provenance per top-level key (as T6 records it): the key's
 * source when all its fields share one (else "onboarding"), a detail naming
 * the sources, and every field's own origin under `fields`.
 */
export function snapshotProvenance(accepted: Record<string, unknown>, draft: Record<string, unknown> | null, provenance: DraftProvenance, version: number, actorId: string | null): Record<string, unknown> {
  const fields = acceptedFieldOrigins(accepted, draft, provenance, actorId);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(accepted)) {
    const own = Object.entries(fields).filter(([path]) => path === key || path.startsWith(`${key}.`));
    const sources = [...new Set(own.map(([, o]) => o.source))];
    const details = [...new Set(own.map(([, o]) => o.detail))];
    out[key] = {
      source: sources.length === 1 ? sources[0] : 'onboarding',
      detail: details.join(', ') || 'onboarding',
      snapshot: version,
      fields: Object.fromEntries(own),
    };
  }
  return out;
}
