import { describe, expect, it } from 'vitest';
import { toTree } from '../tenant-tree.ts';
import type { TenantRow } from '../tenants.graphql.ts';

const row = (id: string, name: string, parentId: string | null, kind: TenantRow['kind'] = 'CLIENT'): TenantRow => ({ id, name, parentId, kind, slug: id, locale: 'fr', timeZone: 'Europe/Paris', currency: 'EUR' });

describe('toTree', () => {
  it('orders parents before children, siblings by name, with depths; unknown parents become roots', () => {
    const rows = [row('c2', 'Zeta', 'd1'), row('c1', 'Alpha', 'd1'), row('d1', 'Agency', 'platform', 'DISTRIBUTOR'), row('c3', 'Sub', 'c1')];
    expect(toTree(rows).map((r) => [r.name, r.depth])).toEqual([['Agency', 0], ['Alpha', 1], ['Sub', 2], ['Zeta', 1]]);
  });
});
