// AI credits in a real browser (B2): the client sees its balance, the month's
// usage chart, the soft-cap warning and buys a top-up (pending payment); its
// distributor sees the credits of the clients of its subtree, and only those;
// a support agent is given no way into billing. Debian's Chromium driven by
// playwright-core against the whole product started by scripts/stack.ts.
//
// Screenshots land in web/test-results/ (gitignored).
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUrl } from '../../db/src/connection.ts';
import { createOrm, withTenant } from '../../db/src/orm.ts';
import { reserveCredits, settleReservation } from '../../subgraphs/billing/src/credits/credit-ledger.service.ts';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type Api, type E2e } from './support/e2e.ts';


let stack: Stack;
let orm: MikroORM;
let page: Page;
let e2e: E2e;
let api: Api;
let shot: E2e['shot'];

async function token(email: string): Promise<string> {
  const { login } = await api<{ login: { accessToken: string } }>('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: email, p: stack.demo.password });
  return login.accessToken;
}

async function signIn(email: string): Promise<void> {
  await page.goto(`${stack.webUrl}/login`);
  await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(stack.demo.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: /^(Sign out|Se déconnecter)$/ }).waitFor();
  // English whatever the login's own locale.
  await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
}

async function statValue(label: string): Promise<number> {
  return Number((await page.getByLabel(label, { exact: true }).innerText()).replace(/[^\d-]/g, ''));
}

beforeAll(async () => {
  e2e = await startE2e('credits');
  ({ stack, page, api, shot } = e2e);
  // The month so far, as the worker would have paid for it: AI calls reserved, then settled.
  orm = await createOrm({ url: appUrl(stack.databaseUrl), poolMax: 2 });
  const { bakery, fitness, riad } = stack.demo.tenants;
  for (const [tenantId, key, task, amount] of [
    [bakery, 'e2e-post-1', 'generation', 700], [bakery, 'e2e-post-2', 'generation', 600], [bakery, 'e2e-images', 'image', 350],
    [fitness, 'e2e-month', 'generation', 2900], [riad, 'e2e-month', 'generation', 400],
  ] as const) {
    await withTenant(orm, tenantId, null, async ({ em }) => {
      const r = await reserveCredits(em, { tenantId, amount, task, idempotencyKey: key });
      await settleReservation(em, { tenantId, reservationId: r.reservationId, amount, idempotencyKey: key });
    });
  }
}, E2E_START_MS);

afterAll(async () => {
  await orm?.close(true);
  await e2e?.close();
}, E2E_STOP_MS);

