// Reads a brand DNA document (client-edited JSON: every field optional, in
// several shapes) into sections people can read. Unknown keys are kept and
// shown as plain details, never as raw JSON.

type Json = unknown;

export interface LabelledItem {
  label: string;
  detail?: string;
}

export interface OfferView {
  name: string;
  price?: { amount: number; currency: string } | { text: string };
  /** What the price is per ("kg", "month"). */
  unit?: string;
  description?: string;
}

export interface AudienceView {
  name: string;
  description?: string;
  pains: string[];
  goals: string[];
  objections: string[];
}

export interface ToneView {
  address?: 'tu' | 'vous';
  traits: string[];
  description?: string;
  dos: string[];
  donts: string[];
}

export interface DetailNode {
  key: string;
  value: string | string[] | DetailNode[];
}

export interface BrandDnaView {
  name?: string;
  tagline?: string;
  identity: DetailNode[];
  mission?: string;
  vision?: string;
  values: LabelledItem[];
  offers: OfferView[];
  audiences: AudienceView[];
  tone: ToneView;
  vocabularyUse: string[];
  vocabularyAvoid: string[];
  proofPoints: LabelledItem[];
  keywords: string[];
  channels: LabelledItem[];
  competitors: LabelledItem[];
  other: DetailNode[];
}

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: Json): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return undefined;
  if (typeof value !== 'string') return undefined;
  const clean = value.replace(/\s+/g, ' ').trim();
  return clean || undefined;
}

