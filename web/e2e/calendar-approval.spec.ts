// C5 + C6 in a real browser, against the whole product started by
// scripts/stack.ts (the worker runs the approval workflow): a post of the
// bakery waits for approval on the calendar; drag it to another day; open the
// approvals queue; create an external link; open it in a fresh browser with
// no session and approve; the calendar shows the post approved.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, launchBrowser, startE2e, type Api, type E2e } from './support/e2e.ts';

const TITLE = 'Bûche de Noël : les précommandes sont ouvertes';

let stack: Stack;
let stranger: Browser | undefined;
let page: Page;
let e2e: E2e;
let api: Api;
let shot: E2e['shot'];
let token: string;
let itemId: string;
let slotId: string;
let targetDay: string;
let approvalUrl: string;
/** the slot falls in the month after the current one (the calendar opens on today's month) */
let nextMonth = false;

/** YYYY-MM-DD of a Date in the browser's (and this process's) zone. */
function day(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

beforeAll(async () => {
  e2e = await startE2e('calendar', { viewport: { width: 1440, height: 1000 } });
  ({ stack, page, api, shot } = e2e);
  page.on('pageerror', (error) => console.error('page error:', error.message));

  // A draft of the bakery, sent to review (which starts its approval workflow), on the calendar in two days.
  ({ login: { accessToken: token } } = await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: stack.demo.clientAdminEmail, p: stack.demo.password }));
  ({ createDraft: { id: itemId } } = await api<{ createDraft: { id: string } }>(
    'mutation($i: DraftInput!) { createDraft(input: $i) { id } }',
    { i: { channel: 'INSTAGRAM', title: TITLE, body: 'Notre bûche praliné-noisette revient cette année. Précommandes en boutique jusqu’au 20 décembre. 🎄', locale: 'fr' } }, token));
  const { submitForReview } = await api<{ submitForReview: { status: string; workflowId: string | null } }>(
    'mutation($id: ID!) { submitForReview(itemId: $id) { status workflowId } }', { id: itemId }, token);
  expect(submitForReview).toEqual({ status: 'PENDING', workflowId: `approval:${stack.demo.tenants.bakery}:${itemId}` });

  const slotAt = new Date();
  slotAt.setDate(slotAt.getDate() + 2);
  slotAt.setHours(10, 0, 0, 0);
  // Drag forward a day, unless that leaves the slot's month (then back a day, still in the future).
  const forward = new Date(slotAt);
  forward.setDate(forward.getDate() + 1);
  const back = new Date(slotAt);
  back.setDate(back.getDate() - 1);
  targetDay = day(forward.getMonth() === slotAt.getMonth() ? forward : back);
  nextMonth = slotAt.getMonth() !== new Date().getMonth();
  slotId = randomUUID();
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    await db.query('set role ensemble_owner');
    await db.query(
      `insert into content.calendar_slot (id, tenant_id, channel, scheduled_at, status, item_id, timing)
       values ($1, $2, 'instagram', $3, 'filled', $4, $5)`,
      [slotId, stack.demo.tenants.bakery, slotAt, itemId, JSON.stringify({ kind: 'learned', weekday: 4, hour: 18, minute: 0, lift: 1.6, posts: 15, totalPosts: 45, weeks: 16, text: 'seeded' })]);
    await db.query('update content.content_item set calendar_slot_id = $1 where id = $2', [slotId, itemId]);
  } finally {
    await db.end();
  }
}, E2E_START_MS);

afterAll(async () => {
  await stranger?.close();
  await e2e?.close();
}, E2E_STOP_MS);

