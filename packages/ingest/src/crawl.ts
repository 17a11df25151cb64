// Reading a business's own website for onboarding: readable text per page and
// a small, polite, same-site crawl (robots.txt honoured, duplicates dropped,
// HTML only). Every request goes through the SSRF-safe fetcher.
import { createHash } from 'node:crypto';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import robotsParserModule from 'robots-parser';
import { getDomain } from 'tldts';
import { parsePublicUrl, safeFetch, SafeFetchError, type SafeFetch, type SafeFetchResponse } from './safe-fetch.ts';

interface RobotsTxt {
  isAllowed(url: string, ua?: string): boolean | undefined;
}
// robots-parser is CommonJS (module.exports = fn); its typings declare an ES default.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => RobotsTxt;

export const CRAWLER_USER_AGENT = 'EnsembleBot';
const FETCH_USER_AGENT = `${CRAWLER_USER_AGENT}/1.0 (+https://ensemble.app/bot)`;

export interface ReadablePage {
  title: string;
  /** Main content as plain text, one block per paragraph (blank line between). */
  text: string;
  /** h1–h3 texts in document order. */
  headings: string[];
  /** Absolute http(s) links, without fragments, de-duplicated, in document order. */
  links: string[];
  /** <html lang> (or Content-Language meta), as written; null when absent. */
  lang: string | null;
  description: string | null;
  /** Absolute canonical URL when the page declares one. */
  canonical: string | null;
  /** <meta name="robots"> directives. */
  robots: { noindex: boolean; nofollow: boolean };
}

// Blocks that end a line when flattening HTML to text.
const BLOCKS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TD',
  'TH', 'TR', 'UL',
]);
const NOT_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'CANVAS', 'HEAD']);

function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

/** Flattens an element to text, one line per block. */
function blockText(root: Node): string {
  const out: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === 3) {
      out.push(node.textContent ?? '');
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = (node as Element).tagName.toUpperCase();
    if (NOT_TEXT.has(tag)) return;
    const block = BLOCKS.has(tag);
    if (block) out.push('\n');
    if (tag === 'LI') out.push('- ');
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) out.push(tag === 'P' || /^H\d$/.test(tag) ? '\n\n' : '\n');
  };
  walk(root);
  return out
    .join('')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function absoluteHttp(href: string | null, base: string): string | null {
  if (!href) return null;
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Readable content of one HTML page: Readability's article when it finds one
 * (falls back to the whole body for short pages such as a home page), plus
 * the page's headings, links and language.
 */
export function readPage(html: string, url: string): ReadablePage {
  const { document } = parseHTML(html);
  const doc = document as unknown as Document;
  const baseHref = doc.querySelector('base[href]')?.getAttribute('href');
  const base = absoluteHttp(baseHref ?? null, url) ?? url;

  const meta = (name: string): string | null => {
    for (const el of Array.from(doc.querySelectorAll('meta'))) {
      const key = (el.getAttribute('name') ?? el.getAttribute('property') ?? el.getAttribute('http-equiv') ?? '').toLowerCase();
      if (key === name) return squash(el.getAttribute('content')) || null;
    }
    return null;
  };
  const lang = squash(doc.documentElement?.getAttribute('lang')) || meta('content-language');
  const robotsMeta = `${meta('robots') ?? ''},${meta(CRAWLER_USER_AGENT.toLowerCase()) ?? ''}`.toLowerCase();
  const robots = {
    noindex: /\b(noindex|none)\b/.test(robotsMeta),
    nofollow: /\b(nofollow|none)\b/.test(robotsMeta),
  };
  const canonical = absoluteHttp(doc.querySelector('link[rel~="canonical"][href]')?.getAttribute('href') ?? null, base);
  const description = meta('description') ?? meta('og:description');

  const headings = Array.from(doc.querySelectorAll('h1, h2, h3'))
    .map((h) => squash(h.textContent))
    .filter((h) => h.length > 0);
  const links: string[] = [];
  const seen = new Set<string>();
  for (const a of Array.from(doc.querySelectorAll('a[href], area[href]'))) {
    const link = absoluteHttp(a.getAttribute('href'), base);
    if (link && !seen.has(link)) {
      seen.add(link);
      links.push(link);
    }
  }
  const pageTitle = squash(doc.querySelector('title')?.textContent) || meta('og:title') || headings[0] || '';
  const bodyText = doc.body ? blockText(doc.body) : '';

  // Readability rewrites the document it reads, so it runs last.
  let articleText = '';
  let articleTitle = '';
  try {
    const article = new Readability(doc, { charThreshold: 300 }).parse();
    if (article?.content) {
      articleText = blockText(parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body as unknown as Node);
      articleTitle = squash(article.title);
    }
  } catch {
    // Readability gives up on some odd documents; the body text stands in.
  }
  // A short article (home pages, contact pages) loses what matters: keep the body.
  const text = articleText.length >= 200 || articleText.length >= bodyText.length * 0.5 ? articleText : bodyText;
  return {
    title: articleTitle || pageTitle,
    text,
    headings,
    links,
    lang: lang || null,
    description,
    canonical,
    robots,
  };
}

/** Decodes an HTML body: Content-Type charset, then BOM, then <meta charset>, then UTF-8. */
export function decodeHtml(body: Buffer, charset: string | null): string {
  let label = charset;
  if (!label) {
    if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) label = 'utf-8';
    else if (body[0] === 0xff && body[1] === 0xfe) label = 'utf-16le';
    else if (body[0] === 0xfe && body[1] === 0xff) label = 'utf-16be';
    else {
      const head = body.subarray(0, 2048).toString('latin1');
      label = /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head)?.[1] ?? 'utf-8';
    }
  }
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

