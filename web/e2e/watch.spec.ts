// C11 in a real browser, against the whole product started by scripts/stack.ts
// (its local mail catcher included): watch a competitor's shop page, test the
// selectors, capture it, change a price on the shop, capture again, and see
// the price-change alert in the app, in the shell's badge and in the catcher.
//
// The shop is a local server. The product's fetcher refuses loopback, so the
// stack runs with ENSEMBLE_TEST_FETCH_ROUTES (see
// subgraphs/content/src/egress/test-routes.ts): under NODE_ENV=test only, the
// name shop.watch.test resolves to a public address for the SSRF policy and
// its connections are dialled to this server. A loopback URL typed in the app
// is still refused, which the test checks first.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type E2e } from './support/e2e.ts';

const SHOP_PORT = 17140;

let baguette = '1,20 €';
let shop: http.Server;
let stack: Stack;
let page: Page;
let e2e: E2e;
let shot: E2e['shot'];

function shopPage(): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Le Fournil — Boutique</title></head><body><main>
    <h1>Nos pains</h1><p class="intro">Pains au levain, cuits chaque matin.</p>
    <ul><li class="product"><h3 class="name">Baguette tradition</h3><span class="price">${baguette}</span></li>
        <li class="product"><h3 class="name">Pain de campagne</h3><span class="price">4,50 €</span></li>
        <li class="product"><h3 class="name">Croissant</h3><span class="price">1,10 €</span></li></ul></main></body></html>`;
}

beforeAll(async () => {
  shop = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shopPage()));
  await new Promise<void>((resolve) => shop.listen(SHOP_PORT, '127.0.0.1', resolve));
  e2e = await startE2e('watch', { stack: { nodeEnv: 'test', env: { ENSEMBLE_TEST_FETCH_ROUTES: `shop.watch.test=127.0.0.1:${SHOP_PORT}` } } });
  ({ stack, page, shot } = e2e);
}, E2E_START_MS);

afterAll(async () => {
  await e2e?.close();
  shop?.closeAllConnections();
  await new Promise((resolve) => shop?.close(resolve));
}, E2E_STOP_MS);

describe('competitor watch in Chromium', () => {
  it('refuses a loopback address, previews the selectors, and adds the shop page', async () => {
    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(stack.demo.clientAdminEmail);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(stack.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /^(Competitors|Concurrents)/ }).waitFor().catch(async (error: unknown) => {
      await shot('watch-00-debug');
      throw error;
    });
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: /^Competitors/ }).click();
    await page.waitForURL(/\/competitors$/);
    await page.getByText('No competitor watched yet').waitFor();

    await page.getByRole('button', { name: 'Add a source' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: /^Competitor(?! website)/ }).fill('Le Fournil d’Oberkampf');
    await dialog.getByRole('textbox', { name: 'Address' }).fill(`http://127.0.0.1:${SHOP_PORT}/boutique`);
    await dialog.getByRole('textbox', { name: 'Product item' }).fill('.product');
    await dialog.getByRole('textbox', { name: 'Product name' }).fill('.name');
    await dialog.getByRole('textbox', { name: 'Price', exact: true }).fill('.price');
    await dialog.getByRole('button', { name: 'Add the source' }).click();
    const refusal = dialog.getByRole('alert').filter({ hasText: /loopback/ });
    await refusal.waitFor();
    await refusal.scrollIntoViewIfNeeded();
    await shot('watch-01-loopback-refused');

    await dialog.getByRole('textbox', { name: 'Address' }).fill('http://shop.watch.test/boutique');
    await dialog.getByRole('button', { name: 'Test the selectors' }).click();
    const preview = dialog.getByRole('table', { name: 'Products found' });
    await preview.getByText('Baguette tradition').waitFor();
    expect(await preview.getByRole('row').count()).toBe(4);
    await preview.scrollIntoViewIfNeeded();
    await shot('watch-02-preview');
    await dialog.getByRole('button', { name: 'Add the source' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('navigation', { name: 'Competitors and sources' }).getByText('shop.watch.test/boutique').waitFor();
  });

  it('captures a baseline, then a price change with its alert and badge', async () => {
    await page.getByRole('button', { name: 'Capture now' }).click();
    await page.getByRole('status').filter({ hasText: 'First capture recorded' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('capture').filter({ hasText: 'First capture' }).waitFor();

    baguette = '1,40 €';
    await page.getByRole('button', { name: 'Capture now' }).click();
    await page.getByRole('status').filter({ hasText: 'Changes found' }).waitFor({ timeout: 60_000 });
    const change = page.getByTestId('price-change').first();
    await change.waitFor();
    expect(await change.innerText()).toMatch(/Baguette tradition: €1\.20 → €1\.40\s*\+16\.7%/);
    // The shell's badge counts the new alert (the capture refreshes it).
    await page.getByTestId('unread-alerts-badge').filter({ hasText: '1' }).waitFor();
    await shot('watch-03-price-change');

    await page.getByRole('tab', { name: /Alerts/ }).click();
    const alert = page.getByTestId('alert').first();
    await alert.getByText('Price change').waitFor();
    expect(await alert.innerText()).toContain('Le Fournil d’Oberkampf : Baguette tradition 1,20 € → 1,40 € (+16,7 %)');
    await shot('watch-04-alerts');
  });

  it('e-mails the alert once to the client administrator, in the local catcher', async () => {
    expect(stack.mailUrl).toBeTruthy();
    let mine: Array<{ id: number; to: string[]; subject: string; deliveries: number }> = [];
    for (let i = 0; i < 50 && mine.length === 0; i += 1) {
      const messages = (await (await fetch(`${stack.mailUrl}/api/messages`)).json()) as typeof mine;
      mine = messages.filter((m) => m.subject.includes('Baguette tradition'));
      if (mine.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ to: [stack.demo.clientAdminEmail], deliveries: 1 });
    expect(mine[0]!.subject).toBe('[Veille concurrentielle] Le Fournil d’Oberkampf : Baguette tradition 1,20 € → 1,40 € (+16,7 %)');
    await page.goto(`${stack.mailUrl}/messages/${mine[0]!.id}`);
    await page.getByRole('heading', { level: 1, name: /Baguette tradition/ }).waitFor();
    await shot('watch-05-email');
  });

  it('proposes evergreen content that still performs, and schedules its refresh', async () => {
    // One of the bakery's published posts, four months old, still visited this month.
    const admin = new pg.Client({ connectionString: stack.databaseUrl });
    await admin.connect();
    let title: string;
    try {
      const tenant = stack.demo.tenants.bakery;
      const [item] = (await admin.query(`select id, title from content.content_item where tenant_id = $1 and status = 'published' order by published_at limit 1`, [tenant])).rows;
      title = item.title;
      await admin.query(`update content.content_item set published_at = now() - interval '120 days' where id = $1`, [item.id]);
      for (let i = 0; i < 6; i += 1) {
        await admin.query(`insert into analytics.event (event_id, tenant_id, occurred_at, name, source, properties) values ($1, $2, now() - make_interval(days => $3), 'page_view', 'browser', $4)`,
          [randomUUID(), tenant, i + 1, JSON.stringify({ itemId: item.id })]);
      }
    } finally {
      await admin.end();
    }
    await page.goto(`${stack.webUrl}/evergreen`);
    await page.getByRole('heading', { level: 1, name: 'Evergreen content' }).waitFor();
    await page.getByRole('button', { name: 'Find candidates now' }).click();
    await page.getByRole('status').filter({ hasText: /1 new proposal/ }).waitFor();
    const card = page.getByTestId('evergreen-candidate').filter({ hasText: title });
    await card.getByText(/^6 events including 0 conversions in 30 days/).waitFor();
    await card.getByRole('button', { name: 'Refresh and republish' }).click();
    await card.getByText('Accepted').waitFor();
    await card.getByText(/scheduled for/).waitFor();
    await shot('watch-06-evergreen');
  });
});
