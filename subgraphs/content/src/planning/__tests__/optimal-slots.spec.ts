import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { DEFAULT_POSTING_TIMES, planMonthSlots } from '../slot-plan.ts';
import { HISTORY_WEEKS, MIN_POSTS, learnOptimalSlots, type PostOutcome } from '../optimal-slots.ts';

const ZONE = 'Europe/Paris';
const NOW = new Date('2026-03-02T08:00:00Z');

/** A post `weeksAgo` weeks before NOW, on an ISO weekday at a local hour, with an engagement rate. */
function post(weeksAgo: number, weekday: number, hour: number, rate: number, impressions = 1000): PostOutcome {
  const monday = DateTime.fromJSDate(NOW, { zone: ZONE }).startOf('week').minus({ weeks: weeksAgo });
  const at = monday.plus({ days: weekday - 1 }).set({ hour, minute: 20 });
  return { publishedAt: at.toUTC().toJSDate(), impressions, engagements: Math.round(rate * impressions) };
}

/** Weekly posts over `weeks` weeks: Mon 11:00 and Wed 11:00 at 4 %, Tue 18:00 at `tuesdayRate`. */
function history(weeks: number, tuesdayRate: number): PostOutcome[] {
  const posts: PostOutcome[] = [];
  for (let w = 1; w <= weeks; w += 1) {
    posts.push(post(w, 1, 11, 0.04), post(w, 3, 11, 0.04), post(w, 2, 18, tuesdayRate));
  }
  return posts;
}

describe('learnOptimalSlots', () => {
  it('keeps the defaults, and says why, when the history is thin', () => {
    const learned = learnOptimalSlots({ channel: 'instagram', timeZone: ZONE, now: NOW, posts: [post(1, 2, 18, 0.2), post(2, 2, 18, 0.2), post(3, 2, 18, 0.2)] });
    expect(learned.source).toBe('default');
    expect(learned.totalPosts).toBe(3);
    const defaults = DEFAULT_POSTING_TIMES.instagram;
    expect(learned.slots.map((s) => [s.weekday, s.hour, s.minute])).toEqual(defaults.weekdays.map((d) => [d, defaults.hour, defaults.minute]));
    expect(learned.slots[0]!.timing.kind).toBe('default');
    expect(learned.slots[0]!.timing.text).toBe('Default for Instagram (Mondays 11:00): not enough history yet (3 posts in 16 weeks)');
  });

  it('finds the time that engages best, in the client zone, with its lift and post counts', () => {
    const posts = history(14, 0.092); // Tuesdays 18:00 at 9.2 % vs 4 % elsewhere
    const learned = learnOptimalSlots({ channel: 'instagram', timeZone: ZONE, now: NOW, posts });
    expect(learned.source).toBe('learned');
    expect(learned.totalPosts).toBe(42);
    const best = learned.slots[0]!;
    expect([best.weekday, best.hour, best.minute]).toEqual([2, 18, 0]);
    // mean = (28 × 0.04 + 14 × 0.092) / 42 = 0.05733…; lift = 0.092 / mean = 1.60
    expect(best.timing.lift).toBeCloseTo(0.092 / ((28 * 0.04 + 14 * 0.092) / 42), 6);
    expect(best.timing).toMatchObject({ kind: 'learned', posts: 14, totalPosts: 42, weeks: HISTORY_WEEKS });
    expect(best.timing.text).toBe('Tuesdays 18:00: 1.6× your average Instagram engagement over 16 weeks (14 of 42 posts)');
    // one slot per weekday, best first
    expect(new Set(learned.slots.map((s) => s.weekday)).size).toBe(learned.slots.length);
    expect(learned.slots.map((s) => s.score)).toEqual(learned.slots.map((s) => s.score).sort((a, b) => b - a));
  });

  it('buckets by the local hour across daylight saving time (Paris: 17:10 UTC in March, 16:10 UTC in April are both 18:10)', () => {
    const now = new Date('2026-05-01T00:00:00Z');
    const winter = Array.from({ length: 10 }, () => ({ publishedAt: new Date('2026-03-24T17:10:00Z'), impressions: 100, engagements: 20 }));
    const summer = Array.from({ length: 10 }, () => ({ publishedAt: new Date('2026-04-14T16:10:00Z'), impressions: 100, engagements: 20 }));
    const contrast = Array.from({ length: 10 }, () => ({ publishedAt: new Date('2026-04-15T16:10:00Z'), impressions: 100, engagements: 2 }));
    const learned = learnOptimalSlots({ channel: 'facebook', timeZone: ZONE, now, posts: [...winter, ...summer, ...contrast] });
    expect(learned.slots[0]!).toMatchObject({ weekday: 2, hour: 18, minute: 0 });
    expect(learned.slots[0]!.timing.posts).toBe(20);
  });

  it('does not trust one lucky post, but learns from a few', () => {
    const lucky = [...history(10, 0.08), post(2, 7, 3, 0.5)]; // one Sunday 03:00 post at 50 %
    const once = learnOptimalSlots({ channel: 'instagram', timeZone: ZONE, now: NOW, posts: lucky });
    expect([once.slots[0]!.weekday, once.slots[0]!.hour]).toEqual([2, 18]);
    expect(once.slots.some((s) => s.weekday === 7 && s.hour === 3)).toBe(false);
    const thrice = learnOptimalSlots({ channel: 'instagram', timeZone: ZONE, now: NOW, posts: [...lucky, post(3, 7, 3, 0.5), post(4, 7, 3, 0.5)] });
    expect([thrice.slots[0]!.weekday, thrice.slots[0]!.hour]).toEqual([7, 3]);
    // Smoothing: the ranked score sits between the bucket's own rate and the channel mean.
    expect(thrice.slots[0]!.score).toBeLessThan(0.5);
    expect(thrice.slots[0]!.score).toBeGreaterThan(thrice.averageRate!);
  });

  it('ignores posts older than 16 weeks, in the future, or without impressions', () => {
    const old = Array.from({ length: 20 }, (_, i) => post(HISTORY_WEEKS + 1 + (i % 3), 2, 18, 0.3));
    const unmeasured = Array.from({ length: 20 }, () => post(1, 2, 18, 0, 0));
    const future = Array.from({ length: 20 }, () => ({ publishedAt: new Date(NOW.getTime() + 86_400_000), impressions: 100, engagements: 50 }));
    const learned = learnOptimalSlots({ channel: 'linkedin', timeZone: ZONE, now: NOW, posts: [...old, ...unmeasured, ...future, post(1, 4, 9, 0.05)] });
    expect(learned.source).toBe('default');
    expect(learned.totalPosts).toBe(1);
  });

  it(`switches from defaults to learned at ${MIN_POSTS} measured posts`, () => {
    // Thursdays 19:00 at 10 %, Fridays 08:00 at 2 %.
    const posts = Array.from({ length: MIN_POSTS }, (_, i) => (i % 2 === 0 ? post(i + 1, 4, 19, 0.1) : post(i + 1, 5, 8, 0.02)));
    expect(learnOptimalSlots({ channel: 'x', timeZone: ZONE, now: NOW, posts: posts.slice(1) }).source).toBe('default');
    const learned = learnOptimalSlots({ channel: 'x', timeZone: ZONE, now: NOW, posts });
    expect(learned.source).toBe('learned');
    expect(learned.slots[0]!).toMatchObject({ weekday: 4, hour: 19 });
    expect(learned.slots[0]!.timing.text).toBe('Thursdays 19:00: 1.7× your average X engagement over 16 weeks (4 of 8 posts)');
    // The rest of the week keeps the defaults (Friday 08:00 did worse than them), labelled so.
    const others = learned.slots.slice(1);
    expect(others.length).toBeGreaterThan(0);
    for (const s of others) {
      expect(s.timing.kind).toBe('default');
      expect(s.hour).toBe(DEFAULT_POSTING_TIMES.x.hour);
      expect(s.timing.text).toMatch(/^Default for X \(\w+days 12:00\): no other \w+day time did clearly better over 16 weeks \(8 posts\)$/);
    }
  });
});

