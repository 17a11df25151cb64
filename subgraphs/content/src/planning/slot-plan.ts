// C5/W1 planning: the month's calendar slots per channel, at good default
// times in the client's own time zone. Pure: the same month, zone, channels
// and limit always give the same slots (the pipeline keys them by run +
// channel + index, so a retry finds the slots it already made).
import { DateTime } from 'luxon';
import type { SlotTiming } from './optimal-slots.ts';

export const CHANNEL_KINDS = ['blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export function toChannelKind(value: unknown): ChannelKind | null {
  if (typeof value !== 'string') return null;
  const kind = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (CHANNEL_KINDS as readonly string[]).includes(kind) ? (kind as ChannelKind) : null;
}

export interface PostingTime {
  /** ISO weekdays (1 = Monday … 7 = Sunday) that usually work for the channel */
  weekdays: number[];
  hour: number;
  minute: number;
}

/**
 * Sensible defaults while a client's own engagement history is thin
 * (content.posting_time_stat takes over once it has data): B2B networks on
 * weekday mornings, consumer networks around lunch, e-mail mid-morning, SMS
 * late morning, never in the evening.
 */
export const DEFAULT_POSTING_TIMES: Record<ChannelKind, PostingTime> = {
  blog: { weekdays: [2, 4], hour: 9, minute: 0 },
  landing_page: { weekdays: [1], hour: 9, minute: 30 },
  linkedin: { weekdays: [2, 3, 4], hour: 8, minute: 30 },
  facebook: { weekdays: [3, 5], hour: 13, minute: 0 },
  instagram: { weekdays: [1, 3, 5], hour: 11, minute: 0 },
  x: { weekdays: [1, 2, 3, 4, 5], hour: 12, minute: 0 },
  google_business: { weekdays: [1, 4], hour: 10, minute: 0 },
  newsletter: { weekdays: [2], hour: 10, minute: 0 },
  email: { weekdays: [4], hour: 10, minute: 0 },
  sms: { weekdays: [5, 6], hour: 11, minute: 0 },
};

export interface SlotPlanInput {
  /** YYYY-MM */
  month: string;
  /** IANA zone of the client, e.g. Europe/Paris */
  timeZone: string;
  /** channels from the brand DNA, in order of priority */
  channels: readonly string[];
  /** plan limit: posts per month, all channels together */
  postsPerMonth: number;
  /** plan limit: how many channels may be used (all when omitted) */
  maxChannels?: number | null;
  /**
   * Ranked times per channel (learned from engagement, see optimal-slots.ts),
   * one per weekday; a channel without them uses DEFAULT_POSTING_TIMES.
   */
  postingTimes?: Partial<Record<ChannelKind, ChannelPostingTimes>>;
}

export interface ChannelPostingTimes {
  slots: ReadonlyArray<{ weekday: number; hour: number; minute: number; timing: SlotTiming }>;
}

export interface PlannedSlot {
  channel: ChannelKind;
  /** 0-based position of the slot within its channel this month */
  index: number;
  scheduledAt: Date;
  /** the slot's date in the client's zone, YYYY-MM-DD */
  localDate: string;
  /** why this time (null when planned from the bare defaults) */
  timing: SlotTiming | null;
}

export interface SlotPlan {
  slots: PlannedSlot[];
  channels: ChannelKind[];
  /** channels from the DNA that were not used, and why */
  skippedChannels: Array<{ channel: string; reason: 'unknown_channel' | 'plan_channel_limit' | 'duplicate' }>;
}

/** Spreads `count` picks evenly over `candidates` (centred in each share). */
function spread<T>(candidates: readonly T[], count: number): T[] {
  const picks: T[] = [];
  for (let k = 0; k < count; k += 1) picks.push(candidates[Math.floor(((k + 0.5) * candidates.length) / count)]!);
  return picks;
}

function extraTiming(best: SlotTiming, bestDays: number): SlotTiming {
  const at = `${String(best.hour ?? 0).padStart(2, '0')}:${String(best.minute ?? 0).padStart(2, '0')}`;
  return {
    ...best,
    kind: 'extra',
    weekday: null,
    text: `Extra post: more posts this month than your ${bestDays} best weekday${bestDays === 1 ? '' : 's'}, so at your best time (${at}). ${best.text}`,
  };
}

export function planMonthSlots(input: SlotPlanInput): SlotPlan {
  const first = DateTime.fromISO(`${input.month}-01`, { zone: input.timeZone });
  if (!/^\d{4}-\d{2}$/.test(input.month) || !first.isValid) {
    throw new RangeError(`cannot plan ${input.month} in zone ${input.timeZone}: ${first.invalidExplanation ?? 'bad month'}`);
  }
  if (!Number.isInteger(input.postsPerMonth) || input.postsPerMonth < 0) throw new RangeError('postsPerMonth must be a non-negative integer');

  const skippedChannels: SlotPlan['skippedChannels'] = [];
  const channels: ChannelKind[] = [];
  for (const raw of input.channels) {
    const kind = toChannelKind(raw);
    if (!kind) skippedChannels.push({ channel: String(raw), reason: 'unknown_channel' });
    else if (channels.includes(kind)) skippedChannels.push({ channel: kind, reason: 'duplicate' });
    else if (input.maxChannels != null && channels.length >= input.maxChannels) skippedChannels.push({ channel: kind, reason: 'plan_channel_limit' });
    else channels.push(kind);
  }
  if (channels.length === 0 || input.postsPerMonth === 0) return { slots: [], channels, skippedChannels };

  const days: DateTime[] = [];
  for (let d = first; d.month === first.month; d = d.plus({ days: 1 })) days.push(d);

  const slots: PlannedSlot[] = [];
  channels.forEach((channel, c) => {
    // Even split; earlier (higher-priority) channels take the remainder.
    const wanted = Math.floor(input.postsPerMonth / channels.length) + (c < input.postsPerMonth % channels.length ? 1 : 0);
    const count = Math.min(wanted, days.length); // at most one post per channel and day
    if (count === 0) return;
    const time = DEFAULT_POSTING_TIMES[channel];
    const ranked = input.postingTimes?.[channel]?.slots.length ? input.postingTimes[channel]!.slots : null;
    const weekdays = ranked ? ranked.map((s) => s.weekday) : time.weekdays;
    let candidates = days.filter((d) => weekdays.includes(d.weekday));
    if (candidates.length < count) candidates = days.filter((d) => d.weekday <= 5);
    if (candidates.length < count) candidates = days;
    spread(candidates, count).forEach((day, index) => {
      const own = ranked?.find((s) => s.weekday === day.weekday);
      // A day beyond the ranked weekdays takes the best time of the channel.
      const pick = own ?? ranked?.[0] ?? { hour: time.hour, minute: time.minute, timing: null };
      const at = day.set({ hour: pick.hour, minute: pick.minute, second: 0, millisecond: 0 });
      const timing: SlotTiming | null = own ? own.timing : ranked ? extraTiming(ranked[0]!.timing, weekdays.length) : null;
      slots.push({ channel, index, scheduledAt: at.toUTC().toJSDate(), localDate: at.toISODate()!, timing });
    });
  });
  slots.sort((a, b) => a.scheduledAt.getTime() - b.scheduledAt.getTime() || a.channel.localeCompare(b.channel));
  return { slots, channels, skippedChannels };
}
