// The merge laws of the prompt cascade (cascade.ts header), checked on
// generated layers. Keys come from a small alphabet so layers collide often.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainObject, mergeCascade, type CascadeLayer } from '../cascade.ts';

type Doc = Record<string, unknown>;

const RUNS = { numRuns: 400 };
const key = fc.constantFrom('a', 'b', 'c', 'd');
const scalar = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y', 'z'), fc.boolean(), fc.constant(null));
const list = fc.array(scalar, { maxLength: 3 });
const operator = fc.oneof(
  fc.constant({ $unset: true }),
  list.map((items) => ({ $append: items })),
  list.map((items) => ({ $remove: items })),
  fc.tuple(list, list).map(([remove, append]) => ({ $remove: remove, $append: append })),
);

const { plain } = fc.letrec<{ plain: Doc; plainValue: unknown }>((tie) => ({
  plainValue: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, list, tie('plain')),
  plain: fc.dictionary(key, tie('plainValue'), { maxKeys: 4, noNullPrototype: true }),
}));
const { withOps } = fc.letrec<{ withOps: Doc; opValue: unknown }>((tie) => ({
  opValue: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, list, operator, tie('withOps')),
  withOps: fc.dictionary(key, tie('opValue'), { maxKeys: 4, noNullPrototype: true }),
}));

const layersOf = (docs: Doc[], offset = 0): CascadeLayer[] => docs.map((document, i) => ({ source: `L${i + offset}`, document }));
const anyLayers = fc.array(withOps, { maxLength: 4 });

/** The leaves of a document: every non-object value and every empty object, by dotted path. */
function leaves(doc: Doc, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length > 0 && !Object.keys(v).every((x) => x.startsWith('$'))) leaves(v, path, out);
    else out[path] = v;
  }
  return out;
}

/** What a layer holds at a dotted path, following plain objects only. */
function at(doc: Doc, segments: string[]): unknown {
  let node: unknown = doc;
  for (const s of segments) {
    if (!isPlainObject(node) || !Object.hasOwn(node, s)) return undefined;
    node = node[s];
  }
  return node;
}

const isOp = (v: unknown) => isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));

