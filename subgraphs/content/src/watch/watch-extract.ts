// C11: what a capture keeps of a fetched source. Pure: bytes in, entries,
// products and paragraphs out, and the content hash that decides whether
// anything changed.
//
// Feeds are parsed from the string the SSRF-safe fetcher returned, with
// @rowanmanning/feed-parser (MIT; RSS 0.9x/1.0/2.0 and Atom), so the fetcher
// stays the only network path. Pages are parsed with linkedom and read with
// the source's CSS selectors (querySelectorAll): an item selector scopes the
// name and price of each product; without one, the n-th name pairs with the
// n-th price. The text is the selector's elements cut into paragraphs; without
// a text selector, the page's main content (as onboarding reads it) when the
// page has no product selectors, else none.
import { createHash } from 'node:crypto';
import { parseHTML } from 'linkedom';
import { parseFeed } from '@rowanmanning/feed-parser';
import { decodeHtml, readPage } from '@ensemble/ingest/crawl';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { parsePrice, type Currency } from './price-parser.ts';

export const SELECTOR_FIELDS = ['item', 'name', 'price', 'text'] as const;
export type SelectorField = (typeof SELECTOR_FIELDS)[number];
export const CURRENCIES: readonly Currency[] = ['EUR', 'USD', 'MAD', 'GBP'];

export interface PageSelectors {
  item?: string | null;
  name?: string | null;
  price?: string | null;
  text?: string | null;
  /** currency of prices written without one */
  currency?: Currency | null;
}

export interface FeedEntry {
  id: string;
  title: string;
  url: string | null;
  published_at: string | null;
}

export interface Product {
  name: string;
  price_minor: number | null;
  currency: string | null;
  /** the price as the page wrote it */
  price_text: string;
}

export interface Extraction {
  /** rss or atom for feeds */
  format: 'rss' | 'atom' | 'page';
  title: string | null;
  entries: FeedEntry[];
  products: Product[];
  paragraphs: string[];
  /** prices the parser could not read (shown by the selector preview) */
  unreadPrices: string[];
  hash: string;
}

const MAX_SELECTOR = 300;
export const MAX_PRODUCTS = 500;
export const MAX_ENTRIES = 200;
const MAX_PARAGRAPHS = 400;
const MAX_PARAGRAPH = 2_000;

function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