export type SkipReason =
  | 'robots'
  | 'noindex'
  | 'off-site'
  | 'not-html'
  | 'duplicate'
  | 'http-error'
  | 'fetch-failed'
  | 'max-pages'
  | 'max-depth'
  | 'time-budget';

export interface CrawledPage {
  url: string;
  title: string;
  text: string;
  headings: string[];
  lang: string | null;
  description: string | null;
  depth: number;
}

export interface SkippedUrl {
  url: string;
  reason: SkipReason;
  /** A sentence for logs and the wizard. */
  detail: string;
}

export interface CrawlProgress {
  pagesRead: number;
  skipped: number;
  queued: number;
  /** The URL just handled. */
  url: string;
}

export interface CrawlOptions {
  maxPages?: number;
  maxDepth?: number;
  maxBytesPerPage?: number;
  /** Wall-clock budget for the whole crawl; what is left is reported as skipped. */
  timeBudgetMs?: number;
  fetch?: SafeFetch;
  onProgress?: (progress: CrawlProgress) => void;
  /** Cancels the crawl (e.g. a cancelled activity); the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface CrawlResult {
  /** The start URL after normalisation (and after a redirect to the site's real address). */
  startUrl: string;
  pages: CrawledPage[];
  skipped: SkippedUrl[];
}

const MAX_SKIPPED = 500;
const ROBOTS_MAX_BYTES = 512 * 1024;
const TRACKING_PARAM = /^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|igshid)$/i;
const NON_HTML_PATH = /\.(pdf|jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|zip|gz|tgz|rar|7z|mp3|wav|ogg|m4a|mp4|mov|avi|webm|mkv|docx?|xlsx?|pptx?|odt|ods|csv|css|js|mjs|json|xml|rss|atom|woff2?|ttf|otf|eot|exe|dmg|apk)$/i;

/** Crawl identity of a URL: no fragment, no tracking parameters. */
export function normaliseCrawlUrl(input: string): string {
  const url = new URL(input);
  url.hash = '';
  for (const key of Array.from(url.searchParams.keys())) if (TRACKING_PARAM.test(key)) url.searchParams.delete(key);
  if (url.search === '?') url.search = '';
  return url.href;
}

/** The registrable domain (example.co.uk for shop.example.co.uk); the host itself for IPs. */
export function siteOf(url: string): string {
  const { hostname } = new URL(url);
  return getDomain(hostname, { allowPrivateDomains: false }) ?? hostname;
}

type RobotsRules = { allowed: (url: string) => boolean; detail: string; error?: SafeFetchError; servedBy?: string };

// When robots.txt fails this way, the page itself cannot be fetched either.
const HOST_FAILURES = new Set(['forbidden-destination', 'dns', 'unreachable', 'tls', 'timeout']);

