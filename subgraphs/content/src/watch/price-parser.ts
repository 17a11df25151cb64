// C11: prices as shops write them, to minor units and an ISO currency.
//
// Handles €, $ and the Moroccan dirham (MAD, DH, Dhs, dirhams, د.م.), before
// or after the amount, with a decimal comma or point and thousands separated
// by spaces (also no-break and narrow no-break), points, commas or
// apostrophes: "12,50 €", "€12.50", "1 299,99 €", "1.299,99 €", "$1,299.99",
// "120 DH", "MAD 1 200,00", "12€50". Without any currency marker the
// caller's default currency applies (null: unknown).
//
// Which separator is the decimal one:
// - both "," and "." present: the last one;
// - one kind, several times ("1.234.567", "1,234,567"): thousands;
// - one kind, once, followed by exactly three digits after 1–3 leading digits
//   ("1,299", "1.299"): thousands — shops do not price in thousandths;
// - otherwise: decimal ("12,5", "12,50", "0,500").

export type Currency = 'EUR' | 'USD' | 'MAD' | 'GBP';

export interface ParsedPrice {
  /** amount in minor units (cents, centimes) */
  minor: number;
  currency: Currency | null;
}

const MARKERS: Array<{ re: RegExp; currency: Currency }> = [
  { re: /€|\beur\b|\beuros?\b/i, currency: 'EUR' },
  // Before "$" alone: "US$" and "USD" are dollars too.
  { re: /\bus\$|\busd\b|\$/i, currency: 'USD' },
  { re: /\bmad\b|\bdhs?\b|\bdirhams?\b|د\.?\s?م\.?|درهم/i, currency: 'MAD' },
  { re: /£|\bgbp\b/i, currency: 'GBP' },
];

