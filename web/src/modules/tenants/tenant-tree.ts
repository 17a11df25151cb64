import type { TenantRow } from './tenants.graphql.ts';

export interface TenantTreeRow extends TenantRow {
  depth: number;
}

/** Depth-first order (parents before their children, siblings by name), with each row's depth within the list. */
export function toTree(rows: TenantRow[]): TenantTreeRow[] {
  const ids = new Set(rows.map((row) => row.id));
  const children = new Map<string | null, TenantRow[]>();
  for (const row of rows) {
    // A parent outside the caller's scope makes the row a root of what they see.
    const parent = row.parentId && ids.has(row.parentId) ? row.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(row);
    children.set(parent, list);
  }
  const out: TenantTreeRow[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const row of [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
      out.push({ ...row, depth });
      visit(row.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}
