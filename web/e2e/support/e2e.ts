// What every Chromium spec stands on: the whole product started by
// scripts/stack.ts on ports of its own (E2E_BASE_PORT pins them, for
// debugging), Debian's Chromium driven by playwright-core, a GraphQL client to
// arrange and check through the public API, and screenshots in
// web/test-results/ (gitignored).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePorts, portsFrom, startStack } from '../../../scripts/stack.ts';
import type { Stack, StackOptions } from '../../../scripts/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = join(import.meta.dirname, '..', '..', 'test-results');

/** beforeAll's budget: a whole stack, seeded, on a loaded 2-core machine. */
export const E2E_START_MS = 300_000;
export const E2E_STOP_MS = 120_000;

export type Api = <T>(query: string, variables?: Record<string, unknown>, token?: string) => Promise<T>;

export interface E2e {
  stack: Stack;
  /** the folder of this run's data (removed by close) */
  dataDir: string;
  context: BrowserContext;
  /** the persistent context's first tab */
  page: Page;
  api: Api;
  /** a full-page screenshot once fonts are loaded */
  shot(name: string, target?: Page): Promise<void>;
  close(): Promise<void>;
}

export interface E2eOptions {
  viewport?: { width: number; height: number };
  stack?: Pick<StackOptions, 'nodeEnv' | 'env'>;
}

/** A browser with no profile: someone outside the product (an external approver). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

/** The public API as a test calls it: errors become one readable exception (path, code, message). */
export function gatewayApi(gatewayUrl: string): Api {
  return async <T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } }> };
    if (body.errors?.length) {
      const errors = body.errors.map((e) => [e.path?.join('.'), e.extensions?.code, e.message].filter(Boolean).join(' '));
      throw new Error(`API ${query.slice(0, 60)}…: ${errors.join('; ')}`);
    }
    return body.data as T;
  };
}

async function screenshot(target: Page, name: string): Promise<void> {
  // Let fonts and the last render settle so the picture shows the finished screen;
  // from the top, or the sticky header and sidebar land mid-page in a full-page picture.
  await target.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  await target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function startE2e(name: string, options: E2eOptions = {}): Promise<E2e> {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), `ensemble-e2e-${name}-`));
  const profileDir = mkdtempSync(join(tmpdir(), `ensemble-chromium-${name}-`));
  let stack: Stack | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await stack?.stop();
    rmSync(profileDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const base = process.env.E2E_BASE_PORT ? Number(process.env.E2E_BASE_PORT) : undefined;
    stack = await startStack({ dataDir, ports: base ? portsFrom(base) : await freePorts(), seed: true, ...options.stack });
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, locale: 'en-GB', viewport: options.viewport ?? { width: 1440, height: 900 },
    });
  } catch (error) {
    await close();
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return { stack, dataDir, context, page, api: gatewayApi(stack.gatewayUrl), shot: (shotName, target = page) => screenshot(target, shotName), close };
}