describe('cascade laws', () => {
  it('identity: an empty layer, first or last, changes nothing', () => {
    fc.assert(fc.property(anyLayers, (docs) => {
      const base = mergeCascade(layersOf(docs));
      const right = mergeCascade([...layersOf(docs), { source: 'empty', document: {} }]);
      const left = mergeCascade([{ source: 'empty', document: {} }, ...layersOf(docs)]);
      for (const merged of [left, right]) {
        expect(merged.document).toEqual(base.document);
        expect(merged.provenance).toEqual(base.provenance);
        expect(merged.topLevel).toEqual(base.topLevel);
      }
    }), RUNS);
  });

  it('precedence: every leaf the last layer sets wins, with its provenance', () => {
    fc.assert(fc.property(anyLayers, plain, (docs, last) => {
      const layers = [...layersOf(docs), { source: 'last', document: last }];
      const merged = mergeCascade(layers);
      for (const [path, value] of Object.entries(leaves(last))) {
        const isEmptyObject = isPlainObject(value) && Object.keys(value).length === 0;
        if (isEmptyObject) {
          expect(isPlainObject(at(merged.document, path.split('.')))).toBe(true);
          continue;
        }
        expect(at(merged.document, path.split('.'))).toEqual(value);
        expect(merged.provenance[path]).toBe('last');
        expect(merged.layerOf[path]).toBe(layers.length - 1);
      }
    }), RUNS);
  });

  it('idempotence: merging an operator-free layer with itself gives that layer', () => {
    fc.assert(fc.property(plain, anyLayers, (a, before) => {
      expect(mergeCascade([{ source: 'a', document: a }]).document).toEqual(a);
      expect(mergeCascade([{ source: 'a', document: a }, { source: 'a', document: a }]).document).toEqual(a);
      // Applying the same layer twice over any inheritance is applying it once.
      const once = mergeCascade([...layersOf(before), { source: 'a', document: a }]);
      const twice = mergeCascade([...layersOf(before), { source: 'a', document: a }, { source: 'a', document: a }]);
      expect(twice.document).toEqual(once.document);
      expect(twice.provenance).toEqual(once.provenance);
    }), RUNS);
  });

  it('associativity (left grouping): a merged result is a layer like any other', () => {
    fc.assert(fc.property(withOps, withOps, withOps, (a, b, c) => {
      const ab = mergeCascade(layersOf([a, b])).document;
      expect(mergeCascade(layersOf([ab, c])).document).toEqual(mergeCascade(layersOf([a, b, c])).document);
    }), RUNS);
  });

  it('associativity (right grouping) holds for operator-free layers that agree on their shape', () => {
    // A shape says, for each path, whether it is an object or a leaf; the three layers follow the same shape.
    type Shape = { [k: string]: Shape | 'leaf' };
    const { shape } = fc.letrec<{ shape: Shape; node: Shape | 'leaf' }>((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constant('leaf' as const), tie('shape')),
      shape: fc.dictionary(key, tie('node'), { minKeys: 1, maxKeys: 4, noNullPrototype: true }),
    }));
    const layerOf = (s: Shape): fc.Arbitrary<Doc> => {
      const entries = Object.entries(s).map(([k, node]) =>
        fc.option<unknown>(node === 'leaf' ? fc.oneof(scalar, list) : layerOf(node), { nil: undefined }).map((v) => [k, v] as const));
      return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)));
    };
    const triple = shape.chain((s) => fc.tuple(layerOf(s), layerOf(s), layerOf(s)));
    fc.assert(fc.property(triple, ([a, b, c]) => {
      const bc = mergeCascade(layersOf([b, c])).document;
      expect(mergeCascade(layersOf([a, bc])).document).toEqual(mergeCascade(layersOf([a, b, c])).document);
    }), RUNS);
  });

  it('associativity (right grouping) fails where documented', () => {
    // b replaced a's object by a scalar, c sets an object again: merge([b, c]) forgets a was replaced.
    const [a, b, c] = [{ t: { x: 1 } }, { t: 'flat' }, { t: { y: 2 } }];
    expect(mergeCascade(layersOf([a, b, c])).document).toEqual({ t: { y: 2 } });
    expect(mergeCascade(layersOf([a, mergeCascade(layersOf([b, c])).document])).document).toEqual({ t: { x: 1, y: 2 } });
    // c unsets a key that only a defines: the composed layer has nothing left to unset.
    const unset = [{ k: 1 }, { j: 2 }, { k: { $unset: true } }];
    expect(mergeCascade(layersOf(unset)).document).toEqual({ j: 2 });
    expect(mergeCascade(layersOf([unset[0]!, mergeCascade(layersOf(unset.slice(1))).document])).document).toEqual({ k: 1, j: 2 });
  });

  it('provenance: every leaf points at the last layer that wrote it or one of its ancestors', () => {
    fc.assert(fc.property(anyLayers, (docs) => {
      const layers = layersOf(docs);
      const merged = mergeCascade(layers);
      const resultLeaves = leaves(merged.document);
      expect(Object.keys(merged.provenance).sort()).toEqual(Object.keys(resultLeaves).sort());
      for (const [path, value] of Object.entries(resultLeaves)) {
        if (isPlainObject(value)) continue; // empty objects: covered by the unit tests
        const segments = path.split('.');
        // Independent model: the last layer holding a scalar, an array or an operator at this path or above it.
        let expected = -1;
        docs.forEach((doc, i) => {
          for (let n = 1; n <= segments.length; n += 1) {
            const v = at(doc, segments.slice(0, n));
            if (v !== undefined && (!isPlainObject(v) || isOp(v))) expected = i;
          }
        });
        expect(merged.layerOf[path]).toBe(expected);
        expect(merged.provenance[path]).toBe(`L${expected}`);
      }
    }), RUNS);
  });

  it('resolves every operator and never mutates its inputs', () => {
    fc.assert(fc.property(anyLayers, (docs) => {
      const before = structuredClone(docs);
      const merged = mergeCascade(layersOf(docs));
      expect(docs).toEqual(before);
      expect(JSON.stringify(merged.document)).not.toMatch(/"\$(unset|append|remove)"/);
    }), RUNS);
  });
});
