// router.transcribe against a local server speaking OpenAI's (and Mistral's)
// transcription wire format — a multipart/form-data upload, a JSON answer —
// through the real client libraries: success, 429 with retry-after, 5xx,
// timeouts and rejected keys falling through, every attempt recorded with its
// audio seconds, credits per minute of audio; and the offline engine (real
// pocketsphinx on speech synthesised by flite) as the last resort, which
// says plainly that it covers no other language than English.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@ensemble/tenancy/errors';
import { speakEnglish, wordsHeard } from '@ensemble/testing/speech';
import { createAiRouter, type TranscribeRequest } from '../router.ts';
import { routerKit, type Harness } from './router-harness.ts';
import { startWireServer, type WireServer } from './wire-server.ts';

let wire: WireServer;
const { KEYS, TENANT, model, harness } = routerKit(() => wire);
const SENTENCE = 'Maison Lumiere bakes sourdough bread every morning. We sell fresh bread, coffee and cake to the people in the town.';
const KEY_WORDS = ['morning', 'coffee', 'cake', 'people', 'town'];
let speech: Buffer;

beforeAll(async () => {
  wire = await startWireServer();
  speech = await speakEnglish(SENTENCE);
}, 60_000);
afterAll(async () => {
  await wire?.close();
});
afterEach(() => wire.reset());

const RATE = { inputPerMtok: 0, outputPerMtok: 0, perAudioMinute: 2 };
const whisper = (prefix = 'openai', code = 'whisper-1') => model(prefix === 'openai' ? 'openai' : 'openai_compatible', prefix, code, { capabilities: ['speech_to_text'], creditRate: RATE });
const offline = () => model('offline', 'offline', 'offline-transcriber', { capabilities: ['speech_to_text'], creditRate: RATE });

function transcribe(h: Harness, extra: Partial<TranscribeRequest> = {}) {
  return createAiRouter({ ...h.deps, transcriptionTimeoutMs: h.deps.timeoutMs }).transcribe({ tenantId: TENANT, audio: speech, locale: 'fr-FR', name: 'voice-note', ...extra });
}

async function failure(promise: Promise<unknown>): Promise<Error & { code: string; extensions: Record<string, unknown> }> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(isAppError(error), String(error)).toBe(true);
  return error as Error & { code: string; extensions: Record<string, unknown> };
}

