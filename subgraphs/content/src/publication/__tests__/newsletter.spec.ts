// C8 end to end below the API: a newsletter published through a real SMTP
// server on loopback (the mail catcher), exactly once per recipient across
// replays and a crash between the server's acceptance and our record; only to
// contacts who consented; every e-mail with a working one-click unsubscribe.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCatcher, type SmtpCatcher } from '@ensemble/testing/fake-providers/smtp-catcher';
import { createStorage } from '@ensemble/storage/storage';
import { endpointsFromEnv } from '../../connectors/endpoints.ts';
import { createConnectorRegistry, type ConnectorRegistry } from '../../connectors/registry.ts';
import { unsubscribeByToken } from '../../contacts/opt-out.service.ts';
import { listContacts, recordConsent } from '../../contacts/contacts.service.ts';
import { ATTEMPT_LEASE_MS } from '../attempts.ts';
import { getPublication, publicationLog } from '../publication-log.service.ts';
import { createPublisher, type Publisher } from '../publish-item.service.ts';
import { A, B, approvedItem, connect, inTenant, listWith, openFixture, rewindToCrash, type Fixture } from './publication-fixtures.ts';

let f: Fixture;
let catcher: SmtpCatcher;
let registry: ConnectorRegistry;
let publisher: Publisher;
let storageDir: string;
let clock = new Date('2026-03-02T09:00:00Z');
let listId: string;
let contactIds: string[];

beforeAll(async () => {
  f = await openFixture();
  catcher = await startSmtpCatcher();
  storageDir = mkdtempSync(join(tmpdir(), 'ensemble-publication-'));
  registry = createConnectorRegistry({ ...endpointsFromEnv({}), smtpUrl: catcher.smtpUrl, publicWebUrl: 'https://app.example.test' });
  publisher = createPublisher({ orm: f.orm, connectors: registry, storage: createStorage({ driver: 'local', dir: storageDir }), now: () => clock });
  ({ listId, contactIds } = await listWith(f, A, 'Lettre mensuelle', [
    { email: 'alice@example.test', firstName: 'Alice', emailConsent: true },
    { email: 'bob@example.test', firstName: 'Bob', emailConsent: true },
    // No consent: must never receive anything.
    { email: 'carol@example.test', firstName: 'Carol' },
    { phone: '+33612345678', smsConsent: true },
  ]));
  // The bakery's newsletter goes through the platform relay (no credentials of its own).
  await connect(f, A, 'newsletter', { connector: 'smtp', displayName: 'Platform relay', settings: { from: 'Maison Lumière <lettre@maison-lumiere.test>' } }, { listId });
});

afterAll(async () => {
  registry?.close();
  await catcher?.close();
  await f?.close();
  if (storageDir) rmSync(storageDir, { recursive: true, force: true });
});

const body = 'Ce mois-ci, le **pain au levain** revient.\n\n## Au fournil\n\nVenez goûter [nos nouveautés](https://maison-lumiere.test/nouveautes).';

