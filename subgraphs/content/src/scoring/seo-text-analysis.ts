// Markdown block splitting and the single-pass analysis of one block (the unit
// the incremental scorer caches). One walk over the chars of a block yields
// words, sentences, syllables, passive voice, keyphrase hits, statistics,
// quotations, definitions, dates, links and images; per-word state lives in
// locals and module-level scratch, never in per-word objects.
import {
  CC_DIGIT, CC_LETTER, CC_UPPER, EN, FNV_OFFSET, FR, F_APRES, F_ATTRIB, F_BE, F_CLITIC_D, F_COPULA, F_DEFVERB, F_DET,
  F_ELISION, F_GAP, F_MOTION, F_NOT_PART, F_NUMGAP, F_PART, F_PRONOUN, F_PRON_ENT, F_QWORD, F_REFLEX, F_SOURCE,
  F_STAT_UNIT, F_STOP, F_ABBREV, F_TITLE_ABBR, SYL_SHIFT, TABLE_SIZE, classOf, fnvStep, fold1, fold2, foldRange,
  hashString, isSpace, lookup, lower, type Lexicon,
} from './seo-lexicon.ts';

export type Lang = 'en' | 'fr';

export const K_PARA = 0;
export const K_HEADING = 1;
export const K_LIST = 2;
export const K_QUOTE = 3;

export interface RawBlock {
  /** Raw Markdown of the block, markers included (the cache key). */
  readonly text: string;
  readonly kind: number;
  readonly level: number;
  /** Offset in text where the content starts (after '#', '- ', '1. '). */
  readonly contentStart: number;
}

/** Everything the scorer needs from one block; small and flat. */
export interface BlockStats {
  kind: number;
  level: number;
  words: number;
  sentences: number;
  syllables: number;
  longSentences: number;
  veryLongSentences: number;
  maxSentenceWords: number;
  passiveSentences: number;
  kpOccurrences: number;
  kpSentences: number;
  /** Every keyphrase word occurs somewhere in the block. */
  kpAllTokens: boolean;
  /** Word offset (within the block) of each sentence holding the keyphrase. */
  kpSentenceOffsets: number[];
  /** Bits: 1 sentence 1 has the keyphrase, 2 sentence 1 defines, 4 sentence 2 has it, 8 sentence 2 defines. */
  lead: number;
  definitions: number;
  kpDefinitions: number;
  statSentences: number;
  statsSourced: number;
  quotes: number;
  quotesAttributed: number;
  years: number;
  maxYear: number;
  links: string[];
  images: number;
  imagesWithAlt: number;
  imagesAltKp: number;
  firstImageSrc: string | null;
  hashtags: number;
  question: boolean;
}

export const MAX_KP_TOKENS = 8;

export interface Keyphrase {
  readonly raw: string;
  /** Folded stems joined by spaces: part of the cache context. */
  readonly canonical: string;
  readonly tokens: readonly string[];
  readonly hashes: Int32Array;
  /** Same with hyphens splitting words, for slugs. */
  readonly slugTokens: readonly string[];
  readonly slugHashes: Int32Array;
}

export interface AnalysisContext {
  readonly lang: Lang;
  readonly fr: boolean;
  readonly lex: Lexicon;
  readonly kp: Keyphrase | null;
  /** Sentences longer than this are "long" (20 words en, 25 fr). */
  readonly longLimit: number;
}

export function analysisContext(lang: Lang, kp: Keyphrase | null): AnalysisContext {
  const fr = lang === 'fr';
  return { lang, fr, lex: fr ? FR : EN, kp, longLimit: fr ? 25 : 20 };
}

// --- Markdown blocks -----------------------------------------------------------

