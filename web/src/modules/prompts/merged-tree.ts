// The merged prompt as rows people can read: one row per key, indented by
// depth, each leaf carrying the provenance of the level that set it.
import type { PromptProvenance } from './prompts.graphql.ts';

export interface MergedRow {
  path: string;
  key: string;
  depth: number;
  /** display value of a leaf; undefined for an object with children */
  value?: string;
  provenance?: PromptProvenance;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(' · ');
  return JSON.stringify(value);
}

export function mergedRows(document: Record<string, unknown>, provenance: readonly PromptProvenance[]): MergedRow[] {
  const byPath = new Map(provenance.map((p) => [p.path, p]));
  const rows: MergedRow[] = [];
  const walk = (node: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isRecord(value) && Object.keys(value).length > 0) {
        rows.push({ path, key, depth });
        walk(value, path, depth + 1);
      } else {
        const row: MergedRow = { path, key, depth, value: display(value) };
        const origin = byPath.get(path);
        if (origin) row.provenance = origin;
        rows.push(row);
      }
    }
  };
  walk(document, '', 0);
  return rows;
}

/** How many leaves each level set, for the legend. */
export function countByLevel(provenance: readonly PromptProvenance[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of provenance) counts[p.level] = (counts[p.level] ?? 0) + 1;
  return counts;
}
