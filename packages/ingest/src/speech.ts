// Offline speech to text for voice notes (onboarding "tell us about your
// business"): ffmpeg turns the upload into 16 kHz mono 16-bit WAV, Debian's
// pocketsphinx transcribes it. Only US English has an offline model; for any
// other language the AI router (task speech_to_text) goes to a configured
// provider. Also the checks every engine shares (size, container, language).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { formatBytes } from './bytes.ts';

export type AudioContainer = 'wav' | 'mp3' | 'ogg' | 'webm' | 'm4a';

export interface TranscribeOptions {
  locale: string;
  /** Default 25 MB. */
  maxBytes?: number;
  /** Default 600 s (10 minutes). */
  maxDurationSeconds?: number;
}

export interface OfflineTranscript {
  text: string;
  engine: 'pocketsphinx';
  language: string;
  durationSeconds: number;
}

export const SPEECH_MAX_BYTES = 25 * 1024 * 1024;
export const SPEECH_MAX_DURATION_SECONDS = 600;

const MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const MODEL = {
  hmm: join(MODEL_DIR, 'en-us'),
  lm: join(MODEL_DIR, 'en-us.lm.bin'),
  dict: join(MODEL_DIR, 'cmudict-en-us.dict'),
};
const POCKETSPHINX = 'pocketsphinx_continuous';
const FFMPEG = 'ffmpeg';
// The demuxer ffmpeg must use for each container: never let it guess (its
// playlist demuxers would follow references to other files).
const DEMUXER: Record<AudioContainer, string> = { wav: 'wav', mp3: 'mp3', ogg: 'ogg', webm: 'matroska', m4a: 'mov' };

/** The container of an audio upload, from its magic bytes; null when unsupported. */
export function detectAudioContainer(audio: Buffer): AudioContainer | null {
  const ascii = (start: number, end: number) => audio.subarray(start, end).toString('latin1');
  if (audio.length < 12) return null;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'OggS') return 'ogg';
  if (audio[0] === 0x1a && audio[1] === 0x45 && audio[2] === 0xdf && audio[3] === 0xa3) return 'webm';
  if (ascii(4, 8) === 'ftyp') return 'm4a';
  if (ascii(0, 3) === 'ID3') return 'mp3';
  // A bare MPEG audio frame: 11 sync bits, then a valid layer.
  if (audio[0] === 0xff && (audio[1]! & 0xe0) === 0xe0 && (audio[1]! & 0x06) !== 0) return 'mp3';
  return null;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** The English name of a tag's language ("French" for fr-FR), for messages. */
export function languageName(locale: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(new Intl.Locale(locale).language) ?? locale;
  } catch {
    return locale;
  }
}

/** The ISO 639-1 language of a BCP 47 tag (what speech-to-text APIs take); BAD_USER_INPUT when it is no tag. */
export function speechLanguage(locale: string): string {
  try {
    return new Intl.Locale(locale).language;
  } catch {
    throw badInput(`"${locale}" is not a valid language tag.`, 'locale');
  }
}

/** Whether the offline engine has a model for the language of `locale` (US English only), installed or not. */
export function offlineSpeechCovers(locale: string): boolean {
  return speechLanguage(locale) === 'en';
}

/** The plain answer for a language no offline engine covers. */
export function noOfflineSpeechEngineMessage(locale: string): string {
  return `No offline speech-to-text engine covers ${languageName(locale)}; configure a speech-to-text provider.`;
}

/**
 * The container of a recording every engine accepts, after the size limit:
 * BAD_USER_INPUT for a recording too large or in no supported format.
 */
export function checkRecording(audio: Buffer, maxBytes: number = SPEECH_MAX_BYTES): AudioContainer {
  if (audio.length > maxBytes) {
    throw badInput(`This recording is ${formatBytes(audio.length)}; the limit is ${formatBytes(maxBytes)}.`);
  }
  const container = detectAudioContainer(audio);
  if (!container) throw badInput('Unsupported audio format: send a WAV, MP3, OGG, WebM or M4A recording.');
  return container;
}