/** Splits Markdown into headings, paragraphs, list items and blockquotes (code fences are dropped). */
export function parseBlocks(body: string): RawBlock[] {
  const out: RawBlock[] = [];
  const n = body.length;
  let curStart = -1;
  let curEnd = -1;
  let curKind = K_PARA;
  let curContent = 0;
  let inFence = false;
  let fenceChar = 0;
  const flush = (): void => {
    if (curStart >= 0) out.push({ text: body.slice(curStart, curEnd), kind: curKind, level: 0, contentStart: curContent });
    curStart = -1;
  };
  let pos = 0;
  while (pos < n) {
    let eol = body.indexOf('\n', pos);
    if (eol < 0) eol = n;
    let lineEnd = eol;
    if (lineEnd > pos && body.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    let p = pos;
    while (p < lineEnd && p - pos < 4 && (body.charCodeAt(p) === 32 || body.charCodeAt(p) === 9)) p++;
    const c = p < lineEnd ? body.charCodeAt(p) : 0;
    // Fences: ``` or ~~~
    if ((c === 96 || c === 126) && body.charCodeAt(p + 1) === c && body.charCodeAt(p + 2) === c) {
      if (!inFence) {
        flush();
        inFence = true;
        fenceChar = c;
      } else if (c === fenceChar) inFence = false;
      pos = eol + 1;
      continue;
    }
    if (inFence) {
      pos = eol + 1;
      continue;
    }
    let blank = true;
    for (let j = p; j < lineEnd; j++) {
      if (!isSpace(body.charCodeAt(j))) {
        blank = false;
        break;
      }
    }
    if (blank) {
      flush();
      pos = eol + 1;
      continue;
    }
    if (c === 35) {
      let k = 0;
      while (p + k < lineEnd && body.charCodeAt(p + k) === 35) k++;
      if (k <= 6 && (p + k === lineEnd || body.charCodeAt(p + k) === 32 || body.charCodeAt(p + k) === 9)) {
        flush();
        let s = p + k;
        while (s < lineEnd && (body.charCodeAt(s) === 32 || body.charCodeAt(s) === 9)) s++;
        out.push({ text: body.slice(pos, lineEnd), kind: K_HEADING, level: k, contentStart: s - pos });
        pos = eol + 1;
        continue;
      }
    }
    if ((c === 45 || c === 42 || c === 95) && isRule(body, p, lineEnd, c)) {
      flush();
      pos = eol + 1;
      continue;
    }
    const marker = listMarkerEnd(body, p, lineEnd);
    if (marker > 0) {
      flush();
      curStart = pos;
      curEnd = lineEnd;
      curKind = K_LIST;
      curContent = marker - pos;
      pos = eol + 1;
      continue;
    }
    if (c === 62) {
      if (curStart < 0 || curKind !== K_QUOTE) {
        flush();
        curStart = pos;
        curKind = K_QUOTE;
        curContent = 0;
      }
      curEnd = lineEnd;
      pos = eol + 1;
      continue;
    }
    if (curStart < 0) {
      curStart = pos;
      curKind = K_PARA;
      curContent = 0;
    }
    curEnd = lineEnd;
    pos = eol + 1;
  }
  flush();
  return out;
}

function isRule(s: string, p: number, end: number, c: number): boolean {
  let count = 0;
  for (let j = p; j < end; j++) {
    const d = s.charCodeAt(j);
    if (d === c) count++;
    else if (d !== 32 && d !== 9) return false;
  }
  return count >= 3;
}

/** End of a list marker ("- ", "* ", "+ ", "12. ", "3) ") at p, or -1. */
function listMarkerEnd(s: string, p: number, end: number): number {
  const c = s.charCodeAt(p);
  let q = p;
  if (c === 45 || c === 42 || c === 43) q = p + 1;
  else if (c >= 48 && c <= 57) {
    while (q < end && q - p < 9 && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++;
    const d = s.charCodeAt(q);
    if (d !== 46 && d !== 41) return -1;
    q++;
  } else return -1;
  if (q >= end) return -1;
  const sp = s.charCodeAt(q);
  if (sp !== 32 && sp !== 9) return -1;
  while (q < end && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
  return q;
}

// --- words -------------------------------------------------------------------

// Outputs of scanWord: module-level so that no result object is allocated per word.
let wEnd = 0;
let wHash = 0;
let wStem = 0;
let wClitic = false;
let wNumeric = false;
let wStat = false; // decimal number or number with a k/m/bn/x suffix
let wYear = 0;
let wUpper = false;
let wLetterOnly = false;
let wHeadHash = 0; // hash of the part before the first hyphen ("dit" in "dit-il")
let wHeadEnd = -1;

/**
 * Scans the word starting at i (a letter or digit): hyphens and apostrophes
 * between letters and separators between digits stay inside; a French elided
 * prefix (l', qu'…) is returned alone as a clitic. Computes the folded hash and,
 * when stem is set, the hash of its stem (plural and possessive endings off).
 */
function scanWord(text: string, i: number, n: number, fr: boolean, lex: Lexicon, splitHyphen: boolean, stem: boolean): void {
  let h = FNV_OFFSET;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let c4 = 0;
  let len = 0;
  const first = text.charCodeAt(i);
  const firstClass = classOf(first);
  const numeric = (firstClass & CC_DIGIT) !== 0;
  let decimal = false;
  let letterOnly = true;
  wUpper = (firstClass & CC_UPPER) !== 0;
  wClitic = false;
  wHeadEnd = -1;
  let j = i;
  while (j < n) {
    const c = text.charCodeAt(j);
    const cls = classOf(c);
    let f: number;
    let g = 0;
    if (cls !== 0) {
      if (cls & CC_DIGIT) letterOnly = false;
      if (c < TABLE_SIZE) {
        f = fold1[c] as number;
        g = fold2[c] as number;
      } else f = c;
    } else if ((c === 45 || c === 0x2010 || c === 0x2011) && !splitHyphen && j + 1 < n && classOf(text.charCodeAt(j + 1)) !== 0) {
      f = 45;
      letterOnly = false;
      if (wHeadEnd < 0) {
        wHeadEnd = j;
        wHeadHash = h;
      }
    } else if (
      (c === 39 || c === 0x2019) && j > i && j + 1 < n &&
      (classOf(text.charCodeAt(j + 1)) & CC_LETTER) !== 0 && (classOf(text.charCodeAt(j - 1)) & CC_LETTER) !== 0
    ) {
      if (fr && len <= 6 && (lookup(lex, h, text, i, j) & F_ELISION) !== 0) {
        wClitic = true;
        break;
      }
      f = 39;
    } else if ((c === 46 || c === 44) && numeric && j + 1 < n && (classOf(text.charCodeAt(j + 1)) & CC_DIGIT) !== 0 && (classOf(text.charCodeAt(j - 1)) & CC_DIGIT) !== 0) {
      f = c;
      decimal = true;
    } else break;
    h3 = h2;
    h2 = h1;
    h1 = h;
    h = fnvStep(h, f);
    c4 = c3;
    c3 = c2;
    c2 = c1;
    c1 = f;
    len++;
    if (g !== 0) {
      h3 = h2;
      h2 = h1;
      h1 = h;
      h = fnvStep(h, g);
      c4 = c3;
      c3 = c2;
      c2 = c1;
      c1 = g;
      len++;
    }
    j++;
  }
  wEnd = j;
  wHash = h;
  wNumeric = numeric;
  wLetterOnly = letterOnly;
  wYear = 0;
  wStat = false;
  if (numeric) {
    // A year: exactly four digits, alone or opening a date (2024-05-01).
    if (j - i >= 4 && isDigitAt(text, i + 1) && isDigitAt(text, i + 2) && isDigitAt(text, i + 3) && (j - i === 4 || text.charCodeAt(i + 4) === 45)) {
      const y = (first - 48) * 1000 + (text.charCodeAt(i + 1) - 48) * 100 + (text.charCodeAt(i + 2) - 48) * 10 + (text.charCodeAt(i + 3) - 48);
      if (y >= 1900 && y <= 2100) wYear = y;
    }
    if (wYear === 0) {
      const digitBefore = c2 >= 48 && c2 <= 57;
      if (decimal) wStat = true;
      else if (digitBefore && (c1 === 107 || c1 === 120 || c1 === 109)) wStat = true; // 10k, 3x, 5m
      else if (c1 === 110 && c2 === 98 && c3 >= 48 && c3 <= 57) wStat = true; // 2bn
    }
  }
  if (stem) {
    const rule = stemRule(fr, len, c1, c2, c3, c4);
    const cut = rule & 7;
    let s = cut === 0 ? h : cut === 1 ? h1 : cut === 2 ? h2 : h3;
    const append = rule >> 3;
    if (append === 1) s = fnvStep(s, 121); // y
    else if (append === 2) s = fnvStep(fnvStep(s, 97), 108); // al
    wStem = s;
  }
}

function isDigitAt(s: string, k: number): boolean {
  const c = s.charCodeAt(k);
  return c >= 48 && c <= 57;
}

/**
 * Light stemming shared by the scan (on hashes) and stemString (on strings):
 * returns chars to cut (bits 0-2) and what to append (bits 3+: 1 'y', 2 'al').
 * c1 is the last folded char, c4 the fourth from the end.
 */
function stemRule(fr: boolean, len: number, c1: number, c2: number, c3: number, c4: number): number {
  if (fr) {
    if (len > 4 && c3 === 97 && c2 === 117 && c1 === 120) return 3 | (2 << 3); // journaux → journal
    if (len > 3 && (c1 === 115 || c1 === 120) && c2 !== 115) return 1; // -s, -x
    return 0;
  }
  if (len > 4 && c3 === 105 && c2 === 101 && c1 === 115) return 3 | (1 << 3); // companies → company
  if (len > 3 && c2 === 101 && c1 === 115 && (c3 === 115 || c3 === 120 || c3 === 122 || (c3 === 104 && (c4 === 99 || c4 === 115)))) return 2; // boxes, churches
  if (len > 2 && c2 === 39 && c1 === 115) return 2; // company's
  if (len > 3 && c1 === 115 && c2 !== 115 && c2 !== 117 && c2 !== 105 && c2 !== 39) return 1; // shops
  return 0;
}

/** Stem of text[s, e) as a string, consistent with the hashes of scanWord. */
export function stemString(text: string, s: number, e: number, fr: boolean): string {
  const f = foldRange(text, s, e);
  const L = f.length;
  const at = (k: number): number => (L - k >= 0 ? f.charCodeAt(L - k) : 0);
  const rule = stemRule(fr, L, at(1), at(2), at(3), at(4));
  const base = f.slice(0, L - (rule & 7));
  const append = rule >> 3;
  return append === 1 ? `${base}y` : append === 2 ? `${base}al` : base;
}

// --- syllables -----------------------------------------------------------------

function isVowelEn(c: number): boolean {
  return c === 97 || c === 101 || c === 105 || c === 111 || c === 117 || c === 121;
}

/** English syllables of text[s, e): vowel groups with the usual silent-e, -es, -ed corrections. */
export function syllablesEn(text: string, s: number, e: number): number {
  let total = 0;
  let p = s;
  for (let j = s; j <= e; j++) {
    if (j === e || text.charCodeAt(j) === 45 || text.charCodeAt(j) === 0x2010) {
      if (j > p) total += syllablesEnPart(text, p, j);
      p = j + 1;
    }
  }
  return total < 1 ? 1 : total;
}

function f1(text: string, k: number): number {
  const c = text.charCodeAt(k);
  return c < TABLE_SIZE ? (fold1[c] as number) : c;
}

function syllablesEnPart(text: string, s: number, e: number): number {
  let count = 0;
  let inGroup = false;
  let prev = 0;
  let prev2 = 0;
  let letters = 0;
  for (let j = s; j < e; j++) {
    const c = f1(text, j);
    if (c < 97 || c > 122) {
      if (c !== 39) {
        inGroup = false;
      }
      continue;
    }
    letters++;
    const v = isVowelEn(c) && !(c === 121 && j === s) && !(c === 117 && prev === 113);
    if (v) {
      if (!inGroup) {
        count++;
        inGroup = true;
      } else if (
        (prev === 105 && (c === 97 || c === 111 || c === 117) && prev2 !== 99 && prev2 !== 116 && prev2 !== 115 && prev2 !== 103 && prev2 !== 120 && prev2 !== 108) || // ia/io/iu: radio, piano
        (prev === 117 && (c === 97 || c === 111) && prev2 !== 103 && prev2 !== 113) || // ua/uo: usual, duo
        (prev === 105 && c === 105)
      ) {
        count++;
      }
    } else inGroup = false;
    prev2 = prev;
    prev = c;
  }
  if (letters === 0) return 0;
  if (count > 1) {
    let L = e;
    while (L > s && f1(text, L - 1) === 39) L--;
    const z1 = f1(text, L - 1);
    const z2 = L - 2 >= s ? f1(text, L - 2) : 0;
    const z3 = L - 3 >= s ? f1(text, L - 3) : 0;
    const z4 = L - 4 >= s ? f1(text, L - 4) : 0;
    if (z1 === 101) {
      // silent final e, except consonant + le (table) and after a vowel (free, true)
      if (!isVowelEn(z2) && !(z2 === 108 && z3 !== 0 && !isVowelEn(z3))) count--;
    } else if (z1 === 115 && z2 === 101) {
      // -es is silent after most consonants (makes) but not after s x z c g ch sh, nor in consonant + les
      if (z3 !== 0 && !isVowelEn(z3) && z3 !== 115 && z3 !== 120 && z3 !== 122 && z3 !== 99 && z3 !== 103 && !(z3 === 104 && (z4 === 99 || z4 === 115)) && !(z3 === 108 && z4 !== 0 && !isVowelEn(z4))) count--;
    } else if (z1 === 100 && z2 === 101) {
      // -ed is silent except after t and d (wanted, needed)
      if (z3 !== 0 && !isVowelEn(z3) && z3 !== 116 && z3 !== 100) count--;
    }
    // magic e before a suffix: like-ly, use-ful, state-ment, aware-ness, use-less
    const suf = suffixBeforeE(text, s, L);
    if (suf > 0) count--;
  }
  // -ing after a vowel is its own syllable: being, going, playing
  if (e - s >= 4 && f1(text, e - 1) === 103 && f1(text, e - 2) === 110 && f1(text, e - 3) === 105 && isVowelEn(f1(text, e - 4)) && !(f1(text, e - 4) === 117 && e - 5 >= s && f1(text, e - 5) === 113)) count++;
  return count < 1 ? 1 : count;
}

/** 1 when the word is vowel + consonant + e + (ly|ment|ful|less|ness). */
function suffixBeforeE(text: string, s: number, L: number): number {
  let k = 0;
  const endsWith = (suffix: string): boolean => {
    const m = suffix.length;
    if (L - s < m + 3) return false;
    for (let q = 0; q < m; q++) if (f1(text, L - m + q) !== suffix.charCodeAt(q)) return false;
    return true;
  };
  if (endsWith('ly')) k = 2;
  else if (endsWith('ment')) k = 4;
  else if (endsWith('ful')) k = 3;
  else if (endsWith('less') || endsWith('ness')) k = 4;
  if (k === 0) return 0;
  const e1 = f1(text, L - k - 1);
  const cons = f1(text, L - k - 2);
  const vow = f1(text, L - k - 3);
  return e1 === 101 && !isVowelEn(cons) && cons >= 97 && cons <= 122 && isVowelEn(vow) ? 1 : 0;
}

function lowerAt(text: string, k: number): number {
  const c = text.charCodeAt(k);
  return c < TABLE_SIZE ? (lower[c] as number) : c;
}

// French vowels (lowercase): 1 plain, 2 é, 3 è, 4 diaeresis (always starts a syllable)
const FR_VOWEL = new Uint8Array(TABLE_SIZE);
for (const ch of 'aeiouyàâîôûùœæ') FR_VOWEL[ch.charCodeAt(0)] = 1;
FR_VOWEL[0xe9] = 2;
FR_VOWEL[0xe8] = 3;
FR_VOWEL[0xea] = 1;
for (const ch of 'ëïüÿä') FR_VOWEL[ch.charCodeAt(0)] = 4;

/** Is the char at k a vowel, treating the u of qu / gu+e,i as a consonant. */
function frVowelAt(text: string, k: number, s: number, e: number): number {
  const c = lowerAt(text, k);
  const v = c < TABLE_SIZE ? (FR_VOWEL[c] as number) : 0;
  if (v === 0) return 0;
  if (c === 117 && k > s) {
    const p = lowerAt(text, k - 1);
    if (p === 113) return 0;
    if (p === 103 && k + 1 < e) {
      const nx = lowerAt(text, k + 1);
      if (nx === 101 || nx === 105 || nx === 0xe9 || nx === 0xe8 || nx === 0xea || nx === 121) return 0;
    }
  }
  return v;
}

/** French (spoken) syllables: vowel groups, mute final e/es, mute verb ending -ent. */
export function syllablesFr(text: string, s: number, e: number, flags: number): number {
  let total = 0;
  let p = s;
  for (let j = s; j <= e; j++) {
    if (j === e || text.charCodeAt(j) === 45 || text.charCodeAt(j) === 0x2010) {
      if (j > p) total += syllablesFrPart(text, p, j, flags);
      p = j + 1;
    }
  }
  return total < 1 ? 1 : total;
}

function syllablesFrPart(text: string, s: number, e: number, flags: number): number {
  let count = 0;
  let inGroup = false;
  let prev = 0; // previous char, lowercase
  let letters = 0;
  for (let j = s; j < e; j++) {
    const c = lowerAt(text, j);
    if ((classOf(text.charCodeAt(j)) & CC_LETTER) === 0) {
      inGroup = false;
      continue;
    }
    letters++;
    const v = frVowelAt(text, j, s, e);
    if (v !== 0) {
      if (!inGroup) {
        count++;
        inGroup = true;
      } else if (v === 4 || ((v === 2 || v === 3) && prev !== 105) || (prev === 0xe9 && c !== 101)) {
        // diaeresis (Noël), é/è after a vowel (poème, aéroport) but not ié (pitié), é + vowel (réussir, théâtre)
        count++;
      }
    } else inGroup = false;
    prev = c;
  }
  if (letters === 0) return 0;
  if (count > 1) {
    const z1 = lowerAt(text, e - 1);
    if (z1 === 101) {
      if (e - 2 >= s && frVowelAt(text, e - 2, s, e) === 0) count--; // table, statistique
    } else if (z1 === 115 && e - 3 >= s && lowerAt(text, e - 2) === 101) {
      if (frVowelAt(text, e - 3, s, e) === 0) count--; // tables, pages
    } else if (z1 === 116 && e - 4 >= s && lowerAt(text, e - 2) === 110 && lowerAt(text, e - 3) === 101) {
      // -ent of verbs is mute (parlent); -ment and listed nouns/adjectives are not (moment, souvent)
      const before = lowerAt(text, e - 4);
      if (frVowelAt(text, e - 4, s, e) === 0 && before !== 109 && (flags & F_PRON_ENT) === 0) count--;
    }
  }
  return count < 1 ? 1 : count;
}

// --- keyphrase ----------------------------------------------------------------

/** Tokenises a keyphrase into stems of its content words (all words if it has only stop words). */
export function prepareKeyphrase(raw: string, lang: Lang): Keyphrase | null {
  const text = raw.trim();
  if (!text) return null;
  const fr = lang === 'fr';
  const lex = fr ? FR : EN;
  const collect = (splitHyphen: boolean): { tokens: string[]; hashes: number[] } => {
    const content: string[] = [];
    const contentH: number[] = [];
    const all: string[] = [];
    const allH: number[] = [];
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (classOf(text.charCodeAt(i)) === 0) {
        i++;
        continue;
      }
      scanWord(text, i, n, fr, lex, splitHyphen, true);
      const end = wEnd;
      if (!wClitic) {
        const stem = stemString(text, i, end, fr);
        const flags = lookup(lex, wHash, text, i, end);
        if (!all.includes(stem) && all.length < MAX_KP_TOKENS) {
          all.push(stem);
          allH.push(wStem);
        }
        if ((flags & F_STOP) === 0 && !content.includes(stem) && content.length < MAX_KP_TOKENS) {
          content.push(stem);
          contentH.push(wStem);
        }
      }
      i = end > i ? end : i + 1;
    }
    return content.length > 0 ? { tokens: content, hashes: contentH } : { tokens: all, hashes: allH };
  };
  const main = collect(false);
  if (main.tokens.length === 0) return null;
  const slug = collect(true);
  return {
    raw: text,
    canonical: main.tokens.join(' '),
    tokens: main.tokens,
    hashes: Int32Array.from(main.hashes),
    slugTokens: slug.tokens,
    slugHashes: Int32Array.from(slug.hashes),
  };
}

/** How many distinct keyphrase words occur in text[s, e) (plain text: titles, meta, alt, slugs). */
export function keyphraseCoverage(text: string, s: number, e: number, ctx: AnalysisContext, forSlug: boolean): number {
  const kp = ctx.kp;
  if (!kp) return 0;
  const hashes = forSlug ? kp.slugHashes : kp.hashes;
  const tokens = forSlug ? kp.slugTokens : kp.tokens;
  let mask = 0;
  let i = s;
  while (i < e) {
    if (classOf(text.charCodeAt(i)) === 0) {
      i++;
      continue;
    }
    scanWord(text, i, e, ctx.fr, ctx.lex, forSlug, true);
    const end = wEnd;
    if (!wClitic) {
      for (let k = 0; k < hashes.length; k++) {
        if (hashes[k] === wStem && (mask & (1 << k)) === 0 && stemString(text, i, end, ctx.fr) === tokens[k]) mask |= 1 << k;
      }
    }
    i = end > i ? end : i + 1;
  }
  let count = 0;
  for (let k = 0; k < hashes.length; k++) if (mask & (1 << k)) count++;
  return count;
}

// --- block analysis ------------------------------------------------------------

const sentenceKp = new Int32Array(MAX_KP_TOKENS);
const blockKp = new Int32Array(MAX_KP_TOKENS);

const CLOSERS = new Set([0x201d, 0xbb, 0x2019, 39, 41, 93, 42, 95]);

function isOpeningQuote(c: number): boolean {
  return c === 0x201c || c === 0xab || c === 0x201e;
}
function isClosingQuote(c: number): boolean {
  return c === 0x201d || c === 0xbb;
}

/**
 * Analyses one block. `start` skips the Markdown marker. Headings are one
 * "sentence"; the scorer keeps them out of readability figures.
 */
export function analyseBlock(block: RawBlock, ctx: AnalysisContext): BlockStats {
  const text = block.text;
  const n = text.length;
  const { fr, lex, kp, longLimit } = ctx;
  const kpHashes = kp ? kp.hashes : null;
  const kpCount = kpHashes ? kpHashes.length : 0;
  const isHeading = block.kind === K_HEADING;
  const isQuoteBlock = block.kind === K_QUOTE;
  sentenceKp.fill(0);
  blockKp.fill(0);

  const st: BlockStats = {
    kind: block.kind, level: block.level, words: 0, sentences: 0, syllables: 0, longSentences: 0, veryLongSentences: 0,
    maxSentenceWords: 0, passiveSentences: 0, kpOccurrences: 0, kpSentences: 0, kpAllTokens: false, kpSentenceOffsets: [],
    lead: 0, definitions: 0, kpDefinitions: 0, statSentences: 0, statsSourced: 0, quotes: 0, quotesAttributed: 0,
    years: 0, maxYear: 0, links: [], images: 0, imagesWithAlt: 0, imagesAltKp: 0, firstImageSrc: null, hashtags: 0,
    question: false,
  };

  // sentence state
  let sWords = 0;
  let sStartWord = 0;
  let sPassive = false;
  let sStat = false;
  let sSource = false;
  let sDef = false;
  let sQuoteClosed = false;
  let sAttrib = false;
  let firstWordPronoun = false;
  // cross-sentence state (within the block)
  let prevSource = false;
  let pendingStat = false;
  let pendingQuote = false;
  let inQuote = false;
  let straightOpen = false;
  let quoteWords = 0;
  // word-to-word state
  let passiveState = 0;
  let defState = 0;
  let afterNumber = false;
  let moneyPending = false;
  let dashSeen = false;
  let prevReflexive = false;
  let prevCliticD = false;
  let lastWordEnd = -1;
  let lastWordFlags = 0;
  let lastWordLen = 0;
  let lastWordLetters = false;
  let firstWordFlags = -1;
  let anyAttribInBlock = false;
  // link parsing: cached next ']' and ')' keep the scan linear
  let nextBracket = -2;
  let nextParen = -2;
  let skipFrom = -1;
  let skipTo = -1;

  const flushSentence = (question: boolean): void => {
    if (sWords === 0) {
      sQuoteClosed = false;
      return;
    }
    const index = st.sentences;
    st.sentences++;
    if (sWords > longLimit) st.longSentences++;
    if (sWords >= 40) st.veryLongSentences++;
    if (sWords > st.maxSentenceWords) st.maxSentenceWords = sWords;
    if (sPassive) st.passiveSentences++;
    let occ = 0;
    if (kpCount > 0) {
      occ = 0x7fffffff;
      for (let k = 0; k < kpCount; k++) {
        const v = sentenceKp[k] as number;
        if (v < occ) occ = v;
        sentenceKp[k] = 0;
      }
      if (occ > 0) {
        st.kpOccurrences += occ;
        st.kpSentences++;
        st.kpSentenceOffsets.push(sStartWord);
      }
    }
    const def = sDef && !question;
    if (def) {
      st.definitions++;
      if (occ > 0) st.kpDefinitions++;
    }
    if (index < 2) st.lead |= ((occ > 0 ? 1 : 0) | (def ? 2 : 0)) << (index * 2);
    const source = sSource;
    if (pendingStat) {
      if (source) st.statsSourced++;
      pendingStat = false;
    }
    if (sStat) {
      st.statSentences++;
      if (source || prevSource) st.statsSourced++;
      else pendingStat = true;
    }
    if (pendingQuote) {
      if (sAttrib) st.quotesAttributed++;
      pendingQuote = false;
    }
    if (sQuoteClosed) {
      st.quotes++;
      if (sAttrib) st.quotesAttributed++;
      else pendingQuote = true;
    }
    prevSource = source;
    sWords = 0;
    sStartWord = st.words;
    sPassive = false;
    sStat = false;
    sSource = false;
    sDef = false;
    sQuoteClosed = false;
    sAttrib = false;
    passiveState = 0;
    defState = 0;
    afterNumber = false;
    firstWordPronoun = false;
  };

  const closeQuote = (): void => {
    if (inQuote && quoteWords >= 3) sQuoteClosed = true;
    inQuote = false;
    straightOpen = false;
    quoteWords = 0;
  };

  let i = block.contentStart;
  while (i < n) {
    if (i === skipFrom) {
      i = skipTo;
      skipFrom = -1;
      continue;
    }
    const c = text.charCodeAt(i);
    const cls = classOf(c);
    if (cls !== 0) {
      // bare URLs are links, not words
      if ((c === 104 || c === 119) && isUrlStart(text, i, n)) {
        const e = urlEnd(text, i, n);
        st.links.push(text.slice(i, e));
        sSource = true;
        i = e;
        continue;
      }
      scanWord(text, i, n, fr, lex, false, kpCount > 0);
      const end = wEnd;
      const flags = lookup(lex, wHash, text, i, end);
      if (wClitic) {
        // French l', d', s'…: not a word of its own
        if (defState === 1 && (flags & F_DET) !== 0) {
          sDef = true;
          defState = 0;
        }
        prevReflexive = (flags & F_REFLEX) !== 0;
        prevCliticD = (flags & F_CLITIC_D) !== 0;
        i = end;
        continue;
      }
      const wordIdx = sWords;
      st.words++;
      sWords++;
      if (inQuote) quoteWords++;
      const override = (flags >>> SYL_SHIFT) & 31;
      st.syllables += wNumeric ? 1 : override !== 0 ? override : fr ? syllablesFr(text, i, end, flags) : syllablesEn(text, i, end);
      if (wordIdx === 0) {
        firstWordPronoun = (flags & F_PRONOUN) !== 0;
        if (firstWordFlags < 0) firstWordFlags = flags;
      }
      // numbers: years and statistics
      if (wNumeric) {
        if (wYear !== 0) {
          st.years++;
          if (wYear > st.maxYear) st.maxYear = wYear;
        } else {
          if (wStat || moneyPending) sStat = true;
          afterNumber = true;
        }
      } else if (afterNumber && (flags & F_STAT_UNIT) !== 0) {
        sStat = true;
        afterNumber = false;
      } else if (!(afterNumber && (flags & F_NUMGAP) !== 0)) afterNumber = false;
      moneyPending = false;
      if (flags & F_SOURCE) sSource = true;
      if (fr && prevCliticD && (flags & F_APRES) !== 0) sSource = true;
      // speech verbs, also inverted: "dit-il", "explique-t-elle"
      if ((flags & F_ATTRIB) !== 0 || (wHeadEnd > 0 && (lookup(lex, wHeadHash, text, i, wHeadEnd) & F_ATTRIB) !== 0)) {
        sAttrib = true;
        anyAttribInBlock = true;
      }
      if (dashSeen && wUpper) {
        sAttrib = true;
        anyAttribInBlock = true;
      }
      dashSeen = false;
      // keyphrase words (hash of the stem, confirmed on the string)
      if (kpHashes !== null && kp !== null) {
        for (let k = 0; k < kpCount; k++) {
          if (kpHashes[k] === wStem && stemString(text, i, end, fr) === kp.tokens[k]) {
            sentenceKp[k] = (sentenceKp[k] as number) + 1;
            blockKp[k] = (blockKp[k] as number) + 1;
          }
        }
      }
      // passive voice: auxiliary (+ up to two adverbs) + past participle
      if ((flags & F_BE) !== 0 && !(fr && prevReflexive)) passiveState = 1;
      else if (passiveState > 0) {
        if (isParticiple(text, i, end, flags, fr)) {
          sPassive = true;
          passiveState = 0;
        } else if (passiveState < 3 && ((flags & F_GAP) !== 0 || isAdverbBySuffix(text, i, end, fr))) passiveState++;
        else passiveState = 0;
      }
      // definitions: "X is a …", "X means …", "X est un …", "X désigne …"
      if (defState === 1) {
        if (flags & F_DET) sDef = true;
        defState = 0;
      }
      if (wordIdx >= 1 && wordIdx <= 8 && !firstWordPronoun) {
        if (flags & F_COPULA) defState = 1;
        else if (flags & F_DEFVERB) sDef = true;
      }
      prevReflexive = (flags & F_REFLEX) !== 0;
      prevCliticD = false;
      lastWordEnd = end;
      lastWordFlags = flags;
      lastWordLen = end - i;
      lastWordLetters = wLetterOnly;
      i = end;
      continue;
    }
    // punctuation and Markdown syntax
    if (c === 33 && text.charCodeAt(i + 1) === 91 && skipFrom < 0) {
      // image ![alt](src)
      if (nextBracket !== -1 && nextBracket <= i + 1) nextBracket = text.indexOf(']', i + 2);
      const cb = nextBracket;
      if (cb > 0 && text.charCodeAt(cb + 1) === 40) {
        if (nextParen !== -1 && nextParen <= cb + 1) nextParen = text.indexOf(')', cb + 2);
        const cp = nextParen;
        if (cp > 0) {
          st.images++;
          if (hasWordChar(text, i + 2, cb)) st.imagesWithAlt++;
          if (kpCount > 0 && keyphraseCoverage(text, i + 2, cb, ctx, false) === kpCount) st.imagesAltKp++;
          if (st.firstImageSrc === null) st.firstImageSrc = firstToken(text, cb + 2, cp);
          i = cp + 1;
          continue;
        }
      }
    }
    if (c === 91 && skipFrom < 0) {
      // link [text](url): the text is read as words, the url is skipped
      if (nextBracket !== -1 && nextBracket <= i) nextBracket = text.indexOf(']', i + 1);
      const cb = nextBracket;
      if (cb > 0 && text.charCodeAt(cb + 1) === 40) {
        if (nextParen !== -1 && nextParen <= cb + 1) nextParen = text.indexOf(')', cb + 2);
        const cp = nextParen;
        if (cp > 0) {
          const url = firstToken(text, cb + 2, cp);
          if (url) st.links.push(url);
          sSource = true;
          skipFrom = cb;
          skipTo = cp + 1;
        }
      }
      i++;
      continue;
    }
    if (c === 60 && isUrlStart(text, i + 1, n)) {
      // autolink <https://…>
      const gt = text.indexOf('>', i + 1);
      const e = gt > 0 ? gt : urlEnd(text, i + 1, n);
      st.links.push(text.slice(i + 1, e));
      sSource = true;
      i = e + 1;
      continue;
    }
    if (c === 46 || c === 33 || c === 63 || c === 0x2026) {
      // sentence end: terminator run, closing quotes/brackets, then space or end
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 46 || d === 33 || d === 63 || d === 0x2026) j++;
        else break;
      }
      const termEnd = j;
      let closedQuote = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isClosingQuote(d) || (d === 34 && straightOpen)) {
          closedQuote = true;
          j++;
        } else if (CLOSERS.has(d)) j++;
        else break;
      }
      const atBoundary = j >= n || isSpace(text.charCodeAt(j));
      let boundary = atBoundary;
      if (boundary && c === 46 && termEnd === i + 1 && lastWordEnd === i) {
        // abbreviations and initials
        if ((lastWordLen === 1 && lastWordLetters) || (lastWordFlags & F_TITLE_ABBR) !== 0) boundary = false;
        else if ((lastWordFlags & F_ABBREV) !== 0) boundary = nextVisibleIsUpper(text, j, n);
      }
      if (closedQuote) closeQuote();
      if (boundary) {
        let question = false;
        for (let q = i; q < termEnd; q++) if (text.charCodeAt(q) === 63) question = true;
        flushSentence(question);
        i = j;
        continue;
      }
      if (c !== 46) afterNumber = false;
      i = closedQuote ? j : termEnd;
      continue;
    }
    if (isOpeningQuote(c)) {
      inQuote = true;
      quoteWords = 0;
    } else if (isClosingQuote(c)) {
      closeQuote();
    } else if (c === 34) {
      if (straightOpen) closeQuote();
      else {
        inQuote = true;
        straightOpen = true;
        quoteWords = 0;
      }
    } else if (c === 37 || c === 0x2030) {
      if (afterNumber) sStat = true;
    } else if (c === 36 || c === 0x20ac || c === 0xa3 || c === 0xa5) {
      if (afterNumber) sStat = true;
      else moneyPending = true;
    } else if (c === 0x2014 || c === 0x2013 || (c === 45 && i > 0 && isSpace(text.charCodeAt(i - 1)))) {
      dashSeen = true;
    } else if (c === 35 && (i === 0 || isSpace(text.charCodeAt(i - 1))) && i + 1 < n && (classOf(text.charCodeAt(i + 1)) & CC_LETTER) !== 0) {
      st.hashtags++;
    }
    if (!isSpace(c) && c !== 37 && c !== 0x2030 && c !== 36 && c !== 0x20ac && c !== 0xa3 && c !== 0xa5) afterNumber = false;
    i++;
  }
  if (inQuote) closeQuote();
  flushSentence(isHeading && endsWithQuestionMark(text));
  if (pendingStat) pendingStat = false;
  if (isQuoteBlock && st.words >= 3) {
    // a blockquote is a quotation; attributed by a speech verb or "— Name"
    st.quotes++;
    if (anyAttribInBlock) st.quotesAttributed++;
  }
  if (kpCount > 0) {
    let all = true;
    for (let k = 0; k < kpCount; k++) if (blockKp[k] === 0) all = false;
    st.kpAllTokens = all;
  }
  if (isHeading) st.question = endsWithQuestionMark(text) || (firstWordFlags >= 0 && (firstWordFlags & F_QWORD) !== 0);
  return st;
}

