// C13: evergreen recycling. The pure scoring (median, percentile, exclusions),
// then on a seeded database through GraphQL: engagement tied to items by
// utm_content and itemId (window, pipeline events left out), proposals within
// the policy's and the plan's monthly cap, acceptance (refresh item, freshness
// line, review, republication slot), dismissal and cooldowns, republished
// refreshes, and isolation between clients.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import type { Identity } from '@ensemble/tenancy/identity';
import { studioModule } from '../../studio/studio.resolver.ts';
import { evergreenModule } from '../evergreen.resolver.ts';
import { DEFAULT_POLICY, median, publishedItemStats, reasonText, refreshedBody, scoreItems, type ItemStats } from '../evergreen.service.ts';

const DAY = 86_400_000;
const BAKERY = DEMO.tenants.bakery;
const FITNESS = DEMO.tenants.fitness;
const now = new Date();

describe('scoring (pure)', () => {
  const item = (id: string, ageDays: number, events: number, conversions = 0): ItemStats => ({
    itemId: id, title: id, channel: 'blog', publishedAt: new Date(now.getTime() - ageDays * DAY), events, conversions,
  });

  it('proposes old items above the median, best engagement first, and says why the others are not', () => {
    const items = [item('star', 200, 12, 2), item('second', 180, 15), item('median-ish', 150, 6), item('weak', 120, 1), item('young', 20, 30), item('stale', 300, 0)];
    expect(median([20, 15, 6, 1, 30, 0])).toBe(10.5);
    const scored = scoreItems(items, DEFAULT_POLICY, now, { cooling: new Set(), open: new Set() });
    expect(scored.map((s) => [s.itemId, s.excluded])).toEqual([
      ['star', null], ['second', null], ['young', 'too_recent'], ['median-ish', 'not_above_median'], ['weak', 'not_above_median'], ['stale', 'not_above_median'],
    ]);
    expect(scored[0]!.metrics).toMatchObject({ events: 12, conversions: 2, engagement: 20, median: 10.5, percentile: 0.8, ageDays: 200, publishedItems: 6 });
    const blocked = scoreItems(items, DEFAULT_POLICY, now, { cooling: new Set(['star']), open: new Set(['second']) });
    expect(blocked.filter((s) => s.excluded === null)).toEqual([]);
    expect(blocked.find((s) => s.itemId === 'star')!.excluded).toBe('cooling_down');
    expect(scoreItems(items, { ...DEFAULT_POLICY, minScore: 0.9 }, now, { cooling: new Set(), open: new Set() }).filter((s) => s.excluded === null)).toEqual([]);
    // Nothing engages: nothing is above the median.
    expect(scoreItems([item('a', 200, 0), item('b', 200, 0)], DEFAULT_POLICY, now, { cooling: new Set(), open: new Set() }).every((s) => s.excluded === 'not_above_median')).toBe(true);
  });

  it('explains in the client\'s language and dates the refresh', () => {
    const m = { events: 12, conversions: 2, engagement: 20, median: 10.5, percentile: 0.8, ageDays: 200, publishedItems: 6, windowDays: 30 };
    expect(reasonText(m, 'en')).toBe('12 event(s) including 2 conversion(s) in 30 days (engagement 20, median 10.5): better than 80% of your 6 published pieces; published 200 days ago.');
    expect(reasonText(m, 'fr')).toMatch(/^12 événement\(s\) dont 2 conversion\(s\) sur 30 jours \(engagement 20, médiane 10,5\) : mieux que 80 % de vos 6 contenus publiés/);
    expect(refreshedBody('# Guide\n\nTexte.', '*Updated May 2026.*')).toBe('# Guide\n\n*Updated May 2026.*\n\nTexte.');
    expect(refreshedBody('Texte.', '*Mis à jour en mai 2026.*')).toBe('*Mis à jour en mai 2026.*\n\nTexte.');
    expect(refreshedBody('# Guide\n\n*Updated May 2025.*\n\nTexte.', '*Updated May 2026.*')).toBe('# Guide\n\n*Updated May 2026.*\n\nTexte.');
  });
});

let orm: MikroORM;
let pubsub: PgPubSub;
let admin: pg.Client;
let drop: () => Promise<void>;
let schema: ReturnType<typeof buildGuardedSubgraphSchema>;
const items: Record<string, string> = {};

