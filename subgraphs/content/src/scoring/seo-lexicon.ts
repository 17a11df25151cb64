// Character tables and word lists for the SEO/GEO scorer (English and French).
// Words are looked up by a 32-bit FNV-1a hash of their folded form (lowercase,
// accents removed) computed while the tokeniser walks the text, so the hot
// path never slices a string per word; a hit is confirmed char by char.

export const CC_LETTER = 1;
export const CC_DIGIT = 2;
export const CC_UPPER = 4;

/** Tables cover Latin, Greek and Cyrillic; above that, see classOf(). */
export const TABLE_SIZE = 0x530;
export const charClass = new Uint8Array(TABLE_SIZE);
/** Folded (lowercase, unaccented) form; ligatures fold to two chars (œ → o, e). */
export const fold1 = new Uint16Array(TABLE_SIZE);
export const fold2 = new Uint16Array(TABLE_SIZE);
/** Lowercase keeping accents (French syllables need é vs e). */
export const lower = new Uint16Array(TABLE_SIZE);

const LIGATURES: Record<string, string> = {
  Æ: 'ae', æ: 'ae', Œ: 'oe', œ: 'oe', ß: 'ss', Ø: 'o', ø: 'o', Đ: 'd', đ: 'd', Ł: 'l', ł: 'l',
  Ð: 'd', ð: 'd', Þ: 'th', þ: 'th', ı: 'i', Ħ: 'h', ħ: 'h',
};

{
  const letter = /\p{L}/u;
  const upper = /\p{Lu}/u;
  for (let c = 0; c < TABLE_SIZE; c++) {
    const s = String.fromCharCode(c);
    const lo = s.toLowerCase();
    lower[c] = lo.length === 1 ? lo.charCodeAt(0) : c;
    if (c >= 48 && c <= 57) {
      charClass[c] = CC_DIGIT;
      fold1[c] = c;
      continue;
    }
    if (!letter.test(s)) {
      fold1[c] = c;
      continue;
    }
    charClass[c] = CC_LETTER | (upper.test(s) ? CC_UPPER : 0);
    const lig = LIGATURES[s];
    if (lig) {
      fold1[c] = lig.charCodeAt(0);
      fold2[c] = lig.length > 1 ? lig.charCodeAt(1) : 0;
      continue;
    }
    const base = lo.normalize('NFD').charCodeAt(0);
    fold1[c] = base >= 97 && base <= 122 ? base : (lower[c] as number);
  }
}

