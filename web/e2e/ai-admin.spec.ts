// The super admin's AI area in Chromium against the whole product: set the key
// and URL of an OpenAI-compatible provider (a local server speaking its wire
// format), route generation through it, let a client's pipeline generate, and
// see the calls in the usage view. The key is never sent back by the API.
//
// Screenshots land in web/test-results/ (gitignored).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../scripts/stack.ts';
import { E2E_START_MS, E2E_STOP_MS, startE2e, type Api, type E2e } from './support/e2e.ts';
import { startWireServer, type WireServer } from '../../packages/ai/src/__tests__/wire-server.ts';

const KEY = 'ollama-e2e-secret-7Qx2';
const GENERATION_TIMEOUT_MS = 180_000;

let stack: Stack;
let wire: WireServer;
let page: Page;
let e2e: E2e;
let api: Api;
let shot: E2e['shot'];
const responses: string[] = [];

async function login(email: string): Promise<string> {
  const { login: result } = await api<{ login: { accessToken: string } }>(
    'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: email, p: stack.demo.password });
  return result.accessToken;
}

async function signIn(email: string): Promise<void> {
  await page.goto(`${stack.webUrl}/login`);
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(stack.demo.password);
  await page.getByRole('button', { name: /^(Sign in|Se connecter)$/ }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
}

beforeAll(async () => {
  wire = await startWireServer();
  wire.script('ollama', ...Array.from({ length: 40 }, (_, i) => ({ kind: 'ok' as const, text: `# Du levain, lentement (${i + 1})\n\nVingt heures de fermentation pour chaque miche.`, inputTokens: 900, outputTokens: 120 })));
  e2e = await startE2e('ai');
  ({ stack, page, api, shot } = e2e);
  page.on('response', (response) => {
    if (!response.url().endsWith('/graphql')) return;
    response.text().then((text) => responses.push(text), () => undefined);
  });
}, E2E_START_MS);

afterAll(async () => {
  await e2e?.close();
  await wire?.close();
}, E2E_STOP_MS);

describe('the super admin routes AI through an OpenAI-compatible server', () => {
  it('sets the provider URL and key; only the last four characters come back', async () => {
    await signIn(stack.demo.logins.superAdmin.email);
    await page.getByRole('link', { name: 'AI models' }).click();
    await page.waitForURL(/\/admin\/ai\/providers$/);
    await page.getByRole('heading', { level: 1, name: 'AI models and routing' }).waitFor();
    const ollama = page.locator('tr[data-provider="ollama"]');
    await ollama.getByText('No key').waitFor();

    await page.getByRole('button', { name: 'Edit: Ollama (local)' }).click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('API URL').fill(wire.baseUrl('ollama'));
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await ollama.getByText(wire.baseUrl('ollama')).waitFor();

    await page.getByRole('button', { name: 'Set key: Ollama (local)' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('API key').fill(KEY);
    await shot('ai-01-set-key');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await ollama.getByText(`Key ••••${KEY.slice(-4)}`).waitFor();
    await page.getByRole('button', { name: 'Replace key: Ollama (local)' }).waitFor();
    await shot('ai-02-providers');
    expect(responses.length).toBeGreaterThan(0);
    expect(responses.some((body) => body.includes(KEY))).toBe(false);
  });

  it('prices the model, then routes generation through it and the offline writer', async () => {
    // Inline edit of the model's prices (minor units per million tokens): each call then has a cost.
    await page.getByRole('tab', { name: 'Models' }).click();
    await page.waitForURL(/\/admin\/ai\/models$/);
    for (const [label, value] of [['Input price of Llama 3.1 8B (Ollama)', '10'], ['Output price of Llama 3.1 8B (Ollama)', '30']] as const) {
      const input = page.getByRole('textbox', { name: label });
      await input.fill(value);
      await input.press('Enter');
    }
    const admin = await login(stack.demo.logins.superAdmin.email);
    await expect.poll(async () => {
      const { aiModels } = await api<{ aiModels: Array<{ code: string; inputPrice: number; outputPrice: number }> }>('{ aiModels { code inputPrice outputPrice } }', {}, admin);
      const llama = aiModels.find((m) => m.code === 'llama3.1:8b')!;
      return [llama.inputPrice, llama.outputPrice];
    }, { timeout: 10_000 }).toEqual([10, 30]);
    await shot('ai-03-models');

    await page.getByRole('tab', { name: 'Routes' }).click();
    await page.waitForURL(/\/admin\/ai\/routes$/);
    const chain = page.getByRole('list', { name: 'Fallback chain of Generation' });
    await expect.poll(() => chain.getByRole('listitem').count(), { timeout: 20_000 }).toBe(5);
    for (const name of ['Claude Sonnet 4.5', 'GPT-4.1', 'Mistral Large']) {
      await page.getByRole('button', { name: `Remove ${name} from the route` }).click();
    }
    await expect.poll(() => chain.getByRole('listitem').allInnerTexts(), { timeout: 10_000 }).toEqual([
      expect.stringContaining('Llama 3.1 8B (Ollama)'),
      expect.stringContaining('Offline writer'),
    ]);
    await page.getByRole('button', { name: 'Save route' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await shot('ai-04-routes');

    const { aiRoutes } = await api<{ aiRoutes: Array<{ task: string; models: Array<{ code: string }> }> }>('{ aiRoutes { task models { code } } }', {}, admin);
    expect(aiRoutes.find((r) => r.task === 'GENERATION')!.models.map((m) => m.code)).toEqual(['llama3.1:8b', 'offline-writer']);
  });

  it("sees a client's generation in the usage view, by tenant and by model", async () => {
    // A client's month: its generation step calls the route.
    const client = await login(stack.demo.clientAdminEmail);
    const { startMonthlyPipeline } = await api<{ startMonthlyPipeline: { id: string } }>('mutation { startMonthlyPipeline { id } }', {}, client);
    const started = Date.now();
    for (;;) {
      const { pipelineRun } = await api<{ pipelineRun: { status: string; steps: Array<{ step: string; status: string; error: string | null }> } }>(
        'query($id: ID!) { pipelineRun(id: $id) { status steps { step status error } } }', { id: startMonthlyPipeline.id }, client);
      const generation = pipelineRun.steps.find((s) => s.step === 'GENERATION');
      if (generation?.status === 'COMPLETED') break;
      if (pipelineRun.status === 'FAILED') throw new Error(`pipeline failed: ${JSON.stringify(pipelineRun.steps)}`);
      if (Date.now() - started > GENERATION_TIMEOUT_MS) throw new Error(`generation not done: ${JSON.stringify(pipelineRun.steps)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    // The key reached the provider, decrypted, and nothing else did.
    expect(wire.requests.length).toBeGreaterThan(0);
    expect(wire.requests.every((r) => r.headers['authorization'] === `Bearer ${KEY}` && r.body['model'] === 'llama3.1:8b')).toBe(true);
    expect(JSON.stringify(wire.requests.map((r) => r.body))).toContain('Maison Lumière');

    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.waitForURL(/\/admin\/ai\/usage$/);
    const byTenant = page.getByRole('table', { name: 'By tenant' });
    const byModel = page.getByRole('table', { name: 'By model' });
    const bakery = byTenant.getByRole('row').filter({ hasText: 'Maison Lumière' });
    await bakery.waitFor();
    const llama = byModel.getByRole('row').filter({ hasText: 'Llama 3.1 8B (Ollama)' });
    await llama.waitFor();
    const calls = Number((await llama.getByRole('cell').nth(1).innerText()).replace(/[^\d]/g, ''));
    expect(calls).toBe(wire.requests.length);
    // 900 × 10 + 120 × 30 minor units per million tokens: one cent per call, rounded up.
    expect(await llama.getByRole('cell').nth(7).innerText()).toMatch(new RegExp(`${(calls / 100).toFixed(2).replace('.', '\\.')}`));
    await expect.poll(() => page.locator('[data-testid="usage-by-tenant-chart"] .recharts-bar-rectangle').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="usage-by-model-chart"] .recharts-bar-rectangle').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await shot('ai-05-usage-cost');
    await page.getByRole('radiogroup', { name: 'Show' }).getByText('Tokens').click();
    await shot('ai-06-usage-tokens');
    expect(responses.some((body) => body.includes(KEY))).toBe(false);
  }, GENERATION_TIMEOUT_MS + 60_000);

  it('lets the client pick among its plan’s models only, with no technical settings', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await signIn(stack.demo.clientAdminEmail);
    await page.goto(`${stack.webUrl}/settings`);
    const group = page.getByRole('radiogroup');
    // The pick is saved, then shown: the radio follows the server's answer.
    await group.getByRole('radio', { name: /Llama 3\.1 8B \(Ollama\)/ }).click();
    await page.getByRole('status').filter({ hasText: /Llama 3\.1 8B/ }).waitFor();
    await expect.poll(() => group.getByRole('radio', { name: /Llama 3\.1 8B \(Ollama\)/ }).isChecked(), { timeout: 10_000 }).toBe(true);
    const labels = await group.getByRole('radio').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    // Providers without a key are not offered; nothing technical is shown.
    expect(await page.getByText('Claude Sonnet 4.5').count()).toBe(0);
    expect(await page.getByText(/api\.|https?:\/\/|per 1M/).count()).toBe(0);
    await shot('ai-07-client-model-choice');
  });
});
