// A step's result is whatever its activity recorded (counts, ids, choices).
// People get its countable facts first, then a few short choices — never the JSON.

export interface SummaryFact {
  key: string;
  value: string;
}

export interface FactFormatters {
  number(value: number): string;
  /** An ISO instant ("2026-11-30T12:00:00.000Z"). */
  dateTime(value: string): string;
  /** A month ("2026-10"). */
  month(value: string): string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const MONTH = /^\d{4}-\d{2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdKey(key: string): boolean {
  return /(^id$|Id$|_id$|Ids$|_ids$|^workflow|hash$|Key$|_key$)/.test(key);
}

/** 0: counts, 1: yes/no, 2: short words; null when not worth showing. */
function fact(value: unknown, format: FactFormatters): { rank: number; shown: string } | null {
  if (typeof value === 'number' && Number.isFinite(value)) return { rank: 0, shown: format.number(value) };
  if (Array.isArray(value)) return { rank: 0, shown: format.number(value.length) };
  if (typeof value === 'boolean') return { rank: 1, shown: value ? '✓' : '✗' };
  if (typeof value === 'string') {
    const clean = value.trim();
    if (!clean || UUID.test(clean) || clean.length > 40) return null;
    if (ISO_INSTANT.test(clean)) return { rank: 2, shown: format.dateTime(clean) };
    if (MONTH.test(clean)) return { rank: 2, shown: format.month(clean) };
    return { rank: 2, shown: clean };
  }
  return null;
}

/**
 * Up to `limit` facts, counts first. Nested objects ("byChannel": { blog: 12 })
 * contribute their counts only: their words are usually bookkeeping.
 */
export function summarizeResult(result: unknown, format: FactFormatters, limit = 6): SummaryFact[] {
  if (!isRecord(result)) return [];
  const found: Array<SummaryFact & { rank: number; order: number }> = [];
  for (const [key, value] of Object.entries(result)) {
    if (isIdKey(key)) continue;
    if (isRecord(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (isIdKey(inner)) continue;
        const shown = fact(innerValue, format);
        if (shown && shown.rank === 0) found.push({ key: `${key}.${inner}`, value: shown.shown, rank: 0, order: found.length });
      }
      continue;
    }
    const shown = fact(value, format);
    if (shown) found.push({ key, value: shown.shown, rank: shown.rank, order: found.length });
  }
  return found
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .slice(0, limit)
    .map(({ key, value }) => ({ key, value }));
}
