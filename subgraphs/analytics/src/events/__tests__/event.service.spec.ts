// Event collection against a real PostgreSQL as the application role (RLS on).
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OWNER_ROLE } from '@ensemble/db/connection';
import { withTenant, type EntityManager } from '@ensemble/db/orm';
import { useTestDatabase } from '@ensemble/testing/database';
import { errorOf } from '@ensemble/testing/errors';
import { countEvents, extractTracking, listEvents, recordEvent, type RecordEventInput } from '../event.service.ts';

const db = useTestDatabase({ seed: false, poolMax: 8, adminRole: OWNER_ROLE });
const platformId = randomUUID();
const DAY = 24 * 3600_000;

beforeAll(async () => {
  await db.admin.query(
    `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'platform', null, array[$1::uuid], 'Platform', $2)`,
    [platformId, `platform-${platformId}`]);
});

async function newClient(): Promise<string> {
  const id = randomUUID();
  await db.admin.query(
    `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug) values ($1, 'client', $2, array[$2::uuid, $1::uuid], 'Client', $3)`,
    [id, platformId, `client-${id}`]);
  return id;
}

function tx<T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return withTenant(db.orm, tenantId, null, ({ em }) => fn(em));
}

function record(tenantId: string, input: Partial<RecordEventInput> = {}) {
  return tx(tenantId, (em) => recordEvent(em, tenantId, { eventId: randomUUID(), name: 'page_view', source: 'web', ...input }));
}

async function rowCounts(tenantId: string): Promise<{ events: number; receipts: number }> {
  const { rows: [row] } = await db.admin.query(
    `select (select count(*) from analytics.event where tenant_id = $1)::int as events,
            (select count(*) from analytics.event_receipt where tenant_id = $1)::int as receipts`, [tenantId]);
  return row;
}

