// Transport for calendar.graphql: the tenant from the identity, enum case
// mapping (DB lowercase ↔ GraphQL UPPERCASE); rules live in calendar.service.ts.
// A moved slot is told to its item's approval workflow once the move is
// committed, so one waiting for the old time reads the new one.
import type { Client } from '@temporalio/client';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { logger } from '@ensemble/subgraph-kit/logger';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { readSdl, type SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { ContentItem, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { sql } from '../pipeline/sql.ts';
import { optimalSlotsFor, tenantTimeZone } from '../planning/optimal-slots.service.ts';
import type { ChannelSlots, OptimalSlot, SlotTiming } from '../planning/optimal-slots.ts';
import { toChannelKind, type ChannelKind } from '../planning/slot-plan.ts';
import { signalSlotRescheduled } from '../approval/approval-workflow.client.ts';
import { findSlot, listCalendar, rescheduleSlot, undoReschedule, type SlotView } from './calendar.service.ts';

function channelOf(value: string, field: string): ChannelKind {
  const kind = toChannelKind(value);
  if (!kind) throw badInput(`Unknown channel ${value}`, field);
  return kind;
}

function dateOf(value: unknown, field: string): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw badInput('Not a valid time', field);
  return date;
}

function itemLoader(ctx: RequestContext) {
  return requestLoader<string, ContentItemRow>(ctx, 'calendar-items', (ids) => ctx.tx(async ({ em }) => {
    const rows = await em.find(ContentItem, { id: { $in: [...ids] } });
    return new Map(rows.map((r) => [r.id, r]));
  }));
}

export function calendarModule(deps: { temporal: Client; now?: () => Date }): SubgraphModule {
  const now = deps.now ?? (() => new Date());
  return {
    sdl: readSdl(new URL('./calendar.graphql', import.meta.url)),
    resolvers: {
      Query: {
        calendar: (_: unknown, args: { from: unknown; to: unknown; channels?: string[] | null }, ctx: RequestContext) =>
          ctx.tx(({ em, tenantId }) => listCalendar(em, {
            tenantId,
            from: dateOf(args.from, 'from'),
            to: dateOf(args.to, 'to'),
            channels: args.channels?.map((c) => channelOf(c, 'channels')),
          })),
        optimalSlots: (_: unknown, args: { channel: string }, ctx: RequestContext) => ctx.tx(async ({ em, tenantId }) => {
          const channel = channelOf(args.channel, 'channel');
          const timeZone = await tenantTimeZone(em, tenantId);
          const [learned] = await optimalSlotsFor(em, { tenantId, channels: [channel], timeZone, now: now() });
          return { ...learned!, timeZone };
        }),
      },
      Mutation: {
        rescheduleSlot: async (_: unknown, args: { slotId: string; scheduledAt: unknown }, ctx: RequestContext) => {
          const move = await ctx.tx(async ({ em, tenantId }) => {
            const [user] = ctx.identity.kind === 'user'
              ? await sql<{ display_name: string }>(em, `select display_name from tenants."user" where id = ?`, [ctx.identity.actorId])
              : [];
            return rescheduleSlot(em, {
              tenantId,
              slotId: args.slotId,
              scheduledAt: dateOf(args.scheduledAt, 'scheduledAt'),
              now: now(),
              canPublish: ctx.identity.permissions.includes('content:publish'),
              actorName: user?.display_name ?? 'an integration',
            });
          });
          // After the commit, so the workflow's read sees the new time. Any item
          // is told (it may have been approved meanwhile); without a running
          // workflow nothing waits. An item in an approval round may have one
          // waiting for the old time: if Temporal cannot be told, the move is
          // undone and refused rather than published at the old time.
          const { slot } = move;
          if (slot.itemId) {
            try {
              await signalSlotRescheduled(deps, slot.tenantId, slot.itemId);
            } catch (error) {
              logger.error({ err: error, slotId: slot.id, itemId: slot.itemId }, 'moved slot not told to its approval workflow');
              if (!slot.approvalId) return slot;
              await ctx.tx(({ em }) => undoReschedule(em, move));
              throw new AppError('SERVICE_UNAVAILABLE', 'The post was not moved: its scheduled publication cannot be changed right now. Try again in a minute.');
            }
          }
          return slot;
        },
      },
      CalendarSlot: {
        __resolveReference: (ref: { id: string }, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => findSlot(em, tenantId, ref.id)),
        channel: (s: SlotView) => s.channel.toUpperCase(),
        status: (s: SlotView) => s.status.toUpperCase(),
        item: (s: SlotView, _: unknown, ctx: RequestContext) => (s.itemId ? itemLoader(ctx).load(s.itemId) : null),
        approvalStatus: (s: SlotView) => s.approvalStatus?.toUpperCase() ?? null,
        movable: (s: SlotView) => s.status !== 'published' && s.status !== 'cancelled' && s.itemStatus !== 'published',
      },
      SlotTiming: {
        kind: (t: SlotTiming) => t.kind.toUpperCase(),
      },
      ChannelOptimalSlots: {
        channel: (c: ChannelSlots) => c.channel.toUpperCase(),
        source: (c: ChannelSlots) => c.source.toUpperCase(),
        averageEngagementRate: (c: ChannelSlots) => c.averageRate,
      },
      OptimalSlot: {
        score: (s: OptimalSlot) => s.score,
      },
    },
  };
}
