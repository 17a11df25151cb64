// `npm run bench -- scoring` (issue 4, C2/C3). Two measures:
//   1. our full SEO/GEO analysis (a cold scoreContent: no cache) against
//      yoastseo's SEO + readability analysis of the same texts, in this process,
//      on 500-, 2,000- and 10,000-word English and French blog articles; runs
//      alternate between the two so both see the same machine load; medians.
//      Also: a live re-score after a keystroke (one paragraph changed) on the
//      incremental scorer, and how many paragraphs it re-analysed.
//   2. keystroke → score through the gateway: a whole stack, 20 editors, each
//      with its own 2,000-word draft and one graphql-ws connection; each types
//      a word ~10 times a second for ~10 s, sent over that connection as
//      scoreDraftEdit (the paragraph typed into; the whole draft with
//      scoreDraft first and after a CONFLICT); p95 of keystroke → score. A keystroke's latency
//      ends when the subscription brings a score for its revision or a newer
//      one: that score is of the text the editor now sees, the studio shows it
//      and drops older ones, and the content subgraph scores only the newest of
//      the keystrokes waiting for a draft (latest wins). Every keystroke sent in
//      the window counts: one never answered is reported as unanswered.
// yoastseo is GPL-3.0: a dependency of bench/ only, never of the product
// (subgraphs/content/src/scoring/__tests__/gpl-boundary.spec.ts checks it).
// Last line: RESULT scoring speedup_vs_yoast_en_2000=… speedup_vs_yoast_fr_2000=…
//   speedup_vs_yoast_en_10000=… speedup_vs_yoast_fr_10000=… push_p95_ms=… editors=20
// Knobs: BENCH_ROUNDS (yoast runs per text, default 9, a third for 10,000 words), BENCH_EDITORS (20),
// BENCH_SECONDS (10), BENCH_KEYS_PER_SECOND (10), BENCH_PARTS (analysis,push),
// BENCH_CPU_PROF (a directory: the stack's processes write V8 CPU profiles there when they stop).
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { generateOffline } from '../../packages/ai/src/offline-model.ts';
import { BAKERY_DNA, FITNESS_DNA } from '../../db/src/seed/demo-brands.ts';
import { createIncrementalScorer, scoreContent, type ScoreInput } from '../../subgraphs/content/src/scoring/seo-scorer.ts';
import { loginAs, graphql } from '../../packages/testing/src/graphql.ts';
import { freePorts, startStack, type Stack } from '../../scripts/stack.ts';
import { cpuMs, pidListeningOn, treeCpuMs } from './load.ts';

function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

const ROUNDS = knob('BENCH_ROUNDS', 9);
const EDITORS = knob('BENCH_EDITORS', 20);
const SECONDS = knob('BENCH_SECONDS', 10);
const KEYS_PER_SECOND = knob('BENCH_KEYS_PER_SECOND', 10);
const WARMUP_SECONDS = 2;
const PARTS = new Set((process.env.BENCH_PARTS ?? 'analysis,push').split(','));
const SIZES = [500, 2000, 10000] as const;
const LANGS = ['en', 'fr'] as const;
type Lang = (typeof LANGS)[number];

const log = (line: string) => process.stderr.write(`[bench scoring] ${line}\n`);

// --- texts ---------------------------------------------------------------------------

interface Text {
  lang: Lang;
  words: number;
  title: string;
  keyphrase: string;
  slug: string;
  metaDescription: string;
  /** Markdown, what our scorer reads */
  markdown: string;
  /** the same text as HTML, what yoastseo reads */
  html: string;
}