async function loadRobots(origin: string, fetch: SafeFetch, timeoutMs: number, signal: AbortSignal): Promise<RobotsRules> {
  const robotsUrl = `${origin}/robots.txt`;
  let res: SafeFetchResponse;
  try {
    res = await fetch(robotsUrl, { maxBytes: ROBOTS_MAX_BYTES, timeoutMs, accept: 'text/plain', userAgent: FETCH_USER_AGENT, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    // RFC 9309 §2.3.1.4: an unreachable robots.txt means "assume complete disallow".
    const why = error instanceof SafeFetchError ? error.message : String(error);
    return {
      allowed: () => false,
      detail: `robots.txt could not be read (${why}), so the site is not crawled`,
      ...(error instanceof SafeFetchError ? { error } : {}),
    };
  }
  if (res.status >= 500 || res.status === 429) {
    return { allowed: () => false, detail: `robots.txt answered HTTP ${res.status}, so the site is not crawled` };
  }
  if (res.status >= 400) return { allowed: () => true, detail: '' };
  const robots = robotsParser(res.url, res.body.toString('utf8'));
  // robots.txt may redirect to another origin; its rules then apply to this origin's paths.
  const rulesOrigin = new URL(res.url).origin;
  return {
    allowed: (url) => {
      const target = new URL(url);
      return robots.isAllowed(`${rulesOrigin}${target.pathname}${target.search}`, CRAWLER_USER_AGENT) !== false;
    },
    detail: 'robots.txt disallows it for EnsembleBot',
    servedBy: rulesOrigin,
  };
}

function checkCrawlOptions(options: CrawlOptions) {
  const maxPages = options.maxPages ?? 20;
  const maxDepth = options.maxDepth ?? 2;
  const maxBytesPerPage = options.maxBytesPerPage ?? 2 * 1024 * 1024;
  const timeBudgetMs = options.timeBudgetMs ?? 60_000;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > 500) throw new RangeError('maxPages must be an integer in 1..500');
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 10) throw new RangeError('maxDepth must be an integer in 0..10');
  if (!Number.isInteger(maxBytesPerPage) || maxBytesPerPage < 1024) throw new RangeError('maxBytesPerPage must be an integer ≥ 1024');
  if (!Number.isFinite(timeBudgetMs) || timeBudgetMs < 100) throw new RangeError('timeBudgetMs must be ≥ 100');
  return { maxPages, maxDepth, maxBytesPerPage, timeBudgetMs };
}

/**
 * Breadth-first crawl of the site `startUrl` belongs to (same registrable
 * domain, so www. and shop. subdomains count), one request at a time. A start
 * URL that cannot be fetched at all (invalid, forbidden, unreachable) throws
 * its SafeFetchError; later failures are reported in `skipped`.
 */
