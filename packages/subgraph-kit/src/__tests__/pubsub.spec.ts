// PgPubSub across processes (two instances on one channel stand for two
// replicas), against a real PostgreSQL: who gets which event, and when an
// event goes through PostgreSQL at all (seen by a plain LISTEN on the channel).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@ensemble/testing/database';
import { PgPubSub } from '../pubsub.ts';

let db: TestDatabase;
let spy: pg.Client;
const seen: { topic?: string; listen?: string[]; unlisten?: string[]; hello?: true; bye?: true }[] = [];
const CHANNEL = 'pubsub_spec';

beforeAll(async () => {
  db = await createTestDatabase();
  spy = new pg.Client({ connectionString: db.adminUrl });
  await spy.connect();
  spy.on('notification', (msg) => { if (msg.payload) seen.push(JSON.parse(msg.payload)); });
  await spy.query(`listen ${CHANNEL}`);
});

afterAll(async () => {
  await spy?.end();
  await db?.drop();
});

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function instance(): Promise<PgPubSub> {
  const pubsub = new PgPubSub(db.adminUrl, CHANNEL, { helloGraceMs: 0 });
  await pubsub.start();
  return pubsub;
}

/** Collects a subscription's events in the background. */
function collect<T>(pubsub: PgPubSub, topic: string): { events: T[]; stop: () => Promise<unknown> } {
  const it = pubsub.subscribe<T>(topic);
  const events: T[] = [];
  void (async () => {
    for (let r = await it.next(); !r.done; r = await it.next()) events.push(r.value);
  })();
  return { events, stop: () => it.return!() };
}

const dataNotifications = (topic: string) => seen.filter((e) => e.topic === topic).length;

describe('PgPubSub', () => {
  it('keeps an event with no subscriber elsewhere out of PostgreSQL, and sends it once another replica subscribes', async () => {
    const a = await instance();
    const b = await instance();
    try {
      const topic = 'score:tenantA:item1';
      const local = collect<{ n: number }>(a, topic);
      await a.publish(topic, { n: 1 });
      await until(() => local.events.length === 1);
      // B's subscription reaches A as interest; from then on A notifies, and B gets the events.
      const remote = collect<{ n: number }>(b, topic);
      await until(() => seen.some((e) => e.listen?.includes(topic)));
      await new Promise((r) => setTimeout(r, 100));
      expect(dataNotifications(topic)).toBe(0);
      await a.publish(topic, { n: 2 });
      await until(() => remote.events.length === 1);
      expect(remote.events).toEqual([{ n: 2 }]);
      await until(() => local.events.length === 2);
      // The spy's connection hears the notification on its own time, not B's.
      await until(() => dataNotifications(topic) === 1);
      // B's last subscriber gone: back to local only.
      await remote.stop();
      await until(() => seen.some((e) => e.unlisten?.includes(topic)));
      await new Promise((r) => setTimeout(r, 100));
      await a.publish(topic, { n: 3 });
      await until(() => local.events.length === 3);
      await new Promise((r) => setTimeout(r, 100));
      expect(dataNotifications(topic)).toBe(1);
      expect(local.events.map((e) => e.n)).toEqual([1, 2, 3]);
      await local.stop();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('delivers to a replica only the topics it subscribed to: other drafts and tenants stay apart', async () => {
    const a = await instance();
    const b = await instance();
    try {
      const mine = collect<{ n: number }>(b, 'score:tenantA:item1');
      await until(() => seen.some((e) => e.listen?.includes('score:tenantA:item1')));
      await new Promise((r) => setTimeout(r, 100));
      // A has its own subscriber for the other topics: they are published, just not to B's.
      const others = ['score:tenantA:item2', 'score:tenantB:item1'].map((t) => collect<{ n: number }>(a, t));
      await a.publish('score:tenantA:item2', { n: 1 });
      await a.publish('score:tenantB:item1', { n: 2 });
      await a.publish('score:tenantA:item1', { n: 3 });
      await until(() => mine.events.length === 1 && others.every((o) => o.events.length === 1));
      await new Promise((r) => setTimeout(r, 100));
      expect(mine.events).toEqual([{ n: 3 }]);
      expect(others.map((o) => o.events)).toEqual([[{ n: 1 }], [{ n: 2 }]]);
      await Promise.all([mine, ...others].map((o) => o.stop()));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('tells a replica that starts later what the others listen to, and forgets a replica that closes', async () => {
    const b = await instance();
    const topic = 'score:tenantA:item3';
    const sub = collect<{ n: number }>(b, topic);
    const late = await instance();
    try {
      // The late one's hello is answered with B's topics.
      await new Promise((r) => setTimeout(r, 300));
      await late.publish(topic, { n: 1 });
      await until(() => sub.events.length === 1);
      await until(() => dataNotifications(topic) === 1);
      await b.close();
      await until(() => seen.some((e) => e.bye));
      await new Promise((r) => setTimeout(r, 100));
      await late.publish(topic, { n: 2 });
      await new Promise((r) => setTimeout(r, 100));
      expect(dataNotifications(topic)).toBe(1);
    } finally {
      await late.close();
    }
  });

  it('always notifies from an instance that does not listen (a publisher only), and while a started one waits for answers', async () => {
    const publisherOnly = new PgPubSub(db.adminUrl, CHANNEL);
    const fresh = new PgPubSub(db.adminUrl, CHANNEL, { helloGraceMs: 60_000 });
    await fresh.start();
    try {
      await publisherOnly.publish('progress:tenantA:run1', { step: 1 });
      await fresh.publish('progress:tenantA:run2', { step: 1 });
      await until(() => dataNotifications('progress:tenantA:run1') === 1 && dataNotifications('progress:tenantA:run2') === 1);
    } finally {
      await publisherOnly.close();
      await fresh.close();
    }
  });
});