function who(tenantId: string, actorId: string): Identity {
  return { kind: 'user', actorId, tenantId, role: 'client_admin', permissions: ['content:read', 'content:write'] as Identity['permissions'] };
}
const bakery = who(BAKERY, DEMO.logins.clientAdmin.id);
const fitness = who(FITNESS, DEMO.logins.fitnessAdmin.id);

const { gql, ok, code } = executeAs(() => ({ schema, orm, pubsub }));

async function publishedItem(name: string, ageDays: number, slug: string | null): Promise<string> {
  const id = randomUUID();
  await admin.query(
    `insert into content.content_item (id, tenant_id, channel, title, status, locale, slug, current_version, published_at, mode)
     values ($1, $2, 'blog', $3, 'published', 'fr', $4, 1, $5, 'semi')`, [id, BAKERY, `Article ${name}`, slug, new Date(now.getTime() - ageDays * DAY)]);
  await admin.query(`insert into content.content_version (id, tenant_id, item_id, version, title, body, author) values ($1, $2, $3, 1, $4, $5, 'human')`,
    [randomUUID(), BAKERY, id, `Article ${name}`, `# Article ${name}\n\nLe levain se nourrit chaque jour.`]);
  items[name] = id;
  return id;
}

async function events(n: number, daysAgo: number, tie: { utmContent?: string; itemId?: string }, options: { conversions?: number; source?: string } = {}): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const eventId = randomUUID();
    const at = new Date(now.getTime() - daysAgo * DAY - i * 60_000);
    await admin.query(
      `insert into analytics.event (event_id, tenant_id, occurred_at, name, source, properties, utm_content) values ($1, $2, $3, $4, $5, $6, $7)`,
      [eventId, BAKERY, at, i < (options.conversions ?? 0) ? 'purchase' : 'page_view', options.source ?? 'browser', JSON.stringify(tie.itemId ? { itemId: tie.itemId } : {}), tie.utmContent ?? null]);
    if (i < (options.conversions ?? 0)) {
      await admin.query(`insert into analytics.conversion (id, tenant_id, event_id, name, occurred_at) values ($1, $2, $3, 'purchase', $4)`, [randomUUID(), BAKERY, eventId, at]);
    }
  }
}

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 4 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'evergreen_test');
  schema = buildGuardedSubgraphSchema([studioModule, evergreenModule({ now: () => now })]);
  // Only this test's items are published, so the median is known.
  await admin.query(`update content.content_item set status = 'archived' where tenant_id = $1 and status = 'published'`, [BAKERY]);
  await admin.query(`select analytics.ensure_event_partitions((now() - interval '2 months')::date, 3)`);
  await publishedItem('star', 200, 'pain-levain-guide');
  await publishedItem('second', 180, null);
  await publishedItem('median', 150, 'brioche');
  await publishedItem('weak', 120, 'croissant');
  await publishedItem('young', 20, 'nouveau');
  await publishedItem('stale', 300, 'vieux');
  await events(12, 3, { utmContent: 'pain_levain_guide' }, { conversions: 2 });
  // No slug: the UTM tagger writes the id's token; a property ties the other half.
  await events(10, 5, { utmContent: items.second!.replace(/-/g, '_') });
  await events(5, 6, { itemId: items.second! });
  await events(6, 2, { utmContent: 'brioche' });
  await events(1, 2, { utmContent: 'croissant' });
  await events(30, 1, { utmContent: 'nouveau' });
  // Outside the 30-day window, and the pipeline's own bookkeeping: neither counts.
  await events(40, 45, { utmContent: 'vieux' });
  await events(3, 1, { itemId: items.stale! }, { source: 'pipeline' });
  await ok(bakery, 'mutation { updateEvergreenPolicy(input: { maxPerMonth: 1 }) { maxPerMonth } }');
}, 240_000);

afterAll(async () => {
  await orm?.close();
  await pubsub?.close();
  await admin?.end();
  await drop?.();
});

const CANDIDATE = 'id status score reason events conversions engagement median ageDays publishedItems item { id title } refreshItem { id title status slug body } refreshScheduledAt cooldownUntil';