const KEYPHRASE: Record<Lang, string> = { en: 'strength training', fr: 'pain au levain' };

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * A realistic article of about `words` words: blog posts of the offline model
 * (the client's brand DNA, different seeds) one after another, cut at a
 * paragraph boundary.
 */
function buildText(lang: Lang, words: number, variant = 0): Text {
  const dna = lang === 'en' ? FITNESS_DNA : BAKERY_DNA;
  const keyphrase = KEYPHRASE[lang];
  const blocks: string[] = [];
  let title = '';
  let n = 0;
  for (let seed = 0; n < words; seed++) {
    const post = generateOffline({ dna, brief: { topic: keyphrase, keyphrase }, channel: 'BLOG', locale: lang, seed: `bench-${lang}-${variant}-${seed}` });
    title ||= post.title;
    for (const block of post.body.split(/\n\n+/)) {
      if (n >= words) break;
      blocks.push(block);
      n += countWords(block);
    }
  }
  const markdown = blocks.join('\n\n');
  const metaDescription = (lang === 'en'
    ? `Strength training explained by our coaches: what it involves, what it costs and how to start safely, with answers to the questions we hear most.`
    : `Le pain au levain expliqué par nos boulangers : comment il est fait, ce qu’il change au goût et à la conservation, et comment bien le choisir.`);
  return { lang, words: n, title, keyphrase, slug: keyphrase.replace(/\s+/g, '-'), metaDescription, markdown, html: toHtml(markdown) };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function inline(text: string): string {
  return escapeHtml(text)
    .replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, '<img src="$2" alt="$1">')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|\s)(https?:\/\/[^\s<]+[^\s<.,;:!?)])/g, '$1<a href="$2">$2</a>');
}

/** The Markdown the offline model writes (headings, paragraphs, lists, quotes) as the HTML a CMS would give yoastseo. */
function toHtml(markdown: string): string {
  return markdown.split(/\n\n+/).map((block) => {
    const heading = /^(#{1,6})\s+(.*)$/.exec(block);
    if (heading) return `<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>`;
    const lines = block.split('\n');
    if (lines.every((l) => /^[-*]\s/.test(l))) return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^[-*]\s+/, ''))}</li>`).join('')}</ul>`;
    if (lines.every((l) => l.startsWith('>'))) return `<blockquote><p>${inline(lines.map((l) => l.replace(/^>\s?/, '')).join(' ').trim())}</p></blockquote>`;
    return `<p>${inline(block.replace(/\n/g, ' '))}</p>`;
  }).join('\n');
}

// --- the two analysers ------------------------------------------------------------------

const require = createRequire(import.meta.url);
// yoastseo ships no type declarations in its package: its objects are `any` here.
const yoast = require('yoastseo') as any;
const Researchers: Record<Lang, any> = {
  en: require('yoastseo/build/languageProcessing/languages/en/Researcher.js').default,
  fr: require('yoastseo/build/languageProcessing/languages/fr/Researcher.js').default,
};
const buildTree = require('yoastseo/build/parse/build/build.js').default as (paper: unknown, processor: unknown, shortcodes?: unknown) => unknown;
const LanguageProcessor = require('yoastseo/build/parse/language/LanguageProcessor.js').default;

/** What yoastseo's analysis worker does for one paper: build the tree, run the SEO and the readability assessors. */
function runYoast(text: Text): { seo: number; readability: number } {
  const paper = new yoast.Paper(text.html, {
    keyword: text.keyphrase, title: text.title, description: text.metaDescription, slug: text.slug,
    locale: text.lang === 'en' ? 'en_US' : 'fr_FR', titleWidth: 450,
  });
  const researcher = new Researchers[text.lang](paper);
  paper.setTree(buildTree(paper, new LanguageProcessor(researcher)));
  const seo = new yoast.SeoAssessor(researcher);
  seo.assess(paper);
  const readability = new yoast.ContentAssessor(researcher);
  readability.assess(paper);
  return { seo: seo.calculateOverallScore(), readability: readability.calculateOverallScore() };
}

