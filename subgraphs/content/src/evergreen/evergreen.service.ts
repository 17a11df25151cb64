// C13: evergreen recycling. Past content that still performs is proposed for
// a refresh and a republication, with cooldowns and a monthly cap.
//
// Ensemble's scoring, per client:
// - engagement of a published item = its analytics events of the last 30
//   days (tied to it by utm_content — the item's slug or id as the UTM tagger
//   writes it, or a tagged link's recorded utm_content — or by an itemId
//   property), each conversion counting 5 (the event plus 4); the pipeline's
//   own bookkeeping events are left out;
// - score = the share of the client's other published items it out-performs
//   (0 … 1; the median sits at 0.5);
// - a candidate is published at least min_age_days ago, engages more than the
//   client's median (and more than nothing), scores at least min_score, has no
//   open proposal, and is not cooling down: neither refreshed nor decided on
//   (accepted or dismissed) within cooldown_days;
// - at most K proposals a calendar month (UTC): the plan's
//   evergreen_per_month limit when it sets one, else the policy's max_per_month;
//   the best engagement first.
// Every proposal keeps its numbers (metrics) and says why in words.
//
// Accepting creates the refresh: a new item (refreshed_from_id) whose version
// 1 copies the current text with a freshness line ("Updated May 2026"), the
// item's mode applied as to any new version (a pending approval in semi mode),
// and a calendar slot at the channel's next best time at least two days ahead.
// The studio then regenerates it like any item if the client wants new words.
import { DateTime } from 'luxon';
import type { EntityManager } from '@ensemble/db/orm';
import { ContentItem, ContentVersion, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { planLimit, planTerms } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import { sql, toDate, toDateOrNull, type Row } from '../pipeline/sql.ts';
import { optimalSlotsFor, tenantTimeZone } from '../planning/optimal-slots.service.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';
import type { SlotTiming } from '../planning/optimal-slots.ts';
import { applyReviewPolicy } from '../studio/review-policy.ts';
import { utmToken } from '../utm/utm-tagger.ts';

export const ENGAGEMENT_WINDOW_DAYS = 30;
export const CONVERSION_WEIGHT = 5;
/** A republication is scheduled at least this far ahead, so people can review the refresh. */
export const REPUBLISH_LEAD_HOURS = 48;

export interface EvergreenPolicy {
  minAgeDays: number;
  cooldownDays: number;
  maxPerMonth: number;
  minScore: number;
}

/** The table's defaults (0003): what a client without a policy row gets. */
export const DEFAULT_POLICY: EvergreenPolicy = { minAgeDays: 90, cooldownDays: 120, maxPerMonth: 4, minScore: 0.5 };

export interface PolicyView extends EvergreenPolicy {
  /** the plan's evergreen_per_month, which wins over maxPerMonth when set */
  planMaxPerMonth: number | null;
  proposedThisMonth: number;
}

export interface ItemStats {
  itemId: string;
  title: string;
  channel: ChannelKind;
  publishedAt: Date;
  events: number;
  conversions: number;
}

export interface CandidateMetrics {
  events: number;
  conversions: number;
  engagement: number;
  median: number;
  percentile: number;
  ageDays: number;
  publishedItems: number;
  windowDays: number;
}

export interface ScoredItem extends ItemStats {
  metrics: CandidateMetrics;
  /** null: a candidate; else why not */
  excluded: 'too_recent' | 'not_above_median' | 'below_min_score' | 'cooling_down' | 'open' | null;
}

export const engagementOf = (s: Pick<ItemStats, 'events' | 'conversions'>) => s.events + (CONVERSION_WEIGHT - 1) * s.conversions;

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Pure scoring: every published item with its metrics and, when it is not a
 * candidate, why. Candidates come first, best engagement first.
 */
export function scoreItems(items: readonly ItemStats[], policy: EvergreenPolicy, now: Date, blocked: { cooling: ReadonlySet<string>; open: ReadonlySet<string> }): ScoredItem[] {
  const engagements = items.map(engagementOf);
  const med = median(engagements);
  const scored = items.map((item, i): ScoredItem => {
    const engagement = engagements[i]!;
    const below = engagements.filter((e, j) => j !== i && e < engagement).length;
    const percentile = items.length > 1 ? below / (items.length - 1) : 0;
    const ageDays = Math.floor((now.getTime() - item.publishedAt.getTime()) / 86_400_000);
    const metrics: CandidateMetrics = {
      events: item.events, conversions: item.conversions, engagement, median: med, percentile: Math.round(percentile * 1000) / 1000,
      ageDays, publishedItems: items.length, windowDays: ENGAGEMENT_WINDOW_DAYS,
    };
    let excluded: ScoredItem['excluded'] = null;
    if (blocked.open.has(item.itemId)) excluded = 'open';
    else if (blocked.cooling.has(item.itemId)) excluded = 'cooling_down';
    else if (ageDays < policy.minAgeDays) excluded = 'too_recent';
    else if (!(engagement > med && engagement > 0)) excluded = 'not_above_median';
    else if (metrics.percentile < policy.minScore) excluded = 'below_min_score';
    return { ...item, metrics, excluded };
  });
  return scored.sort((a, b) => Number(a.excluded !== null) - Number(b.excluded !== null) || b.metrics.engagement - a.metrics.engagement || a.itemId.localeCompare(b.itemId));
}

/** The reason in the client's language, from the stored numbers. */
export function reasonText(m: CandidateMetrics, locale: string): string {
  const pct = Math.round(m.percentile * 100);
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1).replace('.', locale.startsWith('fr') ? ',' : '.'));
  if (locale.startsWith('fr')) {
    return `${m.events} événement(s) dont ${m.conversions} conversion(s) sur ${m.windowDays} jours (engagement ${m.engagement}, médiane ${fmt(m.median)}) : `
      + `mieux que ${pct} % de vos ${m.publishedItems} contenus publiés ; publié il y a ${m.ageDays} jours.`;
  }
  return `${m.events} event(s) including ${m.conversions} conversion(s) in ${m.windowDays} days (engagement ${m.engagement}, median ${fmt(m.median)}): `
    + `better than ${pct}% of your ${m.publishedItems} published pieces; published ${m.ageDays} days ago.`;
}

