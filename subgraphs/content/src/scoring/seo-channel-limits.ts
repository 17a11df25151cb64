// Length rules of the publishing channels: SMS encodings (GSM-7 / UCS-2) and
// X's weighted character count.
import { CHANNEL_LIMITS } from '@ensemble/ai/offline-model';

// GSM 03.38 basic character set (one septet each).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
// Extension table: escape + char, two septets each.
const GSM_EXTENDED = '\f^{}\\[~]|€';

const gsmBasic = new Set<number>();
for (const ch of GSM_BASIC) gsmBasic.add(ch.codePointAt(0) as number);
const gsmExtended = new Set<number>();
for (const ch of GSM_EXTENDED) gsmExtended.add(ch.codePointAt(0) as number);

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  /** Limit of a single-part message in that encoding (160 or 70). */
  singleLimit: number;
  segments: number;
  /** First char that forced UCS-2, if any. */
  nonGsmChar: string | null;
}

export function smsLength(text: string): SmsLength {
  let septets = 0;
  let nonGsm: string | null = null;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (gsmBasic.has(cp)) septets++;
    else if (gsmExtended.has(cp)) septets += 2;
    else {
      nonGsm = ch;
      break;
    }
  }
  if (nonGsm === null) {
    return { encoding: 'GSM-7', units: septets, singleLimit: 160, segments: septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153), nonGsmChar: null };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, singleLimit: 70, segments: units <= 70 ? 1 : Math.ceil(units / 67), nonGsmChar: nonGsm };
}

/**
 * X (Twitter) weighted length: URLs count 23; code points in the Latin and
 * general-punctuation ranges count 1, everything else (CJK, emoji) 2.
 */
export function xWeightedLength(text: string): number {
  let total = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if ((text.startsWith('http://', i) || text.startsWith('https://', i)) && (i === 0 || /\s/.test(text[i - 1] as string))) {
      let j = i;
      while (j < n && !/\s/.test(text[j] as string)) j++;
      total += 23;
      i = j;
      continue;
    }
    const cp = text.codePointAt(i) as number;
    const w = cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247) ? 1 : 2;
    total += w;
    i += cp > 0xffff ? 2 : 1;
  }
  return total;
}

/** Code points, the unit most networks document their limits in. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) count++;
  }
  return count;
}

// --- hard constraints per channel --------------------------------------------------
// What a channel refuses to publish. The character limits are packages/ai's
// CHANNEL_LIMITS (what the model writes to); the scorer marks these as
// PROBLEM, and the studio refuses to save or generate past them.

export type LengthUnit = 'characters' | 'weighted characters' | 'SMS parts';

export interface ChannelConstraint {
  /** hard length limit, or null when the channel has none */
  length: { unit: LengthUnit; max: number } | null;
  maxHashtags: number | null;
  /** false: the channel does not make links clickable or rejects them in the text */
  linksAllowed: boolean;
}

/** An SMS may run over several parts, each billed; past this many it is refused. */
export const SMS_MAX_PARTS = 3;

export const CHANNEL_CONSTRAINTS: Readonly<Record<string, ChannelConstraint>> = {
  BLOG: { length: null, maxHashtags: null, linksAllowed: true },
  LANDING_PAGE: { length: null, maxHashtags: null, linksAllowed: true },
  NEWSLETTER: { length: null, maxHashtags: null, linksAllowed: true },
  EMAIL: { length: null, maxHashtags: null, linksAllowed: true },
  LINKEDIN: { length: { unit: 'characters', max: CHANNEL_LIMITS.LINKEDIN }, maxHashtags: null, linksAllowed: true },
  FACEBOOK: { length: { unit: 'characters', max: CHANNEL_LIMITS.FACEBOOK }, maxHashtags: null, linksAllowed: true },
  // Instagram shows caption links as plain text and rejects more than 30 hashtags.
  INSTAGRAM: { length: { unit: 'characters', max: CHANNEL_LIMITS.INSTAGRAM }, maxHashtags: 30, linksAllowed: false },
  X: { length: { unit: 'weighted characters', max: CHANNEL_LIMITS.X }, maxHashtags: null, linksAllowed: true },
  GOOGLE_BUSINESS: { length: { unit: 'characters', max: CHANNEL_LIMITS.GOOGLE_BUSINESS }, maxHashtags: null, linksAllowed: true },
  SMS: { length: { unit: 'SMS parts', max: SMS_MAX_PARTS }, maxHashtags: null, linksAllowed: true },
};

/** The body's length in the channel's own unit (0 for channels without a limit). */
export function channelLength(channel: string, body: string): number {
  const rule = CHANNEL_CONSTRAINTS[channel]?.length;
  if (!rule) return 0;
  const text = body.trim();
  if (rule.unit === 'weighted characters') return xWeightedLength(text);
  if (rule.unit === 'SMS parts') return smsLength(text).segments;
  return codePointLength(text);
}