function scoreInput(text: Text, markdown = text.markdown): ScoreInput {
  return { channel: 'BLOG', title: text.title, body: markdown, keyphrase: text.keyphrase, slug: text.slug, metaDescription: text.metaDescription, locale: text.lang };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function time(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

/**
 * A keystroke: one word typed into the `index`-th paragraph of the text (never
 * a heading, so the structure stays). Changes `paragraphs` (the text split at
 * "\n\n") in place; returns which one changed.
 */
function typeInto(paragraphs: string[], index: number, n: number): number {
  const candidates = paragraphs.map((b, i) => (b.startsWith('#') || b.startsWith('-') || b.startsWith('>') ? -1 : i)).filter((i) => i >= 0);
  const target = candidates[index % candidates.length]!;
  paragraphs[target] = `${paragraphs[target]} mot${n}`;
  return target;
}

function keystroke(markdown: string, index: number, n: number): string {
  const paragraphs = markdown.split('\n\n');
  typeInto(paragraphs, index, n);
  return paragraphs.join('\n\n');
}

interface AnalysisRow {
  lang: Lang;
  size: number;
  words: number;
  yoastMs: number;
  oursMs: number;
  speedup: number;
  keystrokeMs: number;
  reanalysed: number;
  paragraphs: number;
  yoastScores: string;
  ourTotal: number;
}

function measureAnalysis(): AnalysisRow[] {
  const rows: AnalysisRow[] = [];
  for (const size of SIZES) {
    for (const lang of LANGS) {
      const text = buildText(lang, size);
      const rounds = size === 10000 ? Math.max(3, Math.ceil(ROUNDS / 3)) : ROUNDS;
      // Warm-up: both analysers' code paths compiled, caches of their own built.
      for (let i = 0; i < (size === 10000 ? 1 : 2); i++) {
        runYoast(text);
        for (let k = 0; k < 5; k++) scoreContent(scoreInput(text));
      }
      const yoastTimes: number[] = [];
      const ourTimes: number[] = [];
      let yoastScores = { seo: 0, readability: 0 };
      for (let r = 0; r < rounds; r++) {
        yoastTimes.push(time(() => { yoastScores = runYoast(text); }));
        for (let k = 0; k < 5; k++) ourTimes.push(time(() => scoreContent(scoreInput(text))));
      }
      // Live re-score: the incremental scorer holds the draft; a keystroke changes one paragraph.
      const scorer = createIncrementalScorer();
      scorer.score(scoreInput(text));
      const keyTimes: number[] = [];
      let reanalysed = 0;
      for (let k = 0; k < 50; k++) {
        const edited = keystroke(text.markdown, k * 7, k);
        const before = scorer.stats.blocksAnalysed;
        keyTimes.push(time(() => scorer.score(scoreInput(text, edited))));
        reanalysed = Math.max(reanalysed, scorer.stats.blocksAnalysed - before);
      }
      const yoastMs = median(yoastTimes);
      const oursMs = median(ourTimes);
      const row: AnalysisRow = {
        lang, size, words: text.words, yoastMs, oursMs, speedup: yoastMs / oursMs, keystrokeMs: median(keyTimes), reanalysed,
        paragraphs: text.markdown.split('\n\n').length, yoastScores: `${yoastScores.seo}/${yoastScores.readability}`, ourTotal: scoreContent(scoreInput(text)).total,
      };
      rows.push(row);
      log(`${lang} ${size}: yoast ${yoastMs.toFixed(1)} ms, ours ${oursMs.toFixed(2)} ms (×${row.speedup.toFixed(0)}), keystroke ${row.keystrokeMs.toFixed(3)} ms`);
    }
  }
  return rows;
}

// --- keystroke → score through the gateway ----------------------------------------------

const SCORE_DRAFT = 'mutation ScoreDraft($id: ID!, $input: DraftInput!, $revision: Int!) { scoreDraft(id: $id, input: $input, revision: $revision) }';
const SCORE_DRAFT_EDIT = 'mutation ScoreDraftEdit($id: ID!, $base: Int!, $edit: DraftEdit!, $revision: Int!) { scoreDraftEdit(id: $id, base: $base, edit: $edit, revision: $revision) }';
/** The selection the web studio subscribes with. */
const SEO_SCORE = `subscription SeoScore($itemId: ID!) { seoScore(itemId: $itemId) {
  itemId revision total seo geo computedAt
  usage { length { used max unit } hashtags { used max } links { used allowed } }
  checks { id group label score maxScore status explanation suggestion } } }`;

interface Editor {
  client: Client;
  itemId: string;
  text: Text;
  /** the draft as the editor has it, split at "\n\n" */
  paragraphs: string[];
  revision: number;
  /** the service no longer holds the draft (CONFLICT): the next keystroke sends all of it */
  sendWhole: boolean;
  conflicts: number;
  sent: Map<number, number>;
  latencies: number[];
  /** scores pushed while measuring */
  scores: number;
  measuring: boolean;
  errors: number;
  stop: () => void;
}

function connect(wsUrl: string, token: string): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
}

/**
 * One keystroke. The first, and any after a CONFLICT, sends the whole draft
 * (scoreDraft); the others only the paragraph typed into (scoreDraftEdit),
 * against the previous revision, as the studio would.
 */
function sendScore(editor: Editor, whole = false): void {
  const revision = ++editor.revision;
  const at = typeInto(editor.paragraphs, revision * 3, revision);
  editor.sent.set(revision, performance.now());
  const onError = (message: string, errors: readonly { message: string; extensions?: Record<string, unknown> }[]) => {
    if (errors.every((e) => e.extensions?.['code'] === 'CONFLICT')) {
      editor.conflicts++;
      editor.sendWhole = true;
      return;
    }
    editor.errors++;
    log(`${message}: ${JSON.stringify(errors).slice(0, 300)}`);
  };
  const sink = {
    next: (result: { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) => {
      if (result.errors?.length) onError('scoreDraft error', result.errors);
    },
    error: (error: unknown) => {
      onError('scoreDraft failed', Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }]);
    },
    complete: () => {},
  };
  if (whole || editor.sendWhole) {
    editor.sendWhole = false;
    const text = editor.text;
    const input = { channel: 'BLOG', title: text.title, body: editor.paragraphs.join('\n\n'), keyphrase: text.keyphrase, slug: text.slug, metaDescription: text.metaDescription, locale: text.lang };
    editor.client.subscribe({ query: SCORE_DRAFT, variables: { id: editor.itemId, input, revision } }, sink);
  } else {
    const edit = { at, remove: 1, insert: [editor.paragraphs[at]!] };
    editor.client.subscribe({ query: SCORE_DRAFT_EDIT, variables: { id: editor.itemId, base: revision - 1, edit, revision } }, sink);
  }
}

