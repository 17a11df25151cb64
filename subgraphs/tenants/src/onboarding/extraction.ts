// T8 / W3: Ensemble's own extraction of a brand DNA draft from what
// ingestion read (web pages, PDF pages, transcripts), merged with the
// questionnaire. Deterministic heuristics, no model call: the same inputs
// always give the same draft, so the workflow step replays safely and works
// offline. Every field of the result is cited (provenance.ts).
//
// Merge rule: the owner's answers win. A scalar answered in the
// questionnaire is kept as answered; lists start with the answers and are
// completed with what the sources add (no duplicates, capped).
import { brandDnaErrors } from '../brand/brand-dna.schema.ts';
import { answersToDna, currencyDigits, isCurrency, parseAmount, toMinor, type OnboardingAnswers } from './questionnaire.ts';
import { QUESTIONNAIRE, WORKSPACE, draftFieldPaths, type DraftProvenance, type FieldOrigin } from './provenance.ts';

export interface SourceSection {
  text: string;
  title?: string | null;
  description?: string | null;
  headings: string[];
  /** PDF page, 1-based */
  page?: number;
  /** the web page this section is */
  url?: string;
  lang?: string | null;
  /** og:site_name / application-name of a web page */
  siteName?: string | null;
  /** absolute links of a web page */
  links?: string[];
}

export interface SourceDocument {
  sourceId: string;
  kind: 'pdf' | 'url' | 'audio';
  /** file name (PDF, audio) or the URL that was given (site) */
  name: string;
  /** a site's start page after redirects */
  startUrl?: string;
  /** a PDF's title (metadata or first heading) */
  title?: string | null;
  sections: SourceSection[];
}

export interface DraftInput {
  /** the brand's language (answers, else the workspace's) */
  locale: string;
  /** the workspace currency: what "$" means when it is a dollar */
  currency: string;
  /** null when the questionnaire was never saved */
  answers: OnboardingAnswers | null;
  documents: SourceDocument[];
}

export interface DraftResult {
  document: Record<string, unknown>;
  provenance: DraftProvenance;
  /** what keeps the draft from being accepted as is (e.g. no name anywhere) */
  issues: Array<{ field: string; message: string }>;
}

// --------------------------------------------------------------------- text

const STOPWORDS = new Set(`
a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further get got had has have having he her here hers herself him himself his how i if in into is it its itself just let me more most my myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves us per via every each one two three new also more like make made well back way use using used
au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur leurs lui ma mais me meme même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous y été être avoir fait faire est sont était sera ont aussi plus moins très tout tous toute toutes ainsi alors comme chez entre depuis sans sous vers donc car ni si leur cela ça celui celle ceux celles dont quel quelle quels quelles chaque autre autres bien peu encore déjà ici là avant après
accueil home welcome bienvenue contact contactez menu page pages site cookies cookie copyright droits réservés rights reserved mentions légales legal privacy avis review reviews google politique confidentialité newsletter facebook instagram linkedin twitter youtube tiktok email mail tel tél phone téléphone www http https com html
`.split(/\s+/).filter(Boolean));

const WORD = /[\p{L}][\p{L}'’-]*[\p{L}]|[\p{L}]/gu;

function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/^[ldjmnstc]['’]/, '').replace(/['’]s$/, ''));
}

function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length >= 3 && !STOPWORDS.has(w));
}

/** Whole words, accents included (\\b only knows ASCII letters). */
function wordsRe(alternatives: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\d])(?:${alternatives})(?![\\p{L}])`, 'iu');
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function clip(text: string, max: number): string {
  const clean = squash(text);
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:–—-]+$/, '')}…`;
}

