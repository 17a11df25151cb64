import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@ensemble/tenancy/errors';
import { speakEnglish, wordsHeard } from '@ensemble/testing/speech';
import { detectAudioContainer, missingOfflineSpeechTools, noOfflineSpeechEngineMessage, offlineSpeechCovers, transcribeOffline, type AudioContainer } from '../src/speech.ts';

// Speech is synthesised in the test with Debian's flite, then encoded with
// ffmpeg into every container the product accepts.
const exec = promisify(execFile);
const SENTENCE = 'Maison Lumiere bakes sourdough bread every morning. We sell fresh bread, coffee and cake to the people in the town.';
const KEY_WORDS = ['morning', 'coffee', 'cake', 'people', 'town'];
const ENCODERS: Record<Exclude<AudioContainer, 'wav'>, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-f', 'mp3'],
  ogg: ['-c:a', 'libvorbis', '-f', 'ogg'],
  webm: ['-c:a', 'libopus', '-f', 'webm'],
  m4a: ['-c:a', 'aac', '-f', 'ipod'],
};

let dir: string;
const recordings = new Map<AudioContainer, Buffer>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ingest-speech-test-'));
  const wav = join(dir, 'speech.wav');
  recordings.set('wav', await speakEnglish(SENTENCE));
  await writeFile(wav, recordings.get('wav')!);
  for (const [container, args] of Object.entries(ENCODERS)) {
    const out = join(dir, `speech.${container}`);
    await exec('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', wav, ...args, out]);
    recordings.set(container as AudioContainer, await readFile(out));
  }
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function badInputMessage(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isAppError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('BAD_USER_INPUT');
    return (error as Error).message;
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('offline speech to text', () => {
  it('detects each container from its magic bytes', () => {
    for (const [container, bytes] of recordings) expect(detectAudioContainer(bytes), container).toBe(container);
    expect(detectAudioContainer(Buffer.from('%PDF-1.7 not audio'))).toBeNull();
  });

  it('says which locales it covers', () => {
    expect(offlineSpeechCovers('en')).toBe(true);
    expect(offlineSpeechCovers('en-GB')).toBe(true);
    expect(offlineSpeechCovers('fr')).toBe(false);
    expect(offlineSpeechCovers('fr-FR')).toBe(false);
    expect(noOfflineSpeechEngineMessage('ar-MA')).toBe('No offline speech-to-text engine covers Arabic; configure a speech-to-text provider.');
    // This machine has the engine installed (the transcriptions below need it).
    expect(missingOfflineSpeechTools()).toEqual([]);
  });

  it.each(['wav', 'mp3', 'ogg', 'webm', 'm4a'] as const)('transcribes a %s recording', async (container) => {
    const result = await transcribeOffline(recordings.get(container)!, { locale: 'en-GB' });
    expect(result.engine).toBe('pocketsphinx');
    expect(result.language).toBe('en-US');
    expect(result.durationSeconds).toBeGreaterThan(4);
    expect(result.durationSeconds).toBeLessThan(12);
    // Word error tolerance: at least 3 of the 5 key words must be heard.
    expect(wordsHeard(result.text, KEY_WORDS).length, result.text).toBeGreaterThanOrEqual(3);
    // pocketsphinx takes ~2 s per recording on an idle core; a busy CI machine needs headroom.
  }, 120_000);

  it('refuses French plainly: no offline engine covers it', async () => {
    expect(await badInputMessage(transcribeOffline(recordings.get('wav')!, { locale: 'fr' }))).toBe(
      'No offline speech-to-text engine covers French; configure a speech-to-text provider.',
    );
    expect(await badInputMessage(transcribeOffline(recordings.get('wav')!, { locale: 'de-DE' }))).toBe(
      'No offline speech-to-text engine covers German; configure a speech-to-text provider.',
    );
  });

  it('refuses damaged audio with a clear message', async () => {
    const wav = recordings.get('wav')!;
    const garbage = Buffer.alloc(4096, 0x5a);
    // A WAV header whose format chunk is garbage.
    const brokenWav = Buffer.concat([wav.subarray(0, 12), garbage]);
    expect(await badInputMessage(transcribeOffline(brokenWav, { locale: 'en' }))).toBe(
      'This WAV recording could not be decoded: the file is damaged or not really WAV.',
    );
    const brokenWebm = Buffer.concat([recordings.get('webm')!.subarray(0, 4), garbage]);
    expect(await badInputMessage(transcribeOffline(brokenWebm, { locale: 'en' }))).toMatch(/^This WebM recording could not be decoded/);
    const brokenM4a = Buffer.concat([recordings.get('m4a')!.subarray(0, 12), garbage]);
    expect(await badInputMessage(transcribeOffline(brokenM4a, { locale: 'en' }))).toMatch(/^This M4A recording could not be decoded/);
    // A WAV with a valid header and no samples.
    const empty = Buffer.from('524946462400000057415645666d7420100000000100010080bb0000007701000200100064617461' + '00000000', 'hex');
    expect(await badInputMessage(transcribeOffline(empty, { locale: 'en' }))).toBe('This WAV recording contains no audio.');
    expect(await badInputMessage(transcribeOffline(Buffer.from('\x89PNG\r\n\x1a\n0000000000', 'latin1'), { locale: 'en' }))).toBe(
      'Unsupported audio format: send a WAV, MP3, OGG, WebM or M4A recording.',
    );
  });

  it('enforces the size and duration limits', async () => {
    const wav = recordings.get('wav')!;
    expect(await badInputMessage(transcribeOffline(wav, { locale: 'en', maxBytes: 10_000 }))).toBe('This recording is 204 KB; the limit is 10 KB.');
    expect(await badInputMessage(transcribeOffline(wav, { locale: 'en', maxDurationSeconds: 2 }))).toBe(
      'This recording is longer than 2 seconds, the limit for offline transcription.',
    );
  });
});