async function openEditor(stack: Stack, wsUrl: string, token: string, index: number): Promise<Editor> {
  const text = buildText('en', 2000, index + 1);
  const created = await graphql<{ createDraft: { id: string } }>(stack.gatewayUrl,
    'mutation($input: DraftInput!) { createDraft(input: $input) { id } }',
    { input: { channel: 'BLOG', title: text.title, body: text.markdown, keyphrase: text.keyphrase, slug: `${text.slug}-${index}`, metaDescription: text.metaDescription, locale: 'en' } }, token);
  const itemId = created.data?.createDraft.id;
  if (!itemId) throw new Error(`createDraft failed: ${JSON.stringify(created.errors)}`);
  const client = connect(wsUrl, token);
  const editor: Editor = {
    client, itemId, text, paragraphs: text.markdown.split('\n\n'), revision: 0, sendWhole: false, conflicts: 0,
    sent: new Map(), latencies: [], scores: 0, measuring: false, errors: 0, stop: () => {},
  };
  editor.stop = client.subscribe<{ seoScore: { revision: number } }>({ query: SEO_SCORE, variables: { itemId } }, {
    next: (result) => {
      const revision = result.data?.seoScore.revision;
      if (revision === undefined) {
        editor.errors++;
        return;
      }
      // This score answers every keystroke up to its revision (`sent` is in revision order).
      const now = performance.now();
      if (editor.measuring) editor.scores++;
      for (const [sentRevision, sentAt] of editor.sent) {
        if (sentRevision > revision) break;
        editor.sent.delete(sentRevision);
        if (editor.measuring) editor.latencies.push(now - sentAt);
      }
    },
    error: (error) => {
      editor.errors++;
      log(`seoScore failed: ${String((error as Error).message ?? JSON.stringify(error)).slice(0, 300)}`);
    },
    complete: () => {},
  });
  // graphql-ws has no subscribe acknowledgement: keystrokes until one comes back.
  for (let attempt = 0; ; attempt++) {
    sendScore(editor, true);
    const revision = editor.revision;
    const deadline = performance.now() + 2000;
    while (editor.sent.has(revision) && performance.now() < deadline) await sleep(20);
    if (!editor.sent.has(revision)) break;
    if (attempt >= 10) throw new Error(`editor ${index}: no score pushed after ${attempt + 1} keystrokes`);
  }
  return editor;
}

