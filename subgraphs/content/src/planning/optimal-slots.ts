// C5: the best posting times of a channel, learned from the client's own
// engagement. Pure: posts in, ranked (weekday × hour) slots out, each with the
// reason a person reads on the calendar.
//
// Engagement of a post = (clicks + likes + comments + shares + saves) ÷
// impressions (reach when impressions are missing), summed over the days
// collected for it (analytics.engagement_metric, see optimal-slots.service.ts).
// Each (weekday, hour) bucket of the client's time zone gets a Bayesian
// average: PRIOR_WEIGHT pseudo-posts at the channel's mean rate (a little
// above it at the channel's default times), plus the bucket's own posts. So a
// bucket needs MIN_BUCKET_POSTS posts to be ranked at all, a bucket with many
// good posts wins, and a channel with thin history keeps its defaults.
import { DateTime } from 'luxon';
import { DEFAULT_POSTING_TIMES, type ChannelKind } from './slot-plan.ts';

/** How far back the history goes. */
export const HISTORY_WEEKS = 16;
/** Fewer measured posts than this on a channel: its defaults are used. */
export const MIN_POSTS = 8;
/** A time needs this many measured posts to be ranked on its own (one lucky post proves little). */
export const MIN_BUCKET_POSTS = 3;
/** Pseudo-posts at the prior mean added to every bucket. */
export const PRIOR_WEIGHT = 4;
/** The prior of a channel's default times is this much above its mean: defaults win ties and empty buckets. */
export const DEFAULT_PRIOR_BONUS = 1.05;

export interface PostOutcome {
  publishedAt: Date;
  impressions: number;
  engagements: number;
}

/**
 * learned: from the client's posts; default: the channel's default time;
 * extra: a day beyond the best weekdays, at the best time; manual: moved by a person.
 */
export type TimingKind = 'learned' | 'default' | 'extra' | 'manual';

/** Why a slot sits at its time (stored on calendar slots as `timing`). */
export interface SlotTiming {
  kind: TimingKind;
  /** ISO weekday, 1 = Monday … 7 = Sunday */
  weekday: number | null;
  hour: number | null;
  minute: number | null;
  /** the bucket's observed engagement rate ÷ the channel's mean (learned slots only) */
  lift: number | null;
  /** measured posts in this bucket within the window */
  posts: number;
  /** measured posts on the channel within the window */
  totalPosts: number;
  weeks: number;
  /** the reason in English (the web app formats its own from the fields) */
  text: string;
}

export interface OptimalSlot {
  weekday: number;
  hour: number;
  minute: number;
  /** smoothed engagement rate of the bucket (0 for defaults without history) */
  score: number;
  timing: SlotTiming;
}

export interface ChannelSlots {
  channel: ChannelKind;
  source: 'learned' | 'default';
  totalPosts: number;
  weeks: number;
  /** mean engagement rate of the channel's measured posts, null without any */
  averageRate: number | null;
  slots: OptimalSlot[];
}

export interface LearnInput {
  channel: ChannelKind;
  timeZone: string;
  now: Date;
  posts: readonly PostOutcome[];
  /** at most this many slots, one per weekday (default: max(3, the channel's default weekdays)) */
  limit?: number;
}

export const CHANNEL_LABELS: Record<ChannelKind, string> = {
  blog: 'Blog',
  landing_page: 'Landing page',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  instagram: 'Instagram',
  x: 'X',
  google_business: 'Google Business Profile',
  newsletter: 'Newsletter',
  email: 'E-mail',
  sms: 'SMS',
};

const WEEKDAYS = ['Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays', 'Sundays'];

export function weekdayPlural(weekday: number): string {
  return WEEKDAYS[weekday - 1] ?? `day ${weekday}`;
}

export function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function formatLift(lift: number): string {
  return `${lift >= 10 ? lift.toFixed(0) : lift.toFixed(1)}×`;
}

interface Bucket {
  weekday: number;
  hour: number;
  minute: number;
  posts: number;
  rateSum: number;
  isDefault: boolean;
}

