import { describe, expect, it } from 'vitest';
import { contentModeOf, estimateInputTokens, metaDescriptionOf } from '../generation.service.ts';
import { isDue } from '../../publication/publication.service.ts';

describe('generation helpers', () => {
  it('reads the content mode from the merged DNA, never auto by default', () => {
    expect(contentModeOf({ publishing: { mode: 'auto' } })).toBe('auto');
    expect(contentModeOf({ contentMode: 'manual' })).toBe('manual');
    expect(contentModeOf({ publishing: { mode: 'yolo' } })).toBe('semi');
    expect(contentModeOf({})).toBe('semi');
  });

  it('writes a meta description of at most 155 characters from the text, not the headings', () => {
    expect(metaDescriptionOf('# Title\n\nShort **intro** with [a link](https://x.example).')).toBe('Short intro with a link.');
    const long = metaDescriptionOf(`# T\n\n${'Strength comes from coached practice. '.repeat(10)}`)!;
    expect(long.length).toBeLessThanOrEqual(155);
    expect(long.endsWith('.')).toBe(true);
    expect(metaDescriptionOf('# Only a heading')).toBeNull();
  });

  it('estimates prompt tokens from the DNA and the brief', () => {
    expect(estimateInputTokens({ a: 'x'.repeat(400) }, {})).toBeGreaterThan(estimateInputTokens({}, {}));
  });
});

describe('isDue', () => {
  const now = new Date('2026-03-10T08:00:00Z');
  it('is due today or earlier in the client zone, later otherwise', () => {
    expect(isDue(new Date('2026-03-10T20:00:00Z'), now, 'Europe/Paris')).toBe(true); // 21:00 Paris, today
    expect(isDue(new Date('2026-03-10T23:30:00Z'), now, 'Europe/Paris')).toBe(false); // 00:30 Paris tomorrow
    expect(isDue(new Date('2026-02-27T09:00:00Z'), now, 'Europe/Paris')).toBe(true);
    expect(isDue(null, now, 'UTC')).toBe(true);
  });
});