// Digits with the separators a price may use between them (spaces are split again below).
const AMOUNT = /\d(?:[\d\s\u00a0\u202f.,'’]*\d)?/g;

interface Token {
  text: string;
  index: number;
  end: number;
}

/**
 * Numbers of a text. A space groups thousands only before exactly three
 * digits ("1 299,99"); otherwise it separates two numbers ("Pack of 6 12,90").
 */
function amountsOf(input: string): Token[] {
  const out: Token[] = [];
  for (const match of input.matchAll(AMOUNT)) {
    let offset = match.index;
    let current: Token | null = null;
    for (const part of match[0].split(/([\s\u00a0\u202f]+)/)) {
      const start = offset;
      offset += part.length;
      if (!part || /^[\s\u00a0\u202f]+$/.test(part)) continue;
      const groupsOnly = current && /^\d{1,3}(?:[\s\u00a0\u202f]\d{3})*$/.test(current.text);
      if (current && groupsOnly && /^\d{3}(?:[.,]\d+)?$/.test(part)) {
        current.text = `${current.text} ${part}`;
        current.end = offset;
      } else {
        if (current) out.push(current);
        current = { text: part, index: start, end: offset };
      }
    }
    if (current) out.push(current);
  }
  return out;
}

function currencyOf(text: string): Currency | null {
  let best: { index: number; currency: Currency } | null = null;
  for (const marker of MARKERS) {
    const match = marker.re.exec(text);
    if (match && (!best || match.index < best.index)) best = { index: match.index, currency: marker.currency };
  }
  return best?.currency ?? null;
}

/** A number as written ("1 299,99") → minor units, or null when it is not a price. */
export function amountToMinor(written: string): number | null {
  // Spaces and apostrophes only ever group thousands.
  let s = written.replace(/[\s\u00a0\u202f'’]/g, '');
  if (!/^\d[\d.,]*$/.test(s) || /[.,]{2}/.test(s) || /[.,]$/.test(s)) return null;
  const lastComma = s.lastIndexOf(',');
  const lastPoint = s.lastIndexOf('.');
  let decimal: ',' | '.' | null = null;
  if (lastComma >= 0 && lastPoint >= 0) {
    decimal = lastComma > lastPoint ? ',' : '.';
  } else if (lastComma >= 0 || lastPoint >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = s.split(sep);
    if (parts.length > 2) decimal = null;
    else {
      const [int, frac] = parts as [string, string];
      const thousands = frac.length === 3 && int.length >= 1 && int.length <= 3 && int !== '0';
      decimal = thousands ? null : sep;
    }
  }
  let intPart = s;
  let fracPart = '';
  if (decimal) {
    const at = s.lastIndexOf(decimal);
    intPart = s.slice(0, at);
    fracPart = s.slice(at + 1);
  }
  const thousandsSep = decimal === ',' ? '.' : decimal === '.' ? ',' : null;
  // Thousands groups must be groups of three: "12.34.5" is not a price.
  const groups = thousandsSep ? intPart.split(thousandsSep) : intPart.split(/[.,]/);
  if (groups.length > 1 && (groups.slice(1).some((g) => g.length !== 3) || groups[0]!.length > 3 || groups[0]!.length === 0)) return null;
  if (decimal && intPart.includes(decimal)) return null;
  s = groups.join('');
  if (!/^\d+$/.test(s) || (fracPart && !/^\d+$/.test(fracPart))) return null;
  // Minor units: two decimals; a longer fraction is rounded (half up).
  const cents = fracPart.length <= 2 ? Number(fracPart.padEnd(2, '0')) : Math.round(Number(`0.${fracPart}`) * 100);
  const value = Number(s) * 100 + cents;
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The first price in a text ("Baguette — 1,20 €", "From $1,299.99"), or null.
 * When a currency marker sits right before or after an amount, that amount
 * wins over earlier bare numbers ("Pack of 6: 12,90 €" is 12.90 €, not 6).
 */
export function parsePrice(text: string | null | undefined, defaultCurrency: Currency | null = null): ParsedPrice | null {
  if (!text) return null;
  const input = text.normalize('NFKC').replace(/\s+/g, ' ').trim().slice(0, 500);
  if (!input) return null;
  const currency = currencyOf(input) ?? defaultCurrency;
  // French style "12€50": the euro sign stands where the decimal comma would.
  const split = /(\d{1,3}(?:[ .]\d{3})*|\d+)\s?€\s?(\d{2})(?!\d)/.exec(input);
  if (split) {
    const minor = amountToMinor(`${split[1]},${split[2]}`);
    if (minor !== null) return { minor, currency: 'EUR' };
  }
  const amounts = amountsOf(input);
  if (amounts.length === 0) return null;
  const near = (a: { index: number; end: number }) => {
    const before = input.slice(Math.max(0, a.index - 6), a.index);
    const after = input.slice(a.end, a.end + 9);
    return MARKERS.some((m) => new RegExp(`(${m.re.source})\\s*$`, 'i').test(before) || new RegExp(`^\\s*(${m.re.source})`, 'i').test(after));
  };
  const chosen = amounts.find(near) ?? amounts[0]!;
  const minor = amountToMinor(chosen.text);
  return minor === null ? null : { minor, currency };
}

const SYMBOL: Record<Currency, string> = { EUR: '€', USD: '$', MAD: 'MAD', GBP: '£' };

/** A price for people: "1 299,99 €" (fr), "$1,299.99" / "€12.50" (en), "120,00 MAD". */
export function formatPrice(minor: number, currency: string | null, locale = 'fr'): string {
  const fr = locale.startsWith('fr');
  const units = Math.floor(Math.abs(minor) / 100);
  const cents = String(Math.abs(minor) % 100).padStart(2, '0');
  const grouped = String(units).replace(/\B(?=(\d{3})+(?!\d))/g, fr ? '\u202f' : ',');
  const amount = `${minor < 0 ? '-' : ''}${grouped}${fr ? ',' : '.'}${cents}`;
  if (!currency) return amount;
  const symbol = SYMBOL[currency as Currency] ?? currency;
  if (currency === 'MAD' || fr) return `${amount} ${symbol}`;
  return `${symbol}${amount}`;
}
