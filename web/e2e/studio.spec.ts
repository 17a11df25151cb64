// The AI studio in a real browser (C1, C2): the client admin generates a
// LinkedIn post, edits it while the live score and the channel counters
// follow, regenerates it (credits shown), opens the history, reads the word
// diff and restores an older version as a new one; then writes a draft by
// hand, submits it for review and finds it in the approvals queue, and sees a
// refused submission explained.
// Screenshots land in web/test-results/ (gitignored).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type E2e } from './support/e2e.ts';

const BRIEF = 'Notre atelier pain au levain, tous les samedis d’avril';
const ADDED = 'Notre atelier Zanzibar revient cette semaine.';
const REVIEW_TITLE = 'Les horaires de Noël du fournil';

let stack: Stack;
let page: Page;
let e2e: E2e;
let shot: E2e['shot'];
let token = '';

interface Version { version: number; author: string; credits: number; restoredFrom: number | null }

const api = <T>(query: string, variables: Record<string, unknown> = {}) => e2e.api<T>(query, variables, token);

async function consumed(): Promise<number> {
  return (await api<{ creditBalance: { consumed: number } }>('{ creditBalance { consumed } }')).creditBalance.consumed;
}

async function versions(itemId: string): Promise<Version[]> {
  return (await api<{ contentVersions: Version[] }>('query($id: ID!) { contentVersions(itemId: $id) { version author credits restoredFrom } }', { id: itemId })).contentVersions;
}

async function itemApprovals(itemId: string): Promise<Array<{ id: string; status: string; version: number }>> {
  return (await api<{ itemApprovals: Array<{ id: string; status: string; version: number }> }>('query($id: ID!) { itemApprovals(itemId: $id) { id status version } }', { id: itemId })).itemApprovals;
}

/** Opens a fresh draft through the studio's own button and answers its id. */
async function newDraft(previousId: string): Promise<string> {
  await page.getByRole('button', { name: 'New draft' }).click();
  await page.waitForURL((url) => /\/studio\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(`/${previousId}`));
  await page.getByRole('textbox', { name: 'Body' }).waitFor();
  return page.url().split('/').pop()!;
}

async function totalScore(): Promise<number> {
  return Number(await page.getByRole('meter', { name: 'Total score' }).getAttribute('aria-valuenow'));
}

beforeAll(async () => {
  e2e = await startE2e('studio');
  ({ stack, page, shot } = e2e);
  token = (await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
    { e: stack.demo.clientAdminEmail, p: stack.demo.password },
  )).login.accessToken;
}, E2E_START_MS);

afterAll(() => e2e?.close(), E2E_STOP_MS);

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

  it('submits a saved draft for review: the status follows and the approvals queue shows it', async () => {
    const reviewedId = await newDraft(itemId);
    const submit = page.getByRole('button', { name: 'Submit for review' });
    await page.getByRole('textbox', { name: /^Title/ }).fill(REVIEW_TITLE);
    await page.getByRole('textbox', { name: 'Body' }).fill('Le fournil ouvre le 24 décembre de 7 h à 18 h, et le 31 de 7 h à 16 h.');
    // Unsaved edits would not be in the round: the button waits for the save.
    expect(await submit.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 2 saved' }).waitFor();
    await expect.poll(() => submit.isEnabled()).toBe(true);
    expect(await itemApprovals(reviewedId)).toEqual([]);

    await submit.click();
    await page.getByRole('status').filter({ hasText: 'Submitted for review: it waits in the approvals queue' }).waitFor();
    await page.getByText('In review', { exact: true }).first().waitFor();
    expect(await submit.isDisabled()).toBe(true);
    expect(await itemApprovals(reviewedId)).toEqual([expect.objectContaining({ status: 'PENDING', version: 2 })]);
    await shot('studio-06-submitted');

    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.waitForURL(/\/approvals/);
    await page.getByTestId('approval-queue').getByText(REVIEW_TITLE).click();
    await page.getByText('Le fournil ouvre le 24 décembre').first().waitFor();
    await shot('studio-07-in-approvals');
  });

  it('explains a refused submission and shows where the item stands now', async () => {
    await page.getByRole('link', { name: 'Studio' }).click();
    await page.waitForURL(/\/studio\/[0-9a-f-]{36}$/);
    const otherId = await newDraft(page.url().split('/').pop()!);
    await page.getByText('Draft', { exact: true }).first().waitFor();
    // Behind the page's back, someone submits the draft and approves it.
    const { submitForReview } = await api<{ submitForReview: { id: string } }>('mutation($id: ID!) { submitForReview(itemId: $id) { id } }', { id: otherId });
    const { approveItem } = await api<{ approveItem: { status: string } }>('mutation($id: ID!) { approveItem(approvalId: $id) { status } }', { id: submitForReview.id });
    expect(approveItem.status).toBe('APPROVED');

    const submit = page.getByRole('button', { name: 'Submit for review' });
    await submit.click();
    const alert = page.getByRole('alert').filter({ hasText: 'The draft could not be submitted for review' });
    await alert.waitFor();
    expect(await alert.innerText()).toContain('This item is approved: only a draft can be submitted for review');
    await page.getByText('Approved', { exact: true }).first().waitFor();
    expect(await submit.isDisabled()).toBe(true);
    expect((await itemApprovals(otherId)).map((a) => a.status)).toEqual(['APPROVED']);
    await shot('studio-08-refused');
  });
});
