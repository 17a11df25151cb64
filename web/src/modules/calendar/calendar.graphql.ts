import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';
import type { ContentStatus } from '../studio/studio.graphql.ts';
import type { Channel } from '../studio/studio.graphql.ts';

export type ApprovalStatus = 'PENDING' | 'APPROVED' | 'CHANGES_REQUESTED' | 'REGENERATING' | 'REJECTED' | 'EXPIRED' | 'AUTO_APPROVED';
export type SlotStatus = 'PLANNED' | 'FILLED' | 'PUBLISHED' | 'CANCELLED';
export type SlotTimingKind = 'LEARNED' | 'DEFAULT' | 'EXTRA' | 'MANUAL';

export interface SlotTiming {
  kind: SlotTimingKind;
  weekday: number | null;
  hour: number | null;
  minute: number | null;
  lift: number | null;
  posts: number;
  totalPosts: number;
  weeks: number;
  text: string;
}

export interface CalendarSlot {
  id: string;
  channel: Channel;
  scheduledAt: string;
  status: SlotStatus;
  approvalId: string | null;
  approvalStatus: ApprovalStatus | null;
  movable: boolean;
  planMonth: string | null;
  unfilledReason: string | null;
  timing: SlotTiming | null;
  item: { id: string; title: string; status: ContentStatus } | null;
}

const TIMING_FIELDS = 'kind weekday hour minute lift posts totalPosts weeks text';

const SLOT_FIELDS = gql`
  fragment CalendarSlotFields on CalendarSlot {
    id
    channel
    scheduledAt
    status
    approvalId
    approvalStatus
    movable
    planMonth
    unfilledReason
    timing { ${TIMING_FIELDS} }
    item { id title status }
  }
`;

export const CALENDAR_QUERY: TypedDocumentNode<{ calendar: CalendarSlot[] }, { from: string; to: string; channels?: Channel[] | null }> = gql`
  query Calendar($from: DateTime!, $to: DateTime!, $channels: [Channel!]) {
    calendar(from: $from, to: $to, channels: $channels) {
      ...CalendarSlotFields
    }
  }
  ${SLOT_FIELDS}
`;

export const RESCHEDULE_SLOT_MUTATION: TypedDocumentNode<{ rescheduleSlot: CalendarSlot }, { slotId: string; scheduledAt: string }> = gql`
  mutation RescheduleSlot($slotId: ID!, $scheduledAt: DateTime!) {
    rescheduleSlot(slotId: $slotId, scheduledAt: $scheduledAt) {
      ...CalendarSlotFields
    }
  }
  ${SLOT_FIELDS}
`;

export interface OptimalSlot {
  weekday: number;
  hour: number;
  minute: number;
  score: number;
  timing: SlotTiming;
}

export interface ChannelOptimalSlots {
  channel: Channel;
  source: SlotTimingKind;
  totalPosts: number;
  weeks: number;
  averageEngagementRate: number | null;
  timeZone: string;
  slots: OptimalSlot[];
}

export const OPTIMAL_SLOTS_QUERY: TypedDocumentNode<{ optimalSlots: ChannelOptimalSlots }, { channel: Channel }> = gql`
  query OptimalSlots($channel: Channel!) {
    optimalSlots(channel: $channel) {
      channel
      source
      totalPosts
      weeks
      averageEngagementRate
      timeZone
      slots { weekday hour minute score timing { ${TIMING_FIELDS} } }
    }
  }
`;
