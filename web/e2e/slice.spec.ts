// The vertical slice in a real browser: Debian's Chromium driven by
// playwright-core against the whole product (PostgreSQL, Temporal, subgraphs,
// gateway, worker, the built web app) started by scripts/stack.ts.
//
// Screenshots of every screen land in web/test-results/ (gitignored).
import type { Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type Api, type E2e } from './support/e2e.ts';

/** The pipeline runs seven activities on the offline model; generous for a loaded 2-core machine. */
const PIPELINE_TIMEOUT_MS = 240_000;

let stack: Stack;
let page: Page;
let e2e: E2e;
let api: Api;
let shot: E2e['shot'];
const graphqlRequests: Array<{ operationName: string; variables: Record<string, unknown> }> = [];

/** The integer a stat card shows under its label ("1,234" → 1234). */
async function statValue(label: string): Promise<number> {
  const text = await page.getByLabel(label, { exact: true }).innerText();
  return Number(text.replace(/[^\d-]/g, ''));
}

async function totalScore(): Promise<number> {
  return Number(await page.getByRole('meter', { name: 'Total score' }).getAttribute('aria-valuenow'));
}

function check(label: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) });
}

function stepItems(): Locator {
  return page.getByRole('list', { name: 'Pipeline steps' }).getByRole('listitem');
}

beforeAll(async () => {
  e2e = await startE2e('slice');
  ({ stack, page, api, shot } = e2e);
  page.on('request', (request: Request) => {
    if (!request.url().endsWith('/graphql') || request.method() !== 'POST') return;
    const body = request.postDataJSON() as { operationName?: string; variables?: Record<string, unknown> } | null;
    graphqlRequests.push({ operationName: body?.operationName ?? '', variables: body?.variables ?? {} });
  });
}, E2E_START_MS);

afterAll(() => e2e?.close(), E2E_STOP_MS);

