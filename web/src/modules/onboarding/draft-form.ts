// Review of the proposed DNA: the document being edited and, for every
// field, where it came from. Removing a list item shifts the origins of the
// items after it, so each badge stays on its own value; a field the client
// changes or adds shows as edited (the server records it so on acceptance).
import type { FieldOrigin } from './onboarding.graphql.ts';

export type DnaDocument = Record<string, unknown>;

export interface ReviewState {
  document: DnaDocument;
  /** origin of each field, by its current path */
  origins: Record<string, FieldOrigin>;
  /** current paths the client changed or added */
  edited: Record<string, true>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function reviewState(document: DnaDocument, fields: readonly FieldOrigin[]): ReviewState {
  return { document: structuredClone(document), origins: Object.fromEntries(fields.map((f) => [f.path, f])), edited: {} };
}

export function getAt(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const key of path.split('.')) {
    if (Array.isArray(node) && /^\d+$/.test(key)) node = node[Number(key)];
    else if (isRecord(node)) node = node[key];
    else return undefined;
  }
  return node;
}

const empty = (value: unknown) => value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/** A copy of the document with `path` set (removed when empty; parents left empty removed too). */
export function setAt(document: DnaDocument, path: string, value: unknown): DnaDocument {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const copy: DnaDocument = { ...document };
  if (rest.length === 0) {
    if (empty(value)) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = isRecord(copy[head]) ? (copy[head] as DnaDocument) : {};
  const next = setAt(child, rest.join('.'), value);
  if (Object.keys(next).length === 0) delete copy[head];
  else copy[head] = next;
  return copy;
}

export function listAt<T = unknown>(document: DnaDocument, path: string): T[] {
  const value = getAt(document, path);
  return Array.isArray(value) ? (value as T[]) : [];
}

/** A scalar field changes: edited unless it is back to the proposed value. */
export function setField(state: ReviewState, path: string, value: unknown, proposed: DnaDocument): ReviewState {
  const edited = { ...state.edited };
  if (value === getAt(proposed, path) || (empty(value) && empty(getAt(proposed, path)))) delete edited[path];
  else edited[path] = true;
  return { ...state, document: setAt(state.document, path, value), edited };
}

export function setItem(state: ReviewState, listPath: string, index: number, value: unknown): ReviewState {
  const list = [...listAt(state.document, listPath)];
  list[index] = value;
  return { ...state, document: setAt(state.document, listPath, list), edited: { ...state.edited, [`${listPath}.${index}`]: true } };
}

export function addItem(state: ReviewState, listPath: string, value: unknown): ReviewState {
  const list = [...listAt(state.document, listPath), value];
  return { ...state, document: setAt(state.document, listPath, list), edited: { ...state.edited, [`${listPath}.${list.length - 1}`]: true } };
}

/** Removes item `index`; the origins and edit marks of the items after it move up one place. */
export function removeItem(state: ReviewState, listPath: string, index: number): ReviewState {
  const list = listAt(state.document, listPath).filter((_item, i) => i !== index);
  const shift = <T>(map: Record<string, T>): Record<string, T> => {
    const out: Record<string, T> = {};
    const prefix = `${listPath}.`;
    for (const [path, value] of Object.entries(map)) {
      if (!path.startsWith(prefix)) {
        out[path] = value;
        continue;
      }
      const [head, ...rest] = path.slice(prefix.length).split('.');
      const i = Number(head);
      if (!Number.isInteger(i) || i === index) continue;
      out[[listPath, i > index ? i - 1 : i, ...rest].join('.')] = value;
    }
    return out;
  };
  return { document: setAt(state.document, listPath, list), origins: shift(state.origins), edited: shift(state.edited) };
}

/** What a field's badge says: its origin, "edited", or nothing (a field the proposal did not have and nobody filled). */
export function badgeOf(state: ReviewState, path: string): FieldOrigin | 'edited' | null {
  if (state.edited[path]) return 'edited';
  return state.origins[path] ?? null;
}

/** Digits after the decimal point of a currency (2 for EUR and MAD, 0 for JPY). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** 1250 EUR → "12.50". */
export function formatMinor(minor: unknown, currency: string): string {
  if (typeof minor !== 'number') return '';
  const digits = currencyDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

/** "12,50" or "12.5" EUR → 1250; null when it is not a price. */
export function parseMinor(text: string, currency: string): number | null {
  const clean = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(clean)) return null;
  const digits = currencyDigits(currency);
  const minor = Math.round(Number(clean) * 10 ** digits);
  return Number.isSafeInteger(minor) ? minor : null;
}
