// Pure helpers of the calendar: colours by approval status, the reason of a
// slot's time in the reader's language (from the structured timing, not the
// server's English text), and FullCalendar events.
import type { TFunction } from 'i18next';
import type { ApprovalStatus, CalendarSlot, SlotTiming } from './calendar.graphql.ts';

/** Mirrors the server's MIN_POSTS (planning/optimal-slots.ts): below it a channel keeps its defaults. */
export const MIN_POSTS = 8;

export type SlotState = ApprovalStatus | 'EMPTY' | 'PUBLISHED';

/** What colours a slot: published, else its latest approval, else not written yet. */
export function slotState(slot: Pick<CalendarSlot, 'status' | 'approvalStatus' | 'item'>): SlotState {
  if (slot.status === 'PUBLISHED' || slot.item?.status === 'PUBLISHED') return 'PUBLISHED';
  if (!slot.item) return 'EMPTY';
  return slot.approvalStatus ?? 'PENDING';
}

/** Mantine palette names, chosen to read apart (and not by colour alone: the legend and titles say it too). */
export const STATE_COLORS: Record<SlotState, string> = {
  EMPTY: 'gray',
  PENDING: 'orange',
  APPROVED: 'teal',
  AUTO_APPROVED: 'green',
  CHANGES_REQUESTED: 'red',
  REGENERATING: 'violet',
  REJECTED: 'red',
  EXPIRED: 'dark',
  PUBLISHED: 'indigo',
};

export function stateColor(state: SlotState): string {
  return `var(--mantine-color-${STATE_COLORS[state]}-${state === 'EMPTY' ? 5 : 7})`;
}

function weekdayName(weekday: number, language: string): string {
  // 2024-01-01 was a Monday.
  const date = new Date(Date.UTC(2024, 0, weekday, 12));
  const name = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(date);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function clock(hour: number | null, minute: number | null): string {
  return `${String(hour ?? 0).padStart(2, '0')}:${String(minute ?? 0).padStart(2, '0')}`;
}

export function formatLift(lift: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: lift >= 10 ? 0 : 1, minimumFractionDigits: lift >= 10 ? 0 : 1 }).format(lift);
}

/** The reason a slot sits at its time, in the reader's language. */
export function timingReason(timing: SlotTiming, channelLabel: string, t: TFunction, language: string): string {
  const day = timing.weekday ? weekdayName(timing.weekday, language) : '';
  const time = clock(timing.hour, timing.minute);
  const base = { channel: channelLabel, day, time, weeks: timing.weeks, posts: timing.posts, total: timing.totalPosts };
  switch (timing.kind) {
    case 'LEARNED':
      return t('calendar.timing.learned', { ...base, lift: formatLift(timing.lift ?? 1, language) });
    case 'DEFAULT':
      return timing.totalPosts < MIN_POSTS ? t('calendar.timing.defaultThin', base) : t('calendar.timing.defaultBetter', base);
    case 'EXTRA':
      return t('calendar.timing.extra', base);
    case 'MANUAL':
      return t('calendar.timing.manual');
  }
}

export interface SlotEvent {
  id: string;
  title: string;
  start: string;
  allDay: false;
  startEditable: boolean;
  backgroundColor: string;
  borderColor: string;
  textColor: string;
  classNames: string[];
  extendedProps: { slot: CalendarSlot; state: SlotState };
}

export function toEvent(slot: CalendarSlot, channelLabel: string, t: TFunction): SlotEvent {
  const state = slotState(slot);
  const color = stateColor(state);
  const title = slot.item ? `${channelLabel} · ${slot.item.title}` : `${channelLabel} · ${t('calendar.notWritten')}`;
  return {
    id: slot.id,
    title,
    start: slot.scheduledAt,
    allDay: false,
    startEditable: slot.movable,
    backgroundColor: state === 'EMPTY' ? 'var(--mantine-color-gray-1)' : color,
    borderColor: color,
    textColor: state === 'EMPTY' ? 'var(--mantine-color-gray-8)' : 'white',
    classNames: [`slot-state-${state.toLowerCase()}`],
    extendedProps: { slot, state },
  };
}