function isParticiple(text: string, s: number, e: number, flags: number, fr: boolean): boolean {
  if (flags & F_NOT_PART) return false;
  if (flags & F_PART) return (flags & F_MOTION) === 0;
  const len = e - s;
  if (fr) {
    if (flags & F_MOTION) return false;
    if (len < 3) return false;
    // -é, -ée, -és, -ées
    const z1 = lowerAt(text, e - 1);
    if (z1 === 0xe9) return true;
    const z2 = lowerAt(text, e - 2);
    if ((z1 === 101 || z1 === 115) && z2 === 0xe9) return true;
    return z1 === 115 && z2 === 101 && len >= 4 && lowerAt(text, e - 3) === 0xe9;
  }
  return len >= 4 && f1(text, e - 1) === 100 && f1(text, e - 2) === 101;
}

function isAdverbBySuffix(text: string, s: number, e: number, fr: boolean): boolean {
  if (fr) return e - s >= 6 && f1(text, e - 1) === 116 && f1(text, e - 2) === 110 && f1(text, e - 3) === 101 && f1(text, e - 4) === 109;
  return e - s >= 4 && f1(text, e - 1) === 121 && f1(text, e - 2) === 108;
}

function isUrlStart(text: string, i: number, n: number): boolean {
  if (i + 4 >= n) return false;
  return text.startsWith('https://', i) || text.startsWith('http://', i) || text.startsWith('www.', i);
}

