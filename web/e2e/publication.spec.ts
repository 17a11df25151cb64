// C8 in a real browser, against the whole product started by scripts/stack.ts
// (its local mail catcher included): import contacts into the bakery's
// newsletter list, publish a newsletter now, see the attempt logged as sent,
// find the e-mail in the catcher's inbox, follow its unsubscribe link, and
// confirm: the contact's consent is withdrawn.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startStack } from '../../scripts/stack.ts';
import type { Stack } from '../../scripts/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(import.meta.dirname, '..', 'test-results');
const READER = 'e2e.lectrice@example.test';

let stack: Stack;
let dataDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
let token: string;
let itemId: string;

async function api<T>(query: string, variables: Record<string, unknown> = {}, bearer?: string): Promise<T> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) throw new Error(`API: ${body.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`).join('; ')}`);
  return body.data as T;
}

async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ensemble-e2e-publication-'));
  profileDir = mkdtempSync(join(tmpdir(), 'ensemble-chromium-'));
  stack = await startStack({ dataDir, ports: await freePorts(), seed: true });
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, locale: 'en-GB', viewport: { width: 1440, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);

  // An approved newsletter of the bakery (approval itself is another screen's business).
  ({ login: { accessToken: token } } = await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: stack.demo.clientAdminEmail, p: stack.demo.password }));
  const { createDraft } = await api<{ createDraft: { id: string } }>(
    'mutation($i: DraftInput!) { createDraft(input: $i) { id } }',
    { i: { channel: 'NEWSLETTER', title: 'La lettre du fournil', body: 'Bonjour !\n\nCe mois-ci, **le pain au levain** revient au fournil. [Voir nos horaires](https://maison-lumiere.test/horaires).', locale: 'fr' } }, token);
  itemId = createDraft.id;
  const admin = new pg.Client({ connectionString: stack.databaseUrl });
  await admin.connect();
  try {
    await admin.query(`update content.content_item set status = 'approved' where id = $1`, [itemId]);
  } finally {
    await admin.end();
  }
}, 300_000);

afterAll(async () => {
  await context?.close();
  await stack?.stop();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

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
});
