// Isolation (SPEC §7): a prompt is built only from the requesting client's
// merged DNA — the prompt cascade (platform → distributors → the client's own
// layers and brand DNA snapshot, merged by the caller from rows read in the
// client's transaction) — and the brief of the request. Nothing here is shared
// between calls: no cache, no module state, no retrieval across clients.
import { CHANNEL_LIMITS, BLOG_WORDS, parseChannel, type Channel, type OfflineBrief } from './offline-model.ts';
import { brandContext, languageOf } from './brand-context.ts';
import type { AiPrompt } from './providers/provider.ts';

export interface GenerationPromptInput {
  /** the client's merged DNA (cascade of prompt layers + brand DNA snapshot) */
  dna: Record<string, unknown>;
  brief: OfflineBrief & { notes?: string | null; tone?: string | null; length?: 'short' | 'medium' | 'long' | null };
  channel: string;
  locale: string;
  /** seed of the offline model: the same seed writes the same text */
  seed: string;
}

/** Keys of the cascade that instruct the writer rather than describe the brand. */
const INSTRUCTION_KEYS = new Set(['role', 'principles', 'channel_rules', 'format', 'seo', 'geo', 'safety', 'typography']);
/** Upper bound of the brand facts in a prompt (characters of JSON). */
const MAX_FACTS_CHARS = 24_000;

const CHANNEL_LABEL: Record<Channel, { en: string; fr: string }> = {
  BLOG: { en: 'blog article', fr: 'article de blog' },
  LANDING_PAGE: { en: 'landing page', fr: 'page d’atterrissage' },
  LINKEDIN: { en: 'LinkedIn post', fr: 'publication LinkedIn' },
  FACEBOOK: { en: 'Facebook post', fr: 'publication Facebook' },
  INSTAGRAM: { en: 'Instagram caption', fr: 'légende Instagram' },
  X: { en: 'post on X', fr: 'post sur X' },
  GOOGLE_BUSINESS: { en: 'Google Business Profile post', fr: 'publication Google Business Profile' },
  NEWSLETTER: { en: 'newsletter', fr: 'newsletter' },
  EMAIL: { en: 'marketing email', fr: 'e-mail marketing' },
  SMS: { en: 'SMS', fr: 'SMS' },
};

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function lines(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
  if (Array.isArray(value)) return value.flatMap(lines);
  const obj = record(value);
  return obj ? Object.values(obj).flatMap(lines) : [];
}

function hardLimit(channel: Channel, fr: boolean): string | null {
  if (channel === 'BLOG') return fr ? `Entre ${BLOG_WORDS.min} et ${BLOG_WORDS.max} mots.` : `Between ${BLOG_WORDS.min} and ${BLOG_WORDS.max} words.`;
  const limit = (CHANNEL_LIMITS as Record<string, number>)[channel];
  if (!limit) return null;
  if (channel === 'SMS') return fr ? `${limit} caractères GSM-7 au plus, mention de désinscription comprise.` : `At most ${limit} GSM-7 characters, opt-out included.`;
  return fr ? `${limit} caractères au plus.` : `At most ${limit} characters.`;
}

function facts(dna: Record<string, unknown>): string {
  const kept = Object.fromEntries(Object.entries(dna).filter(([key]) => !INSTRUCTION_KEYS.has(key)));
  const json = JSON.stringify(kept, null, 1);
  return json.length <= MAX_FACTS_CHARS ? json : `${json.slice(0, MAX_FACTS_CHARS)}\n…`;
}

/** The text prompt of one generation, plus the same facts in structured form for the offline model. */
export function buildGenerationPrompt(input: GenerationPromptInput): AiPrompt {
  const channel = parseChannel(input.channel);
  const dna = input.dna ?? {};
  const dnaLocale = typeof dna['locale'] === 'string' ? dna['locale'] : undefined;
  const fr = languageOf(input.locale || dnaLocale) === 'fr';
  const brand = brandContext(dna);
  const label = CHANNEL_LABEL[channel][fr ? 'fr' : 'en'];

  const role = typeof dna['role'] === 'string' && dna['role'].trim()
    ? dna['role'].trim()
    : fr ? `Vous êtes le rédacteur marketing de ${brand.name}.` : `You are the marketing writer of ${brand.name}.`;
  const rules = lines(dna['principles']);
  const channelRules = record(dna['channel_rules'])?.[channel.toLowerCase()];
  const limit = hardLimit(channel, fr);
  const avoid = brand.vocabularyAvoid;

  const system = [
    role,
    rules.length ? `${fr ? 'Règles' : 'Rules'}:\n${rules.map((r) => `- ${r}`).join('\n')}` : '',
    `${fr ? 'Canal' : 'Channel'}: ${label}.${limit ? ` ${limit}` : ''}${channelRules ? `\n${fr ? 'Règles du canal' : 'Channel rules'}: ${JSON.stringify(channelRules)}` : ''}`,
    avoid.length ? `${fr ? 'Mots à ne jamais employer' : 'Never use these words'}: ${avoid.join(', ')}.` : '',
    fr
      ? 'Répondez en français. Première ligne : le titre, en titre Markdown (« # … »). Ensuite le texte, en Markdown. Ni préambule ni commentaire.'
      : 'Answer in English. First line: the title, as a Markdown heading ("# …"). Then the text, in Markdown. No preamble, no notes.',
    `${fr ? 'ADN de la marque (les seuls faits que vous pouvez utiliser)' : 'Brand DNA (the only facts you may use)'}:\n${facts(dna)}`,
  ].filter(Boolean).join('\n\n');

  const brief = input.brief ?? {};
  const ask = [
    fr ? `Écrivez un(e) ${label} pour ${brand.name}.` : `Write a ${label} for ${brand.name}.`,
    brief.topic ? `${fr ? 'Sujet' : 'Topic'}: ${brief.topic}` : '',
    brief.goal ? `${fr ? 'Objectif' : 'Goal'}: ${brief.goal}` : '',
    brief.offer ? `${fr ? 'Offre à mettre en avant' : 'Offer to feature'}: ${brief.offer}` : '',
    brief.keyphrase ? `${fr ? 'Expression clé' : 'Keyphrase'}: ${brief.keyphrase}` : '',
    brief.tone ? `${fr ? 'Ton' : 'Tone'}: ${brief.tone}` : '',
    brief.length ? `${fr ? 'Longueur' : 'Length'}: ${brief.length}` : '',
    brief.notes ? `${fr ? 'Consignes' : 'Notes'}: ${brief.notes}` : '',
  ].filter(Boolean).join('\n');

  return {
    system,
    messages: [{ role: 'user', content: ask }],
    grounding: {
      dna,
      brief: { goal: brief.goal ?? null, offer: brief.offer ?? null, topic: brief.topic ?? null, keyphrase: brief.keyphrase ?? null },
      channel,
      locale: fr ? 'fr' : 'en',
      seed: input.seed,
    },
  };
}
