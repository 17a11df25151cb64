// Text guards shared by the generators: the brand's "words to avoid" filter,
// the GSM-7 alphabet of SMS, and X's weighted length. Matching of avoided
// words is case- and accent-insensitive and respects word boundaries.

/** Lower-cases and strips diacritics one UTF-16 unit at a time, so indices of the folded text match the original. */
export function fold(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text[i] as string;
    const code = unit.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) {
      out += unit;
      continue;
    }
    const stripped = unit.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
    if (stripped.length === 1) out += stripped;
    else {
      const lower = unit.toLowerCase();
      out += lower.length === 1 ? lower : unit;
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  // Escapes only what is special outside a class: the 'u' flag rejects needless escapes such as \-.
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface AvoidMatcher {
  terms: string[];
  /** true when the text holds one of the terms as a word (or phrase) */
  test(text: string): boolean;
  /** true when a term occurs anywhere, even inside a word (used for hashtags, which glue words) */
  testLoose(text: string): boolean;
  /** removes every occurrence, repeatedly, and tidies the spacing left behind */
  strip(text: string): string;
}

export function avoidMatcher(rawTerms: readonly string[]): AvoidMatcher {
  const terms = [...new Set(rawTerms.map((t) => fold(t.trim()).replace(/\s+/g, ' ')).filter((t) => t.length > 0))]
    .sort((a, b) => b.length - a.length);
  if (terms.length === 0) {
    return { terms, test: () => false, testLoose: () => false, strip: (t) => t };
  }
  const alternatives = terms.map((t) => escapeRegExp(t).replace(/ /g, '\\s+')).join('|');
  const source = `(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`;
  const looseTerms = terms.map((t) => t.replace(/[^\p{L}\p{N}]+/gu, '')).filter((t) => t.length > 0);
  const test = (text: string): boolean => new RegExp(source, 'u').test(fold(text));
  return {
    terms,
    test,
    testLoose(text: string): boolean {
      const glued = fold(text).replace(/[^\p{L}\p{N}]+/gu, '');
      return looseTerms.some((t) => glued.includes(t));
    },
    strip(text: string): string {
      let current = text;
      // Each pass removes at least one character, so this ends.
      while (test(current)) {
        const re = new RegExp(source, 'gu');
        const folded = fold(current);
        let out = '';
        let last = 0;
        for (let m = re.exec(folded); m; m = re.exec(folded)) {
          out += current.slice(last, m.index);
          last = m.index + m[0].length;
        }
        current = tidy(out + current.slice(last));
      }
      return current;
    },
  };
}

/** Collapses the gaps a removal leaves (double spaces, space before a comma or full stop, empty brackets). */
export function tidy(text: string): string {
  return text
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +([,.])/g, '$1')
    .replace(/\(\s*\)|«\s*»|""/g, '')
    .replace(/,\s*,/g, ',')
    .replace(/([,;:])\s*([.!?])/g, '$2')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .replace(/[ \t]{2,}/g, ' ');
}

// GSM 03.38 default alphabet (one septet each) and its extension table (two septets: escape + char).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€');

const GSM_TRANSLITERATION: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'", '`': "'", '\u00b4': "'",
  '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2033': '"', '\u00ab': '"', '\u00bb': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u2026': '...', '\u2022': '-', '\u00b7': '-',
  '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ', '\u2007': ' ', '\t': ' ',
  'ç': 'c', 'œ': 'oe', 'Œ': 'OE', 'â': 'a', 'ê': 'e', 'î': 'i', 'ô': 'o', 'û': 'u',
  'ë': 'e', 'ï': 'i', 'ÿ': 'y', 'á': 'a', 'í': 'i', 'ó': 'o', 'ú': 'u',
  'À': 'A', 'Â': 'A', 'È': 'E', 'Ê': 'E', 'Ë': 'E', 'Î': 'I', 'Ï': 'I', 'Ô': 'O', 'Û': 'U', 'Ù': 'U',
  '\u00ae': '(R)', '\u00a9': '(c)', '\u2122': 'TM', '\u00b0': 'o',
};

/** Rewrites text into the GSM-7 alphabet: typographic quotes and dashes become ASCII, accents outside the alphabet are dropped, emoji and other symbols removed. */
export function toGsm7(text: string): string {
  let out = '';
  for (const ch of text) {
    if (GSM_BASIC.has(ch) || GSM_EXTENSION.has(ch)) out += ch;
    else if (GSM_TRANSLITERATION[ch] !== undefined) out += GSM_TRANSLITERATION[ch];
    else if (/\s/u.test(ch)) out += ' ';
    else {
      const base = ch.normalize('NFD').replace(/\p{M}+/gu, '');
      if ([...base].every((c) => GSM_BASIC.has(c))) out += base;
    }
  }
  return out.replace(/ {2,}/g, ' ').replace(/ +([,.!?])/g, '$1').trim();
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return false;
  return true;
}

/** Septets the text takes in one GSM-7 message (extension characters count twice); Infinity if not GSM-7. */
export function gsm7Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) n += 1;
    else if (GSM_EXTENSION.has(ch)) n += 2;
    else return Number.POSITIVE_INFINITY;
  }
  return n;
}

/** X's weighted length: Latin and common punctuation count 1, everything else (CJK, emoji) 2. */
export function xLength(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const light = cp <= 4351 || (cp >= 8192 && cp <= 8205) || (cp >= 8208 && cp <= 8223) || (cp >= 8242 && cp <= 8247);
    n += light ? 1 : 2;
  }
  return n;
}

export function wordCount(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
