import { describe, expect, it } from 'vitest';
import { countByLevel, mergedRows } from '../merged-tree.ts';
import type { PromptProvenance } from '../prompts.graphql.ts';

const origin = (path: string, level: PromptProvenance['level'], version = 1): PromptProvenance => ({ path, level, tenantId: 't', version, layerId: 'l' });

describe('mergedRows', () => {
  it('lists objects as headings and leaves with the provenance of their path', () => {
    const provenance = [origin('role', 'PLATFORM'), origin('style.emoji', 'CLIENT', 2), origin('style.tags', 'DISTRIBUTOR'), origin('empty', 'CLIENT')];
    const rows = mergedRows({ role: 'writer', style: { emoji: 'one', tags: ['a', 'b'] }, empty: {} }, provenance);
    expect(rows).toEqual([
      { path: 'role', key: 'role', depth: 0, value: 'writer', provenance: provenance[0] },
      { path: 'style', key: 'style', depth: 0 },
      { path: 'style.emoji', key: 'emoji', depth: 1, value: 'one', provenance: provenance[1] },
      { path: 'style.tags', key: 'tags', depth: 1, value: 'a · b', provenance: provenance[2] },
      { path: 'empty', key: 'empty', depth: 0, value: '{}', provenance: provenance[3] },
    ]);
    expect(countByLevel(provenance)).toEqual({ PLATFORM: 1, CLIENT: 2, DISTRIBUTOR: 1 });
  });

  it('shows non-text values as JSON', () => {
    expect(mergedRows({ n: 3, flag: true, mixed: [1, 'a'], none: null }, []).map((r) => r.value)).toEqual(['3', 'true', '[1,"a"]', 'null']);
  });
});