describe('planMonthSlots with learned times', () => {
  it('plans on the learned weekdays at the learned hour, and says why', () => {
    const learned = learnOptimalSlots({ channel: 'instagram', timeZone: ZONE, now: NOW, posts: history(14, 0.092) });
    const plan = planMonthSlots({ month: '2026-03', timeZone: ZONE, channels: ['instagram'], postsPerMonth: 4, postingTimes: { instagram: { slots: learned.slots } } });
    expect(plan.slots).toHaveLength(4);
    const byWeekday = new Map(learned.slots.map((s) => [s.weekday, s]));
    for (const slot of plan.slots) {
      const local = DateTime.fromJSDate(slot.scheduledAt, { zone: ZONE });
      const chosen = byWeekday.get(local.weekday)!;
      expect(chosen).toBeDefined();
      expect([local.hour, local.minute]).toEqual([chosen.hour, chosen.minute]);
      expect(slot.timing).toEqual(chosen.timing);
    }
  });

  it('puts days beyond the best weekdays at the best time, marked as extra', () => {
    const learned = learnOptimalSlots({ channel: 'instagram', timeZone: ZONE, now: NOW, posts: history(14, 0.092), limit: 1 });
    expect(learned.slots).toHaveLength(1);
    // 10 posts in March 2026 but only 5 Tuesdays: the other days fall back to weekdays, at Tuesday's 18:00.
    const plan = planMonthSlots({ month: '2026-03', timeZone: ZONE, channels: ['instagram'], postsPerMonth: 10, postingTimes: { instagram: { slots: learned.slots } } });
    expect(plan.slots).toHaveLength(10);
    for (const slot of plan.slots) {
      const local = DateTime.fromJSDate(slot.scheduledAt, { zone: ZONE });
      expect(local.hour).toBe(18);
      expect(slot.timing!.kind).toBe(local.weekday === 2 ? 'learned' : 'extra');
    }
    expect(plan.slots.find((s) => s.timing!.kind === 'extra')!.timing!.text).toMatch(/^Extra post: .* at your best time \(18:00\)\. Tuesdays 18:00: /);
  });
});
