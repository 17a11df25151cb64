// A step's result is whatever its activity recorded (counts, ids, choices).
// People get the countable facts of it, never the JSON.

export interface SummaryFact {
  key: string;
  value: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdKey(key: string): boolean {
  return /(^id$|Id$|_id$|Ids$|_ids$|^workflow|hash$|Key$|_key$)/.test(key);
}

function factValue(value: unknown, formatNumber: (n: number) => string): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return formatNumber(value);
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (typeof value === 'string') {
    const clean = value.trim();
    if (!clean || UUID.test(clean) || clean.length > 60) return null;
    return clean;
  }
  if (Array.isArray(value)) return formatNumber(value.length);
  return null;
}

/** Up to `limit` facts; nested objects contribute their own facts one level down ("slots · blog"). */
export function summarizeResult(result: unknown, formatNumber: (n: number) => string, limit = 8): SummaryFact[] {
  if (!isRecord(result)) return [];
  const facts: SummaryFact[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (facts.length >= limit) break;
    if (isIdKey(key)) continue;
    if (isRecord(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (facts.length >= limit) break;
        if (isIdKey(inner)) continue;
        const shown = factValue(innerValue, formatNumber);
        if (shown !== null) facts.push({ key: `${key}.${inner}`, value: shown });
      }
      continue;
    }
    const shown = factValue(value, formatNumber);
    if (shown !== null) facts.push({ key, value: shown });
  }
  return facts;
}
