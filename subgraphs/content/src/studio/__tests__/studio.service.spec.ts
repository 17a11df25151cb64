import { describe, expect, it } from 'vitest';
import { withTenant } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { DEMO } from '@ensemble/db/seed';
import { useTestDatabase } from '@ensemble/testing/database';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { createDraft, getItem, saveDraft, type DraftInput } from '../studio.service.ts';
import { scoreAndPublish, scoreEditAndPublish, scoreTopic } from '../scoring.service.ts';

const db = useTestDatabase();
const A = DEMO.logins.clientAdmin.tenantId;
const B = DEMO.logins.fitnessAdmin.tenantId;
const draft: DraftInput = { channel: 'BLOG', title: 'Sourdough at home', body: 'Sourdough needs time.\n\n## Why rest the dough?\n\nBecause flavour grows.', keyphrase: 'sourdough', locale: 'en' };

async function versions(itemId: string): Promise<Array<{ version: number; title: string; body: string }>> {
  return (await db.admin.query('select version, title, body from content.content_version where item_id = $1 order by version', [itemId])).rows;
}

describe('studio drafts', () => {
  it('keeps every save as a new immutable version', async () => {
    const item = await withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, draft));
    await withTenant(db.orm, A, null, ({ em }) => saveDraft(em, item.id, { ...draft, title: 'Sourdough, step by step' }));
    const saved = await withTenant(db.orm, A, null, ({ em }) => saveDraft(em, item.id, { ...draft, body: 'Rewritten.' }));
    expect(saved.currentVersion).toBe(3);
    expect((await versions(item.id)).map((v) => [v.version, v.title, v.body])).toEqual([
      [1, 'Sourdough at home', draft.body],
      [2, 'Sourdough, step by step', draft.body],
      [3, 'Sourdough at home', 'Rewritten.'],
    ]);
  });

  it('numbers concurrent saves consecutively', async () => {
    const item = await withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, draft));
    await Promise.all(Array.from({ length: 5 }, (_, i) =>
      withTenant(db.orm, A, null, ({ em }) => saveDraft(em, item.id, { ...draft, body: `edit ${i}` }))));
    expect((await versions(item.id)).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const item = await withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, draft));
    for (const [bad, field] of [
      [{ slug: 'Not A Slug' }, 'slug'], [{ locale: 'de' }, 'locale'], [{ channel: 'FAX' }, 'channel'], [{ title: 'x'.repeat(301) }, 'title'],
    ] as const) {
      await expect(withTenant(db.orm, A, null, ({ em }) => saveDraft(em, item.id, { ...draft, ...bad } as DraftInput)))
        .rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
    expect(await versions(item.id)).toHaveLength(1);
  });

  it("answers another client's item exactly like a missing one", async () => {
    const item = await withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, draft));
    const failure = (p: Promise<unknown>) => p.then(() => new Error('succeeded'), (e: Error) => e);
    const foreign = await failure(withTenant(db.orm, B, null, ({ em }) => getItem(em, item.id)));
    const missing = await failure(withTenant(db.orm, B, null, ({ em }) => getItem(em, '01900000-0000-7000-8000-00000000dead')));
    expect(foreign).toMatchObject({ code: 'NOT_FOUND' });
    expect(foreign.message).toBe(missing.message);
    await expect(withTenant(db.orm, B, null, ({ em }) => saveDraft(em, item.id, draft))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await versions(item.id)).toHaveLength(1);
  });
});