describe('recordEvent', () => {
  it('stores the event with UTM tags and click ids from the URL and the properties', async () => {
    const tenantId = await newClient();
    const occurredAt = new Date(Date.now() - 3600_000);
    const { event, duplicate } = await record(tenantId, {
      name: 'signup.completed',
      occurredAt: occurredAt.toISOString(),
      anonymousId: 'anon-1',
      url: 'https://shop.example/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=G-123&x=1',
      properties: { plan: 'growth', utm_campaign: 'spring-override', ttclid: 'TT-9', referrer: 'https://news.example/' },
    });
    expect(duplicate).toBe(false);
    expect(event).toMatchObject({
      tenantId, name: 'signup.completed', source: 'web', anonymousId: 'anon-1',
      utmSource: 'newsletter', utmMedium: 'email', utmCampaign: 'spring-override', gclid: 'G-123', ttclid: 'TT-9',
      referrer: 'https://news.example/', properties: { plan: 'growth', utm_campaign: 'spring-override', ttclid: 'TT-9', referrer: 'https://news.example/' },
    });
    expect(event.occurredAt.getTime()).toBe(occurredAt.getTime());

    const { rows: [row] } = await db.admin.query('select * from analytics.event where tenant_id = $1', [tenantId]);
    expect(row).toMatchObject({
      utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'spring-override', utm_content: null, utm_term: null,
      gclid: 'G-123', fbclid: null, msclkid: null, ttclid: 'TT-9', url: expect.stringContaining('utm_source=newsletter'),
    });
    const listed = await tx(tenantId, (em) => listEvents(em, tenantId, 10));
    expect(listed.map((e) => e.eventId)).toEqual([event.eventId]);
  });

  it('reads camelCase tags from the properties and msclkid / fbclid from the URL', () => {
    const tracking = extractTracking(new URL('https://x.example/?msclkid=M1&fbclid=F1&utm_term=shoes'), { utmSource: 'bing', utmContent: ' banner ' });
    expect(tracking).toEqual({ utmSource: 'bing', utmContent: 'banner', utmTerm: 'shoes', fbclid: 'F1', msclkid: 'M1' });
  });

  it('records a repeated event id once and reports the repeat as a duplicate', async () => {
    const tenantId = await newClient();
    const eventId = randomUUID();
    const first = await record(tenantId, { eventId, name: 'purchase', properties: { value: 42 } });
    const again = await record(tenantId, { eventId: eventId.toUpperCase(), name: 'purchase', properties: { value: 99 } });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.event.eventId).toBe(eventId);
    expect(again.event.properties).toEqual({ value: 42 });
    expect(await rowCounts(tenantId)).toEqual({ events: 1, receipts: 1 });

    // Concurrent repeats (e.g. the browser pixel and the server both sending): one wins.
    const burstId = randomUUID();
    const results = await Promise.all(Array.from({ length: 6 }, () => record(tenantId, { eventId: burstId, name: 'lead' })));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await rowCounts(tenantId)).toEqual({ events: 2, receipts: 2 });
    expect(await tx(tenantId, (em) => countEvents(em, tenantId))).toBe(2);
  });

  it('refuses invalid events with BAD_USER_INPUT and writes nothing', async () => {
    const tenantId = await newClient();
    await record(tenantId);
    const before = await rowCounts(tenantId);
    const bad: Array<Partial<RecordEventInput>> = [
      { name: 'Signup' }, { name: '1st_visit' }, { name: 'has space' }, { name: `a${'b'.repeat(64)}` }, { name: '' },
      { eventId: 'not-a-uuid' },
      { source: 'Web' }, { source: '' },
      { properties: { blob: 'x'.repeat(16 * 1024) } },
      { properties: ['a'] as unknown as Record<string, unknown> },
      { occurredAt: new Date(Date.now() + 25 * 3600_000) },
      { occurredAt: new Date(Date.now() - 401 * DAY) },
      { occurredAt: 'yesterday-ish' },
      { url: 'not a url' }, { url: 'javascript:alert(1)' },
      { anonymousId: 'x'.repeat(201) },
    ];
    for (const input of bad) {
      const error = await errorOf(record(tenantId, input));
      expect(error.code, JSON.stringify(input).slice(0, 80)).toBe('BAD_USER_INPUT');
    }
    expect(await rowCounts(tenantId)).toEqual(before);

    // The edges of the window are accepted (an old event lands in the default partition).
    await record(tenantId, { occurredAt: new Date(Date.now() + 23 * 3600_000) });
    await record(tenantId, { occurredAt: new Date(Date.now() - 399 * DAY), name: 'imported:order' });
    await record(tenantId, { properties: { blob: 'x'.repeat(16 * 1024 - 20) } });
    expect(await rowCounts(tenantId)).toEqual({ events: before.events + 3, receipts: before.receipts + 3 });
  });

  it('counts events by name and since a date, and lists newest first', async () => {
    const tenantId = await newClient();
    await record(tenantId, { name: 'page_view', occurredAt: new Date(Date.now() - 10 * DAY) });
    await record(tenantId, { name: 'page_view', occurredAt: new Date(Date.now() - 2 * DAY) });
    await record(tenantId, { name: 'purchase', occurredAt: new Date(Date.now() - DAY) });
    const since = new Date(Date.now() - 5 * DAY);
    await tx(tenantId, async (em) => {
      expect(await countEvents(em, tenantId)).toBe(3);
      expect(await countEvents(em, tenantId, { name: 'page_view' })).toBe(2);
      expect(await countEvents(em, tenantId, { since })).toBe(2);
      expect(await countEvents(em, tenantId, { since, name: 'page_view' })).toBe(1);
      const list = await listEvents(em, tenantId, 2);
      expect(list.map((e) => e.name)).toEqual(['purchase', 'page_view']);
      expect(list[0]!.occurredAt.getTime()).toBeGreaterThan(list[1]!.occurredAt.getTime());
      expect((await errorOf(listEvents(em, tenantId, 0))).code).toBe('BAD_USER_INPUT');
    });
  });

  it('isolates tenants: B\'s events are invisible to A, and dedup is per tenant', async () => {
    const a = await newClient();
    const b = await newClient();
    const shared = randomUUID();
    await record(b, { eventId: shared, name: 'purchase' });
    await record(b, { name: 'page_view' });

    const mine = await record(a, { eventId: shared, name: 'purchase' });
    expect(mine.duplicate).toBe(false);
    expect(mine.event.tenantId).toBe(a);

    await tx(a, async (em) => {
      expect((await listEvents(em, a, 50)).map((e) => e.tenantId)).toEqual([a]);
      expect(await listEvents(em, b, 50)).toEqual([]);
      expect(await countEvents(em, a)).toBe(1);
      expect(await countEvents(em, b)).toBe(0);
    });
    // A cannot write into B either: B reads as missing, like a tenant that does not exist.
    const intoB = await errorOf(tx(a, (em) => recordEvent(em, b, { eventId: randomUUID(), name: 'x', source: 'web' })));
    const intoGhost = await errorOf(tx(a, (em) => recordEvent(em, randomUUID(), { eventId: randomUUID(), name: 'x', source: 'web' })));
    expect([intoB.code, intoB.message]).toEqual([intoGhost.code, intoGhost.message]);
    expect(intoB.code).toBe('NOT_FOUND');
    expect(await rowCounts(b)).toEqual({ events: 2, receipts: 2 });
    expect(await rowCounts(a)).toEqual({ events: 1, receipts: 1 });
  });
});
