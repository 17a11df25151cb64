// The media library in Chromium against the whole product: upload an image,
// see its thumbnail, insert it into a draft in the studio.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, startStack } from '../../scripts/stack.ts';
import type { Stack } from '../../scripts/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(import.meta.dirname, '..', 'test-results');

let stack: Stack;
let dataDir: string;
let profileDir: string;
let context: BrowserContext;
let page: Page;

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

async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function api<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ensemble-e2e-media-'));
  profileDir = mkdtempSync(join(tmpdir(), 'ensemble-chromium-media-'));
  stack = await startStack({ dataDir, ports: await freePorts(), seed: true });
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
