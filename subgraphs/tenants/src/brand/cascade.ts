// T7: the prompt cascade, the merge engine.
//
// Layers are applied in order, from the most general (platform) to the most
// specific (distributors, then the client, then — in the pipeline — the
// client's brand DNA snapshot). A level overrides only the keys it defines and
// inherits the rest. The rules, once and for all:
//
//   1. Plain objects merge key by key, at every depth.
//   2. Scalars (string, number, boolean) and null replace what was inherited.
//      null is a value ("explicitly nothing"), not a removal.
//   3. Arrays REPLACE the inherited value as a whole, by default.
//   4. An empty object {} defines nothing where an object is inherited; where
//      none is, it sets {}.
//   5. Operators. An object whose keys all start with "$" is an operator, not
//      a value; anything else starting with "$" is refused:
//        { "$unset": true }              removes the inherited key and all
//                                        below it (no-op if nothing is inherited)
//        { "$append": [ … ] }            inherited array + these items
//        { "$remove": [ … ] }            inherited array minus every element
//                                        deep-equal to one of these
//        { "$remove": […], "$append": […] }   remove first, then append
//      $append/$remove work on the inherited array; an absent or non-array
//      inherited value counts as []. "$unset" cannot be combined with another
//      operator. Operators are resolved by the merge: the result holds none.
//   6. Keys "__proto__", "constructor" and "prototype" are ignored (they would
//      reach Object.prototype). Keys should not contain "." since provenance
//      is keyed by dotted path (prompt-layer validation refuses them).
//
// Provenance: every leaf of the merged document (a scalar, null, an array, or
// an empty object) maps its dotted path to the layer that set it last — the
// layer's `source`, and its index in the input (`layerOf`), from which callers
// recover level, tenant and layer version. A layer that sets an ancestor of a
// path to a scalar, an array or an operator takes over every path below it.
//
// Laws (property-tested in __tests__/cascade.laws.spec.ts):
//   identity     merge([...L, {}]) = merge([{}, ...L]) = merge(L)
//   precedence   a leaf set by the last layer has that layer's value and provenance
//   idempotence  merge([a, a]) = merge([a]) = a, for operator-free a
//                ($append is deliberately not idempotent)
//   associativity  merging is a left fold, so merge([a, b, c]) = merge([merge([a, b]), c]).
//                The right grouping merge([a, merge([b, c])]) holds only for
//                operator-free layers that agree on which paths are objects:
//                merge([b, c]) forgets that b replaced an object of a, or that c
//                unset a key of a.

export interface CascadeLayer {
  /** what this layer is, recorded as provenance: e.g. 'platform', 'distributor:<id>', 'client', 'brand_dna:v3' */
  source: string;
  document: Record<string, unknown>;
}

export interface MergedCascade {
  document: Record<string, unknown>;
  /** dotted path of every leaf value → the source of the layer that set it */
  provenance: Record<string, string>;
  /** dotted path of every leaf value → the index (in the input) of the layer that set it */
  layerOf: Record<string, number>;
  /** every top-level key → the most specific layer that defined (part of) it */
  topLevel: Record<string, string>;
  /** top-level keys, sorted */
  keys: string[];
}

export const OPERATORS = ['$unset', '$append', '$remove'] as const;

