import { describe, expect, it } from 'vitest';
import { buildMonthBrief, topicForSlot } from '../month-brief.ts';
import { currentMonth } from '../pipeline.service.ts';

const dna = {
  identity: { name: 'Forge & Flow Studio' },
  goals: ['Fill the 7am classes', 'Sell intro weeks'],
  offer: { products: [{ name: 'Intro week', price_minor: 2900, currency: 'EUR' }, { name: 'Drop-in class', price_minor: 1800, currency: 'EUR' }] },
  keywords: ['strength training Dublin', 'small group classes'],
  channels: ['Instagram', 'blog', 'tiktok'],
};

const base = {
  month: '2026-03',
  tenant: { name: 'Forge & Flow Studio', locale: 'en', timeZone: 'Europe/Dublin' },
  snapshot: { id: 'snap-2', version: 2, locale: 'en', document: dna },
  configuredChannels: ['sms'],
  previous: { month: '2026-02', runId: null, unpublished: [] },
};

describe('buildMonthBrief', () => {
  it('takes goals, offers, channels and keywords from the DNA snapshot', () => {
    const brief = buildMonthBrief(base);
    expect(brief).toMatchObject({
      month: '2026-03', locale: 'en', timeZone: 'Europe/Dublin', brandName: 'Forge & Flow Studio', snapshotId: 'snap-2', snapshotVersion: 2,
      goals: ['Fill the 7am classes', 'Sell intro weeks'],
      channels: ['instagram', 'blog'],
      carryOver: { fromMonth: '2026-02', runId: null, unpublishedItems: 0, topics: 0 },
    });
    expect(brief.offers.map((o) => o.name)).toEqual(['Intro week', 'Drop-in class']);
    expect(brief.topics.map((t) => t.keyphrase).sort()).toEqual(['drop-in class', 'intro week', 'small group classes', 'strength training Dublin'].sort());
    expect(brief.topics.every((t) => !t.carriedOver)).toBe(true);
  });

  it('puts last month\'s unpublished subjects first and rotates fresh topics by month', () => {
    const carried = buildMonthBrief({ ...base, previous: { month: '2026-02', runId: 'run-feb', unpublished: [{ title: 'Why mobility matters', brief: 'mobility', keyphrase: 'mobility' }] } });
    expect(carried.topics[0]).toEqual({ topic: 'mobility', keyphrase: 'mobility', offer: null, goal: null, carriedOver: true });
    expect(carried.carryOver).toEqual({ fromMonth: '2026-02', runId: 'run-feb', unpublishedItems: 1, topics: 1 });
    const april = buildMonthBrief({ ...base, month: '2026-04' });
    expect(april.topics[0]!.keyphrase).not.toBe(buildMonthBrief(base).topics[0]!.keyphrase);
    expect(buildMonthBrief(base)).toEqual(buildMonthBrief(base));
  });

  it('falls back to configured channels, the tenant name and one topic when the DNA is empty', () => {
    const brief = buildMonthBrief({ ...base, snapshot: null });
    expect(brief).toMatchObject({ brandName: 'Forge & Flow Studio', channels: ['sms'], snapshotId: null, goals: [], offers: [] });
    expect(brief.topics).toHaveLength(1);
    expect(buildMonthBrief({ ...base, snapshot: null, configuredChannels: [] }).channels).toEqual(['blog']);
  });

  it('assigns topics to slots round-robin', () => {
    const brief = buildMonthBrief(base);
    expect(topicForSlot(brief, 0)).toEqual(brief.topics[0]);
    expect(topicForSlot(brief, brief.topics.length + 1)).toEqual(brief.topics[1]);
    expect(topicForSlot({ topics: [] }, 3)).toBeNull();
  });

  it('computes the current month in the client\'s time zone', () => {
    const instant = new Date('2026-03-31T23:30:00Z');
    expect(currentMonth('Europe/Paris', instant)).toBe('2026-04');
    expect(currentMonth('America/New_York', instant)).toBe('2026-03');
    expect(currentMonth('Not/AZone', instant)).toBe('2026-03');
  });
});
