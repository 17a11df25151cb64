// C1: the studio's writer. Today the built-in offline model (packages/ai),
// shaped to the requested tone and length; the credits around the call are
// taken by studio-generation.service.ts. When packages/ai's router lands, this
// is the one place that calls it instead.
import { CHANNEL_LIMITS, OFFLINE_MODEL_CODE, estimateCredits, generateOffline } from '@ensemble/ai/offline-model';
import { MAX_OUTPUT_TOKENS, estimateInputTokens } from '../generation/generation.service.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';
import type { Channel } from './studio.service.ts';

export const CONTENT_LENGTHS = ['SHORT', 'MEDIUM', 'LONG'] as const;
export type ContentLength = (typeof CONTENT_LENGTHS)[number];

export interface WriteBrief {
  topic: string;
  keyphrase: string | null;
}

export interface WriteRequest {
  channel: Channel;
  locale: string;
  /** the brand DNA document the text is grounded in */
  dna: Record<string, unknown>;
  brief: WriteBrief;
  /** tone words ("warm", "expert"), replacing the DNA's voice for this text */
  tone: string[];
  length: ContentLength;
  /** the same seed gives the same text: a retried request writes what the first attempt wrote */
  seed: string;
}

export interface WrittenText {
  title: string;
  body: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

/**
 * Targets per length: words for long-form channels, characters for posts
 * (always under the channel's hard limit). X and SMS are written to their
 * platform limit whatever the length.
 */
const WORD_TARGETS: Partial<Record<Channel, Record<ContentLength, number>>> = {
  BLOG: { SHORT: 350, MEDIUM: 700, LONG: 1400 },
  LANDING_PAGE: { SHORT: 300, MEDIUM: 600, LONG: 1100 },
  NEWSLETTER: { SHORT: 180, MEDIUM: 380, LONG: 700 },
  EMAIL: { SHORT: 70, MEDIUM: 150, LONG: 280 },
};
const CHAR_TARGETS: Partial<Record<Channel, Record<ContentLength, number>>> = {
  LINKEDIN: { SHORT: 500, MEDIUM: 1300, LONG: CHANNEL_LIMITS.LINKEDIN },
  FACEBOOK: { SHORT: 350, MEDIUM: 800, LONG: 1600 },
  INSTAGRAM: { SHORT: 400, MEDIUM: 1000, LONG: CHANNEL_LIMITS.INSTAGRAM },
  GOOGLE_BUSINESS: { SHORT: 300, MEDIUM: 750, LONG: CHANNEL_LIMITS.GOOGLE_BUSINESS },
};
const LENGTH_FACTOR: Record<ContentLength, number> = { SHORT: 0.6, MEDIUM: 1, LONG: 2 };
/** Extra passes a LONG text may take to reach its target. */
const MAX_EXTENSIONS = 4;

/** Credits to reserve before writing: the prompt plus the longest output the channel and length allow. */
export function estimateWriteCredits(request: Pick<WriteRequest, 'channel' | 'dna' | 'brief' | 'length'>): number {
  const kind = request.channel.toLowerCase() as ChannelKind;
  const output = Math.ceil(MAX_OUTPUT_TOKENS[kind] * LENGTH_FACTOR[request.length]);
  return estimateCredits({ inputTokens: estimateInputTokens(request.dna, request.brief), outputTokens: output });
}

/** Credits one actual call cost. */
export function creditsFor(text: Pick<WrittenText, 'inputTokens' | 'outputTokens'>): number {
  return estimateCredits({ inputTokens: text.inputTokens, outputTokens: text.outputTokens });
}

export const MODEL_CODE = OFFLINE_MODEL_CODE;

function withTone(dna: Record<string, unknown>, tone: string[]): Record<string, unknown> {
  if (tone.length === 0) return dna;
  const current = dna.tone && typeof dna.tone === 'object' ? (dna.tone as Record<string, unknown>) : {};
  return { ...dna, tone: { ...current, voice: tone, adjectives: tone } };
}

function words(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

const isHeading = (block: string) => /^#{1,6}\s/.test(block);

/**
 * Drops middle blocks (never the opening, nor the closing call to action)
 * until the text fits its target, then headings left without a paragraph.
 */
function shorten(blocks: string[], target: number, measure: (text: string) => number): string[] {
  const out = [...blocks];
  const size = () => measure(out.join('\n\n'));
  for (let i = out.length - 3; i >= 1 && size() > target; i--) {
    if (!isHeading(out[i] as string)) out.splice(i, 1);
  }
  return out.filter((block, i) => !isHeading(block) || (i + 1 < out.length && !isHeading(out[i + 1] as string)));
}

function splitBlocks(body: string): string[] {
  return body.split(/\n[ \t]*\n/).map((b) => b.trim()).filter(Boolean);
}

/** Writes the text: deterministic for a seed, fitted to the length asked. */
export function writeContent(request: WriteRequest): WrittenText {
  const started = performance.now();
  const dna = withTone(request.dna, request.tone);
  const call = (seed: string) =>
    generateOffline({ dna, brief: { topic: request.brief.topic, keyphrase: request.brief.keyphrase }, channel: request.channel, locale: request.locale, seed });
  const first = call(request.seed);
  let inputTokens = first.meta.inputTokens;
  let outputTokens = first.meta.outputTokens;
  let blocks = splitBlocks(first.body);

  const wordTarget = WORD_TARGETS[request.channel]?.[request.length];
  const charTarget = CHAR_TARGETS[request.channel]?.[request.length];
  if (wordTarget !== undefined) {
    // Longer: sections of further passes go before the closing section, skipping what is already there.
    for (let pass = 1; pass <= MAX_EXTENSIONS && words(blocks.join('\n\n')) < wordTarget * 0.9; pass++) {
      const more = call(`${request.seed}:more:${pass}`);
      inputTokens += more.meta.inputTokens;
      outputTokens += more.meta.outputTokens;
      const have = new Set(blocks);
      const extra = splitBlocks(more.body).slice(1, -2).filter((b) => !have.has(b));
      const closing = blocks.findLastIndex((b) => isHeading(b));
      const at = closing > 0 ? closing : Math.max(1, blocks.length - 1);
      blocks = [...blocks.slice(0, at), ...extra, ...blocks.slice(at)];
    }
    blocks = shorten(blocks, wordTarget * 1.1, words);
  } else if (charTarget !== undefined) {
    blocks = shorten(blocks, charTarget, (t) => [...t].length);
  }
  const body = blocks.join('\n\n');
  return {
    title: first.title,
    body,
    model: MODEL_CODE,
    inputTokens,
    // Every pass is paid for, as with any model, even the parts cut to fit.
    outputTokens,
    latencyMs: Math.round(performance.now() - started),
  };
}

/**
 * Rewrites one block of a body (manual mode's AI assist): a block of the same
 * kind from a fresh pass replaces it; the rest stays as the person wrote it.
 */
export function rewriteBlock(request: WriteRequest, body: string, index: number): WrittenText & { replaced: string } {
  const started = performance.now();
  const blocks = body.split(/(\n[ \t]*\n)/);
  const current = blocks[index * 2];
  if (current === undefined || current.trim() === '') throw new RangeError('no such paragraph');
  const dna = withTone(request.dna, request.tone);
  const fresh = generateOffline({ dna, brief: { topic: request.brief.topic, keyphrase: request.brief.keyphrase }, channel: request.channel, locale: request.locale, seed: request.seed });
  const wantHeading = isHeading(current.trim());
  const candidates = splitBlocks(fresh.body).filter((b) => isHeading(b) === wantHeading && !/^[-*>]/.test(b) && b !== current.trim());
  const replacement = candidates[index % Math.max(1, candidates.length)] ?? current.trim();
  blocks[index * 2] = replacement;
  return {
    title: fresh.title,
    body: blocks.join(''),
    replaced: current,
    model: MODEL_CODE,
    inputTokens: fresh.meta.inputTokens,
    outputTokens: Math.ceil(replacement.length / 4),
    latencyMs: Math.round(performance.now() - started),
  };
}