describe('evergreen candidates', () => {
  it('ties events to items by utm_content and itemId, within the window, without pipeline events', async () => {
    const stats = await withTenant(orm, BAKERY, null, ({ em }) => publishedItemStats(em, BAKERY, now));
    const by = Object.fromEntries(stats.map((s) => [Object.entries(items).find(([, id]) => id === s.itemId)![0], [s.events, s.conversions]]));
    expect(by).toEqual({ star: [12, 2], second: [15, 0], median: [6, 0], weak: [1, 0], young: [30, 0], stale: [0, 0] });
  });

  it('proposes the best old item above the median, within the month\'s cap, with its reason', async () => {
    const { findEvergreenCandidates: run } = await ok(bakery, `mutation { findEvergreenCandidates { considered median cap capLeft proposed { ${CANDIDATE} } } }`);
    expect(run).toMatchObject({ considered: 6, median: 10.5, cap: 1, capLeft: 0 });
    expect(run.proposed).toHaveLength(1);
    expect(run.proposed[0]).toMatchObject({ status: 'PROPOSED', score: 0.8, events: 12, conversions: 2, engagement: 20, median: 10.5, ageDays: 200, item: { id: items.star } });
    expect(run.proposed[0].reason).toMatch(/^12 événement\(s\) dont 2 conversion\(s\) sur 30 jours/);
    // The cap is used: a second run proposes nothing, and the open proposal is not repeated.
    expect((await ok(bakery, 'mutation { findEvergreenCandidates { proposed { id } capLeft } }')).findEvergreenCandidates).toEqual({ proposed: [], capLeft: 0 });
  });

  it('takes the plan\'s evergreen_per_month over the policy when the plan sets one', async () => {
    await admin.query(`update tenants.plan set limits = limits || '{"evergreen_per_month": 2}'::jsonb where id = $1`, [DEMO.plans.growth]);
    const { evergreenPolicy } = await ok(bakery, 'query { evergreenPolicy { maxPerMonth planMaxPerMonth proposedThisMonth minAgeDays cooldownDays minScore } }');
    expect(evergreenPolicy).toEqual({ maxPerMonth: 1, planMaxPerMonth: 2, proposedThisMonth: 1, minAgeDays: 90, cooldownDays: 120, minScore: 0.5 });
    const { findEvergreenCandidates: run } = await ok(bakery, 'mutation { findEvergreenCandidates { cap capLeft proposed { item { id } engagement } } }');
    expect(run).toEqual({ cap: 2, capLeft: 0, proposed: [{ item: { id: items.second }, engagement: 15 }] });
  });

  it('accepts: a refreshed item with a freshness line, in review, on a slot two days ahead at least', async () => {
    const [star] = (await ok(bakery, `query { evergreenCandidates(status: [PROPOSED]) { id item { id } } }`)).evergreenCandidates.filter((c: { item: { id: string } }) => c.item.id === items.star);
    const { acceptEvergreenCandidate: accepted } = await ok(bakery, `mutation($id: ID!) { acceptEvergreenCandidate(id: $id) { ${CANDIDATE} } }`, { id: star.id });
    expect(accepted.status).toBe('ACCEPTED');
    expect(accepted.refreshItem.title).toBe('Article star');
    expect(accepted.refreshItem.status).toBe('IN_REVIEW');
    expect(accepted.refreshItem.slug).toMatch(/^pain-levain-guide-\d{4}-\d{2}$/);
    expect(accepted.refreshItem.body).toMatch(/^# Article star\n\n\*Mis à jour en [a-zéû]+ \d{4}\.\*\n\nLe levain se nourrit chaque jour\.$/);
    expect(new Date(accepted.refreshScheduledAt).getTime()).toBeGreaterThanOrEqual(now.getTime() + 48 * 3_600_000);
    expect(new Date(accepted.cooldownUntil).getTime()).toBe(now.getTime() + 120 * DAY);
    const [row] = (await admin.query(`select i.refreshed_from_id, s.status as slot_status, s.item_id, s.timing ->> 'kind' as timing, (select count(*) from content.approval a where a.item_id = i.id and a.status = 'pending') as pending
      from content.content_item i join content.calendar_slot s on s.id = i.calendar_slot_id where i.id = $1`, [accepted.refreshItem.id])).rows;
    expect(row).toMatchObject({ refreshed_from_id: items.star, slot_status: 'filled', item_id: accepted.refreshItem.id, pending: '1' });
    expect(['learned', 'default']).toContain(row.timing);
    // Accepting twice is the same acceptance; dismissing it now is refused.
    expect((await ok(bakery, 'mutation($id: ID!) { acceptEvergreenCandidate(id: $id) { refreshItem { id } } }', { id: star.id })).acceptEvergreenCandidate.refreshItem.id).toBe(accepted.refreshItem.id);
    expect(code(await gql(bakery, 'mutation($id: ID!) { dismissEvergreenCandidate(id: $id) { id } }', { id: star.id }))).toBe('CONFLICT');
    expect(Number((await admin.query(`select count(*) from content.content_item where refreshed_from_id = $1`, [items.star])).rows[0].count)).toBe(1);
  });

  it('dismisses with a cooldown, and proposes again only when it is over', async () => {
    await ok(bakery, 'mutation { updateEvergreenPolicy(input: { maxPerMonth: 10 }) { maxPerMonth } }');
    await admin.query(`update tenants.plan set limits = limits - 'evergreen_per_month' where id = $1`, [DEMO.plans.growth]);
    const [second] = (await ok(bakery, `query { evergreenCandidates(status: [PROPOSED]) { id item { id } } }`)).evergreenCandidates;
    expect(second.item.id).toBe(items.second);
    const { dismissEvergreenCandidate: dismissed } = await ok(bakery, `mutation($id: ID!) { dismissEvergreenCandidate(id: $id) { status cooldownUntil } }`, { id: second.id });
    expect(dismissed.status).toBe('DISMISSED');
    expect(code(await gql(bakery, 'mutation($id: ID!) { acceptEvergreenCandidate(id: $id) { id } }', { id: second.id }))).toBe('CONFLICT');
    // Room in the cap, yet: star is accepted (open), second is cooling down.
    expect((await ok(bakery, 'mutation { findEvergreenCandidates { proposed { id } } }')).findEvergreenCandidates.proposed).toEqual([]);
    await admin.query(`update content.evergreen_candidate set cooldown_until = now() - interval '1 day' where id = $1`, [second.id]);
    const again = (await ok(bakery, 'mutation { findEvergreenCandidates { proposed { item { id } } } }')).findEvergreenCandidates.proposed;
    expect(again).toEqual([{ item: { id: items.second } }]);
  });

  it('marks a proposal republished when its refresh goes out, and keeps the original cooling down', async () => {
    const [star] = (await admin.query(`select id, refresh_item_id from content.evergreen_candidate where item_id = $1 and status = 'accepted'`, [items.star])).rows;
    await admin.query(`update content.content_item set status = 'published', published_at = now() where id = $1`, [star.refresh_item_id]);
    const { findEvergreenCandidates: run } = await ok(bakery, 'mutation { findEvergreenCandidates { proposed { item { id } } } }');
    expect(run.proposed).toEqual([]);
    const { evergreenCandidates } = await ok(bakery, 'query { evergreenCandidates(status: [REPUBLISHED]) { id item { id } } }');
    expect(evergreenCandidates).toEqual([{ id: star.id, item: { id: items.star } }]);
  });

  it('refuses bad policy values and writes nothing', async () => {
    for (const [input, field] of [[{ minAgeDays: 1 }, 'minAgeDays'], [{ maxPerMonth: -1 }, 'maxPerMonth'], [{ minScore: 1.5 }, 'minScore'], [{ cooldownDays: 5 }, 'cooldownDays']] as const) {
      const result = await gql(bakery, 'mutation($i: EvergreenPolicyInput!) { updateEvergreenPolicy(input: $i) { maxPerMonth } }', { i: input });
      expect(result.errors?.[0]?.extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await ok(bakery, 'query { evergreenPolicy { maxPerMonth minAgeDays } }')).evergreenPolicy).toEqual({ maxPerMonth: 10, minAgeDays: 90 });
  });

  it('keeps another client out: its candidates are absent and NOT_FOUND', async () => {
    const [candidate] = (await ok(bakery, 'query { evergreenCandidates(status: [PROPOSED]) { id } }')).evergreenCandidates;
    expect(await ok(fitness, 'query { evergreenCandidates { id } }')).toEqual({ evergreenCandidates: [] });
    expect(code(await gql(fitness, 'mutation($id: ID!) { acceptEvergreenCandidate(id: $id) { id } }', { id: candidate.id }))).toBe('NOT_FOUND');
    expect(code(await gql(fitness, 'mutation($id: ID!) { dismissEvergreenCandidate(id: $id) { id } }', { id: candidate.id }))).toBe('NOT_FOUND');
    expect(code(await gql(fitness, 'mutation { dismissEvergreenCandidate(id: "nope") { id } }'))).toBe('NOT_FOUND');
    // The fitness studio's own run sees none of the bakery's items.
    expect((await ok(fitness, 'mutation { findEvergreenCandidates { considered proposed { id } } }')).findEvergreenCandidates.proposed).toEqual([]);
    expect((await admin.query(`select status from content.evergreen_candidate where id = $1`, [candidate.id])).rows[0].status).toBe('proposed');
  });
});
