// C8 in a real browser, against the whole product started by scripts/stack.ts
// (its local mail catcher included): import contacts into the bakery's
// newsletter list, publish a newsletter now, see the attempt logged as sent,
// find the e-mail in the catcher's inbox, follow its unsubscribe link, and
// confirm: the contact's consent is withdrawn. Then connect Instagram to a
// signed webhook (a receiver on loopback, reached through the stack's
// test-only routes) and publish through it.
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpFake, type HttpFake } from '../../packages/testing/src/fake-providers/http-fake.ts';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type Api, type E2e } from './support/e2e.ts';

const READER = 'e2e.lectrice@example.test';
const HOOKS_HOST = 'hooks.lumiere.test';

let stack: Stack;
let page: Page;
let e2e: E2e;
let api: Api;
let shot: E2e['shot'];
let token: string;
let itemId: string;
let instagramItemId: string;
let receiver: HttpFake;

async function approved(channel: string, title: string, body: string): Promise<string> {
  const { createDraft } = await api<{ createDraft: { id: string } }>(
    'mutation($i: DraftInput!) { createDraft(input: $i) { id } }', { i: { channel, title, body, locale: 'fr' } }, token);
  const admin = new pg.Client({ connectionString: stack.databaseUrl });
  await admin.connect();
  try {
    // Approval itself is another screen's business.
    await admin.query(`update content.content_item set status = 'approved' where id = $1`, [createDraft.id]);
  } finally {
    await admin.end();
  }
  return createDraft.id;
}

beforeAll(async () => {
  receiver = await startHttpFake();
  receiver.route('instagram', 'POST', '/instagram', () => ({ status: 204 }));
  e2e = await startE2e('publication', { stack: { nodeEnv: 'test', env: { ENSEMBLE_TEST_FETCH_ROUTES: `${HOOKS_HOST}=127.0.0.1:${receiver.port}` } } });
  ({ stack, page, api, shot } = e2e);

  ({ login: { accessToken: token } } = await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: stack.demo.clientAdminEmail, p: stack.demo.password }));
  itemId = await approved('NEWSLETTER', 'La lettre du fournil', 'Bonjour !\n\nCe mois-ci, **le pain au levain** revient au fournil. [Voir nos horaires](https://maison-lumiere.test/horaires).');
  instagramItemId = await approved('INSTAGRAM', 'Brioche du dimanche', 'La brioche revient ce dimanche, dès 8 h. #brioche #levain');
  // Its slot was yesterday, when Instagram had no account: it missed its time.
  const admin = new pg.Client({ connectionString: stack.databaseUrl });
  await admin.connect();
  try {
    await admin.query(
      `with slot as (insert into content.calendar_slot (id, tenant_id, channel, scheduled_at, status, item_id)
                     values (gen_random_uuid(), $1, 'instagram', now() - interval '1 day', 'filled', $2) returning id)
       update content.content_item set calendar_slot_id = (select id from slot) where id = $2`, [stack.demo.tenants.bakery, instagramItemId]);
  } finally {
    await admin.end();
  }
}, E2E_START_MS);

afterAll(async () => {
  await e2e?.close();
  await receiver?.close();
}, E2E_STOP_MS);

