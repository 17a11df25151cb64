// C5: reads a client's measured posts of the last HISTORY_WEEKS weeks and
// learns each channel's best times (optimal-slots.ts). A post is a sent
// publication; its engagement is what the channels reported for it in
// analytics.engagement_metric (one row per publication and day).
import type { EntityManager } from '@ensemble/db/orm';
import { sql, toDate } from '../pipeline/sql.ts';
import { HISTORY_WEEKS, learnOptimalSlots, type ChannelSlots, type PostOutcome } from './optimal-slots.ts';
import type { ChannelPostingTimes } from './slot-plan.ts';
import type { ChannelKind } from './slot-plan.ts';

/** Measured posts per channel in [now - HISTORY_WEEKS weeks, now), of the tenant only. */
export async function measuredPosts(em: EntityManager, tenantId: string, channels: readonly ChannelKind[], now: Date): Promise<Map<ChannelKind, PostOutcome[]>> {
  const byChannel = new Map<ChannelKind, PostOutcome[]>(channels.map((c) => [c, []]));
  if (channels.length === 0) return byChannel;
  const from = new Date(now.getTime() - HISTORY_WEEKS * 7 * 86_400_000);
  const rows = await sql<{ channel: ChannelKind; published_at: unknown; impressions: string; reach: string; engagements: string }>(em,
    `select p.channel, p.published_at,
            sum(m.impressions) as impressions, sum(m.reach) as reach,
            sum(m.clicks + m.likes + m.comments + m.shares + m.saves) as engagements
       from content.publication p
       join analytics.engagement_metric m on m.tenant_id = p.tenant_id and m.publication_id = p.id
      where p.tenant_id = ? and p.status = 'sent' and p.published_at >= ? and p.published_at < ?
        and p.channel in (select jsonb_array_elements_text(?::jsonb))
      group by p.id, p.channel, p.published_at`,
    [tenantId, from.toISOString(), now.toISOString(), JSON.stringify(channels)]);
  for (const row of rows) {
    const impressions = Number(row.impressions);
    byChannel.get(row.channel)?.push({
      publishedAt: toDate(row.published_at),
      // Channels that report reach but not impressions (e.g. some stories) still count.
      impressions: impressions > 0 ? impressions : Number(row.reach),
      engagements: Number(row.engagements),
    });
  }
  return byChannel;
}

export async function tenantTimeZone(em: EntityManager, tenantId: string): Promise<string> {
  const [row] = await sql<{ time_zone: string }>(em, 'select time_zone from tenants.tenant where id = ?', [tenantId]);
  return row?.time_zone ?? 'UTC';
}

/** The best times of each channel for the tenant, learned or default. */
export async function optimalSlotsFor(em: EntityManager, input: { tenantId: string; channels: readonly ChannelKind[]; timeZone?: string; now?: Date }): Promise<ChannelSlots[]> {
  const now = input.now ?? new Date();
  const timeZone = input.timeZone ?? (await tenantTimeZone(em, input.tenantId));
  const posts = await measuredPosts(em, input.tenantId, input.channels, now);
  return input.channels.map((channel) => learnOptimalSlots({ channel, timeZone, now, posts: posts.get(channel) ?? [] }));
}

/** The planner's input: ranked times per channel. */
export function postingTimesOf(learned: readonly ChannelSlots[]): Partial<Record<ChannelKind, ChannelPostingTimes>> {
  return Object.fromEntries(learned.map((c) => [c.channel, { slots: c.slots }]));
}