function defaultSlots(channel: ChannelKind, totalPosts: number, averageRate: number | null, weeks: number): ChannelSlots {
  const time = DEFAULT_POSTING_TIMES[channel];
  const label = CHANNEL_LABELS[channel];
  return {
    channel,
    source: 'default',
    totalPosts,
    weeks,
    averageRate,
    slots: time.weekdays.map((weekday) => ({
      weekday,
      hour: time.hour,
      minute: time.minute,
      score: 0,
      timing: {
        kind: 'default',
        weekday,
        hour: time.hour,
        minute: time.minute,
        lift: null,
        posts: 0,
        totalPosts,
        weeks,
        text: `Default for ${label} (${weekdayPlural(weekday)} ${clock(time.hour, time.minute)}): not enough history yet (${plural(totalPosts, 'post')} in ${weeks} weeks)`,
      },
    })),
  };
}

export function learnOptimalSlots(input: LearnInput): ChannelSlots {
  const { channel } = input;
  const defaults = DEFAULT_POSTING_TIMES[channel];
  const weeks = HISTORY_WEEKS;
  const limit = Math.max(1, Math.min(7, input.limit ?? Math.max(3, defaults.weekdays.length)));
  const from = input.now.getTime() - weeks * 7 * 86_400_000;

  const measured = input.posts.filter((p) => {
    const at = p.publishedAt.getTime();
    return at >= from && at < input.now.getTime() && p.impressions > 0 && p.engagements >= 0;
  });
  const rates = measured.map((p) => p.engagements / p.impressions);
  const totalPosts = measured.length;
  const mean = totalPosts ? rates.reduce((a, b) => a + b, 0) / totalPosts : null;
  if (totalPosts < MIN_POSTS || !mean) return defaultSlots(channel, totalPosts, mean, weeks);

  const buckets = new Map<string, Bucket>();
  const bucket = (weekday: number, hour: number, minute: number): Bucket => {
    const key = `${weekday}:${hour}`;
    let b = buckets.get(key);
    if (!b) {
      b = { weekday, hour, minute, posts: 0, rateSum: 0, isDefault: defaults.weekdays.includes(weekday) && defaults.hour === hour };
      buckets.set(key, b);
    }
    return b;
  };
  for (const weekday of defaults.weekdays) bucket(weekday, defaults.hour, defaults.minute);
  measured.forEach((post, i) => {
    const local = DateTime.fromJSDate(post.publishedAt, { zone: input.timeZone });
    const b = bucket(local.weekday, local.hour, 0);
    b.posts += 1;
    b.rateSum += rates[i]!;
  });

  const scored = [...buckets.values()].filter((b) => b.posts === 0 ? b.isDefault : b.posts >= MIN_BUCKET_POSTS).map((b) => {
    const prior = mean * (b.isDefault ? DEFAULT_PRIOR_BONUS : 1);
    return { ...b, score: (b.rateSum + PRIOR_WEIGHT * prior) / (b.posts + PRIOR_WEIGHT) };
  });
  scored.sort((a, b) => b.score - a.score || Number(b.isDefault) - Number(a.isDefault) || a.weekday - b.weekday || a.hour - b.hour);

  const label = CHANNEL_LABELS[channel];
  const slots: OptimalSlot[] = [];
  const taken = new Set<number>();
  for (const b of scored) {
    if (slots.length >= limit) break;
    if (taken.has(b.weekday)) continue;
    taken.add(b.weekday);
    const when = `${weekdayPlural(b.weekday)} ${clock(b.hour, b.minute)}`;
    if (b.posts > 0) {
      const lift = b.rateSum / b.posts / mean;
      slots.push({
        weekday: b.weekday, hour: b.hour, minute: b.minute, score: b.score,
        timing: {
          kind: 'learned', weekday: b.weekday, hour: b.hour, minute: b.minute, lift, posts: b.posts, totalPosts, weeks,
          text: `${when}: ${formatLift(lift)} your average ${label} engagement over ${weeks} weeks (${b.posts} of ${plural(totalPosts, 'post')})`,
        },
      });
    } else {
      slots.push({
        weekday: b.weekday, hour: b.hour, minute: b.minute, score: b.score,
        timing: {
          kind: 'default', weekday: b.weekday, hour: b.hour, minute: b.minute, lift: null, posts: 0, totalPosts, weeks,
          text: `Default for ${label} (${when}): no other ${weekdayPlural(b.weekday).slice(0, -1)} time did clearly better over ${weeks} weeks (${plural(totalPosts, 'post')})`,
        },
      });
    }
  }
  return { channel, source: 'learned', totalPosts, weeks, averageRate: mean, slots };
}