/** The first present value among dotted paths. */
function get(source: Json, ...paths: string[]): Json {
  for (const path of paths) {
    let node: Json = source;
    for (const key of path.split('.')) node = isRecord(node) ? node[key] : undefined;
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

const LABEL_KEYS = ['name', 'label', 'title', 'value', 'term', 'word', 'keyword', 'claim', 'statement', 'text', 'channel'];
const DETAIL_KEYS = ['description', 'detail', 'details', 'notes', 'why', 'meaning', 'source', 'frequency', 'note', 'summary'];

function labelled(item: Json): LabelledItem | undefined {
  const plain = text(item);
  if (plain) return { label: plain };
  if (!isRecord(item)) return undefined;
  const labelKey = LABEL_KEYS.find((key) => text(item[key]));
  if (!labelKey) return undefined;
  const label = text(item[labelKey]) as string;
  const detail = DETAIL_KEYS.filter((key) => key !== labelKey).map((key) => text(item[key])).find(Boolean);
  return detail ? { label, detail } : { label };
}

function asItems(value: Json): Json[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(/[\n,;]+/);
  if (isRecord(value)) {
    // { list: [...] } or a map of name → description.
    const arrays = Object.values(value).filter(Array.isArray);
    if (arrays.length > 0) return arrays.flat();
    return Object.entries(value).map(([key, detail]) => (text(detail) ? { name: key, description: detail } : key));
  }
  return [];
}

function labelledList(value: Json): LabelledItem[] {
  const out: LabelledItem[] = [];
  for (const item of asItems(value)) {
    const entry = labelled(item);
    if (entry && !out.some((o) => o.label.toLowerCase() === entry.label.toLowerCase())) out.push(entry);
  }
  return out;
}

function textList(value: Json): string[] {
  return labelledList(value).map((item) => item.label);
}

function priceOf(item: Record<string, Json>, fallbackCurrency: string | undefined): OfferView['price'] {
  const currency = (text(get(item, 'currency', 'price.currency')) ?? fallbackCurrency ?? 'EUR').toUpperCase();
  const minor = get(item, 'priceMinor', 'price_minor', 'amountMinor', 'amount_minor', 'price.amountMinor', 'price.amount_minor');
  if (typeof minor === 'number' && Number.isFinite(minor)) return { amount: minor / 100, currency };
  const major = get(item, 'price.amount', 'price', 'amount', 'priceFrom', 'from');
  if (typeof major === 'number' && Number.isFinite(major)) return { amount: major, currency };
  if (typeof major === 'string' && major.trim()) {
    const numeric = Number(major.replace(',', '.'));
    return Number.isFinite(numeric) ? { amount: numeric, currency } : { text: major.trim() };
  }
  return undefined;
}

// Same keys, order and splitting as the writer's offersOf (packages/ai/src/brand-context.ts).
function offersOf(doc: Json): OfferView[] {
  const currency = firstText(doc, 'currency', 'identity.currency', 'offer.currency');
  const raw = get(doc, 'offer', 'offers', 'products', 'services');
  const items: Json[] = [];
  if (Array.isArray(raw)) items.push(...raw);
  else if (isRecord(raw)) {
    for (const key of ['products', 'services', 'items', 'offers', 'packages']) {
      const part = raw[key];
      if (Array.isArray(part)) items.push(...part);
    }
    if (items.length === 0 && text(raw['name'])) items.push(raw);
  } else if (typeof raw === 'string') items.push(...raw.split(/[\n,;]+/));
  for (const key of ['products', 'services']) {
    const part = get(doc, key);
    if (Array.isArray(part) && part !== raw) items.push(...part);
  }
  const offers: OfferView[] = [];
  for (const item of items) {
    const plain = text(item);
    if (plain) {
      offers.push({ name: plain });
      continue;
    }
    if (!isRecord(item)) continue;
    const name = firstText(item, 'name', 'title', 'label');
    if (!name) continue;
    const offer: OfferView = { name };
    const price = priceOf(item, currency);
    if (price) offer.price = price;
    const unit = firstText(item, 'unit', 'per', 'price.unit');
    if (unit) offer.unit = unit;
    const description = firstText(item, 'description', 'summary', 'benefit', 'promise');
    if (description) offer.description = description;
    // An offer listed twice (under offer and products) shows once, as the writer counts it.
    if (!offers.some((o) => o.name.toLowerCase() === name.toLowerCase())) offers.push(offer);
  }
  return offers;
}

function audiencesOf(doc: Json): AudienceView[] {
  const raw = get(doc, 'audiences', 'personas', 'audience', 'targets', 'customers');
  const items = Array.isArray(raw) ? raw : isRecord(raw) ? (Array.isArray(raw['personas']) ? raw['personas'] : [raw]) : typeof raw === 'string' ? raw.split(/[\n;]+/) : [];
  const out: AudienceView[] = [];
  for (const item of items) {
    const plain = text(item);
    if (plain) {
      out.push({ name: plain, pains: [], goals: [], objections: [] });
      continue;
    }
    if (!isRecord(item)) continue;
    const name = firstText(item, 'name', 'persona', 'label', 'segment', 'title');
    const description = firstText(item, 'description', 'summary', 'who');
    if (!name && !description) continue;
    const audience: AudienceView = {
      name: name ?? (description as string),
      pains: textList(get(item, 'pains', 'painPoints', 'pain_points', 'problems', 'frustrations', 'challenges')),
      goals: textList(get(item, 'goals', 'needs', 'desires', 'jobs', 'motivations', 'expectations')),
      objections: textList(get(item, 'objections', 'barriers', 'fears')),
    };
    if (name && description) audience.description = description;
    out.push(audience);
  }
  return out;
}

function toneOf(doc: Json): ToneView {
  const tone = get(doc, 'tone', 'toneOfVoice', 'tone_of_voice', 'voice');
  const view: ToneView = { traits: [], dos: [], donts: [] };
  if (typeof tone === 'string') {
    view.description = text(tone);
  } else if (isRecord(tone) || Array.isArray(tone)) {
    view.traits = textList(Array.isArray(tone) ? tone : get(tone, 'adjectives', 'traits', 'words', 'personality', 'style', 'voice'));
    const description = isRecord(tone) ? firstText(tone, 'description', 'summary', 'guidelines') : undefined;
    if (description) view.description = description;
    if (isRecord(tone)) {
      view.dos = textList(get(tone, 'do', 'dos', 'doList'));
      view.donts = textList(get(tone, 'dont', 'donts', "don't", 'dontList'));
    }
  }
  // The writer's keys (packages/ai/src/brand-context.ts), in its order: the page shows the address the AI writes with.
  const candidates = [get(doc, 'tone.address', 'tone.formality', 'tone.pronoun', 'tone.fr.address', 'tone.french', 'tone.tuVous', 'tone.tu_vous', 'tone.register', 'address', 'formality'), get(doc, 'tone.tutoiement', 'tutoiement')];
  for (const value of candidates) {
    if (value === true) view.address = 'tu';
    else if (value === false) view.address = 'vous';
    else if (typeof value === 'string') {
      const v = value.toLowerCase();
      if (/\btu\b|tutoi|informal|casual|familier/.test(v)) view.address = 'tu';
      else if (/\bvous\b|vouvoi|formal|soutenu/.test(v)) view.address = 'vous';
    }
    if (view.address) break;
  }
  return view;
}

function proofsOf(doc: Json): LabelledItem[] {
  const raw = get(doc, 'proofPoints', 'proof_points', 'proofs', 'proof', 'socialProof', 'testimonials');
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: LabelledItem[] = [];
  for (const item of items) {
    const plain = text(item);
    if (plain) {
      out.push({ label: plain });
      continue;
    }
    if (!isRecord(item)) continue;
    const claim = firstText(item, 'claim', 'statement', 'text', 'quote', 'value', 'description', 'name');
    if (!claim) continue;
    const source = firstText(item, 'source', 'sourceName', 'author', 'by', 'reference', 'url');
    out.push(source ? { label: claim, detail: source } : { label: claim });
  }
  return out;
}

/** Any JSON value as readable nested details. */
export function toDetails(value: Json, key = ''): DetailNode | undefined {
  const plain = text(value);
  if (plain) return { key, value: plain };
  if (typeof value === 'boolean') return { key, value: value ? '✓' : '✗' };
  if (Array.isArray(value)) {
    const strings = value.map(text).filter((v): v is string => Boolean(v));
    if (strings.length === value.length) return strings.length ? { key, value: strings } : undefined;
    const nodes = value.map((item, index) => toDetails(item, labelled(item)?.label ?? String(index + 1))).filter((n): n is DetailNode => Boolean(n));
    return nodes.length ? { key, value: nodes } : undefined;
  }
  if (isRecord(value)) {
    const nodes = Object.entries(value)
      .map(([k, v]) => toDetails(v, k))
      .filter((n): n is DetailNode => Boolean(n));
    return nodes.length ? { key, value: nodes } : undefined;
  }
  return undefined;
}

const CONSUMED_TOP_LEVEL = new Set([
  'name', 'brandName', 'brand_name', 'brand', 'company', 'businessName', 'tagline', 'slogan', 'baseline',
  'identity', 'mission', 'vision', 'purpose', 'values', 'brandValues',
  'offers', 'offer', 'products', 'services', 'currency',
  'audiences', 'personas', 'audience', 'targets', 'customers',
  'tone', 'toneOfVoice', 'tone_of_voice', 'voice', 'address', 'formality', 'tutoiement',
  'vocabulary', 'vocabularyUse', 'vocabularyAvoid', 'wordsToUse', 'words_to_use', 'wordsToAvoid', 'words_to_avoid', 'avoid',
  'proofPoints', 'proof_points', 'proofs', 'proof', 'socialProof', 'testimonials',
  'keywords', 'seo', 'seoKeywords', 'channels', 'preferredChannels', 'competitors', 'competition', 'locale', 'language',
]);

const IDENTITY_SKIP = new Set(['name', 'brandName', 'brand_name', 'tagline', 'slogan', 'baseline', 'mission', 'values', 'currency', 'locale']);

export function readBrandDna(document: Json): BrandDnaView {
  const doc: Json = isRecord(document) ? document : {};
  const identity = get(doc, 'identity');
  const identityDetails: DetailNode[] = [];
  if (isRecord(identity)) {
    for (const [key, value] of Object.entries(identity)) {
      if (IDENTITY_SKIP.has(key)) continue;
      const node = toDetails(value, key);
      if (node) identityDetails.push(node);
    }
  } else if (text(identity) && !firstText(doc, 'identity.name', 'name')) {
    identityDetails.push({ key: 'description', value: text(identity) as string });
  }
  const other: DetailNode[] = [];
  if (isRecord(doc)) {
    for (const [key, value] of Object.entries(doc)) {
      if (CONSUMED_TOP_LEVEL.has(key)) continue;
      const node = toDetails(value, key);
      if (node) other.push(node);
    }
  }
  const view: BrandDnaView = {
    identity: identityDetails,
    values: labelledList(get(doc, 'values', 'identity.values', 'brandValues')),
    offers: offersOf(doc),
    audiences: audiencesOf(doc),
    tone: toneOf(doc),
    vocabularyUse: textList(get(doc, 'vocabulary.use', 'vocabulary.preferred', 'vocabulary.toUse', 'vocabulary.do', 'vocabulary.include', 'vocabularyUse', 'wordsToUse', 'words_to_use')),
    vocabularyAvoid: textList(get(doc, 'vocabulary.avoid', 'vocabulary.banned', 'vocabulary.toAvoid', 'vocabulary.dont', 'vocabulary.exclude', 'vocabularyAvoid', 'wordsToAvoid', 'words_to_avoid', 'avoid')),
    proofPoints: proofsOf(doc),
    keywords: textList(get(doc, 'keywords', 'seo.keywords', 'seoKeywords')),
    channels: labelledList(get(doc, 'channels', 'preferredChannels')),
    competitors: labelledList(get(doc, 'competitors', 'competition')),
    other,
  };
  const name = firstText(doc, 'identity.name', 'identity.brandName', 'identity.brand_name', 'name', 'brandName', 'brand_name', 'brand.name', 'company.name', 'businessName');
  if (name) view.name = name;
  const tagline = firstText(doc, 'identity.tagline', 'tagline', 'identity.slogan', 'slogan', 'identity.baseline', 'baseline');
  if (tagline) view.tagline = tagline;
  const mission = firstText(doc, 'mission', 'identity.mission', 'purpose', 'mission.statement');
  if (mission) view.mission = mission;
  const vision = firstText(doc, 'vision', 'identity.vision', 'vision.statement');
  if (vision) view.vision = vision;
  return view;
}