function capitalise(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** Lines of a section, bullets kept as "- " prefixes. */
function linesOf(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Sentences of a text (lines first, then sentence ends). */
function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of linesOf(text)) {
    for (const s of line.replace(/^[-•*–]\s+/, '').split(/(?<=[.!?…])\s+(?=[\p{Lu}\d"«“(])/u)) {
      const clean = squash(s);
      if (clean) out.push(clean);
    }
  }
  return out;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------- citing

interface Located {
  doc: SourceDocument;
  section: SourceSection;
}

function cite(doc: SourceDocument, section: SourceSection | null, excerpt?: string): FieldOrigin {
  const base = { sourceId: doc.sourceId, ...(excerpt ? { excerpt: clip(excerpt, 200) } : {}) };
  if (doc.kind === 'pdf') {
    const page = section?.page;
    return { source: 'pdf', label: page ? `pdf:${doc.name} page ${page}` : `pdf:${doc.name}`, ...(page ? { page } : {}), ...base };
  }
  if (doc.kind === 'url') {
    const url = section?.url ?? doc.startUrl ?? doc.name;
    return { source: 'url', label: `url:${url}`, url, ...base };
  }
  return { source: 'audio', label: `audio:${doc.name}`, ...base };
}

function allSections(documents: SourceDocument[]): Located[] {
  return documents.flatMap((doc) => doc.sections.map((section) => ({ doc, section })));
}

/** A candidate value found in one place. */
interface Found<T> {
  value: T;
  origin: FieldOrigin;
}

// ----------------------------------------------------------------- identity

const GENERIC_TITLE = /^(accueil|home|homepage|welcome|bienvenue|index|page d'accueil|site officiel|official site|official website)$/i;
const TITLE_SEPARATOR = /\s+[|–—·:•»-]\s+/;

function titleSegments(title: string): string[] {
  return title.split(TITLE_SEPARATOR).map(squash).filter((s) => s.length >= 2 && !GENERIC_TITLE.test(s));
}

/** The brand's name: og:site_name, else the title segment the site's pages share, else the home title's shortest segment; a PDF's title. */
export function findName(documents: SourceDocument[]): Found<string> | null {
  for (const doc of documents.filter((d) => d.kind === 'url')) {
    const withSite = doc.sections.find((s) => s.siteName && s.siteName.length <= 200);
    if (withSite) return { value: squash(withSite.siteName!), origin: cite(doc, withSite, `og:site_name ${withSite.siteName}`) };
    const titled = doc.sections.filter((s) => s.title);
    const counts = new Map<string, { n: number; first: SourceSection }>();
    for (const section of titled) {
      for (const segment of new Set(titleSegments(section.title!))) {
        const entry = counts.get(segment);
        if (entry) entry.n += 1;
        else counts.set(segment, { n: 1, first: section });
      }
    }
    const shared = [...counts.entries()].filter(([, e]) => e.n >= 2).sort((a, b) => b[1].n - a[1].n || a[0].length - b[0].length)[0];
    if (shared && shared[0].length <= 200) return { value: shared[0], origin: cite(doc, shared[1].first, shared[1].first.title ?? undefined) };
    const home = titled[0];
    if (home) {
      const segments = titleSegments(home.title!);
      const pick = segments.length > 1 ? [...segments].sort((a, b) => a.length - b.length)[0] : segments[0];
      if (pick && pick.length <= 80) return { value: pick, origin: cite(doc, home, home.title ?? undefined) };
    }
  }
  for (const doc of documents.filter((d) => d.kind === 'pdf')) {
    const title = doc.title ? titleSegments(doc.title)[0] : undefined;
    if (title && title.length <= 80) {
      const section = doc.sections.find((s) => s.text.includes(title)) ?? doc.sections[0] ?? null;
      return { value: title, origin: cite(doc, section, title) };
    }
  }
  return null;
}

/** A short line under the name: a site's meta description or first heading, a PDF's subtitle. */
export function findTagline(documents: SourceDocument[], name: string | undefined): Found<string> | null {
  const notName = (text: string) => !name || squash(text).toLowerCase() !== name.toLowerCase();
  for (const doc of documents.filter((d) => d.kind === 'url')) {
    const home = doc.sections[0];
    if (!home) continue;
    if (home.description && home.description.length >= 10 && notName(home.description)) {
      return { value: clip(home.description, 300), origin: cite(doc, home, home.description) };
    }
    const heading = home.headings.find((h) => h.length >= 10 && h.length <= 160 && notName(h));
    if (heading) return { value: heading, origin: cite(doc, home, heading) };
  }
  for (const doc of documents.filter((d) => d.kind === 'pdf')) {
    const first = doc.sections[0];
    if (!first) continue;
    const lines = linesOf(first.text);
    const titleAt = doc.title ? lines.findIndex((l) => l.includes(doc.title!)) : -1;
    const candidate = lines.slice(titleAt + 1).find((l) => l.length >= 10 && l.length <= 160 && !PRICE_RE.test(l) && notName(l));
    if (candidate) return { value: candidate, origin: cite(doc, first, candidate) };
  }
  return null;
}

const MISSION_RE = wordsRe("our mission|mission is|we believe|we exist to|our purpose|our goal is|notre mission|nous croyons|notre raison d['’]être|notre ambition|nous voulons|nous nous engageons");

export function findMission(located: Located[]): Found<string> | null {
  for (const { doc, section } of located) {
    const sentence = sentencesOf(section.text).find((s) => MISSION_RE.test(s) && s.length >= 25 && s.length <= 600);
    if (sentence) return { value: clip(sentence, 2000), origin: cite(doc, section, sentence) };
  }
  return null;
}

const ABOUT_RE = /(about|a-propos|à propos|apropos|qui-sommes-nous|qui sommes-nous|notre-histoire|notre histoire|our-story|our story|histoire|story|la maison)/i;

/** The first real paragraph of an "about" page. */
export function findStory(documents: SourceDocument[]): Found<string> | null {
  for (const doc of documents.filter((d) => d.kind === 'url')) {
    const about = doc.sections.find((s) => (s.url && ABOUT_RE.test(new URL(s.url).pathname)) || (s.title && ABOUT_RE.test(s.title)));
    if (!about) continue;
    const paragraph = about.text.split(/\n{2,}/).map(squash).find((p) => p.length >= 80 && !p.startsWith('- '));
    if (paragraph) return { value: clip(paragraph, 1000), origin: cite(doc, about, paragraph) };
  }
  return null;
}

// ------------------------------------------------------------------ values

const VALUES_HEADING = wordsRe('values|valeurs|what we stand for|nos engagements|our commitments|engagements|principles|principes');
const BULLET = /^[-•*–▪◦]\s*/;

export function findValues(located: Located[]): Array<Found<string>> {
  const out: Array<Found<string>> = [];
  for (const { doc, section } of located) {
    const lines = linesOf(section.text);
    const at = lines.findIndex((l) => VALUES_HEADING.test(l) && l.length <= 80 && !BULLET.test(l));
    if (at < 0) continue;
    for (const line of lines.slice(at + 1)) {
      const isBullet = BULLET.test(line);
      const item = squash(line.replace(BULLET, '').replace(/[.;:]$/, ''));
      const short = item.length >= 3 && item.length <= 80 && item.split(' ').length <= 8;
      if (!(isBullet || short) || section.headings.includes(line) || PRICE_RE.test(line)) break;
      // "Craft: everything by hand" → keep the value's name only when it leads a definition.
      const name = item.split(/\s[:–—-]\s|:\s/)[0]!;
      if (name.length < 3 || name.length > 80) break;
      out.push({ value: capitalise(name), origin: cite(doc, section, line) });
      if (out.length >= 8) return out;
    }
    if (out.length) return out;
  }
  return out;
}

// ------------------------------------------------------------------ offers

const AMOUNT = String.raw`\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
const SYMBOL_BEFORE = String.raw`(€|\$|£)\s?(${AMOUNT})`;
const SYMBOL_AFTER = String.raw`(${AMOUNT})\s?(€|eur\b|euros?\b|mad\b|dhs?\b|dirhams?\b|\$|usd\b|£|gbp\b|cad\b|chf\b)`;
const PRICE_RE = new RegExp(`(?:${SYMBOL_BEFORE})|(?:${SYMBOL_AFTER})`, 'i');
const PRICE_GLOBAL = new RegExp(PRICE_RE.source, 'gi');

const UNIT_RE = /^\s*(?:\/\s*|par\s+|per\s+|the\s+|la\s+|le\s+|l['’]\s*)(kg|g|l|litre|liter|pièce|piece|pce|unité|unit|personne|person|pers\.?|nuit|night|mois|month|an|year|séance|session|cours|class|heure|hour|h|jour|day|semaine|week|douzaine|dozen|part|slice|box|boîte|bouteille|bottle)\b/i;
const SERVICE_RE = wordsRe('cours|class(?:es)?|courses?|ateliers?|workshops?|séances?|sessions?|coaching|massages?|soins?|spa|hammam|abonnements?|memberships?|subscriptions?|pass|consultations?|formations?|training|livraison|delivery|nuits?|nights?|chambres?|rooms?|suites?|séjours?|stays?|visites?|tours?|excursions?|réparations?|repairs?|installation|services?|forfaits?|packages?|location|rental|privatisation|événements?|events?|traiteur|catering');
const LEAD_IN = /(?:^|\s)(?:à partir de|a partir de|dès|from|starting at|only|seulement|prix|price|tarif)\s*:?\s*$/i;

function currencyOf(symbol: string, workspaceCurrency: string): string | null {
  const s = symbol.toLowerCase();
  if (s === '€' || s.startsWith('eur')) return 'EUR';
  if (s === '£' || s === 'gbp') return 'GBP';
  if (s === 'mad' || s.startsWith('dh') || s.startsWith('dirham')) return 'MAD';
  if (s === 'usd') return 'USD';
  if (s === 'cad') return 'CAD';
  if (s === 'chf') return 'CHF';
  // "$" is the workspace's own dollar when it has one.
  if (s === '$') return ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD'].includes(workspaceCurrency) ? workspaceCurrency : 'USD';
  return null;
}

export interface PricedOffer {
  name: string;
  price_minor: number;
  currency: string;
  unit?: string;
  kind: 'product' | 'service';
}

function offerName(before: string, previousLine: string | undefined): string | null {
  let name = before.replace(LEAD_IN, '').replace(BULLET, '').replace(/[\s:|·•–—.…,(-]+$/, '').replace(/^[\s:|·•–—-]+/, '');
  name = squash(name);
  if (!name && previousLine && !PRICE_RE.test(previousLine)) name = squash(previousLine.replace(BULLET, '').replace(/[\s:|·•–—.…-]+$/, ''));
  if (!name || !/\p{L}{2}/u.test(name)) return null;
  if (name.length > 80 || name.split(' ').length > 8) return null;
  return capitalise(name);
}

/** "Croissant au beurre — 1,40 €", "Cours collectif : 15 € la séance", "Room 900 MAD per night". */
export function findOffers(located: Located[], workspaceCurrency: string): Array<Found<PricedOffer>> {
  const out: Array<Found<PricedOffer>> = [];
  const seen = new Set<string>();
  for (const { doc, section } of located) {
    const lines = linesOf(section.text);
    lines.forEach((line, i) => {
      for (const match of line.matchAll(PRICE_GLOBAL)) {
        const symbol = match[1] ?? match[4]!;
        const amountText = match[2] ?? match[3]!;
        const currency = currencyOf(symbol, workspaceCurrency);
        const amount = parseAmount(amountText);
        if (!currency || !isCurrency(currency) || amount === null || amount <= 0) continue;
        const minor = toMinor(Math.round(amount * 10 ** currencyDigits(currency)) / 10 ** currencyDigits(currency), currency);
        if (minor === null) continue;
        const start = match.index ?? 0;
        // The name is what precedes this price on the line, after any earlier price.
        const before = line.slice(0, start).split(PRICE_GLOBAL).pop() ?? '';
        const name = offerName(before.replace(/\d+\s?$/, ''), start === 0 || !squash(before) ? lines[i - 1] : undefined);
        if (!name) continue;
        const key = name.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const after = line.slice(start + match[0].length);
        const unitMatch = UNIT_RE.exec(after);
        const unit = unitMatch ? squash(unitMatch[0]).slice(0, 50) : undefined;
        out.push({
          value: { name, price_minor: minor, currency, ...(unit ? { unit } : {}), kind: SERVICE_RE.test(`${name} ${unit ?? ''}`) ? 'service' : 'product' },
          origin: cite(doc, section, line),
        });
        if (out.length >= 60) return;
      }
    });
  }
  return out;
}

// ------------------------------------------------------------ proof points

const PROOF_RES = [
  /\b\d(?:[.,]\d)?\s?(?:\/\s?5|sur\s5|out of 5|★|stars?|étoiles?)/i,
  /★{3,}/,
  /\b\d{1,3}(?:[.,]\d)?\s?%/,
  wordsRe(String.raw`\d[\d\s.,]*\+?\s+(?:happy\s+|satisfied\s+|fidèles\s+)?(?:clients?|customers?|members?|membres?|adhérents?|reviews?|avis|guests?|hôtes?|visitors?|visiteurs?|students?|élèves?|orders?|commandes?|years?|ans|années|baguettes|couverts|nuitées)`),
  wordsRe('awards?|awarded|winner|won|prize|prix|médailles?|medals?|lauréate?s?|labellisée?s?|certified|certifiée?s?|classée?s?|ranked|élue?s?|voted|guide michelin|tripadvisor|travellers\'? choice|gault|meilleur ouvrier'),
  /\b(since|depuis)\s+(1[89]|20)\d{2}\b/i,
];

export function findProofPoints(located: Located[]): Array<Found<string>> {
  const out: Array<Found<string>> = [];
  const seen = new Set<string>();
  for (const { doc, section } of located) {
    for (const sentence of sentencesOf(section.text)) {
      if (sentence.length < 20 || sentence.length > 300 || PRICE_RE.test(sentence)) continue;
      if (!PROOF_RES.some((re) => re.test(sentence))) continue;
      const key = sentence.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ value: sentence, origin: cite(doc, section, sentence) });
      if (out.length >= 6) return out;
    }
  }
  return out;
}

// --------------------------------------------------------------- audiences

const AUDIENCE_RE = /\b(?:ideal|perfect|designed|made|great|idéal|idéale|parfait|parfaite|conçu|conçue|pensé|pensée|dédié|dédiée|réservé|réservée)\s+(?:for|pour)\s+(?:les\s+|des\s+|la\s+|le\s+|l['’]|the\s+)?([\p{L}'’ -]{3,50}?)(?=\s*(?:[,.!;:()]|$|\s(?:who|qui|and|et|ou|or|looking|cherchant|souhaitant|wanting)\b))/iu;

export function findAudiences(located: Located[]): Array<Found<string>> {
  const out: Array<Found<string>> = [];
  const seen = new Set<string>();
  for (const { doc, section } of located) {
    for (const sentence of sentencesOf(section.text)) {
      const m = AUDIENCE_RE.exec(sentence);
      if (!m) continue;
      const persona = capitalise(squash(m[1]!));
      if (persona.split(' ').length > 6 || seen.has(persona.toLowerCase())) continue;
      seen.add(persona.toLowerCase());
      out.push({ value: persona, origin: cite(doc, section, sentence) });
      if (out.length >= 4) return out;
    }
  }
  return out;
}

// ------------------------------------------------------------------- tone

const VOUS_RE = /\b(vous|votre|vos)\b/gi;
const TU_RE = /\b(tu|ton|ta|tes|toi|t['’])(?=\s|\b)/gi;
const YOU_RE = /\b(you|your|yours)\b/gi;

function countOf(re: RegExp, text: string): number {
  return text.match(re)?.length ?? 0;
}

/** tu or vous (French), you (English), from how the sources speak to their readers. */
export function findAddress(documents: SourceDocument[], locale: string): Found<'tu' | 'vous' | 'you'> | null {
  const forms: Array<['tu' | 'vous' | 'you', RegExp]> = locale.startsWith('fr') ? [['vous', VOUS_RE], ['tu', TU_RE]] : [['you', YOU_RE]];
  let winner: { value: 'tu' | 'vous' | 'you'; total: number; most: number; where: Located | null } | null = null;
  for (const [value, re] of forms) {
    let total = 0;
    let most = 0;
    let where: Located | null = null;
    for (const located of allSections(documents)) {
      const n = countOf(re, located.section.text);
      total += n;
      if (n > most) {
        most = n;
        where = located;
      }
    }
    // Ties go to the first form: vous, the safe default of French copy.
    if (total > 0 && (!winner || total > winner.total)) winner = { value, total, most, where };
  }
  if (!winner?.where) return null;
  const re = forms.find(([v]) => v === winner.value)![1];
  const sentence = sentencesOf(winner.where.section.text).find((s) => countOf(re, s) > 0);
  return { value: winner.value, origin: cite(winner.where.doc, winner.where.section, sentence) };
}

const VOICE_WORDS: Record<string, { en: string; fr: string }> = {
  enthusiastic: { en: 'enthusiastic', fr: 'enthousiaste' },
  warm: { en: 'warm', fr: 'chaleureux' },
  direct: { en: 'direct', fr: 'direct' },
  detailed: { en: 'detailed', fr: 'détaillé' },
  conversational: { en: 'conversational', fr: 'conversationnel' },
};

/** Voice traits from how the texts are written; each cited from the source that shows it most. */
export function findVoice(documents: SourceDocument[], locale: string): Array<Found<string>> {
  const lang = locale.startsWith('fr') ? 'fr' : 'en';
  const traits = new Map<string, { score: number; doc: SourceDocument; section: SourceSection; excerpt: string }>();
  const consider = (trait: string, score: number, doc: SourceDocument, section: SourceSection, excerpt: string) => {
    const current = traits.get(trait);
    if (!current || score > current.score) traits.set(trait, { score, doc, section, excerpt });
  };
  for (const doc of documents) {
    // Transcripts carry no punctuation: only what they say counts.
    for (const section of doc.sections) {
      const sentences = sentencesOf(section.text);
      const all = words(section.text);
      if (all.length < 30) continue;
      const we = all.filter((w) => ['we', 'our', 'us', 'nous', 'notre', 'nos'].includes(w)).length / all.length;
      if (we > 0.02) consider('warm', we, doc, section, sentences.find((s) => /\b(we|our|nous|notre|nos)\b/i.test(s)) ?? '');
      if (doc.kind === 'audio' || sentences.length < 4) continue;
      const exclaim = sentences.filter((s) => s.endsWith('!')).length / sentences.length;
      if (exclaim > 0.12) consider('enthusiastic', exclaim, doc, section, sentences.find((s) => s.endsWith('!')) ?? '');
      const questions = sentences.filter((s) => s.endsWith('?')).length / sentences.length;
      if (questions > 0.1) consider('conversational', questions, doc, section, sentences.find((s) => s.endsWith('?')) ?? '');
      const average = all.length / sentences.length;
      if (average < 14) consider('direct', 1 / average, doc, section, sentences[0] ?? '');
      else if (average > 24) consider('detailed', average, doc, section, sentences.find((s) => s.split(' ').length > 24) ?? '');
    }
  }
  return [...traits.entries()]
    .sort((a, b) => Object.keys(VOICE_WORDS).indexOf(a[0]) - Object.keys(VOICE_WORDS).indexOf(b[0]))
    .map(([trait, t]) => ({ value: VOICE_WORDS[trait]![lang], origin: cite(t.doc, t.section, t.excerpt || undefined) }));
}

// ---------------------------------------------------------------- channels

const SOCIAL: Array<[RegExp, string]> = [
  [/(^|\.)instagram\.com$|^instagr\.am$/, 'instagram'],
  [/(^|\.)facebook\.com$|^fb\.com$|^fb\.me$/, 'facebook'],
  [/(^|\.)linkedin\.com$/, 'linkedin'],
  [/(^|\.)twitter\.com$|^x\.com$/, 'x'],
  [/^g\.page$|^business\.google\.com$|^maps\.app\.goo\.gl$|^goo\.gl$|(^|\.)google\.[a-z.]+$/, 'google_business'],
];
const URL_IN_TEXT = /\b(?:https?:\/\/)?(?:www\.)?((?:instagram|facebook|linkedin|twitter)\.com|x\.com|fb\.com|g\.page|business\.google\.com|maps\.app\.goo\.gl)\/[^\s)>,;]*/gi;

const BLOG_PATH = /\/(blog|journal|actualites|actualit%C3%A9s|actualités|news|articles)(\/|$)/i;

function channelOfLink(link: string): string | null {
  const host = hostOf(link);
  if (!host) return null;
  for (const [re, channel] of SOCIAL) {
    if (!re.test(host)) continue;
    // google.com counts only for its maps / business pages.
    if (channel === 'google_business' && /google\./.test(host) && !/\/maps|business/.test(link)) return null;
    return channel;
  }
  return null;
}

export function findChannels(documents: SourceDocument[]): Array<Found<string>> {
  const out = new Map<string, Found<string>>();
  const add = (channel: string, origin: FieldOrigin) => {
    if (!out.has(channel)) out.set(channel, { value: channel, origin });
  };
  for (const { doc, section } of allSections(documents)) {
    const ownHost = section.url ? hostOf(section.url) : null;
    for (const link of section.links ?? []) {
      const channel = channelOfLink(link) ?? (ownHost && hostOf(link) === ownHost && BLOG_PATH.test(new URL(link).pathname) ? 'blog' : null);
      if (channel) add(channel, cite(doc, section, link));
    }
    for (const m of section.text.matchAll(URL_IN_TEXT)) {
      const channel = channelOfLink(m[0].startsWith('http') ? m[0] : `https://${m[0]}`);
      if (channel) add(channel, cite(doc, section, m[0]));
    }
    if (/\bnewsletter\b/i.test(section.text)) add('newsletter', cite(doc, section, sentencesOf(section.text).find((s) => /newsletter/i.test(s))));
    if (section.url && BLOG_PATH.test(new URL(section.url).pathname)) add('blog', cite(doc, section, section.url));
  }
  return [...out.values()];
}

// ---------------------------------------------------- keywords, vocabulary

interface TermStats {
  total: number;
  /** per document index */
  byDoc: Map<number, number>;
  /** the first section of the document with the most uses */
  where: Map<number, SourceSection>;
}

function termStats(documents: SourceDocument[], gram: 1 | 2): Map<string, TermStats> {
  const stats = new Map<string, TermStats>();
  documents.forEach((doc, d) => {
    for (const section of doc.sections) {
      for (const line of linesOf(section.text)) {
        const tokens = words(line);
        for (let i = 0; i + gram <= tokens.length; i += 1) {
          const slice = tokens.slice(i, i + gram);
          if (slice.some((w) => w.length < 3 || STOPWORDS.has(w))) continue;
          const term = slice.join(' ');
          let entry = stats.get(term);
          if (!entry) {
            entry = { total: 0, byDoc: new Map(), where: new Map() };
            stats.set(term, entry);
          }
          entry.total += 1;
          entry.byDoc.set(d, (entry.byDoc.get(d) ?? 0) + 1);
          if (!entry.where.has(d)) entry.where.set(d, section);
        }
      }
    }
  });
  return stats;
}

function topDoc(entry: TermStats): number {
  return [...entry.byDoc.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

function compareTerms(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || a[0].localeCompare(b[0]);
}

/** Search phrases: two-word terms used at least twice, then single words used at least three times. */
export function findKeywords(documents: SourceDocument[], names: readonly string[]): Array<Found<string>> {
  const banned = new Set(names.flatMap((n) => contentWords(n)));
  const ranked = (gram: 1 | 2, min: number) =>
    [...termStats(documents, gram).entries()]
      .filter(([term, e]) => e.total >= min && !term.split(' ').every((w) => banned.has(w)))
      .sort((a, b) => compareTerms([a[0], a[1].total], [b[0], b[1].total]));
  const picked: Array<[string, TermStats]> = ranked(2, 2).slice(0, 6);
  for (const [term, entry] of ranked(1, 3)) {
    if (picked.length >= 10) break;
    if (picked.some(([p]) => p.split(' ').includes(term))) continue;
    picked.push([term, entry]);
  }
  return picked.map(([term, entry]) => {
    const d = topDoc(entry);
    const section = entry.where.get(d)!;
    return { value: term, origin: cite(documents[d]!, section, sentencesOf(section.text).find((s) => s.toLowerCase().includes(term.split(' ')[0]!))) };
  });
}

/** Each source's distinctive words (frequent there, rare in the others), taken in turn so every source has its say. */
export function findVocabulary(documents: SourceDocument[], exclude: readonly string[]): Array<Found<string>> {
  const stats = termStats(documents, 1);
  const excluded = new Set(exclude.map((w) => w.toLowerCase()));
  const perDoc: Array<Array<[string, number]>> = documents.map((doc, d) => {
    const size = doc.sections.reduce((n, s) => n + words(s.text).length, 0);
    const minCount = size < 300 ? 1 : 2;
    return [...stats.entries()]
      .filter(([term, e]) => term.length >= 4 && (e.byDoc.get(d) ?? 0) >= minCount && !excluded.has(term))
      .map(([term, e]) => [term, (e.byDoc.get(d) ?? 0) * Math.log(1 + documents.length / e.byDoc.size)] as [string, number])
      .sort(compareTerms);
  });
  const out: Array<Found<string>> = [];
  const seen = new Set<string>();
  for (let round = 0; round < 4; round += 1) {
    perDoc.forEach((terms, d) => {
      const next = terms.find(([t]) => !seen.has(t));
      if (!next || out.length >= 12) return;
      seen.add(next[0]);
      const section = stats.get(next[0])!.where.get(d)!;
      out.push({ value: next[0], origin: cite(documents[d]!, section, sentencesOf(section.text).find((s) => s.toLowerCase().includes(next[0]))) });
    });
  }
  return out;
}

// ------------------------------------------------------------------ merge

/** Answers first (cited to the questionnaire), then found items not already there, up to `max`. */
function mergeList<T>(path: string, answered: readonly T[] | undefined, found: ReadonlyArray<Found<T>>, key: (item: T) => string, max: number, provenance: DraftProvenance): T[] {
  const out: T[] = [];
  const keys = new Set<string>();
  for (const item of answered ?? []) {
    if (out.length >= max) break;
    provenance[`${path}.${out.length}`] = QUESTIONNAIRE;
    out.push(item);
    keys.add(key(item).toLowerCase());
  }
  for (const f of found) {
    if (out.length >= max) break;
    const k = key(f.value).toLowerCase();
    if (keys.has(k)) continue;
    keys.add(k);
    provenance[`${path}.${out.length}`] = f.origin;
    out.push(f.value);
  }
  return out;
}

function setScalar(target: Record<string, unknown>, key: string, path: string, answered: string | undefined, found: Found<string> | null, provenance: DraftProvenance): void {
  if (answered) {
    target[key] = answered;
    provenance[path] = QUESTIONNAIRE;
  } else if (found) {
    target[key] = found.value;
    provenance[path] = found.origin;
  }
}

/**
 * The proposed DNA: answers, completed by what the sources say, every
 * field cited. `issues` lists what still blocks acceptance (validated with
 * the DNA schema), e.g. a missing name, so the review can ask for it.
 */
export function buildDraft(input: DraftInput): DraftResult {
  const { documents } = input;
  const answers = input.answers;
  const answered = answers ? answersToDna(answers) : {};
  const a = answered as {
    identity?: Record<string, string>; mission?: string; values?: string[]; offer?: { products?: Array<Record<string, unknown>>; services?: Array<Record<string, unknown>> };
    audiences?: Array<Record<string, unknown>>; tone?: { voice?: string[]; address?: string; do?: string[]; dont?: string[] };
    vocabulary?: { use?: string[]; avoid?: string[] }; proof_points?: string[]; competitors?: Array<Record<string, unknown>>; keywords?: string[]; channels?: string[];
  };
  const located = allSections(documents);
  const provenance: DraftProvenance = {};
  const document: Record<string, unknown> = {};

  const identity: Record<string, unknown> = {};
  setScalar(identity, 'name', 'identity.name', a.identity?.name, findName(documents), provenance);
  setScalar(identity, 'tagline', 'identity.tagline', a.identity?.tagline, findTagline(documents, identity.name as string | undefined), provenance);
  setScalar(identity, 'location', 'identity.location', a.identity?.location, null, provenance);
  const site = documents.find((d) => d.kind === 'url');
  const siteUrl = site ? (site.startUrl ?? site.name) : null;
  setScalar(identity, 'website', 'identity.website', a.identity?.website, site && siteUrl ? { value: siteUrl, origin: cite(site, site.sections[0] ?? null, siteUrl) } : null, provenance);
  setScalar(identity, 'story', 'identity.story', undefined, findStory(documents), provenance);
  if (Object.keys(identity).length) document.identity = identity;

  setScalar(document, 'mission', 'mission', a.mission, findMission(located), provenance);
  const values = mergeList('values', a.values, findValues(located), (v) => v, 30, provenance);
  if (values.length) document.values = values;

  // An offer the owner priced is theirs: the same name found in a source does not come back.
  const answeredOffers = new Set([...(a.offer?.products ?? []), ...(a.offer?.services ?? [])].map((o) => String(o.name).toLowerCase()));
  const found = findOffers(located, input.currency).filter((f) => !answeredOffers.has(f.value.name.toLowerCase()));
  const asItem = (f: Found<PricedOffer>): Found<Record<string, unknown>> => ({
    value: { name: f.value.name, price_minor: f.value.price_minor, currency: f.value.currency, ...(f.value.unit ? { unit: f.value.unit } : {}) },
    origin: f.origin,
  });
  const products = mergeList('offer.products', a.offer?.products, found.filter((f) => f.value.kind === 'product').map(asItem), (o) => String(o.name), 200, provenance);
  const services = mergeList('offer.services', a.offer?.services, found.filter((f) => f.value.kind === 'service').map(asItem), (o) => String(o.name), 200, provenance);
  if (products.length || services.length) document.offer = { ...(products.length ? { products } : {}), ...(services.length ? { services } : {}) };

  const audiences = mergeList('audiences', a.audiences, findAudiences(located).map((f) => ({ value: { persona: f.value } as Record<string, unknown>, origin: f.origin })), (x) => String(x.persona), 30, provenance);
  if (audiences.length) document.audiences = audiences;

  const tone: Record<string, unknown> = {};
  const voice = a.tone?.voice?.length ? mergeList('tone.voice', a.tone.voice, [], (v) => v, 20, provenance) : mergeList('tone.voice', [], findVoice(documents, input.locale), (v) => v, 20, provenance);
  if (voice.length) tone.voice = voice;
  const address = a.tone?.address ? null : findAddress(documents, input.locale);
  setScalar(tone, 'address', 'tone.address', a.tone?.address, address, provenance);
  const toneDo = mergeList('tone.do', a.tone?.do, [], (v) => v, 30, provenance);
  const toneDont = mergeList('tone.dont', a.tone?.dont, [], (v) => v, 30, provenance);
  if (toneDo.length) tone.do = toneDo;
  if (toneDont.length) tone.dont = toneDont;
  if (Object.keys(tone).length) document.tone = tone;

  const name = (identity.name as string | undefined) ?? '';
  const keywords = mergeList('keywords', a.keywords, findKeywords(documents, [name]), (v) => v, 15, provenance);
  const vocabularyUse = mergeList('vocabulary.use', a.vocabulary?.use, findVocabulary(documents, [...contentWords(name)]), (v) => v, 30, provenance);
  const vocabularyAvoid = mergeList('vocabulary.avoid', a.vocabulary?.avoid, [], (v) => v, 200, provenance);
  if (vocabularyUse.length || vocabularyAvoid.length) document.vocabulary = { ...(vocabularyUse.length ? { use: vocabularyUse } : {}), ...(vocabularyAvoid.length ? { avoid: vocabularyAvoid } : {}) };

  const proof = mergeList('proof_points', a.proof_points, findProofPoints(located), (v) => v, 12, provenance);
  if (proof.length) document.proof_points = proof;
  const competitors = mergeList('competitors', a.competitors, [], (x) => String(x.name), 50, provenance);
  if (competitors.length) document.competitors = competitors;
  if (keywords.length) document.keywords = keywords;
  const channels = mergeList('channels', a.channels, findChannels(documents), (v) => v, 10, provenance);
  if (channels.length) document.channels = channels;

  document.locale = input.locale;
  provenance.locale = answers ? QUESTIONNAIRE : WORKSPACE;

  // Lists were cited as they were built; keep only origins of fields that exist.
  const fields = new Set(draftFieldPaths(document));
  for (const path of Object.keys(provenance)) if (!fields.has(path)) delete provenance[path];
  return { document, provenance, issues: brandDnaErrors(document) };
}

/** Fields per source label: what a draft cites (for progress and tests). */
export function citedLabels(provenance: DraftProvenance): Record<string, number> {
  const out: Record<string, number> = {};
  for (const origin of Object.values(provenance)) out[origin.label] = (out[origin.label] ?? 0) + 1;
  return out;
}
