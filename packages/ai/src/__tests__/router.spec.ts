// The router against a local server speaking each provider's wire format,
// through the real client libraries: success (JSON and streaming) for
// OpenAI, OpenAI-compatible, Anthropic and Mistral; 429 with retry-after;
// 5xx, timeouts and rejected keys falling through to the next model; every
// attempt recorded; credits reserved once, settled once or released.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@ensemble/tenancy/errors';
import { createAiRouter, splitTitle } from '../router.ts';
import type { AiPrompt, ProviderKind, StreamEvent } from '../providers/provider.ts';
import { retryAfterMs } from '../providers/provider.ts';
import { routerKit, type Harness } from './router-harness.ts';
import { startWireServer, type WireServer } from './wire-server.ts';

let wire: WireServer;
const { KEYS, TENANT, model, harness } = routerKit(() => wire);

beforeAll(async () => {
  wire = await startWireServer();
});
afterAll(async () => {
  await wire?.close();
});
afterEach(() => wire.reset());

const PROMPT: AiPrompt = {
  system: 'You write for Maison Lumière.',
  messages: [{ role: 'user', content: 'Write a short post about sourdough.' }],
  grounding: { dna: { identity: { name: 'Maison Lumière' }, locale: 'en' }, brief: { topic: 'sourdough' }, channel: 'LINKEDIN', locale: 'en', seed: 'seed-1' },
};

function generate(h: Harness, extra: { stream?: boolean; onEvent?: (e: StreamEvent) => void; preferredModelId?: string } = {}) {
  return createAiRouter(h.deps).generate({ tenantId: TENANT, task: 'generation', prompt: PROMPT, maxTokens: 400, ...extra });
}

describe('providers through their client libraries', () => {
  const cases: Array<[string, ProviderKind, string, 'openai' | 'anthropic' | 'mistral']> = [
    ['OpenAI', 'openai', 'openai', 'openai'],
    ['an OpenAI-compatible server (Ollama)', 'openai_compatible', 'ollama', 'openai'],
    ['Anthropic', 'anthropic', 'anthropic', 'anthropic'],
    ['Mistral', 'mistral', 'mistral', 'mistral'],
  ];
  for (const [label, kind, prefix, dialect] of cases) {
    for (const stream of [false, true]) {
      it(`${label}: ${stream ? 'streams' : 'answers'} with text, tokens, cost and credits`, async () => {
        const m = model(kind, prefix, `${prefix}-model`);
        const h = harness([m]);
        wire.script(prefix, { kind: 'ok', text: '# Sourdough, slowly\n\nTwenty hours of patience in every loaf.', inputTokens: 120, outputTokens: 40 });
        const deltas: string[] = [];
        const out = await generate(h, { stream, onEvent: (e) => { if (e.type === 'delta') deltas.push(e.text); } });

        expect(out.title).toBe('Sourdough, slowly');
        expect(out.body).toBe('Twenty hours of patience in every loaf.');
        expect(out.usage).toEqual({ inputTokens: 120, outputTokens: 40, estimated: false });
        expect(out.model).toMatchObject({ code: `${prefix}-model`, providerCode: prefix, offline: false });
        // 120 × 100 + 40 × 500 minor units per million tokens → 1 (rounded up)
        expect(out.costMinor).toBe(1);
        // 120 × 60 000 + 40 × 300 000 credits per million → 19.2 → 20
        expect(out.credits).toBe(20);
        if (stream) expect(deltas.length).toBeGreaterThan(1);
        expect(deltas.join('')).toBe(stream ? '# Sourdough, slowly\n\nTwenty hours of patience in every loaf.' : '');

        // What went over the wire: the provider's own request shape and the key.
        const [req] = wire.requests;
        expect(req!.prefix).toBe(prefix);
        expect(req!.body['model']).toBe(`${prefix}-model`);
        expect(req!.body['stream'] ?? false).toBe(stream);
        const auth = String(req!.headers['authorization'] ?? req!.headers['x-api-key'] ?? '');
        expect(auth).toContain(KEYS[m.provider.id]);
        if (dialect === 'anthropic') {
          expect(req!.body['system']).toBe(PROMPT.system);
          expect(req!.body['max_tokens']).toBe(400);
        } else {
          const messages = req!.body['messages'] as Array<{ role: string; content: string }>;
          expect(messages[0]).toEqual({ role: 'system', content: PROMPT.system });
          expect(messages[1]).toMatchObject({ role: 'user', content: PROMPT.messages[0]!.content });
          const maxField = kind === 'openai' ? 'max_completion_tokens' : kind === 'mistral' ? 'max_tokens' : 'max_tokens';
          expect(req!.body[maxField]).toBe(400);
        }

        expect(h.calls).toHaveLength(1);
        expect(h.calls[0]).toMatchObject({ tenantId: TENANT, task: 'generation', modelId: m.modelId, providerCode: prefix, inputTokens: 120, outputTokens: 40, costMinor: 1, credits: 20, outcome: 'ok', fallbackFrom: null, error: null, reservationId: 'res-1' });
        expect(h.credits.settled).toEqual([{ id: 'res-1', credits: 20 }]);
        // The settle hook was given the very record the router wrote after it (to commit it with the charge).
        expect(h.credits.settledCalls).toEqual([h.calls[0]]);
        expect(h.credits.released).toEqual([]);
      });
    }
  }

  it('estimates tokens when a compatible server reports no usage, and says so', async () => {
    const m = model('openai_compatible', 'vllm', 'llama');
    const h = harness([m]);
    wire.script('vllm', { kind: 'ok', text: 'Title: Fresh bread\nEvery morning at seven.', omitUsage: true });
    const out = await generate(h);
    expect(out.usage.estimated).toBe(true);
    expect(out.usage.outputTokens).toBeGreaterThan(0);
    expect(out).toMatchObject({ title: 'Fresh bread', body: 'Every morning at seven.' });
  });
});

