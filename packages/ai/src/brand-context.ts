// Reads a merged brand DNA document into the few facts the offline writer
// uses. The DNA is client-edited JSON, so every field is optional and may come
// as a string, a list of strings or a list of objects; anything unexpected is
// skipped rather than trusted.

export type Language = 'en' | 'fr';
export type Address = 'vous' | 'tu';

export interface BrandOffer {
  name: string;
  price?: string;
  description?: string;
}

export interface BrandAudience {
  name: string;
  pains: string[];
  goals: string[];
}

export interface BrandProof {
  claim: string;
  source?: string;
}

export interface BrandContext {
  name: string;
  tagline?: string;
  mission?: string;
  sector?: string;
  city?: string;
  website?: string;
  values: string[];
  offers: BrandOffer[];
  audiences: BrandAudience[];
  address: Address;
  toneWords: string[];
  vocabularyUse: string[];
  vocabularyAvoid: string[];
  proofPoints: BrandProof[];
  competitors: string[];
  keywords: string[];
  channels: string[];
  locale?: string;
}

type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A readable single-line string, or undefined. Long values are cut at a word boundary. */
export function text(value: Json, maxWords = 40): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const clean = value.replace(/\s+/g, ' ').trim();
  if (!clean) return undefined;
  const words = clean.split(' ');
  return words.length > maxWords ? words.slice(0, maxWords).join(' ').replace(/[,;:]$/, '') : clean;
}

/** First present key of an object, following dotted paths. */
function get(source: Json, ...paths: string[]): Json {
  for (const path of paths) {
    let node: Json = source;
    for (const key of path.split('.')) {
      node = isRecord(node) ? node[key] : undefined;
    }
    if (node !== undefined && node !== null && node !== '') return node;
  }
  return undefined;
}

function firstText(source: Json, ...paths: string[]): string | undefined {
  for (const path of paths) {
    const value = text(get(source, path));
    if (value) return value;
  }
  return undefined;
}

const LABEL_KEYS = ['name', 'label', 'title', 'value', 'text', 'term', 'word', 'keyword', 'claim', 'statement', 'description'];

/** A list of short strings from a string (comma / newline separated), a list of strings, or a list of labelled objects. */
export function textList(value: Json, maxWords = 25): string[] {
  let items: Json[];
  if (typeof value === 'string') items = value.split(/[\n,;]+/);
  else if (Array.isArray(value)) items = value;
  else if (isRecord(value)) items = Object.values(value).flatMap((v) => (Array.isArray(v) ? v : [v]));
  else return [];
  const out: string[] = [];
  for (const item of items) {
    const label = isRecord(item) ? LABEL_KEYS.map((k) => text(item[k], maxWords)).find(Boolean) : text(item, maxWords);
    if (label && !out.some((o) => o.toLowerCase() === label.toLowerCase())) out.push(label);
  }
  return out;
}

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£' };

/** Formats a price in major units for the language ("49 €", "€49", "1 290 MAD"). */
export function formatPrice(amount: number, currency: string | undefined, language: Language): string {
  const whole = Number.isInteger(amount);
  const digits = whole ? String(amount) : amount.toFixed(2);
  const [int = '0', dec] = digits.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, language === 'fr' ? '\u202f' : ',');
  const number = dec ? `${grouped}${language === 'fr' ? ',' : '.'}${dec}` : grouped;
  const code = (currency ?? 'EUR').toUpperCase();
  const symbol = SYMBOLS[code];
  if (language === 'fr') return `${number}\u00a0${symbol ?? code}`;
  return symbol ? `${symbol}${number}` : `${number} ${code}`;
}

function priceOf(item: Record<string, Json>, fallbackCurrency: string | undefined, language: Language): string | undefined {
  const currency = text(get(item, 'currency', 'price.currency')) ?? fallbackCurrency;
  const minor = get(item, 'priceMinor', 'price_minor', 'amountMinor', 'amount_minor', 'price.amountMinor', 'price.amount_minor');
  if (typeof minor === 'number' && Number.isFinite(minor)) return formatPrice(minor / 100, currency, language);
  const major = get(item, 'price.amount', 'price', 'amount', 'from', 'priceFrom');
  if (typeof major === 'number' && Number.isFinite(major)) return formatPrice(major, currency, language);
  if (typeof major === 'string') {
    const numeric = Number(major.replace(',', '.'));
    if (major.trim() && Number.isFinite(numeric)) return formatPrice(numeric, currency, language);
    return text(major, 8);
  }
  return undefined;
}