export async function policyOf(em: EntityManager, tenantId: string): Promise<EvergreenPolicy> {
  const [row] = await sql(em, 'select min_age_days, cooldown_days, max_per_month, min_score from content.evergreen_policy where tenant_id = ?', [tenantId]);
  if (!row) return { ...DEFAULT_POLICY };
  return { minAgeDays: Number(row.min_age_days), cooldownDays: Number(row.cooldown_days), maxPerMonth: Number(row.max_per_month), minScore: Number(row.min_score) };
}

function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

async function proposedSince(em: EntityManager, tenantId: string, since: Date): Promise<number> {
  const [row] = await sql<{ n: string }>(em, 'select count(*) as n from content.evergreen_candidate where tenant_id = ? and proposed_at >= ?', [tenantId, since.toISOString()]);
  return Number(row?.n ?? 0);
}

export async function policyView(em: EntityManager, tenantId: string, now: Date): Promise<PolicyView> {
  const policy = await policyOf(em, tenantId);
  const planMaxPerMonth = planLimit(await planTerms(em, tenantId), 'evergreen_per_month');
  return { ...policy, planMaxPerMonth, proposedThisMonth: await proposedSince(em, tenantId, monthStart(now)) };
}

export interface PolicyInput {
  minAgeDays?: number | null;
  cooldownDays?: number | null;
  maxPerMonth?: number | null;
  minScore?: number | null;
}