describe('speech to text through the route', () => {
  it('sends the recording to OpenAI as multipart form data and records the call with its audio seconds', async () => {
    const m = whisper();
    const h = harness([m, offline()]);
    wire.script('openai', { kind: 'ok', text: ' Nous faisons du pain au levain chaque nuit. ', seconds: 75.4 });
    const out = await transcribe(h);
    expect(out).toMatchObject({
      text: 'Nous faisons du pain au levain chaque nuit.', language: 'fr', engine: 'whisper-1', durationSeconds: 75.4,
      model: { code: 'whisper-1', providerCode: 'openai', offline: false }, fallbackUsed: false,
      // two started minutes at 2 credits each; the hold covered the 10-minute limit
      credits: 4,
    });
    const [request] = wire.requests;
    expect(request).toMatchObject({ path: '/openai/v1/audio/transcriptions', body: { model: 'whisper-1', language: 'fr', response_format: 'json' } });
    expect(String(request!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(request!.headers['authorization']).toBe(`Bearer ${KEYS['prov-openai']}`);
    expect(request!.file).toMatchObject({ name: 'voice-note.wav', type: 'audio/wav' });
    expect(request!.file!.bytes.equals(speech)).toBe(true);
    expect(h.calls).toEqual([expect.objectContaining({
      tenantId: TENANT, task: 'speech_to_text', modelId: m.modelId, providerCode: 'openai', inputTokens: 0, outputTokens: 0, audioSeconds: 75.4,
      costMinor: 0, credits: 4, outcome: 'ok', fallbackFrom: null, error: null, reservationId: 'res-1', batch: false,
    })]);
    expect(h.credits.reserved).toEqual([{ reservationId: 'res-1', amount: 20 }]);
    expect(h.credits.settled).toEqual([{ id: 'res-1', credits: 4 }]);
    expect(h.credits.settledCalls).toEqual(h.calls);
  });

  it('prices a token-billed model (gpt-4o-transcribe) by its tokens, and speaks to Mistral and OpenAI-compatible servers', async () => {
    const h = harness([whisper('openai', 'gpt-4o-transcribe')]);
    wire.script('openai', { kind: 'ok', text: 'Bonjour.', inputTokens: 400_000, outputTokens: 100_000 });
    const out = await transcribe(h);
    // 400 000 × 100 + 100 000 × 500 per million minor units
    expect(out).toMatchObject({ text: 'Bonjour.', costMinor: 90, durationSeconds: null, usage: { inputTokens: 400_000, outputTokens: 100_000 } });
    expect(h.calls[0]).toMatchObject({ inputTokens: 400_000, outputTokens: 100_000, audioSeconds: null, costMinor: 90, credits: 1 });

    const voxtral = model('mistral', 'mistral', 'voxtral-mini-latest', { capabilities: ['speech_to_text'], creditRate: RATE });
    wire.script('mistral', { kind: 'ok', text: 'Du pain chaque nuit.', seconds: 12 });
    const fromMistral = await transcribe(harness([voxtral]));
    expect(fromMistral).toMatchObject({ text: 'Du pain chaque nuit.', language: 'fr', durationSeconds: 12, credits: 2 });
    expect(wire.requests[1]).toMatchObject({ path: '/mistral/v1/audio/transcriptions', body: { model: 'voxtral-mini-latest', language: 'fr' }, file: { name: 'voice-note.wav' } });

    const local = whisper('whisper-local', 'Systran/faster-whisper-small');
    wire.script('whisper-local', { kind: 'ok', text: 'Du levain.', omitUsage: true });
    expect(await transcribe(harness([local]))).toMatchObject({ text: 'Du levain.', durationSeconds: null, model: { providerKind: 'openai_compatible' } });
  });

  it('waits out a short retry-after, then falls through on a long one, a 500, a timeout and a rejected key, recording each attempt', async () => {
    const chain = [whisper('openai'), whisper('stt-a', 'whisper-a'), whisper('stt-b', 'whisper-b'), whisper('stt-c', 'whisper-c'), whisper('stt-d', 'whisper-d')];
    const h = harness(chain, { timeoutMs: 400 });
    wire.script('openai', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    wire.script('stt-a', { kind: 'status', status: 500, message: 'upstream exploded' });
    wire.script('stt-b', { kind: 'hang' });
    wire.script('stt-c', { kind: 'status', status: 401, message: 'Incorrect API key provided: sk-test-stt-c-0123456789' });
    wire.script('stt-d', { kind: 'ok', text: 'Enfin.', seconds: 3 });
    const out = await transcribe(h);
    expect(out).toMatchObject({ text: 'Enfin.', model: { code: 'whisper-d' }, fallbackUsed: true, credits: 2 });
    expect(h.sleeps).toEqual([1000]);
    expect(h.calls.map((c) => [c.modelId, c.outcome])).toEqual([
      [chain[0]!.modelId, 'refused'], [chain[0]!.modelId, 'refused'], [chain[1]!.modelId, 'error'], [chain[2]!.modelId, 'timeout'], [chain[3]!.modelId, 'refused'], [chain[4]!.modelId, 'fallback'],
    ]);
    expect(h.calls[0]!.error).toMatch(/^rate_limited: .*HTTP 429, retry after 1000 ms/);
    expect(h.calls[2]!.error).toMatch(/^server_error: .*HTTP 500.*upstream exploded/);
    expect(h.calls[3]!.error).toMatch(/^timeout: /);
    expect(h.calls[4]!.error).toMatch(/^bad_key: Provider stt-c \(stt-c\) rejected the API key \(HTTP 401.*set a valid key for this provider/);
    expect(h.calls[4]!.error).not.toContain(KEYS['prov-stt-c']);
    // Each attempt names the one it followed; all are speech_to_text calls of this tenant.
    expect(h.calls.slice(1).map((c) => c.fallbackFrom)).toEqual(h.calls.slice(0, -1).map((c) => c.id));
    expect(new Set(h.calls.map((c) => `${c.tenantId}/${c.task}`))).toEqual(new Set([`${TENANT}/speech_to_text`]));
    expect(h.calls.at(-1)).toMatchObject({ audioSeconds: 3, credits: 2 });
    expect(h.credits.settled).toEqual([{ id: 'res-1', credits: 2 }]);
  });

  it('falls back to the offline engine (pocketsphinx) for English when the cloud fails', async () => {
    const h = harness([whisper(), offline()]);
    wire.script('openai', { kind: 'status', status: 503 });
    const out = await transcribe(h, { locale: 'en-GB' });
    expect(out).toMatchObject({ engine: 'pocketsphinx', language: 'en-US', model: { code: 'offline-transcriber', offline: true }, fallbackUsed: true, costMinor: 0 });
    expect(wordsHeard(out.text, KEY_WORDS).length, out.text).toBeGreaterThanOrEqual(3);
    expect(out.durationSeconds).toBeGreaterThan(4);
    expect(h.calls.map((c) => c.outcome)).toEqual(['error', 'fallback']);
    expect(h.calls[1]).toMatchObject({ audioSeconds: out.durationSeconds, credits: 2, costMinor: 0, fallbackFrom: h.calls[0]!.id });
  }, 120_000);

  it('says plainly that no offline engine covers French when no cloud model is configured', async () => {
    const cloud = whisper();
    cloud.provider.hasKey = false;
    const h = harness([cloud, offline()]);
    const error = await failure(transcribe(h, { locale: 'fr' }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', message: 'No offline speech-to-text engine covers French; configure a speech-to-text provider.' });
    expect(h.calls).toEqual([]);
    expect(h.credits.reserved).toEqual([]);

    // With a configured cloud model, French goes there and the offline engine is left out, saying why.
    wire.script('openai', { kind: 'ok', text: 'Du pain.', seconds: 2 });
    const out = await transcribe(harness([whisper(), offline()]), { locale: 'fr' });
    expect(out.skipped).toEqual([{ modelCode: 'offline-transcriber', reason: 'no offline engine covers fr' }]);
    // And when that model fails, the error names both.
    wire.script('openai', { kind: 'status', status: 500 });
    const down = await failure(transcribe(harness([whisper(), offline()]), { locale: 'fr' }));
    expect(down.extensions).toMatchObject({ reason: 'AI_UNAVAILABLE' });
    expect(down.message).toMatch(/whisper-1: server_error: .*; offline-transcriber: skipped \(no offline engine covers fr\)$/);
  });

  it("passes the recording's own faults on unchanged, recording the attempt and releasing the hold", async () => {
    const h = harness([offline()]);
    const damaged = Buffer.concat([speech.subarray(0, 12), Buffer.alloc(4096, 0x5a)]);
    const error = await failure(transcribe(h, { locale: 'en', audio: damaged }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', message: 'This WAV recording could not be decoded: the file is damaged or not really WAV.' });
    expect(h.calls).toEqual([expect.objectContaining({ outcome: 'error', credits: 0, error: 'bad_request: This WAV recording could not be decoded: the file is damaged or not really WAV.' })]);
    expect(h.credits.released).toEqual(['res-1']);

    // An unsupported format or an oversized file is refused before any model or credit is touched.
    const h2 = harness([whisper(), offline()]);
    expect(await failure(transcribe(h2, { audio: Buffer.from('%PDF-1.7 not audio at all') }))).toMatchObject({ code: 'BAD_USER_INPUT', message: /^Unsupported audio format/ });
    expect(await failure(transcribe(h2, { maxBytes: 1000 }))).toMatchObject({ code: 'BAD_USER_INPUT', message: /the limit is 1000 bytes/ });
    expect(h2.calls).toEqual([]);
    expect(h2.credits.reserved).toEqual([]);
    expect(wire.requests).toEqual([]);
  });
});
