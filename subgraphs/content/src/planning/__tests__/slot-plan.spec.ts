import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { DEFAULT_POSTING_TIMES, planMonthSlots, toChannelKind } from '../slot-plan.ts';

describe('planMonthSlots', () => {
  it('splits the plan limit over the DNA channels, at default times in the client zone', () => {
    const plan = planMonthSlots({ month: '2026-03', timeZone: 'Europe/Paris', channels: ['BLOG', 'linkedin', 'Instagram'], postsPerMonth: 10 });
    expect(plan.channels).toEqual(['blog', 'linkedin', 'instagram']);
    const byChannel = Object.groupBy(plan.slots, (s) => s.channel);
    expect(byChannel.blog).toHaveLength(4);
    expect(byChannel.linkedin).toHaveLength(3);
    expect(byChannel.instagram).toHaveLength(3);
    for (const slot of plan.slots) {
      const local = DateTime.fromJSDate(slot.scheduledAt, { zone: 'Europe/Paris' });
      const time = DEFAULT_POSTING_TIMES[slot.channel];
      expect(local.toFormat('yyyy-MM')).toBe('2026-03');
      expect(time.weekdays).toContain(local.weekday);
      expect([local.hour, local.minute]).toEqual([time.hour, time.minute]);
      expect(slot.localDate).toBe(local.toISODate());
    }
    // indexes are 0..n-1 per channel, in time order
    expect(byChannel.blog!.map((s) => s.index)).toEqual([0, 1, 2, 3]);
    expect(plan.slots.map((s) => s.scheduledAt.getTime())).toEqual(plan.slots.map((s) => s.scheduledAt.getTime()).sort((a, b) => a - b));
  });

  it('follows the zone across a DST change (Paris moves to summer time on 2026-03-29)', () => {
    const plan = planMonthSlots({ month: '2026-03', timeZone: 'Europe/Paris', channels: ['x'], postsPerMonth: 31 });
    const before = plan.slots.find((s) => s.localDate === '2026-03-27')!;
    const after = plan.slots.find((s) => s.localDate === '2026-03-30')!;
    expect(before.scheduledAt.toISOString()).toBe('2026-03-27T11:00:00.000Z'); // 12:00 CET
    expect(after.scheduledAt.toISOString()).toBe('2026-03-30T10:00:00.000Z'); // 12:00 CEST
  });

  it('falls back to every weekday, then every day, and never plans two posts a day on one channel', () => {
    const plan = planMonthSlots({ month: '2026-02', timeZone: 'UTC', channels: ['newsletter'], postsPerMonth: 40 });
    expect(plan.slots).toHaveLength(28);
    expect(new Set(plan.slots.map((s) => s.localDate)).size).toBe(28);
    const weekdaysOnly = planMonthSlots({ month: '2026-02', timeZone: 'UTC', channels: ['newsletter'], postsPerMonth: 10 });
    expect(weekdaysOnly.slots.every((s) => DateTime.fromISO(s.localDate).weekday <= 5)).toBe(true);
  });

  it('honours the plan channel limit, skips unknown and duplicate channels, and is deterministic', () => {
    const input = { month: '2026-05', timeZone: 'America/New_York', channels: ['blog', 'tiktok', 'BLOG', 'sms', 'email'], postsPerMonth: 5, maxChannels: 2 };
    const plan = planMonthSlots(input);
    expect(plan.channels).toEqual(['blog', 'sms']);
    expect(plan.skippedChannels).toEqual([
      { channel: 'tiktok', reason: 'unknown_channel' },
      { channel: 'blog', reason: 'duplicate' },
      { channel: 'email', reason: 'plan_channel_limit' },
    ]);
    expect(plan.slots).toHaveLength(5);
    expect(planMonthSlots(input)).toEqual(plan);
  });

  it('plans nothing without channels or posts, and refuses a bad month or zone', () => {
    expect(planMonthSlots({ month: '2026-05', timeZone: 'UTC', channels: [], postsPerMonth: 8 }).slots).toEqual([]);
    expect(planMonthSlots({ month: '2026-05', timeZone: 'UTC', channels: ['blog'], postsPerMonth: 0 }).slots).toEqual([]);
    expect(() => planMonthSlots({ month: '2026-13', timeZone: 'UTC', channels: ['blog'], postsPerMonth: 1 })).toThrow(RangeError);
    expect(() => planMonthSlots({ month: '2026-05', timeZone: 'Mars/Olympus', channels: ['blog'], postsPerMonth: 1 })).toThrow(RangeError);
  });

  it('normalises channel names', () => {
    expect(toChannelKind('GOOGLE_BUSINESS')).toBe('google_business');
    expect(toChannelKind('landing-page')).toBe('landing_page');
    expect(toChannelKind('myspace')).toBeNull();
    expect(toChannelKind(42)).toBeNull();
  });
});