describe('newsletter publication in Chromium', () => {
  it('imports a contact with consent into the newsletter list', async () => {
    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(stack.demo.clientAdminEmail);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(stack.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Contacts' }).waitFor();
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Contacts' }).click();
    await page.waitForURL(/\/contacts$/);
    await page.getByRole('heading', { level: 2, name: 'Lettre de Maison Lumière' }).waitFor();
    // The seeded subscribers: three who consented, one who did not.
    const table = page.getByRole('table', { name: 'Contacts of the list' });
    await table.getByText('amelie.durand@example.test').waitFor();
    expect(await table.getByLabel('E-mail: yes').count()).toBe(3);
    expect(await table.getByLabel('E-mail: not asked').count()).toBe(1);

    await page.getByRole('tab', { name: 'Import CSV' }).click();
    // One bad row first: nothing is imported and the line is named.
    await page.getByLabel('CSV content').fill(`email,first_name,email_consent\n${READER},Léa,yes\nnot-an-address,Max,yes\n`);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Nothing imported' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(/Line 3/);
    await shot('publication-01-import-errors');

    await page.getByLabel('CSV content').fill(`email,first_name,email_consent\n${READER},Léa,yes\n`);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '1 new' }).waitFor();
    await page.getByRole('tab', { name: 'Contacts' }).click();
    const row = page.getByRole('row').filter({ hasText: READER });
    await row.getByLabel('E-mail: yes').waitFor();
    await shot('publication-02-contacts');
  });

  it('publishes the newsletter now and shows the attempt as sent', async () => {
    await page.getByRole('link', { name: 'Publications' }).click();
    await page.waitForURL(/\/publications$/);
    await page.getByRole('navigation', { name: 'Posts' }).getByText('La lettre du fournil').click();
    await page.waitForURL(new RegExp(`/publications/${itemId}$`));
    await page.getByText('Not published yet.').waitFor();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('attempt-status').filter({ hasText: 'Sent' }).waitFor();
    expect(await page.getByText('4 of 4 messages sent').count()).toBe(1);
    await shot('publication-03-log');

    // Replay: logged, and nothing is sent again.
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByRole('status').filter({ hasText: 'Already sent' }).waitFor();
    await page.getByTestId('attempt-status').filter({ hasText: 'Not sent again' }).waitFor();
    await shot('publication-04-replayed');
  });

  it('delivers the e-mail to the mail catcher with a working unsubscribe link', async () => {
    expect(stack.mailUrl).toBeTruthy();
    const messages = (await (await fetch(`${stack.mailUrl}/api/messages`)).json()) as Array<{ id: number; to: string[]; subject: string; deliveries: number }>;
    const mine = messages.filter((m) => m.subject === 'La lettre du fournil');
    // The three seeded subscribers who consented, and the imported reader; never the one who did not consent.
    expect(mine.map((m) => m.to[0]).sort()).toEqual(['amelie.durand@example.test', READER, 'hugo.martin@example.test', 'sarah.benali@example.test'].sort());
    expect(mine.every((m) => m.deliveries === 1)).toBe(true);
    const message = mine.find((m) => m.to[0] === READER)!;

    await page.goto(stack.mailUrl!);
    await page.getByRole('link', { name: 'La lettre du fournil' }).first().waitFor();
    await page.goto(`${stack.mailUrl}/messages/${message.id}`);
    await page.getByRole('heading', { level: 1, name: 'La lettre du fournil' }).waitFor();
    await shot('publication-05-inbox');
    const link = page.locator('#list-unsubscribe');
    expect(await link.getAttribute('href')).toMatch(/\/u\/[A-Za-z0-9_-]{20,}$/);
    await link.click();
    await page.waitForURL(/\/u\/[A-Za-z0-9_-]+$/);
    await page.getByRole('heading', { level: 1, name: /Unsubscribe|Désabonnement/ }).waitFor();
    await page.getByRole('button', { name: /^(Unsubscribe|Me désabonner)$/ }).click();
    await page.getByRole('status').filter({ hasText: /Maison Lumière/ }).waitFor();
    await shot('publication-06-unsubscribed');

    const { contacts } = await api<{ contacts: { contacts: Array<{ email: string; consents: Array<{ channel: string; status: string; source: string }> }> } }>(
      'query($s: String) { contacts(search: $s) { contacts { email consents { channel status source } } } }', { s: READER }, token);
    expect(contacts.contacts[0]!.consents).toEqual([{ channel: 'EMAIL', status: 'WITHDRAWN', source: 'unsubscribe_link' }]);
  });

  it('connects Instagram to a signed webhook, publishes through it, and disconnects it', async () => {
    await page.goto(`${stack.webUrl}/publications`);
    const row = page.getByRole('table', { name: 'Publishing channels' }).locator('tr[data-channel="INSTAGRAM"]');
    await row.getByText('not connected (stays scheduled)').waitFor();
    await row.getByText('1 approved post missed its time: publish it from the list below').waitFor();
    await row.getByRole('button', { name: 'Connect Instagram' }).click();
    const form = page.getByRole('form', { name: 'Connect an account' });
    await form.getByRole('textbox', { name: 'Name of the account' }).fill('Our CMS');
    // A loopback endpoint is refused on its field, and nothing is connected.
    await form.getByRole('textbox', { name: 'Endpoint URL' }).fill('http://127.0.0.1:8080/hook');
    await form.getByRole('button', { name: 'Connect' }).click();
    await form.getByText(/the webhook URL is refused/).waitFor();
    await shot('publication-07-connect-refused');
    await form.getByRole('textbox', { name: 'Endpoint URL' }).fill(`http://${HOOKS_HOST}/instagram`);
    await form.getByRole('button', { name: 'Connect' }).click();
    const secretBox = page.getByRole('textbox', { name: 'Signing secret' });
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await shot('publication-08-secret');
    await page.getByRole('button', { name: 'Done' }).click();
    await row.getByText('Our CMS').waitFor();
    expect(await row.getByText('Webhook', { exact: true }).count()).toBe(1);

    await page.getByRole('navigation', { name: 'Posts' }).getByText('Brioche du dimanche').click();
    await page.waitForURL(new RegExp(`/publications/${instagramItemId}$`));
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.getByRole('status').filter({ hasText: 'Sent' }).waitFor({ timeout: 30_000 });
    await shot('publication-09-webhook-sent');
    await row.getByText(/missed its time/).waitFor({ state: 'detached' });
    // What the endpoint received verifies with the secret shown once, by the reference library.
    const [delivered, ...more] = receiver.calls('instagram');
    expect(more).toEqual([]);
    const payload = new Webhook(secret).verify(delivered!.body, {
      'webhook-id': delivered!.headers['webhook-id'] ?? '',
      'webhook-timestamp': delivered!.headers['webhook-timestamp'] ?? '',
      'webhook-signature': delivered!.headers['webhook-signature'] ?? '',
    });
    expect(payload).toMatchObject({ type: 'content.published', data: { itemId: instagramItemId, channel: 'instagram', title: 'Brioche du dimanche' } });

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Disconnect Instagram' }).click();
    await row.getByText('not connected (stays scheduled)').waitFor();
    const { publishingChannels } = await api<{ publishingChannels: Array<{ channel: string; connector: string | null }> }>('{ publishingChannels { channel connector } }', {}, token);
    expect(publishingChannels.find((c) => c.channel === 'INSTAGRAM')!.connector).toBeNull();
  });
});
