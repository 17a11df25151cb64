// Editing helpers for the brand DNA form: read a field by dotted path, write
// it back immutably. An emptied field disappears from the document rather than
// becoming "" or [], so saving an untouched form changes nothing.

export type DnaDocument = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getPath(document: DnaDocument, path: string): unknown {
  let node: unknown = document;
  for (const key of path.split('.')) node = isRecord(node) ? node[key] : undefined;
  return node;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A copy of `document` with `path` set to `value` (removed when empty, and parents left empty removed too). */
export function setPath(document: DnaDocument, path: string, value: unknown): DnaDocument {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  const copy: DnaDocument = { ...document };
  if (rest.length === 0) {
    if (isEmpty(value)) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = isRecord(copy[head]) ? (copy[head] as DnaDocument) : {};
  const next = setPath(child, rest.join('.'), value);
  if (Object.keys(next).length === 0) delete copy[head];
  else copy[head] = next;
  return copy;
}

export function textOf(document: DnaDocument, path: string): string {
  const value = getPath(document, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

export function listOf(document: DnaDocument, path: string): string[] {
  const value = getPath(document, path);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** One item per non-empty line. */
export function linesToList(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** The JSON text of a document, or the reason it is not an object. */
export function parseDocument(text: string): { document: DnaDocument } | { error: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? { document: parsed } : { error: 'not-an-object' };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