describe('fallback chain', () => {
  it('honours a short retry-after on a 429 and succeeds on the same model', async () => {
    const first = model('openai', 'openai', 'gpt-a');
    const h = harness([first, model('anthropic', 'anthropic', 'claude-b')]);
    wire.script('openai', { kind: 'status', status: 429, headers: { 'retry-after': '1' }, message: 'Rate limit reached' }, { kind: 'ok', text: '# Again\n\nfine' });
    const out = await generate(h);
    expect(h.sleeps).toEqual([1000]);
    expect(out.model.code).toBe('gpt-a');
    expect(out.fallbackUsed).toBe(false);
    expect(h.calls.map((c) => c.outcome)).toEqual(['refused', 'ok']);
    expect(h.calls[0]!.error).toMatch(/^rate_limited: .*429/);
    expect(h.calls[1]!.fallbackFrom).toBe(h.calls[0]!.id);
  });

  it('on a 429 whose retry-after is too long (then again on the retry) moves to the next model, recording the fallback', async () => {
    const h = harness([model('openai', 'openai', 'gpt-a'), model('mistral', 'mistral', 'mistral-b')]);
    wire.script('openai', { kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    wire.script('mistral', { kind: 'ok', text: '# From Mistral\n\nbody' });
    const out = await generate(h);
    expect(h.sleeps).toEqual([]);
    expect(out.model.code).toBe('mistral-b');
    expect(out.fallbackUsed).toBe(true);
    expect(h.calls.map((c) => [c.providerCode, c.outcome])).toEqual([['openai', 'refused'], ['mistral', 'fallback']]);
    expect(h.calls[1]!.fallbackFrom).toBe(h.calls[0]!.id);

    // A retry that is rate limited again falls through too.
    wire.reset();
    const h2 = harness([model('openai', 'openai', 'gpt-a'), model('anthropic', 'anthropic', 'claude-b')]);
    wire.script('openai', { kind: 'status', status: 429, headers: { 'retry-after-ms': '200' } }, { kind: 'status', status: 429, headers: { 'retry-after-ms': '200' } });
    const again = await generate(h2);
    expect(h2.sleeps).toEqual([200]);
    expect(again.model.code).toBe('claude-b');
    expect(h2.calls.map((c) => c.outcome)).toEqual(['refused', 'refused', 'fallback']);
  });

  it('falls through on a 500, and on a server that hangs (timeout), streaming included', async () => {
    const h = harness([model('anthropic', 'anthropic', 'claude-a'), model('openai', 'openai', 'gpt-b'), model('openai_compatible', 'ollama', 'llama-c')], { timeoutMs: 400 });
    wire.script('anthropic', { kind: 'status', status: 500, message: 'Internal server error' });
    wire.script('openai', { kind: 'stall', text: 'This answer never ends because the server stops talking' });
    wire.script('ollama', { kind: 'ok', text: '# Local\n\nfrom llama' });
    const events: StreamEvent[] = [];
    const out = await generate(h, { stream: true, onEvent: (e) => events.push(e) });
    expect(out.model.code).toBe('llama-c');
    expect(h.calls.map((c) => [c.providerCode, c.outcome])).toEqual([['anthropic', 'error'], ['openai', 'timeout'], ['ollama', 'fallback']]);
    expect(h.calls[0]!.error).toMatch(/^server_error: .*HTTP 500/);
    expect(h.calls[1]!.error).toMatch(/^timeout: /);
    expect(h.calls[1]!.latencyMs).toBeGreaterThanOrEqual(350);
    expect(h.calls[1]!.fallbackFrom).toBe(h.calls[0]!.id);
    expect(h.calls[2]!.fallbackFrom).toBe(h.calls[1]!.id);
    // What the stalled model streamed is withdrawn before the next model streams.
    const restart = events.findIndex((e) => e.type === 'restart');
    expect(restart).toBeGreaterThan(0);
    expect(events.slice(restart + 1).filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text).join('')).toBe('# Local\n\nfrom llama');
    // The hanging request without streaming times out the same way.
    wire.reset();
    const h2 = harness([model('mistral', 'mistral', 'mistral-a'), model('offline', 'offline', 'offline-writer')], { timeoutMs: 300 });
    wire.script('mistral', { kind: 'hang' });
    const offline = await generate(h2);
    expect(h2.calls.map((c) => c.outcome)).toEqual(['timeout', 'fallback']);
    expect(offline.model).toMatchObject({ code: 'offline-writer', offline: true });
    expect(offline.title).not.toBe('');
    expect(offline.body).not.toBe('');
    expect(offline.usage.estimated).toBe(true);
  });

  it('reports a rejected key clearly, records it and falls through', async () => {
    const h = harness([model('openai', 'openai', 'gpt-a'), model('anthropic', 'anthropic', 'claude-b')]);
    wire.script('openai', { kind: 'status', status: 401, message: 'Incorrect API key provided: sk-test-***' });
    const out = await generate(h);
    expect(out.model.code).toBe('claude-b');
    expect(h.calls[0]).toMatchObject({ outcome: 'refused', providerCode: 'openai' });
    expect(h.calls[0]!.error).toMatch(/^bad_key: Provider openai \(openai\) rejected the API key \(HTTP 401/);
    expect(h.calls[0]!.error).not.toContain(KEYS['prov-openai']);
    expect(out.attempts.map((a) => a.outcome)).toEqual(['refused', 'fallback']);
  });

  it('throws one clear error when every model fails, records each attempt and releases the credits', async () => {
    const h = harness([model('openai', 'openai', 'gpt-a'), model('mistral', 'mistral', 'mistral-b'), model('anthropic', 'anthropic', 'claude-c')], { timeoutMs: 300 });
    wire.script('openai', { kind: 'status', status: 503 });
    wire.script('mistral', { kind: 'status', status: 403, message: 'forbidden' });
    wire.script('anthropic', { kind: 'hang' });
    const error = await generate(h).catch((e: unknown) => e);
    expect(isAppError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^No AI model could answer the generation request\. gpt-a: server_error: .*; mistral-b: bad_key: .*; claude-c: timeout: /);
    expect((error as { extensions: Record<string, unknown> }).extensions).toMatchObject({ reason: 'AI_UNAVAILABLE', code: 'INTERNAL_SERVER_ERROR' });
    expect(h.calls.map((c) => c.outcome)).toEqual(['error', 'refused', 'timeout']);
    expect(h.calls.every((c) => c.credits === 0)).toBe(true);
    expect(h.credits.reserved).toHaveLength(1);
    expect(h.credits.settled).toEqual([]);
    expect(h.credits.released).toEqual(['res-1']);
  });

  it('falls through when a stored key cannot be opened', async () => {
    const first = model('openai', 'openai', 'gpt-a');
    const h = harness([first, model('offline', 'offline', 'offline-writer')]);
    h.deps.loadProviderKey = async () => { throw new Error('the stored secret failed authentication'); };
    const out = await generate(h);
    expect(out.model.code).toBe('offline-writer');
    expect(h.calls[0]!.error).toMatch(/^bad_key: the stored key of Provider openai \(openai\) cannot be read/);
    expect(wire.requests).toHaveLength(0);
  });
});

describe('which models a request may use', () => {
  it('skips inactive models, unconfigured providers and models outside the plan; puts the client choice first', async () => {
    const premium = model('anthropic', 'anthropic', 'claude-premium', { tier: 'premium' });
    const inactive = model('openai', 'openai', 'gpt-off', { active: false });
    const noKey = model('mistral', 'mistral', 'mistral-nokey');
    noKey.provider.hasKey = false;
    const chosen = model('openai_compatible', 'ollama', 'llama-chosen');
    const offline = model('offline', 'offline', 'offline-writer');
    const h = harness([premium, inactive, noKey, offline], { allowed: [inactive.modelId, noKey.modelId, chosen.modelId, offline.modelId], preferred: chosen });
    const out = await generate(h);
    expect(out.model.code).toBe('llama-chosen');
    expect(out.skipped).toEqual([
      { modelCode: 'claude-premium', reason: "not in the client's plan" },
      { modelCode: 'gpt-off', reason: 'model inactive' },
      { modelCode: 'mistral-nokey', reason: 'provider has no API key' },
    ]);
    expect(wire.requests.map((r) => r.prefix)).toEqual(['ollama']);

    // A preference outside the plan is ignored, not obeyed.
    wire.reset();
    const h2 = harness([offline], { allowed: [offline.modelId], preferred: premium });
    const out2 = await generate(h2, { preferredModelId: premium.modelId });
    expect(out2.model.code).toBe('offline-writer');
    expect(wire.requests).toHaveLength(0);
  });

  it('calls a keyless OpenAI-compatible server (an empty key was saved for it) with no Authorization header', async () => {
    const m = model('openai_compatible', 'vllm', 'llama-keyless');
    const out = await generate(harness([m], { keys: { [m.provider.id]: '' } }));
    expect(out.model.code).toBe('llama-keyless');
    expect(wire.requests).toHaveLength(1);
    expect(wire.requests[0]!.headers).not.toHaveProperty('authorization');
    // Once a key is saved, it goes as a bearer token.
    wire.reset();
    await generate(harness([m]));
    expect(wire.requests[0]!.headers['authorization']).toBe(`Bearer ${KEYS[m.provider.id]}`);
  });

  it('refuses clearly when no model of the route may be used, before reserving anything', async () => {
    const m = model('openai', 'openai', 'gpt-a');
    const h = harness([m], { allowed: [] });
    await expect(generate(h)).rejects.toThrow(/No AI model is available for the generation task: gpt-a \(not in the client's plan\)/);
    expect(h.credits.reserved).toEqual([]);
    expect(h.calls).toEqual([]);
  });

  it('reserves for the dearest usable model and charges what the answering one used', async () => {
    const dear = model('openai', 'openai', 'gpt-dear', { creditRate: { inputPerMtok: 300_000, outputPerMtok: 1_500_000 } });
    const cheap = model('offline', 'offline', 'offline-writer', { creditRate: { inputPerMtok: 60, outputPerMtok: 300 } });
    const h = harness([dear, cheap]);
    wire.script('openai', { kind: 'status', status: 502 });
    const out = await generate(h);
    // ceil((tokens(prompt) × 0.3 + 400 × 1.5)) for the dear model
    expect(h.credits.reserved[0]!.amount).toBeGreaterThanOrEqual(600);
    expect(out.credits).toBe(1);
    expect(h.credits.settled).toEqual([{ id: 'res-1', credits: 1 }]);
    // The answer's record, as settled, names the failed attempt it followed.
    expect(h.credits.settledCalls).toEqual([h.calls[1]]);
    expect(h.credits.settledCalls[0]).toMatchObject({ id: out.callId, fallbackFrom: h.calls[0]!.id, outcome: 'fallback', credits: 1 });
  });

  it('rejects bad requests before doing anything', async () => {
    const h = harness([model('offline', 'offline', 'offline-writer')]);
    const router = createAiRouter(h.deps);
    await expect(router.generate({ tenantId: TENANT, task: 'generation', prompt: PROMPT, maxTokens: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(router.generate({ tenantId: TENANT, task: 'poetry' as never, prompt: PROMPT, maxTokens: 10 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(router.generate({ tenantId: TENANT, task: 'generation', prompt: { system: 'x', messages: [] }, maxTokens: 10 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(h.credits.reserved).toEqual([]);
  });
});

describe('helpers', () => {
  it('reads retry-after in seconds, milliseconds and as a date', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    expect(retryAfterMs(h({ 'retry-after': new Date(Date.UTC(2030, 0, 1, 0, 0, 5)).toUTCString() }), Date.UTC(2030, 0, 1))).toBe(5000);
    expect(retryAfterMs(h({}))).toBeNull();
  });

  it('splits a Markdown answer into title and body', () => {
    expect(splitTitle('# Hello\n\nWorld')).toEqual({ title: 'Hello', body: 'World' });
    expect(splitTitle('## **Bold** title ##\nText')).toEqual({ title: 'Bold title', body: 'Text' });
    expect(splitTitle('Just text')).toEqual({ title: '', body: 'Just text' });
  });
});