interface PushResult {
  samples: number[];
  sent: number;
  /** score events received in the window (fewer than keystrokes when latest-wins coalesced some) */
  scores: number;
  unanswered: number;
  errors: number;
  /** edits refused with CONFLICT (the next keystroke sent the whole draft) */
  conflicts: number;
  /** CPU milliseconds per keystroke sent, per process, over the measured window */
  cpuPerKeystroke: { gateway: number; content: number; postgres: number; bench: number } | null;
  /** the machine's load average when the window ended */
  load: number[];
}

async function measurePush(): Promise<PushResult> {
  const work = await mkdtemp(join(tmpdir(), 'ens-bench-scoring-'));
  process.env.LOG_LEVEL ??= 'warn';
  let stack: Stack | null = null;
  const editors: Editor[] = [];
  try {
    log('starting the stack (PostgreSQL, Temporal, subgraphs, gateway)…');
    const ports = await freePorts();
    const profileDir = process.env.BENCH_CPU_PROF;
    stack = await startStack({
      dataDir: work, ports, web: false, nodeEnv: 'production', log: (l) => log(`stack: ${l}`),
      ...(profileDir ? { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } } : {}),
    });
    const pids = { gateway: pidListeningOn(ports.gateway), content: pidListeningOn(ports.content), postgres: pidListeningOn(ports.postgres) };
    const cpu = () => ({ gateway: cpuMs(pids.gateway), content: cpuMs(pids.content), postgres: treeCpuMs(pids.postgres), bench: process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000 });
    const token = await loginAs(stack.gatewayUrl, stack.demo.clientAdminEmail, stack.demo.password);
    const wsUrl = stack.gatewayUrl.replace(/^http/, 'ws');
    for (let i = 0; i < EDITORS; i++) editors.push(await openEditor(stack, wsUrl, token, i));
    log(`${EDITORS} editors connected, each with a draft of ~2,000 words; typing ${KEYS_PER_SECOND}/s for ${WARMUP_SECONDS} s of warm-up, then ${SECONDS} s measured`);

    const interval = 1000 / KEYS_PER_SECOND;
    const timers: NodeJS.Timeout[] = [];
    let sentMeasured = 0;
    editors.forEach((editor, i) => {
      // Staggered: 20 people do not press keys in step.
      const start = setTimeout(() => {
        timers.push(setInterval(() => {
          if (editor.measuring) sentMeasured++;
          sendScore(editor);
        }, interval));
      }, (i * interval) / editors.length);
      timers.push(start);
    });
    await sleep(WARMUP_SECONDS * 1000);
    for (const editor of editors) {
      editor.sent.clear();
      editor.measuring = true;
    }
    const before = cpu();
    await sleep(SECONDS * 1000);
    for (const timer of timers) clearInterval(timer);
    await sleep(1000); // the last pushes
    const after = cpu();
    for (const editor of editors) editor.measuring = false;
    const samples = editors.flatMap((e) => e.latencies);
    const unanswered = editors.reduce((n, e) => n + e.sent.size, 0);
    const per = (k: keyof typeof before) => (after[k] - before[k]) / Math.max(1, sentMeasured);
    return {
      samples, sent: sentMeasured, scores: editors.reduce((n, e) => n + e.scores, 0), unanswered, errors: editors.reduce((n, e) => n + e.errors, 0),
      conflicts: editors.reduce((n, e) => n + e.conflicts, 0),
      cpuPerKeystroke: { gateway: per('gateway'), content: per('content'), postgres: per('postgres'), bench: per('bench') },
      load: loadavg(),
    };
  } finally {
    for (const editor of editors) {
      editor.stop();
      await editor.client.dispose();
    }
    const stopping = performance.now();
    await stack?.stop();
    log(`stack stopped in ${Math.round(performance.now() - stopping)} ms`);
    await rm(work, { recursive: true, force: true });
  }
}