describe('newsletter over SMTP', () => {
  let itemId: string;
  let publicationId: string;

  it('sends one e-mail to each consenting contact, with RFC 8058 one-click unsubscribe headers', async () => {
    itemId = await approvedItem(f, A, 'newsletter', 'Le levain est de retour', body);
    const outcome = await publisher.publishNow(A, itemId);
    expect(outcome).toMatchObject({ status: 'sent', connector: 'smtp', recipients: { total: 2, sent: 2, failed: 0 } });
    if (outcome.status !== 'sent') throw new Error('not sent');
    publicationId = outcome.publicationId;

    const inbox = await catcher.waitFor(2);
    expect(inbox.map((m) => m.envelopeTo[0]).sort()).toEqual(['alice@example.test', 'bob@example.test']);
    for (const message of inbox) {
      expect(message.subject).toBe('Le levain est de retour');
      expect(message.from).toBe('lettre@maison-lumiere.test');
      expect(message.headers['list-unsubscribe']).toMatch(/^<https:\/\/app\.example\.test\/u\/[A-Za-z0-9_-]{20,}>$/);
      expect(message.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(message.messageId).toMatch(/^<[0-9a-f-]{36}@maison-lumiere\.test>$/);
      // Links are tagged for attribution; the footer carries the same unsubscribe link.
      expect(message.html).toContain('utm_source=newsletter');
      expect(message.text).toContain('https://maison-lumiere.test/nouveautes?utm_source=newsletter');
      expect(message.html).toContain(/<(https:[^>]+)>/.exec(message.headers['list-unsubscribe']!)![1]);
    }
    const item = await f.admin.query('select status from content.content_item where id = $1', [itemId]);
    expect(item.rows[0].status).toBe('published');
    // The attribution table maps the link as written to the link as sent, under the month's campaign.
    const { rows: links } = await f.admin.query(
      `select l.destination_url, l.tagged_url, l.utm_source, c.utm_campaign from content.utm_link l join content.campaign c on c.id = l.campaign_id where l.publication_id = $1`, [publicationId]);
    expect(links).toEqual([expect.objectContaining({ destination_url: 'https://maison-lumiere.test/nouveautes', utm_source: 'newsletter' })]);
    expect(links[0].tagged_url).toMatch(/^https:\/\/maison-lumiere\.test\/nouveautes\?utm_source=newsletter&utm_medium=email&utm_campaign=monthly_\d{4}_\d{2}&utm_content=/);
    expect(links[0].utm_campaign).toMatch(/^monthly_\d{4}_\d{2}$/);
  });

  it('logs the attempt and does not send again on replay (same key)', async () => {
    const before = catcher.transactions();
    const replay = await publisher.replay(A, publicationId);
    expect(replay).toMatchObject({ status: 'sent', replayed: true });
    const again = await publisher.publishNow(A, itemId);
    expect(again).toMatchObject({ status: 'sent', replayed: true });
    expect(catcher.transactions()).toBe(before);
    const view = await inTenant(f, A, (em) => getPublication(em, publicationId));
    expect(view.status).toBe('sent');
    expect(view.messages).toEqual({ total: 2, sent: 2, queued: 0, failed: 0, suppressed: 0 });
    expect(view.attempts.map((a) => [a.attempt, a.status, a.trigger])).toEqual([[3, 'skipped', 'publish_now'], [2, 'skipped', 'replay'], [1, 'sent', 'publish_now']]);
    expect(view.attempts[2]!.request).toMatchObject({ method: 'SMTP' });
    expect(JSON.stringify(view.attempts)).not.toContain('password');
  });

  it('after a crash between the server\'s acceptance and our record, recipients still see one e-mail (same Message-ID)', async () => {
    await rewindToCrash(f, publicationId);
    // A retry before the lease runs out must wait: the first attempt may still be sending.
    await expect(publisher.replay(A, publicationId)).rejects.toThrow(/still running/);
    clock = new Date(clock.getTime() + ATTEMPT_LEASE_MS + 1000);
    const transactions = catcher.transactions();
    const outcome = await publisher.replay(A, publicationId);
    expect(outcome).toMatchObject({ status: 'sent', recipients: { sent: 2 } });
    // SMTP cannot be asked what it accepted: the retry re-sends, with the same Message-ID, and the inbox keeps one copy each.
    expect(catcher.transactions()).toBe(transactions + 2);
    expect(catcher.messages()).toHaveLength(2);
    expect(catcher.messages().every((m) => m.deliveries === 2)).toBe(true);
    const view = await inTenant(f, A, (em) => getPublication(em, publicationId));
    expect(view.attempts.slice(0, 2).map((a) => a.status)).toEqual(['sent', 'interrupted']);
  });

  it('one-click unsubscribe withdraws consent, and the next newsletter skips that contact', async () => {
    const alice = catcher.messages().find((m) => m.envelopeTo[0] === 'alice@example.test')!;
    const token = /\/u\/([A-Za-z0-9_-]+)>/.exec(alice.headers['list-unsubscribe']!)![1]!;
    const first = await unsubscribeByToken(f.orm, token);
    expect(first).toMatchObject({ channel: 'email', changed: true });
    const second = await unsubscribeByToken(f.orm, token);
    expect(second.changed).toBe(false);
    await expect(unsubscribeByToken(f.orm, 'x'.repeat(32))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { rows } = await f.admin.query(`select status, source from content.consent where contact_id = $1 and channel = 'email' order by occurred_at desc limit 1`, [contactIds[0]]);
    expect(rows[0]).toEqual({ status: 'withdrawn', source: 'unsubscribe_link' });

    const next = await approvedItem(f, A, 'newsletter', 'Les galettes arrivent', 'La galette des rois est au fournil.');
    const outcome = await publisher.publishNow(A, next);
    expect(outcome).toMatchObject({ status: 'sent', recipients: { total: 1, sent: 1 } });
    const latest = catcher.messages().filter((m) => m.subject === 'Les galettes arrivent');
    expect(latest.map((m) => m.envelopeTo[0])).toEqual(['bob@example.test']);
    expect(catcher.messages().some((m) => m.envelopeTo.includes('carol@example.test'))).toBe(false);
  });

  it('fails honestly when nobody on the list consented, and a failed publication is retried on replay', async () => {
    const empty = await listWith(f, A, 'Sans consentement', [{ email: 'dan@example.test' }]);
    await f.admin.query(`update content.channel set settings = jsonb_set(settings, '{listId}', to_jsonb($2::text)) where tenant_id = $1 and kind = 'newsletter'`, [A, empty.listId]);
    try {
      const itemId = await approvedItem(f, A, 'newsletter', 'Personne', 'Rien.');
      const failed = await publisher.publishNow(A, itemId);
      expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/consented/) });
      // dan consents: the replay of the same publication now sends, under the same key.
      await inTenant(f, A, async (em) => {
        const { contacts } = await listContacts(em, { listId: empty.listId });
        await recordConsent(em, A, contacts[0]!.id, 'email', true, 'manual');
      });
      if (failed.status !== 'failed') throw new Error('expected failure');
      const replayed = await publisher.replay(A, failed.publicationId);
      expect(replayed).toMatchObject({ status: 'sent', recipients: { sent: 1 } });
      expect(catcher.messages().filter((m) => m.subject === 'Personne').map((m) => m.envelopeTo[0])).toEqual(['dan@example.test']);
    } finally {
      await f.admin.query(`update content.channel set settings = jsonb_set(settings, '{listId}', to_jsonb($2::text)) where tenant_id = $1 and kind = 'newsletter'`, [A, listId]);
    }
  });

  it("keeps another client out: B cannot read A's log nor replay A's publication", async () => {
    const failure = (p: Promise<unknown>) => p.then(() => new Error('succeeded'), (e: Error) => e);
    expect(await failure(inTenant(f, B, (em) => getPublication(em, publicationId)))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(inTenant(f, B, (em) => publicationLog(em, itemId)))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(publisher.replay(B, publicationId))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(publisher.publishNow(B, itemId))).toMatchObject({ code: 'NOT_FOUND' });
    const missing = await failure(inTenant(f, B, (em) => getPublication(em, '01900000-0000-7000-8000-00000000dead')));
    expect((await failure(inTenant(f, B, (em) => getPublication(em, publicationId)))).message).toBe(missing.message);
  });

  it('refuses to publish a draft', async () => {
    const itemId = await approvedItem(f, A, 'newsletter', 'Brouillon', 'Pas encore.');
    await f.admin.query(`update content.content_item set status = 'draft' where id = $1`, [itemId]);
    await expect(publisher.publishNow(A, itemId)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const { rows } = await f.admin.query('select count(*)::int as n from content.publication where item_id = $1', [itemId]);
    expect(rows[0].n).toBe(0);
  });
});
