// Brand DNA history and the prompt cascade in a real browser (T6, T7): the
// client admin edits the tagline (version 2), compares 1 ↔ 2, restores 1
// (version 3), then reads the merged prompt with its provenance badges.
// Screenshots land in web/test-results/ (gitignored).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type E2e } from './support/e2e.ts';

const NEW_TAGLINE = 'Pain au levain, cuit chaque nuit dans le 11e';

let stack: Stack;
let page: Page;
let e2e: E2e;
let shot: E2e['shot'];
let token = '';

interface Snapshot { version: number; note: string | null; document: { identity: { tagline: string } } & Record<string, unknown> }

const api = <T>(query: string, variables: Record<string, unknown> = {}) => e2e.api<T>(query, variables, token);

async function history(): Promise<Snapshot[]> {
  return (await api<{ brandDnaHistory: Snapshot[] }>('{ brandDnaHistory { version note document } }')).brandDnaHistory;
}

beforeAll(async () => {
  e2e = await startE2e('brand');
  ({ stack, page, shot } = e2e);
  token = (await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: stack.demo.clientAdminEmail, p: stack.demo.password },
  )).login.accessToken;
}, E2E_START_MS);

afterAll(() => e2e?.close(), E2E_STOP_MS);

describe('brand DNA history and prompt provenance in Chromium', () => {
  let original: Snapshot;

  it('edits the tagline into version 2', async () => {
    original = (await history())[0]!;
    expect(original.version).toBe(1);

    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await page.getByRole('textbox', { name: /^(Email|E-mail)$/ }).fill(stack.demo.clientAdminEmail);
    await page.getByRole('textbox', { name: /^(Password|Mot de passe)$/ }).fill(stack.demo.password);
    await page.getByRole('button', { name: /^(Sign in|Se connecter)$/ }).click();
    await page.waitForURL(/\/brand$/);
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Brand' }).waitFor();

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const tagline = page.getByRole('textbox', { name: 'Tagline' });
    expect(await tagline.inputValue()).toBe(original.document.identity.tagline);
    await tagline.fill(NEW_TAGLINE);
    await page.getByRole('textbox', { name: 'What changed (optional)' }).fill('New tagline');
    await shot('brand-01-edit');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 saved.' }).waitFor();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText(NEW_TAGLINE).first().waitFor();
    await page.getByRole('button', { name: 'Show version 2' }).waitFor();

    const [latest] = await history();
    expect(latest).toMatchObject({ version: 2, note: 'New tagline' });
    expect(latest!.document.identity.tagline).toBe(NEW_TAGLINE);
  });

  it('compares versions 1 and 2 side by side', async () => {
    await page.getByRole('checkbox', { name: 'Compare version 1' }).check();
    await page.getByRole('checkbox', { name: 'Compare version 2' }).check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const table = page.getByRole('table', { name: 'Changes' });
    await table.waitFor();
    const rows = table.getByRole('row');
    expect(await rows.count()).toBe(2); // header + the tagline
    const row = rows.nth(1);
    expect(await row.getByRole('cell').nth(0).innerText()).toMatch(/identity\.tagline\s+Changed/i);
    expect(await row.getByRole('cell', { name: 'Before' }).innerText()).toBe(original.document.identity.tagline);
    expect(await row.getByRole('cell', { name: 'After' }).innerText()).toBe(NEW_TAGLINE);
    await page.getByRole('heading', { name: 'Changes from version 1 to version 2' }).waitFor();
    await shot('brand-02-compare');
  });

  it('restores version 1 as version 3', async () => {
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Version 3 will be created with the content of version 1.', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Version 3 created from version 1.' }).waitFor();
    await page.getByRole('button', { name: 'Show version 3' }).waitFor();
    await page.getByText(original.document.identity.tagline).first().waitFor();
    await shot('brand-03-restored');

    const [restored] = await history();
    expect(restored).toMatchObject({ version: 3, note: 'Restored from v1' });
    expect(restored!.document).toEqual(original.document);
  });

  it('shows the prompt layers and a provenance badge on every merged key', async () => {
    const { mergedPrompt } = await api<{ mergedPrompt: { provenance: Array<{ path: string; level: string; version: number }> } }>(
      '{ mergedPrompt(locale: "fr") { provenance { path level version } } }');
    await page.getByRole('link', { name: 'Prompts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Prompts' }).waitFor();
    // The client admin's own locale is fr.
    await page.getByRole('heading', { level: 2, name: 'Merged prompt' }).waitFor();
    const badges = page.getByTestId('provenance-badge');
    await expect.poll(() => badges.count()).toBe(mergedPrompt.provenance.length);
    for (const level of ['Platform', 'Client']) {
      expect(await page.locator(`[data-testid="provenance-badge"][aria-label^="Set by ${level}"]`).count()).toBeGreaterThan(0);
    }
    // The client's own key is badged with its level, tenant and version; hovering says so.
    const styleAddress = page.locator('li[data-path="style.address"]').getByTestId('provenance-badge');
    expect(await styleAddress.getAttribute('aria-label')).toBe('Set by Client (Maison Lumière), version 1');
    await styleAddress.hover();
    await page.getByRole('tooltip').filter({ hasText: 'Set by Client (Maison Lumière), version 1' }).waitFor();
    // Only the client's own layer can be edited here.
    await page.getByRole('button', { name: 'Edit the layer of Maison Lumière' }).waitFor();
    expect(await page.getByText('Read-only', { exact: true }).count()).toBe(2);
    await shot('brand-04-prompts');
  });
});