// --- main ----------------------------------------------------------------------------------

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const pad = (s: string, n: number) => s.padStart(n);

log(`analysis: ${SIZES.join(', ')} words × en, fr; yoastseo ${require('yoastseo/package.json').version}; ${ROUNDS} rounds (fewer for 10,000 words)`);
const rows = PARTS.has('analysis') ? measureAnalysis() : [];
const push: PushResult = PARTS.has('push') ? await measurePush() : { samples: [], sent: 0, scores: 0, unanswered: 0, errors: 0, conflicts: 0, cpuPerKeystroke: null, load: [] };

console.log('\n1. Full analysis, same text, same process (medians)');
console.log(`${'text'.padEnd(10)}${pad('words', 7)}${pad('yoastseo ms', 13)}${pad('ours ms', 10)}${pad('speedup', 9)}${pad('keystroke ms', 14)}${pad('re-analysed', 13)}${pad('yoast seo/read', 16)}${pad('our total', 11)}`);
for (const r of rows) {
  console.log(`${`${r.lang} ${r.size}`.padEnd(10)}${pad(String(r.words), 7)}${pad(fmt(r.yoastMs), 13)}${pad(fmt(r.oursMs, 2), 10)}${pad(`×${fmt(r.speedup, 0)}`, 9)}${pad(fmt(r.keystrokeMs, 3), 14)}${pad(`${r.reanalysed}/${r.paragraphs}`, 13)}${pad(r.yoastScores, 16)}${pad(String(r.ourTotal), 11)}`);
}
console.log('   keystroke: live re-score on the incremental scorer after one paragraph changed; re-analysed: paragraphs analysed again / paragraphs in the text.');
console.log(`\n2. Keystroke → score through the gateway over graphql-ws (${EDITORS} editors, ${KEYS_PER_SECOND} keystrokes/s each, ${SECONDS} s, 2,000-word drafts)`);
console.log(`   samples ${push.samples.length} of ${push.sent} sent · unanswered ${push.unanswered} · errors ${push.errors} · edits refused (CONFLICT) ${push.conflicts} · ${push.scores} scores pushed (a keystroke without a score of its own was answered by a newer revision's)`);
console.log(`   p50 ${fmt(percentile(push.samples, 50))} ms · p95 ${fmt(percentile(push.samples, 95))} ms · p99 ${fmt(percentile(push.samples, 99))} ms · max ${fmt(Math.max(...push.samples))} ms`);
if (push.cpuPerKeystroke) {
  const c = push.cpuPerKeystroke;
  console.log(`   CPU per keystroke: gateway ${fmt(c.gateway, 2)} ms · content subgraph ${fmt(c.content, 2)} ms · PostgreSQL ${fmt(c.postgres, 2)} ms · this process (20 clients) ${fmt(c.bench, 2)} ms`);
}
if (push.load.length) console.log(`   machine load when the window ended: ${push.load.map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${cpus().length} cores`);

const speedup = (lang: Lang, size: number) => fmt(rows.find((r) => r.lang === lang && r.size === size)?.speedup ?? Number.NaN, 0);
console.log(`RESULT scoring speedup_vs_yoast_en_2000=${speedup('en', 2000)} speedup_vs_yoast_fr_2000=${speedup('fr', 2000)} speedup_vs_yoast_en_10000=${speedup('en', 10000)} speedup_vs_yoast_fr_10000=${speedup('fr', 10000)} push_p95_ms=${fmt(percentile(push.samples, 95))} editors=${EDITORS}`);