function urlEnd(text: string, i: number, n: number): number {
  let j = i;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (isSpace(c) || c === 41 || c === 93 || c === 62 || c === 34 || c === 0xbb || c === 0x201d) break;
    j++;
  }
  // trailing sentence punctuation is not part of the url
  while (j > i) {
    const c = text.charCodeAt(j - 1);
    if (c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63) j--;
    else break;
  }
  return j;
}

function firstToken(text: string, s: number, e: number): string {
  let a = s;
  while (a < e && isSpace(text.charCodeAt(a))) a++;
  let b = a;
  while (b < e && !isSpace(text.charCodeAt(b))) b++;
  let t = text.slice(a, b);
  if (t.charCodeAt(0) === 60 && t.charCodeAt(t.length - 1) === 62) t = t.slice(1, -1);
  return t;
}

function hasWordChar(text: string, s: number, e: number): boolean {
  for (let j = s; j < e; j++) if (classOf(text.charCodeAt(j)) !== 0) return true;
  return false;
}

function nextVisibleIsUpper(text: string, j: number, n: number): boolean {
  let k = j;
  while (k < n) {
    const c = text.charCodeAt(k);
    if (isSpace(c) || c === 34 || isOpeningQuote(c) || c === 42 || c === 95 || c === 40 || c === 91) {
      k++;
      continue;
    }
    return (classOf(c) & CC_UPPER) !== 0 || (classOf(c) & CC_DIGIT) !== 0;
  }
  return true;
}