// Keys that would reach Object.prototype through plain assignment.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An operator object: non-empty, every key starts with "$". */
export function isOperator(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

export interface CascadeSyntaxError {
  /** dotted path of the offending key */
  path: string;
  message: string;
}

/** Where a layer document breaks the operator syntax (rule 5); empty when it is well formed. */
export function cascadeSyntaxErrors(document: unknown): CascadeSyntaxError[] {
  const errors: CascadeSyntaxError[] = [];
  if (!isPlainObject(document)) return [{ path: '', message: 'must be a JSON object' }];
  if (isOperator(document)) return [{ path: '', message: 'the document itself cannot be an operator' }];
  const visit = (value: unknown, path: string, inArray: boolean): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}.${i}`, true));
      return;
    }
    if (!isPlainObject(value)) return;
    const keys = Object.keys(value);
    const dollar = keys.filter((k) => k.startsWith('$'));
    if (dollar.length > 0 && (inArray || dollar.length !== keys.length)) {
      errors.push({ path, message: inArray ? 'operators cannot appear inside an array' : 'an operator object cannot hold other keys' });
      return;
    }
    if (dollar.length > 0) {
      for (const op of dollar) {
        if (!(OPERATORS as readonly string[]).includes(op)) errors.push({ path: `${path}.${op}`, message: `unknown operator ${op} (allowed: ${OPERATORS.join(', ')})` });
      }
      if ('$unset' in value && value.$unset !== true) errors.push({ path: `${path}.$unset`, message: '$unset must be true' });
      if ('$unset' in value && keys.length > 1) errors.push({ path, message: '$unset cannot be combined with another operator' });
      for (const op of ['$append', '$remove'] as const) {
        if (op in value) {
          if (!Array.isArray(value[op])) errors.push({ path: `${path}.${op}`, message: `${op} takes an array` });
          else visit(value[op], `${path}.${op}`, true);
        }
      }
      return;
    }
    for (const key of keys) visit(value[key], path ? `${path}.${key}` : key, inArray);
  };
  for (const key of Object.keys(document)) visit(document[key], key, false);
  return errors;
}

// The merge state: a tree whose leaves remember the layer that set them.
interface Leaf { kind: 'leaf'; value: unknown; layer: number }
interface Node { kind: 'node'; children: Map<string, Leaf | Node>; layer: number }

function applyOperator(current: Leaf | Node | undefined, operator: Record<string, unknown>, layer: number, source: string): Leaf {
  const unknown = Object.keys(operator).filter((k) => k !== '$append' && k !== '$remove');
  if (unknown.length) throw new TypeError(`cascade layer ${source}: invalid operator ${unknown.join(', ')}`);
  const append = operator.$append ?? [];
  const remove = operator.$remove ?? [];
  if (!Array.isArray(append) || !Array.isArray(remove)) throw new TypeError(`cascade layer ${source}: $append and $remove take arrays`);
  const inherited = current?.kind === 'leaf' && Array.isArray(current.value) ? current.value : [];
  const kept = inherited.filter((item) => !remove.some((r) => deepEqual(item, r)));
  return { kind: 'leaf', value: structuredClone([...kept, ...append]), layer };
}

function applyLayer(node: Node, layerDoc: Record<string, unknown>, layer: number, source: string): void {
  for (const [key, value] of Object.entries(layerDoc)) {
    // undefined means "not defined by this layer" (JSON never carries it).
    if (FORBIDDEN_KEYS.has(key) || value === undefined) continue;
    const current = node.children.get(key);
    if (isOperator(value)) {
      if ('$unset' in value) {
        if (value.$unset !== true || Object.keys(value).length > 1) throw new TypeError(`cascade layer ${source}: $unset must be true and alone`);
        node.children.delete(key);
      } else {
        node.children.set(key, applyOperator(current, value, layer, source));
      }
    } else if (isPlainObject(value)) {
      if (current?.kind === 'node') {
        if (Object.keys(value).length === 0) continue;
        current.layer = layer;
        applyLayer(current, value, layer, source);
      } else {
        const fresh: Node = { kind: 'node', children: new Map(), layer };
        node.children.set(key, fresh);
        applyLayer(fresh, value, layer, source);
      }
    } else {
      node.children.set(key, { kind: 'leaf', value: structuredClone(value), layer });
    }
    // A layer that defines part of this object is the last to have touched it.
    node.layer = layer;
  }
}

function emit(node: Node, prefix: string, layers: readonly CascadeLayer[], out: MergedCascade): Record<string, unknown> {
  const document: Record<string, unknown> = {};
  for (const [key, child] of node.children) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.kind === 'leaf') {
      document[key] = child.value;
    } else {
      document[key] = emit(child, path, layers, out);
      if (child.children.size > 0) continue;
    }
    // An empty object is a leaf too: it was set by the last layer that touched it.
    out.provenance[path] = layers[child.layer]!.source;
    out.layerOf[path] = child.layer;
  }
  return document;
}

/** Merges the layers in order (general first). Inputs are never mutated. */
export function mergeCascade(layers: readonly CascadeLayer[]): MergedCascade {
  const root: Node = { kind: 'node', children: new Map(), layer: -1 };
  layers.forEach((layer, index) => {
    if (!isPlainObject(layer.document)) throw new TypeError(`cascade layer ${layer.source} is not an object`);
    applyLayer(root, layer.document, index, layer.source);
  });
  const out: MergedCascade = { document: {}, provenance: {}, layerOf: {}, topLevel: {}, keys: [] };
  out.document = emit(root, '', layers, out);
  for (const [key, child] of root.children) out.topLevel[key] = layers[child.layer]!.source;
  out.keys = Object.keys(out.document).sort();
  return out;
}