describe('live scoring', () => {
  it('pushes the score of unsaved text on the item topic, to another process too', async () => {
    const publisher = new PgPubSub(appUrl(db.adminUrl), 'ensemble_content_test');
    const listener = new PgPubSub(appUrl(db.adminUrl), 'ensemble_content_test');
    await Promise.all([publisher.start(), listener.start()]);
    try {
      const item = await withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, draft));
      const events = listener.subscribe<{ revision: number; total: number; checks: { id: string; status: string }[] }>(scoreTopic(A, item.id));
      await scoreAndPublish(publisher, A, item.id, { ...draft, title: 'Bread basics' }, 1);
      const first = (await events.next()).value!;
      await scoreAndPublish(publisher, A, item.id, draft, 2);
      const second = (await events.next()).value!;
      expect([first.revision, second.revision]).toEqual([1, 2]);
      const titleCheck = (r: typeof first) => r.checks.find((c: { id: string; status: string }) => c.id.includes('title') && c.id.includes('keyphrase'))?.status;
      expect(titleCheck(first)).not.toBe('GOOD');
      expect(titleCheck(second)).toBe('GOOD');
      expect(second.total).toBeGreaterThan(first.total);
      await events.return!();
    } finally {
      await publisher.close();
      await listener.close();
    }
  });

  it('scores an edit of the held draft exactly like the whole edited draft, and refuses what it cannot apply', async () => {
    const pubsub = new PgPubSub(appUrl(db.adminUrl), 'ensemble_content_test');
    await pubsub.start();
    type Event = { itemId: string; revision: number; total: number; checks: unknown[]; computedAt: string };
    const failure = (p: Promise<unknown>) => p.then(() => new Error('succeeded'), (e: Error) => e);
    try {
      const [edited, whole] = await Promise.all([1, 2].map(() => withTenant(db.orm, A, null, ({ em }) => createDraft(em, A, null, draft))));
      const editedEvents = pubsub.subscribe<Event>(scoreTopic(A, edited!.id));
      const wholeEvents = pubsub.subscribe<Event>(scoreTopic(A, whole!.id));
      // B's attempts on A's item: B's topic holds nothing, nothing reaches A's subscriber.
      await scoreAndPublish(pubsub, A, edited!.id, draft, 1);
      expect((await editedEvents.next()).value!.revision).toBe(1);
      expect(await failure(scoreEditAndPublish(pubsub, B, edited!.id, 1, { at: 0, remove: 1, insert: ['B was here.'] }, 2))).toMatchObject({ code: 'CONFLICT' });

      // Paragraph 1 of 3 replaced by two paragraphs.
      const edit = { at: 1, remove: 1, insert: ['## Why does sourdough rest?', 'Sourdough rests so flavour grows.'] };
      await scoreEditAndPublish(pubsub, A, edited!.id, 1, edit, 2);
      const body = 'Sourdough needs time.\n\n## Why does sourdough rest?\n\nSourdough rests so flavour grows.\n\nBecause flavour grows.';
      await scoreAndPublish(pubsub, A, whole!.id, { ...draft, body }, 2);
      const strip = ({ itemId: _i, computedAt: _c, ...rest }: Event) => rest;
      const fromEdit = (await editedEvents.next()).value!;
      expect(strip(fromEdit)).toEqual(strip((await wholeEvents.next()).value!));
      expect(fromEdit.revision).toBe(2);

      // Refused, nothing changed: a stale base, an edit outside the draft, a revision going back, bad input in the result.
      expect(await failure(scoreEditAndPublish(pubsub, A, edited!.id, 1, edit, 3))).toMatchObject({ code: 'CONFLICT' });
      expect(await failure(scoreEditAndPublish(pubsub, A, edited!.id, 2, { at: 3, remove: 2, insert: [] }, 3))).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(await failure(scoreEditAndPublish(pubsub, A, edited!.id, 2, { at: 0, remove: 0, insert: [] }, 2))).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(await failure(scoreEditAndPublish(pubsub, A, edited!.id, 2, { at: 0, remove: 0, insert: ['x'.repeat(200_001)] }, 3))).toMatchObject({ code: 'BAD_USER_INPUT' });
      // Still at revision 2: the next edit on it applies, and a whole draft resets what is held.
      await scoreEditAndPublish(pubsub, A, edited!.id, 2, { at: 4, remove: 0, insert: ['Bake it hot.'] }, 3);
      expect((await editedEvents.next()).value!.revision).toBe(3);
      await scoreAndPublish(pubsub, A, edited!.id, draft, 10);
      expect((await editedEvents.next()).value!.revision).toBe(10);
      expect(await failure(scoreEditAndPublish(pubsub, A, edited!.id, 3, { at: 0, remove: 0, insert: ['x'] }, 11))).toMatchObject({ code: 'CONFLICT' });
      await editedEvents.return!();
      await wholeEvents.return!();
    } finally {
      await pubsub.close();
    }
  });
});