export async function updatePolicy(em: EntityManager, tenantId: string, input: PolicyInput, now: Date): Promise<PolicyView> {
  const current = await policyOf(em, tenantId);
  const next = {
    minAgeDays: input.minAgeDays ?? current.minAgeDays,
    cooldownDays: input.cooldownDays ?? current.cooldownDays,
    maxPerMonth: input.maxPerMonth ?? current.maxPerMonth,
    minScore: input.minScore ?? current.minScore,
  };
  const whole = (v: number, lo: number, hi: number, field: string) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw badInput(`${field} must be a whole number between ${lo} and ${hi}`, field);
  };
  whole(next.minAgeDays, 7, 3650, 'minAgeDays');
  whole(next.cooldownDays, 7, 3650, 'cooldownDays');
  whole(next.maxPerMonth, 0, 100, 'maxPerMonth');
  if (!Number.isFinite(next.minScore) || next.minScore < 0 || next.minScore > 1) throw badInput('minScore must be between 0 and 1', 'minScore');
  await sql(em,
    `insert into content.evergreen_policy (tenant_id, min_age_days, cooldown_days, max_per_month, min_score, updated_at) values (?, ?, ?, ?, ?, now())
     on conflict (tenant_id) do update set min_age_days = excluded.min_age_days, cooldown_days = excluded.cooldown_days,
       max_per_month = excluded.max_per_month, min_score = excluded.min_score, updated_at = now()`,
    [tenantId, next.minAgeDays, next.cooldownDays, next.maxPerMonth, next.minScore]);
  return policyView(em, tenantId, now);
}

/** Every published item of the tenant with its events and conversions of the window. */
export async function publishedItemStats(em: EntityManager, tenantId: string, now: Date): Promise<ItemStats[]> {
  const items = await sql(em,
    `select id, title, channel, slug, published_at from content.content_item
      where tenant_id = ? and status = 'published' and published_at is not null order by published_at, id`, [tenantId]);
  if (items.length === 0) return [];
  // utm_content as the tagger writes it (slug, else id), and the id's token for links tagged before a slug existed.
  const keys = items.flatMap((i) => {
    const id = i.id as string;
    const slugToken = utmToken((i.slug as string | null) ?? id);
    return [...new Set([slugToken, utmToken(id)])].filter(Boolean).map((key) => ({ item: id, key }));
  });
  const since = new Date(now.getTime() - ENGAGEMENT_WINDOW_DAYS * 86_400_000);
  const rows = await sql<{ item_id: string; events: string; conversions: string }>(em,
    `with keys(item_id, key) as (
        select (k ->> 'item')::uuid, k ->> 'key' from jsonb_array_elements(?::jsonb) k
        union
        select l.item_id, l.utm_content from content.utm_link l where l.tenant_id = ? and l.item_id is not null and l.utm_content is not null
     ),
     items(id) as (select distinct item_id from keys),
     hits as (
        select k.item_id, e.event_id from analytics.event e join keys k on e.utm_content = k.key
         where e.tenant_id = ? and e.occurred_at >= ? and e.occurred_at < ? and e.source <> 'pipeline'
        union
        select i.id, e.event_id from analytics.event e
          join items i on i.id::text = coalesce(e.properties ->> 'itemId', e.properties ->> 'item_id')
         where e.tenant_id = ? and e.occurred_at >= ? and e.occurred_at < ? and e.source <> 'pipeline'
     )
     select h.item_id, count(*) as events, count(c.event_id) as conversions
       from hits h left join analytics.conversion c on c.tenant_id = ? and c.event_id = h.event_id
      group by h.item_id`,
    [JSON.stringify(keys), tenantId, tenantId, since.toISOString(), now.toISOString(), tenantId, since.toISOString(), now.toISOString(), tenantId]);
  const byItem = new Map(rows.map((r) => [r.item_id, r]));
  return items.map((i) => {
    const hit = byItem.get(i.id as string);
    return {
      itemId: i.id as string,
      title: i.title as string,
      channel: i.channel as ChannelKind,
      publishedAt: toDate(i.published_at),
      events: Number(hit?.events ?? 0),
      conversions: Number(hit?.conversions ?? 0),
    };
  });
}

