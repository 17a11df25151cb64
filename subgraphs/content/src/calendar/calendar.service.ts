// C5: the editorial calendar — the tenant's slots with their item, the
// item's latest approval and why each sits at its time; moving a slot.
import { DateTime } from 'luxon';
import type { EntityManager } from '@ensemble/db/orm';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';
import type { ApprovalStatus } from '@ensemble/workflow-contracts/approval';
import { sql, toDate } from '../pipeline/sql.ts';
import { clock, weekdayPlural, type SlotTiming } from '../planning/optimal-slots.ts';
import { tenantTimeZone } from '../planning/optimal-slots.service.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';

export const MAX_RANGE_DAYS = 100;
/** A slot moves to at least this far ahead, so it is not due before anyone sees it. */
export const MIN_LEAD_MS = 5 * 60_000;
export const MAX_AHEAD_DAYS = 366;

export interface SlotView {
  id: string;
  tenantId: string;
  channel: ChannelKind;
  scheduledAt: Date;
  status: 'planned' | 'filled' | 'published' | 'cancelled';
  itemId: string | null;
  itemStatus: string | null;
  unfilledReason: string | null;
  timing: SlotTiming | null;
  planMonth: string | null;
  approvalId: string | null;
  approvalStatus: ApprovalStatus | null;
}

const SLOT_SELECT = `
  select s.id, s.tenant_id, s.channel, s.scheduled_at, s.status, s.item_id, s.reason, s.timing, r.month as plan_month,
         i.status as item_status, a.id as approval_id, a.status as approval_status
    from content.calendar_slot s
    left join content.pipeline_run r on r.tenant_id = s.tenant_id and r.id = s.pipeline_run_id
    left join content.content_item i on i.tenant_id = s.tenant_id and i.id = s.item_id
    left join lateral (select a.id, a.status from content.approval a
                        where a.tenant_id = s.tenant_id and a.item_id = s.item_id
                        order by a.created_at desc, a.id desc limit 1) a on true`;

function slotFrom(row: Record<string, unknown>): SlotView {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    channel: row.channel as ChannelKind,
    scheduledAt: toDate(row.scheduled_at),
    status: row.status as SlotView['status'],
    itemId: (row.item_id as string | null) ?? null,
    itemStatus: (row.item_status as string | null) ?? null,
    unfilledReason: row.item_id ? null : ((row.reason as string | null) ?? null),
    timing: (row.timing as SlotTiming | null) ?? null,
    planMonth: (row.plan_month as string | null)?.trim() ?? null,
    approvalId: (row.approval_id as string | null) ?? null,
    approvalStatus: (row.approval_status as ApprovalStatus | null) ?? null,
  };
}

/** The tenant's own slots in [from, to) — never its subtree's (a distributor enters a client to see its calendar). */
export async function listCalendar(em: EntityManager, input: { tenantId: string; from: Date; to: Date; channels?: readonly ChannelKind[] | null }): Promise<SlotView[]> {
  const span = input.to.getTime() - input.from.getTime();
  if (!(span > 0)) throw badInput('"to" must come after "from"', 'to');
  if (span > MAX_RANGE_DAYS * 86_400_000) throw badInput(`A calendar shows at most ${MAX_RANGE_DAYS} days at once`, 'to');
  const channels = input.channels?.length ? input.channels : null;
  const rows = await sql(em,
    `${SLOT_SELECT}
      where s.tenant_id = ? and s.scheduled_at >= ? and s.scheduled_at < ? and s.status <> 'cancelled'
        and (?::jsonb is null or s.channel in (select jsonb_array_elements_text(?::jsonb)))
      order by s.scheduled_at, s.id`,
    [input.tenantId, input.from.toISOString(), input.to.toISOString(), channels && JSON.stringify(channels), channels && JSON.stringify(channels)]);
  return rows.map(slotFrom);
}

export async function findSlot(em: EntityManager, tenantId: string, slotId: string): Promise<SlotView | null> {
  if (!isUuid(slotId)) return null;
  const [row] = await sql(em, `${SLOT_SELECT} where s.tenant_id = ? and s.id = ?`, [tenantId, slotId]);
  return row ? slotFrom(row) : null;
}