function offersOf(dna: Json, language: Language): BrandOffer[] {
  const currency = firstText(dna, 'currency', 'identity.currency', 'offer.currency');
  const raw = get(dna, 'offer', 'offers', 'products', 'services');
  const lists: Json[] = [];
  if (Array.isArray(raw)) lists.push(...raw);
  else if (isRecord(raw)) {
    for (const key of ['products', 'services', 'items', 'offers', 'packages']) {
      const part = raw[key];
      if (Array.isArray(part)) lists.push(...part);
    }
    if (lists.length === 0 && text(raw['name'])) lists.push(raw);
  } else if (typeof raw === 'string') lists.push(...textList(raw));
  for (const key of ['products', 'services']) {
    const part = get(dna, key);
    if (Array.isArray(part) && part !== raw) lists.push(...part);
  }
  const offers: BrandOffer[] = [];
  for (const item of lists) {
    if (typeof item === 'string') {
      const name = text(item, 12);
      if (name) offers.push({ name });
      continue;
    }
    if (!isRecord(item)) continue;
    const name = firstText(item, 'name', 'title', 'label');
    if (!name) continue;
    const offer: BrandOffer = { name };
    const price = priceOf(item, currency, language);
    if (price) offer.price = price;
    const unit = text(get(item, 'unit', 'per', 'price.unit'), 4);
    if (offer.price && unit) offer.price = `${offer.price} / ${unit}`;
    const description = text(get(item, 'description', 'summary', 'benefit', 'promise'), 30);
    if (description) offer.description = description;
    if (!offers.some((o) => o.name.toLowerCase() === name.toLowerCase())) offers.push(offer);
  }
  return offers;
}

function audiencesOf(dna: Json): BrandAudience[] {
  const raw = get(dna, 'audiences', 'personas', 'audience', 'targets', 'customers');
  const items: Json[] = Array.isArray(raw) ? raw : isRecord(raw) ? (Array.isArray(raw['personas']) ? raw['personas'] : [raw]) : typeof raw === 'string' ? textList(raw) : [];
  const extraPersonas = get(dna, 'personas');
  if (Array.isArray(extraPersonas) && extraPersonas !== raw) items.push(...extraPersonas);
  const out: BrandAudience[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      const name = text(item, 12);
      if (name) out.push({ name, pains: [], goals: [] });
      continue;
    }
    if (!isRecord(item)) continue;
    const name = firstText(item, 'name', 'persona', 'label', 'segment', 'title', 'description');
    if (!name) continue;
    out.push({
      name,
      pains: textList(get(item, 'pains', 'painPoints', 'pain_points', 'problems', 'frustrations', 'challenges', 'objections')),
      goals: textList(get(item, 'goals', 'needs', 'desires', 'jobs', 'motivations', 'expectations')),
    });
  }
  return out;
}

function addressOf(dna: Json): Address {
  const candidates = [
    get(dna, 'tone.address', 'tone.formality', 'tone.pronoun', 'tone.fr.address', 'tone.french', 'tone.tuVous', 'tone.tu_vous', 'tone.register', 'address', 'formality'),
    get(dna, 'tone.tutoiement', 'tutoiement'),
  ];
  for (const value of candidates) {
    if (value === true) return 'tu';
    if (value === false) return 'vous';
    if (typeof value !== 'string') continue;
    const v = value.toLowerCase();
    if (/\btu\b|tutoi|informal|casual|familier/.test(v)) return 'tu';
    if (/\bvous\b|vouvoi|formal|soutenu/.test(v)) return 'vous';
  }
  return 'vous';
}