export async function crawlSite(startUrl: string, options: CrawlOptions = {}): Promise<CrawlResult> {
  const { maxPages, maxDepth, maxBytesPerPage, timeBudgetMs } = checkCrawlOptions(options);
  const fetch = options.fetch ?? safeFetch;
  const start = normaliseCrawlUrl(parsePublicUrl(startUrl).href);
  const budget = AbortSignal.timeout(timeBudgetMs);
  const signal = options.signal ? AbortSignal.any([budget, options.signal]) : budget;
  const deadline = Date.now() + timeBudgetMs;

  let site = siteOf(start);
  let resultStart = start;
  const pages: CrawledPage[] = [];
  const skipped: SkippedUrl[] = [];
  const queue: Array<{ url: string; depth: number }> = [{ url: start, depth: 0 }];
  const seen = new Set<string>([start]);
  const pageKeys = new Set<string>();
  const textHashes = new Set<string>();
  const robotsByOrigin = new Map<string, RobotsRules>();

  const skip = (url: string, reason: SkipReason, detail: string) => {
    if (skipped.length < MAX_SKIPPED) skipped.push({ url, reason, detail });
  };
  const progress = (url: string) =>
    options.onProgress?.({ pagesRead: pages.length, skipped: skipped.length, queued: queue.length, url });
  const cancelled = () => options.signal?.aborted === true;

  while (queue.length > 0) {
    if (cancelled()) throw options.signal!.reason;
    if (pages.length >= maxPages) {
      for (const rest of queue.splice(0)) skip(rest.url, 'max-pages', `The crawl stops after ${maxPages} pages.`);
      break;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0 || budget.aborted) {
      for (const rest of queue.splice(0)) skip(rest.url, 'time-budget', 'The crawl ran out of time before this page.');
      break;
    }
    const { url, depth } = queue.shift()!;
    const isStart = depth === 0 && pages.length === 0;
    const timeoutMs = Math.max(1, Math.min(15_000, remaining));

    const origin = new URL(url).origin;
    let robots = robotsByOrigin.get(origin);
    if (!robots) {
      try {
        robots = await loadRobots(origin, fetch, timeoutMs, signal);
      } catch (error) {
        if (cancelled()) throw options.signal!.reason;
        if (budget.aborted) {
          queue.unshift({ url, depth });
          continue;
        }
        throw error;
      }
      robotsByOrigin.set(origin, robots);
      // bakery.example/robots.txt → www.bakery.example/robots.txt: that file serves both origins.
      if (robots.servedBy && !robotsByOrigin.has(robots.servedBy)) robotsByOrigin.set(robots.servedBy, robots);
    }
    // The owner's own address is unreachable or refused: say so rather than return nothing.
    if (isStart && robots.error && HOST_FAILURES.has(robots.error.reason)) throw robots.error;
    if (!robots.allowed(url)) {
      skip(url, 'robots', robots.detail);
      progress(url);
      continue;
    }

    let res: SafeFetchResponse;
    try {
      res = await fetch(url, { maxBytes: maxBytesPerPage, timeoutMs, userAgent: FETCH_USER_AGENT, signal });
    } catch (error) {
      if (cancelled()) throw options.signal!.reason;
      if (budget.aborted) {
        skip(url, 'time-budget', 'The crawl ran out of time while reading this page.');
        continue;
      }
      if (isStart && error instanceof SafeFetchError) throw error;
      skip(url, 'fetch-failed', error instanceof SafeFetchError ? error.message : String(error));
      progress(url);
      continue;
    }

    const finalUrl = normaliseCrawlUrl(res.url);
    if (isStart && res.status < 400) {
      // example.com → www.example.org: the site is where the owner's address leads.
      site = siteOf(finalUrl);
      resultStart = finalUrl;
    }
    if (res.status >= 400) {
      skip(url, 'http-error', `${url} answered HTTP ${res.status}.`);
    } else if (siteOf(finalUrl) !== site) {
      skip(url, 'off-site', `${url} redirects off the site, to ${finalUrl}.`);
    } else if (res.contentType !== 'text/html' && res.contentType !== 'application/xhtml+xml') {
      skip(url, 'not-html', `${url} is ${res.contentType ?? 'of an unknown type'}, not an HTML page.`);
    } else {
      seen.add(finalUrl);
      const page = readPage(decodeHtml(res.body, res.charset), finalUrl);
      const xRobots = (res.headers['x-robots-tag'] ?? '').toLowerCase();
      const noindex = page.robots.noindex || /\b(noindex|none)\b/.test(xRobots);
      const nofollow = page.robots.nofollow || /\b(nofollow|none)\b/.test(xRobots);
      const canonical = page.canonical && siteOf(page.canonical) === site ? normaliseCrawlUrl(page.canonical) : null;
      const keys = [finalUrl, ...(canonical ? [canonical] : [])];
      const hash = createHash('sha256').update(page.text).digest('hex');
      if (noindex) {
        skip(url, 'noindex', `${url} asks not to be indexed.`);
      } else if (keys.some((k) => pageKeys.has(k)) || (page.text.length > 0 && textHashes.has(hash))) {
        skip(url, 'duplicate', `${url} is the same page as one already read${canonical ? ` (canonical ${canonical})` : ''}.`);
      } else {
        for (const k of keys) pageKeys.add(k);
        if (page.text.length > 0) textHashes.add(hash);
        pages.push({ url: finalUrl, title: page.title, text: page.text, headings: page.headings, lang: page.lang, description: page.description, depth });
      }
      if (!nofollow) {
        for (const link of page.links) {
          const next = normaliseCrawlUrl(link);
          if (seen.has(next)) continue;
          seen.add(next);
          if (siteOf(next) !== site) skip(next, 'off-site', `${next} is on another site.`);
          else if (NON_HTML_PATH.test(new URL(next).pathname)) skip(next, 'not-html', `${next} is not an HTML page.`);
          else if (depth + 1 > maxDepth) skip(next, 'max-depth', `${next} is more than ${maxDepth} links away from the start page.`);
          else queue.push({ url: next, depth: depth + 1 });
        }
      }
    }
    progress(url);
  }
  return { startUrl: resultStart, pages, skipped };
}