export interface RescheduleInput {
  tenantId: string;
  slotId: string;
  scheduledAt: Date;
  now: Date;
  /** the caller holds content:publish (needed to move an approved or scheduled item) */
  canPublish: boolean;
  actorName: string;
}

/** Moves a slot under the rules of calendar.graphql's rescheduleSlot; nothing is written when one fails. */
/** A move: the slot as it is now, and the time and reason it had before. */
export interface SlotMove {
  slot: SlotView;
  before: Pick<SlotView, 'scheduledAt' | 'timing'>;
}

export async function rescheduleSlot(em: EntityManager, input: RescheduleInput): Promise<SlotMove> {
  const slot = await findSlot(em, input.tenantId, input.slotId);
  if (!slot) throw notFound('Calendar slot');
  if (Number.isNaN(input.scheduledAt.getTime())) throw badInput('Not a valid time', 'scheduledAt');
  // One writer per channel at a time, so two moves cannot both take the same free day.
  await sql(em, `select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`calendar:${input.tenantId}:${slot.channel}`]);
  const [locked] = await sql<{ status: string }>(em, `select status from content.calendar_slot where id = ? for update`, [slot.id]);
  if (locked!.status === 'published' || locked!.status === 'cancelled' || slot.itemStatus === 'published') {
    throw new AppError('CONFLICT', `A ${locked!.status === 'cancelled' ? 'cancelled' : 'published'} slot cannot be moved`);
  }
  if ((slot.itemStatus === 'approved' || slot.itemStatus === 'scheduled') && !input.canPublish) {
    throw new AppError('FORBIDDEN', 'Moving approved content changes when it is published: that needs the publishing permission');
  }
  if (input.scheduledAt.getTime() < input.now.getTime() + MIN_LEAD_MS) throw badInput('Pick a time in the future (at least 5 minutes from now)', 'scheduledAt');
  const timeZone = await tenantTimeZone(em, input.tenantId);
  const local = DateTime.fromJSDate(input.scheduledAt, { zone: timeZone });
  if (slot.planMonth) {
    if (local.toFormat('yyyy-MM') !== slot.planMonth) {
      throw badInput(`This slot belongs to the ${slot.planMonth} plan: keep it within that month (${timeZone})`, 'scheduledAt');
    }
  } else if (input.scheduledAt.getTime() > input.now.getTime() + MAX_AHEAD_DAYS * 86_400_000) {
    throw badInput('Pick a time within the next year', 'scheduledAt');
  }
  const dayStart = local.startOf('day');
  const [clash] = await sql<{ id: string }>(em,
    `select id from content.calendar_slot
      where tenant_id = ? and channel = ? and id <> ? and status <> 'cancelled' and scheduled_at >= ? and scheduled_at < ? limit 1`,
    [input.tenantId, slot.channel, slot.id, dayStart.toUTC().toISO()!, dayStart.plus({ days: 1 }).toUTC().toISO()!]);
  if (clash) throw new AppError('CONFLICT', `${slot.channel.replace('_', ' ')} already has a post on ${local.toISODate()}: one per channel and day`, { field: 'scheduledAt' });

  const timing: SlotTiming = {
    kind: 'manual', weekday: local.weekday, hour: local.hour, minute: local.minute, lift: null, posts: 0, totalPosts: 0, weeks: 0,
    text: `Moved to ${weekdayPlural(local.weekday).slice(0, -1)} ${local.toISODate()} ${clock(local.hour, local.minute)} by ${input.actorName}`,
  };
  await sql(em, `update content.calendar_slot set scheduled_at = ?, timing = ?::jsonb where id = ?`,
    [input.scheduledAt.toISOString(), JSON.stringify(timing), slot.id]);
  return { slot: (await findSlot(em, input.tenantId, slot.id))!, before: { scheduledAt: slot.scheduledAt, timing: slot.timing } };
}

/** Puts a moved slot back where it was, unless it has been moved again since. */
export async function undoReschedule(em: EntityManager, move: SlotMove): Promise<void> {
  await sql(em, `update content.calendar_slot set scheduled_at = ?, timing = ?::jsonb where id = ? and scheduled_at = ?`,
    [move.before.scheduledAt.toISOString(), move.before.timing ? JSON.stringify(move.before.timing) : null, move.slot.id, move.slot.scheduledAt.toISOString()]);
}