/** Class of any UTF-16 unit: letters of other scripts count as letters, punctuation and emoji do not. */
export function classOf(c: number): number {
  if (c < TABLE_SIZE) return charClass[c] as number;
  if (c >= 0x2000 && c <= 0x2bff) return 0; // punctuation, symbols, arrows, dingbats
  if (c >= 0x2e00 && c <= 0x2e7f) return 0;
  if (c >= 0x3000 && c <= 0x303f) return 0;
  if (c >= 0xd800 && c <= 0xf8ff) return 0; // surrogates (emoji) and private use
  if (c >= 0xfe00 && c <= 0xfe6f) return 0;
  if (c >= 0xff00 && c <= 0xff20) return 0;
  if (c === 0xfeff) return 0;
  return CC_LETTER;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 0x3000 || c === 12;
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export function fnvStep(h: number, c: number): number {
  return Math.imul(h ^ c, 0x01000193);
}

/** Folded code for a char that is part of a word (joiners fold to ASCII). */
export function foldChar(c: number): number {
  if (c < TABLE_SIZE) return fold1[c] as number;
  if (c === 0x2019 || c === 0x2018 || c === 0x02bc) return 39;
  if (c === 0x2010 || c === 0x2011) return 45;
  return c;
}

/** Folded form of text[s, e) as a string (cold paths only). */
export function foldRange(text: string, s: number, e: number): string {
  let out = '';
  for (let j = s; j < e; j++) {
    const c = text.charCodeAt(j);
    out += String.fromCharCode(foldChar(c));
    if (c < TABLE_SIZE && fold2[c] !== 0) out += String.fromCharCode(fold2[c] as number);
  }
  return out;
}

export function hashString(s: string, seed: number = FNV_OFFSET): number {
  let h = seed;
  for (let j = 0; j < s.length; j++) h = fnvStep(h, s.charCodeAt(j));
  return h;
}

// --- lexicon flags -----------------------------------------------------------
export const F_STOP = 1 << 0;
export const F_BE = 1 << 1; // be-forms / formes d'être (passive auxiliary)
export const F_PART = 1 << 2; // irregular past participle
export const F_NOT_PART = 1 << 3; // ends in -ed but is not a participle
export const F_GAP = 1 << 4; // may sit between auxiliary and participle ("is often used")
export const F_REFLEX = 1 << 5; // French reflexive pronoun: "se sont" is not passive
export const F_MOTION = 1 << 6; // French participles of verbs conjugated with être (active voice)
export const F_ATTRIB = 1 << 7; // speech verbs that attribute a quotation
export const F_SOURCE = 1 << 8; // introduces a source ("according", "selon", "study")
export const F_STAT_UNIT = 1 << 9; // after a number makes it a statistic ("percent", "million")
export const F_COPULA = 1 << 10; // "X is a …" definitions
export const F_DEFVERB = 1 << 11; // "X means …", "X désigne …"
export const F_DET = 1 << 12;
export const F_PRONOUN = 1 << 13; // a sentence opening with it is not a definition
export const F_QWORD = 1 << 14; // question opener
export const F_ABBREV = 1 << 15; // "etc." ends a sentence only before a capital
export const F_TITLE_ABBR = 1 << 16; // "Dr." never ends a sentence
export const F_ELISION = 1 << 17; // French elided prefix (l', d', qu'…)
export const F_PRON_ENT = 1 << 18; // French word whose final -ent is pronounced
export const F_APRES = 1 << 19; // "après" (d'après = according to)
export const F_CLITIC_D = 1 << 20;
export const F_NUMGAP = 1 << 21; // "per"/"pour" between a number and "cent"
export const SYL_SHIFT = 24; // bits 24..28: syllable count override

export interface LexEntry {
  readonly word: string;
  flags: number;
  next: LexEntry | null;
}
export interface Lexicon {
  readonly table: Map<number, LexEntry>;
}

type ListSpec = ReadonlyArray<readonly [number, string]>;

function buildLexicon(lists: ListSpec, syllables: string): Lexicon {
  const table = new Map<number, LexEntry>();
  const add = (raw: string, flags: number): void => {
    const word = foldRange(raw, 0, raw.length);
    const h = hashString(word);
    let e: LexEntry | null = table.get(h) ?? null;
    while (e && e.word !== word) e = e.next;
    if (e) e.flags |= flags;
    else table.set(h, { word, flags, next: table.get(h) ?? null });
  };
  for (const [flag, words] of lists) for (const w of words.split(/\s+/)) if (w) add(w, flag);
  for (const pair of syllables.split(/\s+/)) {
    if (!pair) continue;
    const [w, n] = pair.split(':');
    add(w as string, Number(n) << SYL_SHIFT);
  }
  return { table };
}

/** Flags of the word text[s, e) whose folded hash is h (0 when unknown). */
export function lookup(lex: Lexicon, h: number, text: string, s: number, e: number): number {
  let entry: LexEntry | null = lex.table.get(h) ?? null;
  while (entry) {
    if (rangeEqualsFolded(text, s, e, entry.word)) return entry.flags;
    entry = entry.next;
  }
  return 0;
}

function rangeEqualsFolded(text: string, s: number, e: number, word: string): boolean {
  let k = 0;
  const m = word.length;
  for (let j = s; j < e; j++) {
    const c = text.charCodeAt(j);
    if (k >= m || word.charCodeAt(k++) !== foldChar(c)) return false;
    if (c < TABLE_SIZE && fold2[c] !== 0 && (k >= m || word.charCodeAt(k++) !== fold2[c])) return false;
  }
  return k === m;
}

// --- English -----------------------------------------------------------------
const EN_STOP = `a about above after again against all almost also although always am among an and another any anyone
anything are around as at be because been before being below between both but by can cannot could did do does doing
done down during each either else enough even ever every few for from further get gets getting got had has have having
he her here hers herself him himself his how however i if in into is it its itself just least less let like made make
many may me might more most much must my myself neither no nor not now of off often on once one only or other others our
ours ourselves out over own per perhaps quite rather same several she should since so some such than that the their
theirs them themselves then there therefore these they this those though through thus to too toward towards under until
up upon us very via was we well were what whatever when whenever where whether which while who whoever whom whose why
will with within without would yet you your yours yourself yourselves i'm i've i'd i'll you're you've you'll you'd he's
she's it's we're we've we'll they're they've they'll that's there's what's who's let's don't doesn't didn't isn't
aren't wasn't weren't hasn't haven't hadn't won't wouldn't can't couldn't shouldn't`;
const EN_BE = `am is are was were be been being isn't aren't wasn't weren't i'm you're we're they're`;
const EN_GAP = `not never also often always usually still now just already rarely seldom sometimes then very well best
better most more less least increasingly`;
const EN_PART = `written given taken eaten spoken chosen broken driven forgotten hidden beaten stolen frozen shaken woken
proven shown known grown thrown drawn blown flown sewn worn torn sworn born borne seen done made paid said sold told held
kept left lost meant met read sent spent built bought brought caught taught thought fought sought found bound wound
ground hung hit hurt cut put set shut spread split cast let run won struck stuck sung swung led fed bred fled shot gotten
felt dealt dreamt learnt burnt spelt lit laid understood overseen undertaken withdrawn misunderstood forbidden begun drunk
sunk rung shrunk stung spun dug bent lent sent dwelt knelt bitten ridden risen arisen forgiven mistaken overtaken
rewritten upheld withheld overcome become`;
const EN_NOT_PART = `need indeed speed seed feed breed bleed greed weed deed proceed succeed exceed hundred sacred naked
wicked kindred hatred embed`;
const EN_ATTRIB = `said says say told tells explains explained adds added notes noted writes wrote stated states argues
argued claims claimed according recalls recalled insists insisted observes observed remarks remarked comments commented
confirms confirmed warns warned asks asked replied replies answered emphasised emphasized`;
const EN_SOURCE = `according source sources study studies survey surveys report reports research researchers census poll
polls`;
const EN_STAT_UNIT = `percent percentage percentages pct cent million millions billion billions trillion thousand thousands
times dollars dollar euros euro pounds usd eur cad gbp`;
const EN_COPULA = `is are was were`;
const EN_DEFVERB = `means refers denotes describes defined`;
const EN_DET = `a an the`;
const EN_PRONOUN = `it this that there he she they we i you which what who here these those`;
const EN_QWORD = `what how why when where who which whose whom can could should would does do did is are was were will`;
const EN_ABBREV = `etc vs approx cf eg ie al fig dept est`;
const EN_TITLE = `mr mrs ms dr prof sr jr st mt gen col lt sgt rev hon`;
const EN_NUMGAP = `per`;
// Words the vowel-group rules get wrong.
const EN_SYLLABLES = `create:2 created:3 creates:2 creating:3 creation:3 creations:3 creative:3 creativity:5 creator:3
creators:3 area:3 areas:3 idea:3 ideas:3 ideal:3 reality:4 video:3 videos:3 every:2 everyone:3 everything:3
everywhere:3 everyday:3 business:2 businesses:3 science:2 sciences:3 scientist:3 scientists:3 quiet:2 diet:2 client:2
clients:2 recipe:3 recipes:3 maybe:2 poem:2 poems:2 poet:2 poetry:3 theory:3 theories:3 ai:2 seo:3 someone:2
something:2 sometimes:2 somewhere:2 element:3 elements:3 giant:2 experience:4 experiences:5 experienced:4 audience:3
audiences:4 variety:4 society:4 fuel:2 cruel:2 lion:2 being:2`;

// --- French ------------------------------------------------------------------
const FR_STOP = `a à afin ai aie aient ainsi alors as au aucun aucune auprès aussi autre autres aux avaient avais avait
avant avec avez avoir avons ayant c ça car ce ceci cela celle celles celui cependant certains ces cet cette ceux chaque
chez comme d dans de depuis des donc dont du elle elles en encore entre es est et étaient était étant été être eu eux
hors il ils j je jusqu l la le les leur leurs lors lorsqu lorsque lui m ma mais me même mêmes mes moi moins mon n ne ni
non nos notre nous on ont or ou où par parce pas peu peut peuvent plus plusieurs pour pourtant près puis puisqu puisque
qu que quel quelle quelles quels qui quoi s sa sans se sera serait seront ses si soi soit sommes son sont sous suis sur t
ta tandis tant te tel telle tels tes toi ton tous tout toute toutes très trop tu un une unes uns vers via voici voilà vos
votre vous y`;
const FR_BE = `suis es est sommes êtes sont étais était étions étiez étaient fus fut fûmes fûtes furent serai seras sera
serons serez seront serais serait serions seriez seraient sois soit soyons soyez soient fût été être étant`;
const FR_GAP = `pas plus très bien souvent toujours jamais déjà aussi trop encore point guère mieux mal tout parfois`;
const FR_PART = `fait faite faits faites dit dite dits dites écrit écrite écrits écrites pris prise prises mis mise mises
ouvert ouverte ouverts ouvertes offert offerte offerts offertes produit produite produits produites construit construite
construits construites conduit conduite traduit traduite traduits détruit détruite réduit réduite introduit introduite
peint peinte atteint atteinte craint crainte joint jointe vu vue vus vues lu lue lus lues connu connue connus connues
reconnu reconnue reconnus reconnues reçu reçue reçus reçues perçu perçue vendu vendue vendus vendues rendu rendue rendus
rendues entendu entendue attendu attendue attendus défendu défendue perdu perdue perdus perdues tenu tenue obtenu obtenue
obtenus obtenues détenu détenue retenu retenue soutenu soutenue maintenu maintenue battu battue choisi choisie choisis
choisies fini finie finis finies réuni réunie établi établie établis établies suivi suivie suivis suivies servi servie
découvert découverte couvert couverte soumis soumise permis permise promis promise compris comprise appris apprise
surpris surprise admis admise acquis acquise conquis élu élue élus élues résolu résolue inclus incluse exclu exclue
conclu conclue convaincu convaincue vaincu vaincue interdit interdite prédit décrit décrite décrits décrites inscrit
inscrite prescrit transmis transmise commis commise émis émise remis remise omis omise garanti garantie garantis investi
investie saisi saisie rempli remplie accueilli accueillie recueilli recouvert contraint restreint requis conçu conçue
conçus conçues déçu déçue aperçu`;
const FR_MOTION = `allé allée allés allées venu venue venus venues parti partie partis parties arrivé arrivée arrivés
arrivées entré entrée entrés entrées sorti sortie sortis sorties monté montée montés montées descendu descendue
descendus descendues né née nés nées mort morte morts mortes resté restée restés restées tombé tombée tombés tombées
retourné retournée retournés retournées devenu devenue devenus devenues revenu revenue revenus revenues parvenu parvenue
intervenu intervenue décédé décédée rentré rentrée rentrés passé passée passés passées apparu apparue survenu survenue`;
const FR_REFLEX = `se s me m te t`;
const FR_ATTRIB = `dit déclare déclaré explique expliqué affirme affirmé souligne souligné précise précisé ajoute ajouté
raconte raconté confie confié estime estimé indique indiqué rappelle rappelé assure assuré selon constate constaté
observe observé insiste insisté avertit prévient conclut répond répondu lance lancé résume résumé`;
const FR_SOURCE = `selon source sources étude études enquête enquêtes sondage sondages rapport rapports recherche
recherches recensement`;
const FR_STAT_UNIT = `pourcent pourcentage pourcentages cent million millions milliard milliards mille fois euros euro
dollars dollar`;
const FR_COPULA = `est sont était étaient`;
const FR_DEFVERB = `désigne désignent signifie signifient définit consiste correspond`;
const FR_DET = `un une le la les des du l`;
const FR_PRONOUN = `il elle ils elles on ce cela ça ceci qui je tu nous vous`;
const FR_QWORD = `quoi comment pourquoi quand où qui quel quelle quels quelles combien lequel laquelle lesquels lesquelles
est-ce faut-il peut-on doit-on que`;
const FR_ABBREV = `etc cf ex env av apr vol chap coll`;
const FR_TITLE = `m mme mmes mlle mlles dr pr st ste`;
const FR_ELISION = `l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu`;
const FR_NUMGAP = `pour`;
const FR_PRON_ENT = `souvent parent client accent argent agent talent président évident récent urgent absent présent
content mécontent différent indifférent excellent intelligent fréquent équivalent ambivalent pertinent impertinent
précédent antécédent adolescent innocent accident incident continent compétent incompétent concurrent récurrent cohérent
incohérent adhérent inhérent référent permanent apparent transparent violent prudent imprudent ardent décent indécent
serpent torrent occident résident régent sergent émergent divergent convergent diligent négligent indigent éminent
imminent patient ingrédient orient couvent auvent paravent strident trident affluent opulent succulent turbulent
virulent insolent latent dissident confident excédent évident omniprésent fluorescent incandescent effervescent
convalescent`;
const FR_SYLLABLES = `pays:2 paysage:3 client:2 clients:2 cliente:2 clientes:2 clientèle:3`;

export const EN: Lexicon = buildLexicon(
  [
    [F_STOP, EN_STOP], [F_BE, EN_BE], [F_GAP, EN_GAP], [F_PART, EN_PART], [F_NOT_PART, EN_NOT_PART],
    [F_ATTRIB, EN_ATTRIB], [F_SOURCE, EN_SOURCE], [F_STAT_UNIT, EN_STAT_UNIT], [F_COPULA, EN_COPULA],
    [F_DEFVERB, EN_DEFVERB], [F_DET, EN_DET], [F_PRONOUN, EN_PRONOUN], [F_QWORD, EN_QWORD], [F_ABBREV, EN_ABBREV],
    [F_TITLE_ABBR, EN_TITLE], [F_NUMGAP, EN_NUMGAP],
  ],
  EN_SYLLABLES,
);

export const FR: Lexicon = buildLexicon(
  [
    [F_STOP, FR_STOP], [F_BE, FR_BE], [F_GAP, FR_GAP], [F_PART, FR_PART], [F_MOTION, FR_MOTION],
    [F_REFLEX, FR_REFLEX], [F_ATTRIB, FR_ATTRIB], [F_SOURCE, FR_SOURCE], [F_STAT_UNIT, FR_STAT_UNIT],
    [F_COPULA, FR_COPULA], [F_DEFVERB, FR_DEFVERB], [F_DET, FR_DET], [F_PRONOUN, FR_PRONOUN], [F_QWORD, FR_QWORD],
    [F_ABBREV, FR_ABBREV], [F_TITLE_ABBR, FR_TITLE], [F_ELISION, FR_ELISION], [F_PRON_ENT, FR_PRON_ENT],
    [F_APRES, 'après'], [F_CLITIC_D, 'd'], [F_NUMGAP, FR_NUMGAP],
  ],
  FR_SYLLABLES,
);