describe('AI credits in Chromium', () => {
  it('shows the client its balance, the month’s usage chart and the soft-cap warning, and buys a top-up pending payment', async () => {
    const clientToken = await token(stack.demo.clientAdminEmail);
    const { creditBalance } = await api<{ creditBalance: { budget: number; available: number; consumed: number; softCap: number; softCapReached: boolean } }>(
      '{ creditBalance { budget available consumed softCap softCapReached } }', {}, clientToken);
    expect(creditBalance).toMatchObject({ consumed: 1650, softCapReached: true });

    await signIn(stack.demo.clientAdminEmail);
    await page.getByRole('link', { name: 'Credits' }).click();
    await page.getByRole('heading', { level: 1, name: 'AI credits' }).waitFor();
    expect(await statValue('Budget')).toBe(creditBalance.budget);
    expect(await statValue('Available')).toBe(creditBalance.available);
    expect(await statValue('Consumed')).toBe(1650);
    await page.getByRole('img', { name: /consumed, .* reserved and .* available/ }).waitFor();

    // The usage chart: the month's days, with today's 1,650 credits drawn as a bar.
    const chart = page.getByRole('img', { name: /1,650 credits consumed from/ });
    await chart.waitFor();
    await expect.poll(() => chart.locator('.recharts-bar-rectangle path').count()).toBeGreaterThan(0);
    await page.getByText('Generation · 1,300').waitFor();
    await page.getByText('Images · 350').waitFor();

    const banner = page.getByRole('alert').filter({ hasText: 'Soft cap reached' });
    await banner.waitFor();
    expect(await banner.innerText()).toContain(`past your soft cap of ${creditBalance.softCap.toLocaleString('en-GB')}`);
    // When: the ledger's notice of the period, recorded by the reservation that crossed the cap.
    expect(await banner.innerText()).toMatch(/Reached on .*2\d{3}/);
    await shot('credits-01-client');

    // A top-up: confirmed in a dialog, then pending payment (no credits until its invoice is paid).
    await page.getByRole('button', { name: 'Buy 500 credits' }).click();
    const dialog = page.getByRole('dialog', { name: 'Buy 500 credits?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/An invoice of €15\.00 will be issued/);
    await shot('credits-02-confirm');
    await dialog.getByRole('button', { name: 'Confirm the purchase' }).click();
    await page.getByText('Top-up ordered: its invoice awaits payment.', { exact: false }).waitFor();
    await page.getByRole('table', { name: 'Recent top-ups' }).getByText('Awaiting payment').waitFor();
    expect(await statValue('Available')).toBe(creditBalance.available);
    const { creditTopUps } = await api<{ creditTopUps: Array<{ status: string; credits: number }> }>('{ creditTopUps { status credits } }', {}, clientToken);
    expect(creditTopUps).toEqual([{ status: 'PENDING_PAYMENT', credits: 500 }]);
    await shot('credits-03-topup');
    await signOut();
  });

  it('shows a distributor the credits of its subtree’s clients, and only those', async () => {
    const agencyToken = await token(stack.demo.logins.distributorAdmin.email);
    const { clientCredits } = await api<{ clientCredits: Array<{ client: { name: string }; budget: number; consumed: number; softCapReached: boolean }> }>(
      '{ clientCredits { client { name } budget consumed softCapReached } }', {}, agencyToken);
    expect(clientCredits.map((c) => [c.client.name, c.consumed, c.softCapReached])).toEqual([['Forge & Flow Studio', 2900, true], ['Riad Dar Yasmine', 400, false]]);

    await signIn(stack.demo.logins.distributorAdmin.email);
    await page.getByRole('link', { name: 'Client credits' }).click();
    await page.getByRole('heading', { level: 1, name: 'Client credits' }).waitFor();
    const table = page.getByRole('table', { name: 'Client credits' });
    await table.getByRole('row').nth(1).waitFor();
    expect(await table.getByRole('row').count()).toBe(clientCredits.length + 1);
    for (const row of clientCredits) {
      const line = table.getByRole('row').filter({ hasText: row.client.name });
      await line.getByRole('img', { name: `${row.consumed.toLocaleString('en-GB')} consumed and 0 reserved of a ${row.budget.toLocaleString('en-GB')}-credit budget` }).waitFor();
      expect(await line.getByText(row.softCapReached ? 'Soft cap reached' : 'Within caps').count()).toBe(1);
    }
    // The Direct distributor's client is not the agency's to see.
    expect(await table.getByText('Maison Lumière').count()).toBe(0);
    await shot('credits-04-distributor');
    await signOut();
  });

  it('gives a support agent no way into billing', async () => {
    await signIn(stack.demo.logins.supportAgent.email);
    expect(await page.getByRole('link', { name: 'Client credits' }).count()).toBe(0);
    await page.goto(`${stack.webUrl}/client-credits`);
    await page.getByText('Your role does not give access to this.').waitFor();
    const supportToken = await token(stack.demo.logins.supportAgent.email);
    const denied = await api('{ clientCredits { budget } }', {}, supportToken).then(() => 'allowed', (error: Error) => error.message);
    expect(denied).toMatch(/FORBIDDEN/);
    await shot('credits-05-support');
  });
});