/** Checks selectors once, at save time: a selector the engine refuses is BAD_USER_INPUT naming it. */
export function validateSelectors(raw: PageSelectors | null | undefined, kind: 'feed' | 'page'): PageSelectors {
  const out: PageSelectors = {};
  if (!raw) {
    if (kind === 'page') throw badInput('A page source needs at least a product name and price selector, or a text selector', 'selectors');
    return out;
  }
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  for (const field of SELECTOR_FIELDS) {
    const value = raw[field]?.trim();
    if (!value) continue;
    if (value.length > MAX_SELECTOR) throw badInput(`The ${field} selector must be at most ${MAX_SELECTOR} characters`, `selectors.${field}`);
    try {
      document.querySelectorAll(value);
    } catch {
      throw badInput(`"${value}" is not a CSS selector`, `selectors.${field}`);
    }
    out[field] = value;
  }
  if (raw.currency) {
    if (!CURRENCIES.includes(raw.currency)) throw badInput(`Currency must be one of ${CURRENCIES.join(', ')}`, 'selectors.currency');
    out.currency = raw.currency;
  }
  if (kind === 'page') {
    if (Boolean(out.name) !== Boolean(out.price)) throw badInput('Product selectors come in pairs: a name and a price', out.name ? 'selectors.price' : 'selectors.name');
    if (out.item && !out.name) throw badInput('An item selector needs name and price selectors inside it', 'selectors.name');
    if (!out.name && !out.text) throw badInput('A page source needs at least a product name and price selector, or a text selector', 'selectors');
  }
  return out;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Block-level text of elements, one paragraph per block (scripts and styles left out). */
const BLOCKS = new Set(['ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'TABLE', 'TD', 'TH', 'TR', 'UL']);
const NOT_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'IFRAME', 'OBJECT', 'CANVAS', 'HEAD']);

function paragraphsOf(roots: readonly Node[]): string[] {
  const out: string[] = [];
  let line = '';
  const flush = () => {
    const text = squash(line);
    if (text) out.push(text.slice(0, MAX_PARAGRAPH));
    line = '';
  };
  const walk = (node: Node): void => {
    if (node.nodeType === 3) {
      line += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = (node as Element).tagName.toUpperCase();
    if (NOT_TEXT.has(tag)) return;
    const block = BLOCKS.has(tag);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) walk(child);
    if (block) flush();
  };
  for (const root of roots) {
    walk(root);
    flush();
  }
  return out;
}

function uniqueParagraphs(paragraphs: readonly string[]): string[] {
  // The same block nested twice (a selector matching parent and child) counts once in a row.
  const out: string[] = [];
  for (const p of paragraphs) if (out.at(-1) !== p) out.push(p);
  return out.slice(0, MAX_PARAGRAPHS);
}

function product(name: string, priceText: string, currency: Currency | null, unread: string[]): Product | null {
  if (!name) return null;
  const price = parsePrice(priceText, currency);
  if (!price && priceText) unread.push(priceText.slice(0, 100));
  return { name: name.slice(0, 300), price_minor: price?.minor ?? null, currency: price?.currency ?? null, price_text: priceText.slice(0, 100) };
}

function priceTextOf(el: Element | null | undefined): string {
  if (!el) return '';
  // schema.org microdata writes the machine price in content="…" beside the shown one.
  return squash(el.textContent) || squash(el.getAttribute('content'));
}

export function extractPage(html: string, url: string, selectors: PageSelectors): Extraction {
  const { document } = parseHTML(html);
  const doc = document as unknown as Document;
  const unread: string[] = [];
  const products: Product[] = [];
  const currency = selectors.currency ?? null;
  if (selectors.name && selectors.price) {
    if (selectors.item) {
      for (const item of Array.from(doc.querySelectorAll(selectors.item)).slice(0, MAX_PRODUCTS)) {
        const p = product(squash(item.querySelector(selectors.name)?.textContent), priceTextOf(item.querySelector(selectors.price)), currency, unread);
        if (p) products.push(p);
      }
    } else {
      const names = Array.from(doc.querySelectorAll(selectors.name)).slice(0, MAX_PRODUCTS);
      const prices = Array.from(doc.querySelectorAll(selectors.price)).slice(0, MAX_PRODUCTS);
      names.forEach((n, i) => {
        const p = product(squash(n.textContent), priceTextOf(prices[i]), currency, unread);
        if (p) products.push(p);
      });
    }
  }
  // Text is watched when a selector names it, or when the page has no product selectors
  // (its main content then); a product page's own text would only repeat its price changes.
  const paragraphs = selectors.text
    ? uniqueParagraphs(paragraphsOf(Array.from(doc.querySelectorAll(selectors.text)) as unknown as Node[]))
    : selectors.name ? [] : uniqueParagraphs(readPage(html, url).text.split(/\n+/).map(squash).filter(Boolean));
  const title = squash(doc.querySelector('title')?.textContent) || null;
  return { format: 'page', title, entries: [], products, paragraphs, unreadPrices: unread.slice(0, 20), hash: hashOf({ products, paragraphs }) };
}

/** Feeds declaring their own entities are refused: entity expansion is a denial-of-service vector, and no real feed needs it. */
function refuseEntityDeclarations(xml: string): void {
  if (/<!ENTITY/i.test(xml.slice(0, 64 * 1024))) {
    throw new AppError('BAD_USER_INPUT', 'The feed declares XML entities; such feeds are refused.', { reason: 'xml-entities' });
  }
}

export function extractFeed(xml: string): Extraction {
  refuseEntityDeclarations(xml);
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    throw new AppError('BAD_USER_INPUT', `This is not an RSS or Atom feed (${(error as Error).message}).`, { reason: 'not-a-feed' });
  }
  const format = feed.meta.type === 'atom' ? 'atom' : 'rss';
  const entries: FeedEntry[] = [];
  const seen = new Set<string>();
  for (const item of feed.items.slice(0, MAX_ENTRIES)) {
    const title = squash(item.title) || squash(item.description).slice(0, 140) || '(untitled)';
    const url = item.url ?? null;
    const published = item.published ?? item.updated ?? null;
    // An entry without id or link is known by its title and date.
    const id = (item.id ?? url ?? `${title}|${published?.toISOString() ?? ''}`).slice(0, 500);
    if (seen.has(id)) continue;
    seen.add(id);
    entries.push({ id, title: title.slice(0, 500), url, published_at: published && !Number.isNaN(published.getTime()) ? published.toISOString() : null });
  }
  return { format, title: squash(feed.title) || null, entries, products: [], paragraphs: [], unreadPrices: [], hash: hashOf({ entries }) };
}

/** Bytes of a fetched source → its extraction. */
export function extract(kind: 'feed' | 'page', body: Buffer, charset: string | null, url: string, selectors: PageSelectors): Extraction {
  if (kind === 'feed') {
    // XML declares its own encoding; the HTTP charset, when given, wins (as browsers do).
    const declared = charset ?? /<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(body.subarray(0, 200).toString('latin1'))?.[1] ?? null;
    return extractFeed(decodeHtml(body, declared ?? 'utf-8'));
  }
  return extractPage(decodeHtml(body, charset), url, selectors);
}