/** What is missing on this server for offline English transcription (empty when ready). */
export function missingOfflineSpeechTools(): string[] {
  const missing: string[] = [];
  if (!onPath(POCKETSPHINX)) missing.push('pocketsphinx');
  if (!Object.values(MODEL).every((path) => existsSync(path))) missing.push('pocketsphinx-en-us');
  if (!onPath(FFMPEG)) missing.push('ffmpeg');
  return missing;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
      resolve({
        code: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
        timedOut: Boolean(err?.killed),
      });
    });
  });
}

/** Bytes of PCM in a WAV file's data chunk. */
function wavDataBytes(wav: Buffer): number {
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('latin1', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'data') return Math.min(size, wav.length - offset - 8);
    offset += 8 + size + (size % 2);
  }
  return 0;
}

function formatDuration(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/** The media type a recording is sent with to a speech-to-text API. */
export const AUDIO_MEDIA_TYPES: Record<AudioContainer, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', ogg: 'audio/ogg', webm: 'audio/webm', m4a: 'audio/mp4' };

const NAMES: Record<AudioContainer, string> = { wav: 'WAV', mp3: 'MP3', ogg: 'OGG', webm: 'WebM', m4a: 'M4A' };

/**
 * Transcribes a voice recording offline. Throws BAD_USER_INPUT for a
 * language no offline engine covers, an unsupported, damaged, empty, too
 * large or too long recording.
 */
export async function transcribeOffline(audio: Buffer, options: TranscribeOptions): Promise<OfflineTranscript> {
  const maxBytes = options.maxBytes ?? SPEECH_MAX_BYTES;
  const maxDuration = options.maxDurationSeconds ?? SPEECH_MAX_DURATION_SECONDS;
  if (!offlineSpeechCovers(options.locale)) throw badInput(noOfflineSpeechEngineMessage(options.locale), 'locale');
  const missing = missingOfflineSpeechTools();
  if (missing.length > 0) {
    // A server set-up problem, not the user's: say exactly what to install.
    throw new AppError(
      'INTERNAL_SERVER_ERROR',
      `Offline speech-to-text is not installed on this server (missing: ${missing.join(', ')}); install the Debian packages or configure a speech-to-text provider.`,
    );
  }
  const container = checkRecording(audio, maxBytes);

  const dir = await mkdtemp(join(tmpdir(), 'ensemble-stt-'));
  try {
    const input = join(dir, `input.${container}`);
    const wav = join(dir, 'speech.wav');
    await writeFile(input, audio, { mode: 0o600 });
    const convert = await run(
      FFMPEG,
      [
        '-nostdin', '-hide_banner', '-loglevel', 'error',
        '-protocol_whitelist', 'file',
        '-f', DEMUXER[container], '-i', input,
        // One second past the limit is enough to know it is too long.
        '-t', String(maxDuration + 1),
        '-vn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', '-f', 'wav', wav,
      ],
      60_000,
    );
    if (convert.timedOut) throw badInput(`This ${NAMES[container]} recording took too long to decode.`);
    if (convert.code !== 0 || !existsSync(wav)) {
      throw badInput(`This ${NAMES[container]} recording could not be decoded: the file is damaged or not really ${NAMES[container]}.`);
    }
    const pcmBytes = wavDataBytes(await readFile(wav));
    const durationSeconds = Math.round((pcmBytes / (16_000 * 2)) * 10) / 10;
    if (pcmBytes === 0) throw badInput(`This ${NAMES[container]} recording contains no audio.`);
    if (durationSeconds > maxDuration) {
      throw badInput(`This recording is longer than ${formatDuration(maxDuration)}, the limit for offline transcription.`);
    }
    const recognise = await run(
      POCKETSPHINX,
      ['-infile', wav, '-hmm', MODEL.hmm, '-lm', MODEL.lm, '-dict', MODEL.dict, '-logfn', '/dev/null'],
      30_000 + durationSeconds * 3_000,
    );
    if (recognise.timedOut || recognise.code !== 0) {
      throw new AppError('INTERNAL_SERVER_ERROR', `Offline transcription failed (pocketsphinx ${recognise.timedOut ? 'timed out' : `exited with ${recognise.code}`}).`);
    }
    const text = recognise.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' ');
    return { text, engine: 'pocketsphinx', language: 'en-US', durationSeconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