describe('the client slice in Chromium', () => {
  let brandName = '';
  let consumedBefore = 0;

  it('signs the client admin in and shows the brand DNA', async () => {
    // What the page must show, asked from the API itself rather than copied from the seed.
    const { login } = await api<{ login: { accessToken: string } }>(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      { e: stack.demo.clientAdminEmail, p: stack.demo.password },
    );
    const { brandDna, creditBalance } = await api<{ brandDna: { version: number; document: { identity?: { name?: string } } }; creditBalance: { consumed: number } }>(
      '{ brandDna { version document } creditBalance { consumed } }',
      {},
      login.accessToken,
    );
    brandName = brandDna.document.identity?.name ?? '';
    expect(brandName).not.toBe('');
    consumedBefore = creditBalance.consumed;

    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toMatch(/Sign in/);
    await shot('01-login');

    // A wrong password is explained, not dumped.
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(stack.demo.clientAdminEmail);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/Wrong email or password/);

    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(stack.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/brand$/);
    await page.getByRole('heading', { level: 1, name: brandName }).waitFor();

    // The client admin's own locale (fr) applies until a language is picked.
    await page.getByRole('link', { name: 'Marque' }).waitFor();
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Brand' }).waitFor();
    await page.getByText(`Version ${brandDna.version}`).first().waitFor();
    for (const section of ['Identity', 'Values', 'Offers', 'Audiences', 'Tone of voice', 'Vocabulary', 'Proof points', 'Keywords', 'Channels']) {
      await page.getByRole('heading', { level: 2, name: section }).waitFor();
    }
    await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
    // Clients have no portfolio page.
    expect(await page.getByRole('link', { name: 'Tenants' }).count()).toBe(0);
    await shot('02-brand');
  });

  it('scores the draft live while typing and saves a version', async () => {
    // Opening the studio on a tenant without drafts creates one and moves to its address.
    await page.getByRole('link', { name: 'Studio' }).click();
    await page.waitForURL(/\/studio\/[0-9a-f-]{36}$/);
    const itemId = page.url().split('/').pop();
    await page.getByLabel('Title').waitFor();
    // The first score arrives pushed over the WebSocket.
    await page.getByRole('meter', { name: 'Total score' }).waitFor({ timeout: 30_000 });

    await page.getByLabel('Focus keyphrase').fill('pain au levain');
    await expect.poll(async () => check('Keyphrase in title').textContent(), { timeout: 15_000 }).toMatch(/Problem/);
    const titleCheckBefore = await check('Keyphrase in title').textContent();
    expect(titleCheckBefore).toMatch(/Problem/);

    await page.getByLabel('Title').fill('Pain au levain : notre méthode au fournil');
    await expect.poll(async () => check('Keyphrase in title').textContent(), { timeout: 15_000 }).toMatch(/Good/);

    const before = await totalScore();
    await page
      .getByLabel('Body')
      .fill(
        'Le pain au levain demande du temps : au fournil, nous laissons fermenter la pâte pendant vingt-quatre heures. ' +
          'Ce pain au levain naturel se garde cinq jours et développe une croûte caramélisée.\n\n' +
          '## Pourquoi choisir un pain au levain ?\n\n' +
          'Parce que la fermentation lente rend le pain plus digeste et plus savoureux. Nos farines bio sont moulues sur meule.',
      );
    await expect.poll(totalScore, { timeout: 15_000 }).not.toBe(before);
    expect(await check('Keyphrase in introduction').textContent()).toMatch(/Good/);
    await page.getByText('Up to date').waitFor();
    await shot('03-studio');

    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 saved' }).waitFor();
    expect(await page.getByTestId('draft-version').textContent()).toBe('Version 2');

    // Scores were pushed, never polled: the draft was read once, and scored about once per edit, not on a timer.
    expect(graphqlRequests.filter((r) => r.operationName === 'StudioItem' && r.variables['id'] === itemId).length).toBe(1);
    expect(graphqlRequests.filter((r) => r.operationName === 'CreateDraft').length).toBe(1);
  });

  it('runs the monthly pipeline with live progress', async () => {
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.getByRole('heading', { level: 1, name: 'Monthly pipeline' }).waitFor();
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });
    await page.getByRole('button', { name: 'Start this month’s pipeline' }).click();
    await page.waitForURL(/\/pipeline\/[0-9a-f-]{36}$/);
    const runUrl = page.url();
    await expect.poll(() => stepItems().count(), { timeout: 30_000 }).toBe(7);

    const seen = new Set<number>();
    const started = Date.now();
    for (;;) {
      const labels = await stepItems().evaluateAll((items) => items.map((item) => item.getAttribute('aria-label') ?? ''));
      const done = labels.filter((label) => label.endsWith('Completed')).length;
      seen.add(done);
      expect(labels.some((label) => label.endsWith('Failed')), labels.join(' | ')).toBe(false);
      if (done === 7) break;
      if (Date.now() - started > PIPELINE_TIMEOUT_MS) throw new Error(`pipeline still at ${labels.join(' | ')}`);
      await page.waitForTimeout(250);
    }
    await page.getByLabel('Run status: Completed').waitFor({ timeout: 30_000 });
    // Progress came over the subscription: the page was never reloaded and the run was never re-queried.
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    // The DOM went through several states while HTTP read the run at most once (plus the list refetched after starting):
    // the steps advanced by subscription pushes.
    const runId = runUrl.split('/').pop();
    expect([...seen].some((done) => done < 7), [...seen].join(',')).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(2);
    expect(graphqlRequests.filter((r) => r.operationName === 'PipelineRun' && r.variables['id'] === runId).length).toBeLessThanOrEqual(1);
    expect(graphqlRequests.filter((r) => r.operationName === 'PipelineRuns').length).toBeLessThanOrEqual(2);
    await shot('04-pipeline');

    // One run per client and month: starting again shows the same run.
    await page.getByRole('button', { name: 'Start this month’s pipeline' }).click();
    await page.getByText(/was already started/).waitFor();
    expect(page.url()).toBe(runUrl);
    expect(await page.getByRole('list', { name: 'Runs' }).getByRole('listitem').count()).toBeGreaterThanOrEqual(1);
  }, PIPELINE_TIMEOUT_MS + 60_000);

  it('shows the credits consumed by the run', async () => {
    await page.getByRole('link', { name: 'Credits' }).click();
    await page.getByRole('heading', { level: 1, name: 'AI credits' }).waitFor();
    await expect.poll(() => statValue('Consumed'), { timeout: 15_000 }).toBeGreaterThan(consumedBefore);
    const budget = await statValue('Budget');
    const available = await statValue('Available');
    const reserved = await statValue('Reserved');
    const consumed = await statValue('Consumed');
    expect(available + reserved + consumed).toBe(budget);
    expect(await page.getByRole('table', { name: 'Movements' }).getByRole('row').count()).toBeGreaterThan(1);
    await page.getByRole('img', { name: /consumed, .* reserved and .* available/ }).waitFor();
    await shot('05-credits');
  });

  it('shows a distributor its tenants, in French', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('FR', { exact: true }).click();
    await page.getByRole('textbox', { name: 'E-mail', exact: true }).fill(stack.demo.logins.distributorAdmin.email);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(stack.demo.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('link', { name: 'Comptes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Comptes' }).waitFor();
    const table = page.getByRole('table', { name: 'Comptes' });
    await table.getByRole('row').nth(1).waitFor();
    const { login } = await api<{ login: { accessToken: string } }>(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      { e: stack.demo.logins.distributorAdmin.email, p: stack.demo.password },
    );
    const { tenants } = await api<{ tenants: Array<{ name: string }> }>('{ tenants { name } }', {}, login.accessToken);
    expect(await table.getByRole('row').count()).toBe(tenants.length + 1);
    for (const tenant of tenants) await table.getByRole('cell', { name: tenant.name, exact: true }).waitFor();
    await shot('06-tenants');
  });
});