function endsWithQuestionMark(text: string): boolean {
  for (let j = text.length - 1; j >= 0; j--) {
    const c = text.charCodeAt(j);
    if (isSpace(c) || c === 35 || c === 42 || c === 95) continue;
    return c === 63;
  }
  return false;
}

/** Hash used as cache key: FNV-1a over the block text seeded by the context. */
export function blockKey(text: string, seed: number): number {
  return hashString(text, seed);
}

/** Markdown of a block as plain text (cold paths: JSON-LD, messages). */
export function plainText(block: RawBlock): string {
  const t = block.text;
  const n = t.length;
  let out = '';
  let nextBracket = -2;
  let nextParen = -2;
  let i = block.contentStart;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 91 || (c === 33 && t.charCodeAt(i + 1) === 91)) {
      // [text](url) keeps its text, ![alt](src) disappears; cached positions keep this linear
      const open = c === 91 ? i : i + 1;
      if (nextBracket !== -1 && nextBracket <= open) nextBracket = t.indexOf(']', open + 1);
      const cb = nextBracket;
      if (cb > 0 && t.charCodeAt(cb + 1) === 40) {
        if (nextParen !== -1 && nextParen <= cb + 1) nextParen = t.indexOf(')', cb + 2);
        if (nextParen > 0) {
          if (c === 91) out += t.slice(i + 1, cb);
          i = nextParen + 1;
          continue;
        }
      }
    }
    if (c === 42 || c === 96 || (c === 95 && (!isWordCharAt(t, i - 1) || !isWordCharAt(t, i + 1)))) {
      i++;
      continue;
    }
    if (c === 62 && (i === 0 || t.charCodeAt(i - 1) === 10)) {
      i++;
      continue;
    }
    if (c === 10 || c === 13 || c === 9) {
      if (!out.endsWith(' ')) out += ' ';
      i++;
      continue;
    }
    out += t[i];
    i++;
  }
  // closing hashes of an ATX heading ("## Title ##"), not "C#"; no regex on user text (/\s+$/ backtracks)
  let end = out.length;
  while (end > 0 && isSpace(out.charCodeAt(end - 1))) end--;
  let h = end;
  while (h > 0 && out.charCodeAt(h - 1) === 35) h--;
  if (h < end && (h === 0 || isSpace(out.charCodeAt(h - 1)))) end = h;
  return out.slice(0, end).replace(/ {2,}/g, ' ').trim();
}

function isWordCharAt(t: string, k: number): boolean {
  return k >= 0 && k < t.length && classOf(t.charCodeAt(k)) !== 0;
}


/** Syllables of one word as the scorer counts them (lexicon exceptions, then the language's rules). */
export function countSyllables(word: string, lang: Lang): number {
  const lex = lang === 'fr' ? FR : EN;
  const flags = lookup(lex, hashString(foldRange(word, 0, word.length)), word, 0, word.length);
  const override = (flags >>> SYL_SHIFT) & 31;
  if (override !== 0) return override;
  return lang === 'fr' ? syllablesFr(word, 0, word.length, flags) : syllablesEn(word, 0, word.length);
}
