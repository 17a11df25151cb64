// C1: what the studio asks the model (packages/ai's router: the client's
// route and fallback chain, the built-in offline writer last) and how the
// answer is fitted to the length asked. Credits around the call are taken by
// studio-generation.service.ts through the router's credit hooks.
import { estimateCredits } from '@ensemble/ai/offline-model';
import { buildGenerationPrompt } from '@ensemble/ai/prompt';
import type { AiPrompt } from '@ensemble/ai/providers/provider';
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
  /** the same seed gives the same text with the offline writer: a retried request writes what the first attempt wrote */
  seed: string;
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
  LINKEDIN: { SHORT: 500, MEDIUM: 1300, LONG: 2800 },
  FACEBOOK: { SHORT: 350, MEDIUM: 800, LONG: 1600 },
  INSTAGRAM: { SHORT: 400, MEDIUM: 1000, LONG: 2000 },
  GOOGLE_BUSINESS: { SHORT: 300, MEDIUM: 750, LONG: 1400 },
};
const LENGTH_FACTOR: Record<ContentLength, number> = { SHORT: 0.6, MEDIUM: 1, LONG: 2 };

/** The longest answer the model may give: the channel's longest output, scaled by the length asked. */
export function maxTokensFor(request: Pick<WriteRequest, 'channel' | 'length'>): number {
  return Math.ceil(MAX_OUTPUT_TOKENS[request.channel.toLowerCase() as ChannelKind] * LENGTH_FACTOR[request.length]);
}

/**
 * Credits a regeneration reserves at most with the offline writer's rate (the
 * quote shown before "Regenerate"); the router reserves for the dearest model
 * the client's route may use, and charges what the call used.
 */
export function estimateWriteCredits(request: Pick<WriteRequest, 'channel' | 'dna' | 'brief' | 'length'>): number {
  return estimateCredits({ inputTokens: estimateInputTokens(request.dna, request.brief), outputTokens: maxTokensFor(request) });
}

function withTone(dna: Record<string, unknown>, tone: string[]): Record<string, unknown> {
  if (tone.length === 0) return dna;
  const current = dna.tone && typeof dna.tone === 'object' ? (dna.tone as Record<string, unknown>) : {};
  return { ...dna, tone: { ...current, voice: tone, adjectives: tone } };
}

function lengthHint(request: WriteRequest): string {
  const words = WORD_TARGETS[request.channel]?.[request.length];
  const chars = CHAR_TARGETS[request.channel]?.[request.length];
  const fr = request.locale.startsWith('fr');
  if (words) return fr ? `environ ${words} mots` : `about ${words} words`;
  if (chars) return fr ? `environ ${chars} caractères` : `about ${chars} characters`;
  return request.length.toLowerCase();
}

/** The prompt (text for hosted models, structured grounding for the offline writer) of one request. */
export function promptFor(request: WriteRequest): AiPrompt {
  return buildGenerationPrompt({
    dna: withTone(request.dna, request.tone),
    brief: {
      topic: request.brief.topic,
      keyphrase: request.brief.keyphrase,
      tone: request.tone.length ? request.tone.join(', ') : null,
      length: request.length.toLowerCase() as 'short' | 'medium' | 'long',
      notes: lengthHint(request),
    },
    channel: request.channel,
    locale: request.locale,
    seed: request.seed,
  });
}

function words(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

const isHeading = (block: string) => /^#{1,6}\s/.test(block);

export function splitBlocks(body: string): string[] {
  return body.split(/\n[ \t]*\n/).map((b) => b.trim()).filter(Boolean);
}

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

/** The answer cut to the length asked when the model wrote more (a model may run long; nothing is added). */
export function fitLength(request: Pick<WriteRequest, 'channel' | 'length'>, body: string): string {
  const wordTarget = WORD_TARGETS[request.channel]?.[request.length];
  const charTarget = CHAR_TARGETS[request.channel]?.[request.length];
  const blocks = splitBlocks(body);
  if (wordTarget !== undefined) return shorten(blocks, wordTarget * 1.1, words).join('\n\n');
  if (charTarget !== undefined) return shorten(blocks, charTarget, (t) => [...t].length).join('\n\n');
  return body.trim();
}

/**
 * Rewrites one block of a body (manual mode's assist): a block of the same
 * kind from a fresh answer replaces it; the rest stays as the person wrote it.
 */
export function replaceBlock(body: string, index: number, fresh: string): string {
  const pieces = body.split(/(\n[ \t]*\n)/);
  const current = pieces[index * 2];
  if (current === undefined || current.trim() === '') throw new RangeError('no such paragraph');
  const wantHeading = isHeading(current.trim());
  const candidates = splitBlocks(fresh).filter((b) => isHeading(b) === wantHeading && !/^([-*>]\s|#\S)/.test(b) && b !== current.trim());
  pieces[index * 2] = candidates[index % Math.max(1, candidates.length)] ?? current.trim();
  return pieces.join('');
}

export function paragraphCount(body: string): number {
  return body.split(/\n[ \t]*\n/).length;
}