describe('calendar and approvals in Chromium', () => {
  it('shows the post awaiting approval and moves it by dragging', async () => {
    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(stack.demo.clientAdminEmail);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(stack.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /^(Calendar|Calendrier)$/ }).waitFor();
    await page.getByRole('group', { name: /^(Language|Langue)$/ }).getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL(/\/calendar$/);

    await page.locator('.fc-daygrid-day').first().waitFor();
    if (nextMonth) await page.locator('.fc-next-button').click();
    const event = page.locator(`[data-slot-id="${slotId}"]`);
    await event.waitFor();
    expect(await event.getAttribute('data-state')).toBe('PENDING');
    expect(await event.getAttribute('title')).toContain(TITLE);
    // The bakery's seeded engagement history: its best Instagram time is learned.
    await page.getByTestId('best-times').getByText(/^Thursday 18:00: \d\.\d× your average Instagram engagement over 16 weeks/).waitFor();
    await shot('calendar-approval-1-calendar');

    const from = await event.boundingBox();
    const cell = page.locator(`td.fc-daygrid-day[data-date="${targetDay}"]`);
    const to = await cell.boundingBox();
    expect(from && to).toBeTruthy();
    const moved = page.waitForResponse((r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('RescheduleSlot'));
    await page.mouse.move(from!.x + from!.width / 2, from!.y + from!.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 12; i += 1) {
      await page.mouse.move(from!.x + from!.width / 2 + ((to!.x + to!.width / 2 - from!.x - from!.width / 2) * i) / 12, from!.y + from!.height / 2 + ((to!.y + 30 - from!.y - from!.height / 2) * i) / 12);
    }
    await page.mouse.up();
    const response = await (await moved).json() as { data?: { rescheduleSlot: { scheduledAt: string; timing: { kind: string } } }; errors?: unknown[] };
    expect(response.errors).toBeUndefined();
    expect(day(new Date(response.data!.rescheduleSlot.scheduledAt))).toBe(targetDay);
    expect(response.data!.rescheduleSlot.timing.kind).toBe('MANUAL');
    await cell.locator(`[data-slot-id="${slotId}"]`).waitFor();

    await event.click();
    await page.getByTestId('slot-details').getByText('Moved by hand').waitFor();
    await page.getByTestId('slot-details').getByText('Awaiting approval').waitFor();
    await page.waitForTimeout(400); // the drawer's slide-in, for the picture
    await shot('calendar-approval-2-moved');
    await page.keyboard.press('Escape');
  });

  it('creates an external approval link from the queue', async () => {
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.waitForURL(/\/approvals/);
    await page.getByTestId('approval-queue').getByText(TITLE).click();
    const detail = page.getByTestId('approval-detail');
    await detail.getByRole('heading', { name: TITLE }).waitFor();
    await detail.getByText('Awaiting approval').waitFor();
    await detail.getByRole('button', { name: 'External approval link' }).click();
    await page.getByLabel('Their e-mail (optional)').fill('gerante@maison-lumiere.test');
    await page.getByRole('button', { name: 'Create the link' }).click();
    const url = page.getByTestId('approval-link-url');
    await url.waitFor();
    approvalUrl = await url.inputValue();
    expect(approvalUrl.startsWith(`${stack.webUrl.replace(/\/$/, '')}/approve/`)).toBe(true);
    await shot('calendar-approval-3-link');
    await page.keyboard.press('Escape');
  });

  it('lets someone without an account approve through the link, once', async () => {
    stranger = await launchBrowser();
    const fresh = await stranger.newContext({ locale: 'en-GB', viewport: { width: 1200, height: 900 } });
    const outsider = await fresh.newPage();
    outsider.setDefaultTimeout(20_000);
    await outsider.goto(approvalUrl);
    await outsider.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    expect(outsider.url()).toBe(approvalUrl); // no redirect to a login page
    await outsider.getByText('For approval — Maison Lumière').waitFor();
    await shot('calendar-approval-4-external', outsider);
    await outsider.getByLabel('Your comment').fill('Parfait, on publie !');
    await outsider.getByRole('button', { name: 'Approve' }).click();
    await outsider.getByTestId('external-decision').getByText('Approved').waitFor();
    await shot('calendar-approval-5-approved', outsider);
    // The link has done its job.
    await outsider.reload();
    await outsider.getByTestId('approval-link-gone').waitFor();
    await fresh.close();
  });

  it('shows the post approved on the calendar', async () => {
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL(/\/calendar$/);
    const event = page.locator(`[data-slot-id="${slotId}"]`);
    await page.locator('.fc-daygrid-day').first().waitFor();
    if (nextMonth) await page.locator('.fc-next-button').click();
    await event.waitFor();
    await expect.poll(async () => page.locator(`[data-slot-id="${slotId}"]`).getAttribute('data-state'), { timeout: 20_000 }).toBe('APPROVED');
    await page.locator(`[data-slot-id="${slotId}"]`).click();
    await page.getByTestId('slot-details').getByText('Approved', { exact: true }).waitFor();
    await page.getByTestId('slot-details').getByText('Scheduled', { exact: true }).waitFor();
    await page.waitForTimeout(400); // the drawer's slide-in, for the picture
    await shot('calendar-approval-6-calendar-approved');
    const { calendar } = await api<{ calendar: Array<{ id: string; approvalStatus: string; item: { status: string } }> }>(
      'query($f: DateTime!, $t: DateTime!) { calendar(from: $f, to: $t) { id approvalStatus item { status } } }',
      { f: new Date(Date.now() - 86_400_000).toISOString(), t: new Date(Date.now() + 40 * 86_400_000).toISOString() }, token);
    expect(calendar.find((s) => s.id === slotId)).toEqual({ id: slotId, approvalStatus: 'APPROVED', item: { status: 'SCHEDULED' } });
  });
});
