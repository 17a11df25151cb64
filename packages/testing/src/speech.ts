// Speech for speech-to-text tests, synthesised with Debian's flite: its HTS
// voice "slt" is close enough to natural speech for pocketsphinx's acoustic
// model (the formant voices of espeak-ng mostly are not).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A WAV recording of `text` spoken in US English. */
export async function speakEnglish(text: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'ens-flite-'));
  try {
    const wav = join(dir, 'speech.wav');
    await exec('flite', ['-voice', 'slt', '-t', text, '-o', wav]);
    return await readFile(wav);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The words of `expected` heard in a transcript (recognition is never word-perfect). */
export function wordsHeard(transcript: string, expected: readonly string[]): string[] {
  const words = new Set(transcript.toLowerCase().split(/[^a-z']+/));
  return expected.filter((w) => words.has(w));
}
