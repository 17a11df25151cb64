// T6: a structured diff between two brand DNA documents.
//
// Objects are compared key by key. Arrays whose elements all have an identity
// (an object with a distinct "name", or "persona" for audiences) are matched
// by that identity, so inserting a product reports one ADDED element, not a
// cascade of changes; other arrays (lists of words) are compared by position.
// Paths are dotted; an element is written [name=…] when matched by identity
// and [i] when by position: "offer.products[name=Croissant].price_minor",
// "values[2]". A reordering of identified elements is not a change.
import { deepEqual, isPlainObject } from './cascade.ts';

export type DnaChangeKind = 'added' | 'removed' | 'changed';

export interface DnaChange {
  kind: DnaChangeKind;
  path: string;
  /** absent for an addition */
  before?: unknown;
  /** absent for a removal */
  after?: unknown;
}

const IDENTITY_KEYS = ['name', 'persona'] as const;

/** The key naming every element of both arrays, uniquely within each; null when there is none. */
function identityKey(a: unknown[], b: unknown[]): string | null {
  if (a.length + b.length === 0) return null;
  for (const key of IDENTITY_KEYS) {
    const names = (list: unknown[]) => list.map((item) => (isPlainObject(item) && typeof item[key] === 'string' ? item[key] : null));
    const na = names(a);
    const nb = names(b);
    const unique = (list: Array<string | null>) => list.every((n) => n !== null) && new Set(list).size === list.length;
    if (unique(na) && unique(nb)) return key;
  }
  return null;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function diffInto(before: unknown, after: unknown, path: string, out: DnaChange[]): void {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) {
      if (before[key] === undefined) continue;
      if (after[key] === undefined) out.push({ kind: 'removed', path: join(path, key), before: before[key] });
      else diffInto(before[key], after[key], join(path, key), out);
    }
    for (const key of Object.keys(after)) {
      if (after[key] !== undefined && before[key] === undefined) out.push({ kind: 'added', path: join(path, key), after: after[key] });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = identityKey(before, after);
    if (key) {
      const nameOf = (item: unknown) => (item as Record<string, string>)[key]!;
      const afterByName = new Map(after.map((item) => [nameOf(item), item]));
      const beforeNames = new Set(before.map(nameOf));
      for (const item of before) {
        const name = nameOf(item);
        const at = `${path}[${key}=${name}]`;
        if (afterByName.has(name)) diffInto(item, afterByName.get(name), at, out);
        else out.push({ kind: 'removed', path: at, before: item });
      }
      for (const item of after) {
        if (!beforeNames.has(nameOf(item))) out.push({ kind: 'added', path: `${path}[${key}=${nameOf(item)}]`, after: item });
      }
      return;
    }
    const common = Math.min(before.length, after.length);
    for (let i = 0; i < common; i += 1) diffInto(before[i], after[i], `${path}[${i}]`, out);
    for (let i = common; i < before.length; i += 1) out.push({ kind: 'removed', path: `${path}[${i}]`, before: before[i] });
    for (let i = common; i < after.length; i += 1) out.push({ kind: 'added', path: `${path}[${i}]`, after: after[i] });
    return;
  }
  out.push({ kind: 'changed', path: path || '(document)', before, after });
}

/** What changed from `before` to `after`, in document order (removals before additions at each level). */
export function diffDocuments(before: unknown, after: unknown): DnaChange[] {
  const out: DnaChange[] = [];
  diffInto(before, after, '', out);
  return out;
}
