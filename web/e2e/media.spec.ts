// The media library in Chromium against the whole product: upload an image,
// see its thumbnail, insert it into a draft in the studio.
import type { Page } from 'playwright-core';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type Api, type E2e } from './support/e2e.ts';


let stack: Stack;
let page: Page;
let e2e: E2e;
let api: Api;
let shot: E2e['shot'];

/** A real PNG (solid colour with a dark disc), encoded here so the browser test needs no image library. */
function png(width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const inside = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (height * 0.375) ** 2;
      raw.set(inside ? [0x2c, 0x3e, 0x50] : [0xe6, 0x7e, 0x22], row + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

beforeAll(async () => {
  e2e = await startE2e('media');
  ({ stack, page, api, shot } = e2e);
}, E2E_START_MS);

afterAll(() => e2e?.close(), E2E_STOP_MS);

describe('the media library in Chromium', () => {
  const login = { email: 'client.admin@fitness.test' };
  let mediaId = '';

  it('uploads an image and shows its thumbnail', async () => {
    await page.goto(stack.webUrl);
    await page.waitForURL(/\/login$/);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(login.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(stack.demo.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.endsWith('/login'));

    await page.getByRole('link', { name: 'Media' }).click();
    await page.waitForURL(/\/media$/);
    await page.getByRole('heading', { level: 1, name: 'Media' }).waitFor();

    const image = png(1200, 800);
    // Named .pdf on purpose: the library goes by the bytes.
    await page.getByTestId('media-file-input').setInputFiles({ name: 'Gym floor.pdf', mimeType: 'application/pdf', buffer: image });
    const card = page.getByRole('listitem', { name: 'Gym floor.png' });
    await card.waitFor();
    const thumbnail = card.getByRole('img', { name: 'Gym floor.png' });
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBe(320);
    await shot('media-01-library');

    await card.click();
    const drawer = page.getByRole('dialog', { name: 'Gym floor.png' });
    await drawer.waitFor();
    await expect.poll(() => drawer.getByTestId('media-preview').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1200);
    expect(await drawer.innerText()).toMatch(/image\/png · .* · 1200 × 800/);
    await shot('media-02-drawer');
    await page.keyboard.press('Escape');
  });

  it('inserts the image into a draft in the studio and records the use', async () => {
    await page.goto(`${stack.webUrl}/studio/new`);
    await page.waitForURL(/\/studio\/[0-9a-f-]{36}$/);
    const itemId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('button', { name: 'Insert media' }).click();
    const picker = page.getByRole('dialog', { name: 'Insert from the media library' });
    await picker.getByRole('listitem', { name: 'Gym floor.png' }).click();
    await picker.waitFor({ state: 'hidden' });
    const body = page.getByRole('textbox', { name: 'Body' });
    await expect.poll(() => body.inputValue()).toMatch(/!\[Gym floor\]\(http:\/\/127\.0\.0\.1:\d+\/media\/[0-9a-f-]{36}\?v=o&t=[0-9a-f-]{36}&e=0&sig=[\w-]{43}\)/);
    const url = /\((http[^)]+)\)/.exec(await body.inputValue())![1]!;
    mediaId = /\/media\/([0-9a-f-]{36})/.exec(url)![1]!;
    const file = await fetch(url);
    expect([file.status, file.headers.get('content-type')]).toEqual([200, 'image/png']);
    await shot('media-03-studio');

    const { login: session } = await api<{ login: { accessToken: string } }>(
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: login.email, p: stack.demo.password });
    const { mediaItem } = await api<{ mediaItem: { usage: Array<{ itemId: string }> } }>('query($id: ID!) { mediaItem(id: $id) { usage { itemId } } }', { id: mediaId }, session.accessToken);
    expect(mediaItem.usage.map((u) => u.itemId)).toContain(itemId);
  });
});
