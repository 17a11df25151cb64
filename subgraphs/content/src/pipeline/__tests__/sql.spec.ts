import { describe, expect, it } from 'vitest';
import { toDate, toDateOrNull } from '../sql.ts';

describe('toDate', () => {
  it('reads PostgreSQL timestamptz text', () => {
    expect(toDate('2026-01-05 09:00:00+00').toISOString()).toBe('2026-01-05T09:00:00.000Z');
    expect(toDate('2026-01-05 09:00:00.25+01').toISOString()).toBe('2026-01-05T08:00:00.250Z');
    expect(toDate('2026-01-05 09:00:00+05:30').toISOString()).toBe('2026-01-05T03:30:00.000Z');
    const d = new Date();
    expect(toDate(d)).toBe(d);
    expect(toDateOrNull(null)).toBeNull();
    expect(() => toDate('soon')).toThrow(TypeError);
  });
});