function proofsOf(dna: Json): BrandProof[] {
  const raw = get(dna, 'proofPoints', 'proof_points', 'proofs', 'proof', 'socialProof', 'testimonials');
  const items: Json[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: BrandProof[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      const claim = text(item, 35);
      if (claim) out.push({ claim });
      continue;
    }
    if (!isRecord(item)) continue;
    const claim = firstText(item, 'claim', 'statement', 'text', 'quote', 'value', 'description', 'name');
    if (!claim) continue;
    const proof: BrandProof = { claim: text(claim, 35) ?? claim };
    const source = firstText(item, 'source', 'sourceName', 'author', 'by', 'reference', 'url');
    if (source) proof.source = source;
    out.push(proof);
  }
  return out;
}

export function brandContext(dna: object | null | undefined): BrandContext {
  const doc: Json = dna ?? {};
  const language: Language = languageOf(firstText(doc, 'locale', 'identity.locale', 'language'));
  const identity = get(doc, 'identity');
  const name =
    firstText(doc, 'identity.name', 'identity.brandName', 'identity.brand_name', 'name', 'brandName', 'brand_name', 'brand.name', 'company.name', 'businessName')
    ?? (typeof identity === 'string' ? text(identity, 8) : undefined)
    ?? (language === 'fr' ? 'notre équipe' : 'our team');
  const context: BrandContext = {
    name,
    values: textList(get(doc, 'values', 'identity.values', 'brandValues')),
    offers: offersOf(doc, language),
    audiences: audiencesOf(doc),
    address: addressOf(doc),
    toneWords: textList(get(doc, 'tone.adjectives', 'tone.traits', 'tone.words', 'tone.voice', 'tone.style', 'tone.personality', 'tone.description')).slice(0, 6),
    vocabularyUse: textList(get(doc, 'vocabulary.use', 'vocabulary.preferred', 'vocabulary.toUse', 'vocabulary.do', 'vocabulary.include', 'vocabularyUse', 'wordsToUse', 'words_to_use'), 6),
    vocabularyAvoid: textList(get(doc, 'vocabulary.avoid', 'vocabulary.banned', 'vocabulary.toAvoid', 'vocabulary.dont', 'vocabulary.exclude', 'vocabularyAvoid', 'wordsToAvoid', 'words_to_avoid', 'avoid'), 10),
    proofPoints: proofsOf(doc),
    competitors: textList(get(doc, 'competitors', 'competition'), 6),
    keywords: textList(get(doc, 'keywords', 'seo.keywords', 'seoKeywords'), 8),
    channels: textList(get(doc, 'channels', 'preferredChannels'), 4),
  };
  const optional: Array<[keyof BrandContext, string | undefined]> = [
    ['tagline', firstText(doc, 'identity.tagline', 'tagline', 'identity.slogan', 'slogan', 'identity.baseline', 'baseline')],
    ['mission', text(get(doc, 'mission', 'identity.mission', 'purpose', 'mission.statement'), 35)],
    ['sector', firstText(doc, 'identity.sector', 'identity.industry', 'identity.activity', 'sector', 'industry', 'activity')],
    ['city', firstText(doc, 'identity.city', 'identity.location.city', 'location.city', 'city', 'identity.address.city', 'address.city') ?? cityOf(firstText(doc, 'identity.location', 'location', 'identity.address', 'address'))],
    ['website', firstText(doc, 'identity.website', 'identity.url', 'website', 'url', 'site')],
    ['locale', firstText(doc, 'locale', 'identity.locale', 'language')],
  ];
  for (const [key, value] of optional) if (value) (context as unknown as Record<string, string>)[key] = value;
  return context;
}

/** The town of a postal address: its last comma-separated part without the postcode ("48 rue X, 75011 Paris" → "Paris"). */
function cityOf(location: string | undefined): string | undefined {
  if (!location) return undefined;
  const last = location.split(',').map((part) => part.trim()).filter(Boolean).pop() ?? '';
  const city = last.replace(/^(?:[A-Z]{1,2}\d[\dA-Z]?\s*\d[A-Z]{2}|\d{4,5})\s+/, '').trim();
  return city && city.split(/\s+/).length <= 4 ? city : undefined;
}

export function languageOf(locale: string | undefined): Language {
  return locale && /^fr\b/i.test(locale) ? 'fr' : 'en';
}