async function blockedItems(em: EntityManager, tenantId: string, now: Date, cooldownDays: number): Promise<{ cooling: Set<string>; open: Set<string> }> {
  const since = new Date(now.getTime() - cooldownDays * 86_400_000).toISOString();
  const open = await sql<{ item_id: string }>(em, `select item_id from content.evergreen_candidate where tenant_id = ? and status in ('proposed', 'accepted')`, [tenantId]);
  const cooling = await sql<{ item_id: string }>(em,
    `select item_id from content.evergreen_candidate where tenant_id = ? and cooldown_until > ?
     union
     select refreshed_from_id from content.content_item where tenant_id = ? and refreshed_from_id is not null and created_at > ?`,
    [tenantId, now.toISOString(), tenantId, since]);
  return { cooling: new Set(cooling.map((r) => r.item_id)), open: new Set(open.map((r) => r.item_id)) };
}

export interface CandidateView {
  id: string;
  tenantId: string;
  itemId: string;
  status: 'proposed' | 'accepted' | 'dismissed' | 'republished';
  score: number;
  metrics: CandidateMetrics;
  reason: string;
  refreshItemId: string | null;
  refreshScheduledAt: Date | null;
  cooldownUntil: Date | null;
  proposedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
}

const CANDIDATE_SELECT = `
  select c.id, c.tenant_id, c.item_id, c.status, c.score, c.metrics, c.refresh_item_id, c.cooldown_until, c.proposed_at, c.decided_at, c.decided_by,
         s.scheduled_at as refresh_scheduled_at, t.locale
    from content.evergreen_candidate c
    join tenants.tenant t on t.id = c.tenant_id
    left join content.content_item r on r.tenant_id = c.tenant_id and r.id = c.refresh_item_id
    left join content.calendar_slot s on s.tenant_id = r.tenant_id and s.id = r.calendar_slot_id`;

function candidateFrom(row: Row): CandidateView {
  const metrics = row.metrics as CandidateMetrics;
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    itemId: row.item_id as string,
    status: row.status as CandidateView['status'],
    score: Number(row.score),
    metrics,
    reason: reasonText(metrics, (row.locale as string) ?? 'en'),
    refreshItemId: (row.refresh_item_id as string | null) ?? null,
    refreshScheduledAt: toDateOrNull(row.refresh_scheduled_at),
    cooldownUntil: toDateOrNull(row.cooldown_until),
    proposedAt: toDate(row.proposed_at),
    decidedAt: toDateOrNull(row.decided_at),
    decidedBy: (row.decided_by as string | null) ?? null,
  };
}

export async function getCandidate(em: EntityManager, id: string): Promise<CandidateView> {
  const [row] = isUuid(id) ? await sql(em, `${CANDIDATE_SELECT} where c.id = ?`, [id]) : [];
  if (!row) throw notFound('Evergreen candidate');
  return candidateFrom(row);
}

export type CandidateStatus = CandidateView['status'];

export async function listCandidates(em: EntityManager, tenantId: string, statuses: readonly CandidateStatus[] | null): Promise<CandidateView[]> {
  const rows = await sql(em,
    `${CANDIDATE_SELECT} where c.tenant_id = ? and (?::jsonb is null or c.status in (select jsonb_array_elements_text(?::jsonb)))
      order by case c.status when 'proposed' then 0 when 'accepted' then 1 else 2 end, c.proposed_at desc, c.score desc limit 200`,
    [tenantId, statuses?.length ? JSON.stringify(statuses) : null, statuses?.length ? JSON.stringify(statuses) : null]);
  return rows.map(candidateFrom);
}

export interface ProposalRun {
  proposed: CandidateView[];
  /** published items looked at */
  considered: number;
  median: number;
  /** proposals this month still allowed after this run */
  capLeft: number;
  cap: number;
}

/**
 * Finds this month's evergreen candidates and proposes them, within the cap.
 * Serialised per tenant (a transaction-scoped advisory lock), so two runs at
 * once (the pipeline and a person) cannot overshoot the cap.
 */
