// T7: the prompt cascade. Layers are applied from the most general (platform)
// to the most specific (the client's brand DNA snapshot). A layer overrides
// only the keys it defines and inherits the rest: plain objects merge key by
// key, anything else (strings, numbers, arrays, null) replaces as a whole.
// The result records, per key, which layer set it (provenance).

export interface CascadeLayer {
  /** what this layer is, recorded as provenance: e.g. 'platform', 'distributor:<id>', 'client', 'brand_dna:v3' */
  source: string;
  document: Record<string, unknown>;
}

export interface MergedCascade {
  document: Record<string, unknown>;
  /** dotted path of every leaf value → the layer that set it */
  provenance: Record<string, string>;
  /** every top-level key → the most specific layer that defined (part of) it */
  topLevel: Record<string, string>;
  /** top-level keys, sorted */
  keys: string[];
}

// Keys that would reach Object.prototype through plain assignment.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function clone(value: unknown): unknown {
  return value === undefined ? undefined : structuredClone(value);
}

function dropProvenanceUnder(provenance: Record<string, string>, path: string): void {
  for (const key of Object.keys(provenance)) {
    if (key === path || key.startsWith(`${path}.`)) delete provenance[key];
  }
}

function recordLeaves(value: unknown, path: string, source: string, provenance: Record<string, string>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      if (!FORBIDDEN_KEYS.has(key) && child !== undefined) recordLeaves(child, `${path}.${key}`, source, provenance);
    }
  } else {
    provenance[path] = source;
  }
}

function mergeInto(target: Record<string, unknown>, layer: Record<string, unknown>, prefix: string, source: string, provenance: Record<string, string>): void {
  for (const [key, value] of Object.entries(layer)) {
    // undefined means "not defined by this layer" (JSON never carries it).
    if (FORBIDDEN_KEYS.has(key) || value === undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) {
      // An empty object defines nothing new below it.
      if (Object.keys(value).length === 0) continue;
      if (provenance[path] !== undefined) delete provenance[path];
      mergeInto(current, value, path, source, provenance);
    } else {
      dropProvenanceUnder(provenance, path);
      target[key] = clone(value);
      recordLeaves(value, path, source, provenance);
    }
  }
}

/** Merges the layers in order (general first). Inputs are never mutated. */
export function mergeCascade(layers: readonly CascadeLayer[]): MergedCascade {
  const document: Record<string, unknown> = {};
  const provenance: Record<string, string> = {};
  const topLevel: Record<string, string> = {};
  for (const layer of layers) {
    if (!isPlainObject(layer.document)) throw new TypeError(`cascade layer ${layer.source} is not an object`);
    mergeInto(document, layer.document, '', layer.source, provenance);
    for (const [key, value] of Object.entries(layer.document)) {
      if (FORBIDDEN_KEYS.has(key) || value === undefined) continue;
      if (isPlainObject(value) && Object.keys(value).length === 0 && key in topLevel) continue;
      topLevel[key] = layer.source;
    }
  }
  return { document, provenance, topLevel, keys: Object.keys(document).sort() };
}
