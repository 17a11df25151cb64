// The AI studio in a real browser (C1, C2): the client admin generates a
// LinkedIn post, edits it while the live score and the channel counters
// follow, regenerates it (credits shown), opens the history, reads the word
// diff and restores an older version as a new one.
// Screenshots land in web/test-results/ (gitignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startStack } from '../../scripts/stack.ts';
import type { Stack } from '../../scripts/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(import.meta.dirname, '..', 'test-results');
const BRIEF = 'Notre atelier pain au levain, tous les samedis d’avril';
const ADDED = 'Notre atelier Zanzibar revient cette semaine.';

let stack: Stack;
let dataDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;
let token = '';

interface Version { version: number; author: string; credits: number; restoredFrom: number | null }

async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

async function consumed(): Promise<number> {
  return (await api<{ creditBalance: { consumed: number } }>('{ creditBalance { consumed } }')).creditBalance.consumed;
}

async function versions(itemId: string): Promise<Version[]> {
  return (await api<{ contentVersions: Version[] }>('query($id: ID!) { contentVersions(itemId: $id) { version author credits restoredFrom } }', { id: itemId })).contentVersions;
}

async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function totalScore(): Promise<number> {
  return Number(await page.getByRole('meter', { name: 'Total score' }).getAttribute('aria-valuenow'));
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ensemble-e2e-studio-'));
  profileDir = mkdtempSync(join(tmpdir(), 'ensemble-chromium-studio-'));
  const base = process.env.E2E_BASE_PORT ? Number(process.env.E2E_BASE_PORT) : undefined;
  stack = await startStack(base ? { dataDir, basePort: base, seed: true } : { dataDir, ports: await freePorts(), seed: true });
  token = (await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: stack.demo.clientAdminEmail, p: stack.demo.password },
  )).login.accessToken;
  context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, locale: 'en-GB', viewport: { width: 1440, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
}, 300_000);

afterAll(async () => {
  await context?.close();
  await stack?.stop();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe('the AI studio in Chromium', () => {
  let itemId = '';
  let consumedBefore = 0;

  it('generates a LinkedIn post and opens it, charged in credits', async () => {
    consumedBefore = await consumed();
    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await page.getByRole('textbox', { name: /^(Email|E-mail)$/ }).fill(stack.demo.clientAdminEmail);
    await page.getByRole('textbox', { name: /^(Password|Mot de passe)$/ }).fill(stack.demo.password);
    await page.getByRole('button', { name: /^(Sign in|Se connecter)$/ }).click();
    await page.waitForURL(/\/brand$/);
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Studio' }).click();
    await page.waitForURL(/\/studio\/[0-9a-f-]{36}$/);
    const draftId = page.url().split('/').pop();

    await page.getByRole('button', { name: 'Generate with AI' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate with AI' });
    await dialog.getByLabel('Channel').selectOption('LINKEDIN');
    await dialog.getByRole('textbox', { name: 'Brief' }).fill(BRIEF);
    await dialog.getByRole('textbox', { name: 'Tone' }).fill('chaleureux, expert');
    await dialog.getByText('Short', { exact: true }).click();
    await dialog.getByText('Semi-automatic', { exact: true }).click();
    await dialog.getByText('The AI drafts; a person approves every version.').waitFor();
    await shot('studio-01-generate');
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();

    await page.waitForURL((url) => /\/studio\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(`/${draftId}`));
    itemId = page.url().split('/').pop()!;
    await page.getByTestId('draft-mode').filter({ hasText: 'Mode: Semi-automatic' }).waitFor();
    await page.getByText('In review', { exact: true }).first().waitFor();
    expect(await page.getByLabel('Channel', { exact: true }).inputValue()).toBe('LINKEDIN');
    expect((await page.getByRole('textbox', { name: 'Body' }).inputValue()).length).toBeGreaterThan(100);
    const [v1] = await versions(itemId);
    expect(v1).toMatchObject({ version: 1, author: 'model:offline-writer' });
    expect(v1!.credits).toBeGreaterThan(0);
    expect(await consumed()).toBe(consumedBefore + v1!.credits);
  });

  it('scores the edits live and counts the characters against LinkedIn’s limit', async () => {
    await page.getByRole('meter', { name: 'Total score' }).waitFor({ timeout: 30_000 });
    const counter = page.getByTestId('limit-length');
    await expect.poll(() => counter.innerText(), { timeout: 15_000 }).toMatch(/^\d+ \/ 3000 characters$/);
    const before = Number((await counter.innerText()).split(' ')[0]);
    const body = page.getByRole('textbox', { name: 'Body' });
    await body.fill(`${await body.inputValue()}\n\n${ADDED}`);
    await expect.poll(async () => Number((await counter.innerText()).split(' ')[0]), { timeout: 15_000 }).toBe(before + ADDED.length + 2);
    await page.getByText('Up to date').waitFor();
    expect(await totalScore()).toBeGreaterThan(0);
    await shot('studio-02-edit');
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 saved' }).waitFor();
  });

  it('regenerates with the cost shown, as version 3', async () => {
    const spent = await consumed();
    await page.getByRole('button', { name: /^Regenerate/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Regenerate with AI' });
    const quote = dialog.getByTestId('regeneration-quote');
    await expect.poll(() => quote.innerText()).toMatch(/Costs at most \d+ credits? · [\d,]+ available/);
    expect(await quote.innerText()).toMatch(/5 of 5 regenerations left/);
    await shot('studio-03-regenerate');
    await dialog.getByRole('button', { name: /^Regenerate · \d+ credits?$/ }).click();
    await page.getByRole('status').filter({ hasText: 'Version 3 written by the AI' }).waitFor();
    expect(await page.getByTestId('draft-version').textContent()).toBe('Version 3');
    expect(await page.getByRole('textbox', { name: 'Body' }).inputValue()).not.toContain(ADDED);
    const [v3] = await versions(itemId);
    expect(v3).toMatchObject({ version: 3, author: 'model:offline-writer' });
    expect(await consumed()).toBe(spent + v3!.credits);
  });

  it('shows the history with a word diff and restores version 2 as version 4', async () => {
    await page.getByRole('button', { name: 'History' }).click();
    const drawer = page.getByRole('dialog', { name: 'Version history' });
    await drawer.getByRole('list', { name: 'Version history' }).getByRole('listitem').nth(2).waitFor();
    expect(await drawer.getByRole('list', { name: 'Version history' }).getByRole('listitem').count()).toBe(3);
    await drawer.getByRole('button', { name: /Version 2/ }).click();
    const diff = drawer.getByRole('region', { name: 'Changes from version 2 to version 3' });
    await diff.locator('[data-diff="delete"]').first().waitFor();
    expect(await diff.locator('[data-diff="insert"]').count()).toBeGreaterThan(0);
    expect(await diff.locator('[data-diff="delete"]').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Zanzibar')]));
    await shot('studio-04-history');

    await drawer.getByRole('button', { name: 'Restore version 2' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 restored as version 4' }).waitFor();
    expect(await page.getByTestId('draft-version').textContent()).toBe('Version 4');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await page.getByRole('textbox', { name: 'Body' }).inputValue()).toContain(ADDED);
    expect((await versions(itemId)).map((v) => [v.version, v.author, v.restoredFrom])).toEqual([
      [4, 'human', 2], [3, 'model:offline-writer', null], [2, 'human', null], [1, 'model:offline-writer', null],
    ]);
    await shot('studio-05-restored');
  });
});