export async function proposeCandidates(em: EntityManager, tenantId: string, now: Date): Promise<ProposalRun> {
  await sql(em, `select pg_advisory_xact_lock(hashtext('evergreen:' || ?))`, [tenantId]);
  // A refresh that went out makes its proposal republished (and frees the open slot; the cooldown stays).
  await sql(em,
    `update content.evergreen_candidate c set status = 'republished'
       from content.content_item r
      where c.tenant_id = ? and c.status = 'accepted' and r.tenant_id = c.tenant_id and r.id = c.refresh_item_id and r.status = 'published'`, [tenantId]);
  const policy = await policyOf(em, tenantId);
  const cap = planLimit(await planTerms(em, tenantId), 'evergreen_per_month') ?? policy.maxPerMonth;
  const used = await proposedSince(em, tenantId, monthStart(now));
  const stats = await publishedItemStats(em, tenantId, now);
  const scored = scoreItems(stats, policy, now, await blockedItems(em, tenantId, now, policy.cooldownDays));
  const room = Math.max(0, cap - used);
  const chosen = scored.filter((s) => s.excluded === null).slice(0, room);
  const ids: string[] = [];
  for (const item of chosen) {
    const id = newId();
    const rows = await sql(em,
      `insert into content.evergreen_candidate (id, tenant_id, item_id, score, metrics, status, proposed_at)
       values (?, ?, ?, ?, ?::jsonb, 'proposed', ?) on conflict do nothing returning id`,
      [id, tenantId, item.itemId, item.metrics.percentile, JSON.stringify(item.metrics), now.toISOString()]);
    if (rows.length) ids.push(id);
  }
  const proposed = await Promise.all(ids.map((id) => getCandidate(em, id)));
  return { proposed, considered: stats.length, median: median(stats.map(engagementOf)), capLeft: Math.max(0, room - proposed.length), cap };
}

async function lockCandidate(em: EntityManager, id: string): Promise<CandidateView> {
  const [locked] = isUuid(id) ? await sql(em, 'select id from content.evergreen_candidate where id = ? for update', [id]) : [];
  if (!locked) throw notFound('Evergreen candidate');
  return getCandidate(em, id);
}

function freshnessLine(locale: string, now: Date, timeZone: string): string {
  const date = DateTime.fromJSDate(now, { zone: timeZone }).setLocale(locale.startsWith('fr') ? 'fr' : 'en');
  return locale.startsWith('fr') ? `*Mis à jour en ${date.toFormat('LLLL yyyy')}.*` : `*Updated ${date.toFormat('LLLL yyyy')}.*`;
}

