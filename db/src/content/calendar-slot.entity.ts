import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { CHANNELS } from '../vocabulary.ts';

/** C5: the editorial calendar. A slot is planned, then filled by an item. */
export const CalendarSlot = defineEntity({
  name: 'CalendarSlot',
  tableName: 'content.calendar_slot',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    channel: p.enum(CHANNELS),
    scheduledAt: p.datetime(),
    status: p.enum(['planned', 'filled', 'published', 'cancelled'] as const).default('planned'),
    itemId: p.uuid().nullable(),
    reason: p.text().nullable(),
    /** why the slot sits at its time (0016): learned, default, extra or moved by hand */
    timing: p.json<Record<string, unknown>>().nullable(),
    pipelineRunId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CalendarSlotRow = InstanceType<typeof CalendarSlot.class>;

/**
 * C5: engagement by channel, weekday and hour (client's time zone), from
 * which optimal slots are learned.
 */
export const PostingTimeStat = defineEntity({
  name: 'PostingTimeStat',
  tableName: 'content.posting_time_stat',
  properties: {
    tenantId: p.uuid().primary(),
    channel: p.enum(CHANNELS).primary(),
    weekday: p.smallint().primary(),
    hour: p.smallint().primary(),
    publications: p.integer().default(0),
    impressions: p.bigint('number').default(0),
    engagements: p.bigint('number').default(0),
    score: p.decimal('number').default(0),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type PostingTimeStatRow = InstanceType<typeof PostingTimeStat.class>;
