// W1 step 4 (planning): the month's calendar slots of a run, saved once.
// A slot's id is derived from run + channel + index, so planning again (a
// retried activity, a restarted failed month) finds the slots it made.
import type { EntityManager } from '@ensemble/db/orm';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql, toDate } from '../pipeline/sql.ts';
import { planMonthSlots, toChannelKind, type ChannelKind, type SlotPlan } from './slot-plan.ts';
import { optimalSlotsFor, postingTimesOf } from './optimal-slots.service.ts';

export interface PlanLimits {
  planCode: string | null;
  postsPerMonth: number;
  maxChannels: number | null;
}

function positiveInt(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

/** Reads a plan's limits (tenants.plan.limits json): posts per month and channels. */
export function planLimits(plan: { code: string; limits: Record<string, unknown> } | null): PlanLimits {
  if (!plan) return { planCode: null, postsPerMonth: 0, maxChannels: null };
  const l = plan.limits;
  return {
    planCode: plan.code,
    postsPerMonth: positiveInt(l.posts_per_month ?? l.postsPerMonth) ?? 0,
    maxChannels: positiveInt(l.channels ?? l.max_channels ?? l.maxChannels),
  };
}

export function slotIdFor(runId: string, channel: ChannelKind, index: number): string {
  return uuidV5(`${runId}:slot:${channel}:${index}`);
}

export interface RunSlot {
  id: string;
  channel: ChannelKind;
  scheduledAt: Date;
  status: 'planned' | 'filled' | 'published' | 'cancelled';
  itemId: string | null;
  reason: string | null;
}

function slotFrom(row: Record<string, unknown>): RunSlot {
  return {
    id: row.id as string,
    channel: row.channel as ChannelKind,
    scheduledAt: toDate(row.scheduled_at),
    status: row.status as RunSlot['status'],
    itemId: (row.item_id as string | null) ?? null,
    reason: (row.reason as string | null) ?? null,
  };
}

/** The run's slots in time order (ties by id, so the order is stable). */
export async function listRunSlots(em: EntityManager, runId: string): Promise<RunSlot[]> {
  const rows = await sql(em,
    `select id, channel, scheduled_at, status, item_id, reason from content.calendar_slot
      where pipeline_run_id = ? order by scheduled_at, id`, [runId]);
  return rows.map(slotFrom);
}

export async function getRunSlot(em: EntityManager, runId: string, slotId: string): Promise<RunSlot | null> {
  const [row] = await sql(em,
    `select id, channel, scheduled_at, status, item_id, reason from content.calendar_slot
      where pipeline_run_id = ? and id = ?`, [runId, slotId]);
  return row ? slotFrom(row) : null;
}

/** Position of a slot among the run's slots (0-based, time order). */
export async function slotOrdinal(em: EntityManager, runId: string, slot: RunSlot): Promise<number> {
  const [row] = await sql<{ n: string }>(em,
    `select count(*) as n from content.calendar_slot
      where pipeline_run_id = ? and (scheduled_at, id) < (?::timestamptz, ?::uuid)`, [runId, slot.scheduledAt.toISOString(), slot.id]);
  return Number(row?.n ?? 0);
}

export interface PlanRunInput {
  tenantId: string;
  runId: string;
  month: string;
  timeZone: string;
  channels: readonly string[];
  limits: PlanLimits;
  /** the end of the engagement history the times are learned from (default: now) */
  now?: Date;
}

/** Plans the month and saves its slots (existing ones are kept as they are). */
export async function planRun(em: EntityManager, input: PlanRunInput): Promise<{ plan: SlotPlan; slots: RunSlot[]; created: number }> {
  // C5: each channel's times are learned from the client's own engagement (defaults when thin).
  const known = [...new Set(input.channels.map(toChannelKind).filter((c): c is ChannelKind => c !== null))];
  const learned = await optimalSlotsFor(em, { tenantId: input.tenantId, channels: known, timeZone: input.timeZone, now: input.now });
  const plan = planMonthSlots({
    month: input.month,
    timeZone: input.timeZone,
    channels: input.channels,
    postsPerMonth: input.limits.postsPerMonth,
    maxChannels: input.limits.maxChannels,
    postingTimes: postingTimesOf(learned),
  });
  let created = 0;
  if (plan.slots.length > 0) {
    // Arrays travel as one JSON parameter (the ORM would expand a JS array into a list).
    const rows = plan.slots.map((s) => ({ id: slotIdFor(input.runId, s.channel, s.index), channel: s.channel, at: s.scheduledAt.toISOString(), timing: s.timing }));
    const inserted = await sql(em,
      `insert into content.calendar_slot (id, tenant_id, channel, scheduled_at, status, pipeline_run_id, timing)
       select s.id, ?::uuid, s.channel, s.at, 'planned', ?::uuid, s.timing
         from jsonb_to_recordset(?::jsonb) as s(id uuid, channel text, at timestamptz, timing jsonb)
       on conflict do nothing returning id`,
      [input.tenantId, input.runId, JSON.stringify(rows)]);
    created = inserted.length;
  }
  return { plan, slots: await listRunSlots(em, input.runId), created };
}