/** The body with a freshness line after its first heading (or on top), replacing an earlier one. */
export function refreshedBody(body: string, line: string): string {
  const without = body.replace(/^\*(Updated [A-Za-z]+ \d{4}|Mis à jour en [\p{L}]+ \d{4})\.\*\n\n/mu, '');
  const heading = /^(#{1,6} .*)\n+/.exec(without);
  if (heading && heading.index === 0) return `${heading[1]}\n\n${line}\n\n${without.slice(heading[0].length)}`;
  return `${line}\n\n${without}`;
}

/** The channel's next best time at least REPUBLISH_LEAD_HOURS ahead, in the client's time zone. */
export async function republicationTime(em: EntityManager, tenantId: string, channel: ChannelKind, now: Date): Promise<{ at: Date; timing: SlotTiming }> {
  const timeZone = await tenantTimeZone(em, tenantId);
  const [learned] = await optimalSlotsFor(em, { tenantId, channels: [channel], timeZone, now });
  const earliest = DateTime.fromJSDate(new Date(now.getTime() + REPUBLISH_LEAD_HOURS * 3_600_000), { zone: timeZone });
  let best: { at: Date; timing: SlotTiming } | null = null;
  for (const slot of learned?.slots ?? []) {
    let at = earliest.set({ weekday: slot.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7, hour: slot.hour, minute: slot.minute, second: 0, millisecond: 0 });
    if (at < earliest) at = at.plus({ weeks: 1 });
    if (!best || at.toJSDate() < best.at) best = { at: at.toJSDate(), timing: slot.timing };
  }
  if (!best) throw new AppError('INTERNAL_SERVER_ERROR', `No posting time for ${channel}`);
  return best;
}

export async function acceptCandidate(em: EntityManager, id: string, actorId: string | null, now: Date): Promise<CandidateView> {
  const candidate = await lockCandidate(em, id);
  if (candidate.status === 'accepted' || candidate.status === 'republished') return candidate;
  if (candidate.status !== 'proposed') throw new AppError('CONFLICT', 'This proposal was dismissed; it cannot be accepted any more.');
  const original = await em.findOne(ContentItem, { id: candidate.itemId });
  if (!original) throw notFound('Content item');
  const [version] = await sql<{ title: string; body: string }>(em,
    'select title, body from content.content_version where item_id = ? and version = ?', [original.id, original.currentVersion]);
  if (!version) throw new AppError('CONFLICT', 'The item has no text to refresh.');
  const policy = await policyOf(em, candidate.tenantId);
  const timeZone = await tenantTimeZone(em, candidate.tenantId);
  const body = refreshedBody(version.body, freshnessLine(original.locale, now, timeZone));
  // The refresh lives beside the original until it goes out: its slug takes the month.
  let slug: string | null = null;
  if (original.slug) {
    const wanted = `${original.slug}-${DateTime.fromJSDate(now, { zone: timeZone }).toFormat('yyyy-LL')}`.slice(0, 120);
    const [taken] = await sql(em, 'select 1 from content.content_item where tenant_id = ? and channel = ? and locale = ? and slug = ?', [original.tenantId, original.channel, original.locale, wanted]);
    slug = taken ? null : wanted;
  }
  const item: ContentItemRow = em.create(ContentItem, {
    id: newId(),
    tenantId: original.tenantId,
    channel: original.channel,
    channelId: original.channelId,
    title: version.title,
    status: 'draft',
    mode: original.mode,
    locale: original.locale,
    brief: original.brief,
    keyphrase: original.keyphrase,
    slug,
    metaDescription: original.metaDescription,
    currentVersion: 1,
    dnaSnapshotId: original.dnaSnapshotId,
    refreshedFromId: original.id,
    createdBy: actorId,
  });
  await em.flush(); // the version's and the slot's composite foreign keys need the item first
  em.create(ContentVersion, {
    id: newId(), tenantId: item.tenantId, itemId: item.id, version: 1, title: version.title, body,
    meta: { evergreen: { candidateId: candidate.id, from: original.id, fromVersion: original.currentVersion } }, author: 'human', createdBy: actorId,
  });
  await em.flush();
  const slot = await republicationTime(em, item.tenantId, item.channel as ChannelKind, now);
  const slotId = newId();
  await sql(em,
    `insert into content.calendar_slot (id, tenant_id, channel, scheduled_at, status, item_id, timing) values (?, ?, ?, ?, 'filled', ?, ?::jsonb)`,
    [slotId, item.tenantId, item.channel, slot.at.toISOString(), item.id, JSON.stringify(slot.timing)]);
  item.calendarSlotId = slotId;
  await em.flush();
  await applyReviewPolicy(em, item, 1, { title: version.title, body }, actorId);
  await sql(em,
    `update content.evergreen_candidate set status = 'accepted', refresh_item_id = ?, decided_at = ?, decided_by = ?, cooldown_until = ? where id = ?`,
    [item.id, now.toISOString(), actorId, new Date(now.getTime() + policy.cooldownDays * 86_400_000).toISOString(), candidate.id]);
  return getCandidate(em, candidate.id);
}

export async function dismissCandidate(em: EntityManager, id: string, actorId: string | null, now: Date): Promise<CandidateView> {
  const candidate = await lockCandidate(em, id);
  if (candidate.status === 'dismissed') return candidate;
  if (candidate.status !== 'proposed') throw new AppError('CONFLICT', 'This proposal was accepted; its refresh is in the studio and the calendar.');
  const policy = await policyOf(em, candidate.tenantId);
  // Not proposed again before the cooldown is over.
  await sql(em, `update content.evergreen_candidate set status = 'dismissed', decided_at = ?, decided_by = ?, cooldown_until = ? where id = ?`,
    [now.toISOString(), actorId, new Date(now.getTime() + policy.cooldownDays * 86_400_000).toISOString(), candidate.id]);
  return getCandidate(em, candidate.id);
}
