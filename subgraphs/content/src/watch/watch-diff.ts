// C11: what changed between two consecutive captures of a source, and which
// of those changes are worth an alert. Pure functions.
//
// - text: paragraphs added and removed (as multisets: a paragraph repeated
//   twice and now once is one removal), in page order;
// - products: matched by name (case, accents and spacing ignored; a name
//   listed twice is matched by occurrence), added, removed, and price changes
//   old → new with the change in percent when both prices share a currency;
// - feed entries: entries whose id the previous capture did not have.
//
// Alerts: every new feed entry, every product added or removed, a price
// change of at least the source's threshold, and a text change touching at
// least max(2, 20 %) of the paragraphs (only where the text is watched for
// itself: a text selector, or no product selectors). Each carries a dedup
// key: a feed entry once ever; other changes once a day per source.
import { createHash } from 'node:crypto';
import type { FeedEntry, Product } from './watch-extract.ts';
import { formatPrice } from './price-parser.ts';

export interface PriceChange {
  name: string;
  old_minor: number;
  new_minor: number;
  currency: string | null;
  /** (new − old) ÷ old × 100, one decimal; null across currencies */
  change_pct: number | null;
}

export interface CaptureDiff {
  added_paragraphs: string[];
  removed_paragraphs: string[];
  added_products: Product[];
  removed_products: Product[];
  price_changes: PriceChange[];
  new_entries: FeedEntry[];
  removed_entries: number;
}

export type AlertKind = 'new_entry' | 'text_changed' | 'price_changed' | 'product_added' | 'product_removed' | 'fetch_failed';
export type AlertSeverity = 'info' | 'warning' | 'important';

export interface AlertDraft {
  kind: AlertKind;
  severity: AlertSeverity;
  summary: string;
  details: Record<string, unknown>;
  dedupKey: string;
}

const LIST_CAP = 50;
/** Alerts of one kind per capture beyond which the rest stay in the diff only. */
export const ALERTS_PER_KIND = 10;

export function productKey(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

function keyed<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const counts = new Map<string, number>();
  const out = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    out.set(n === 1 ? k : `${k}#${n}`, item);
  }
  return out;
}

function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

export interface CaptureContent {
  paragraphs: readonly string[];
  products: readonly Product[];
  entries: readonly FeedEntry[];
}

export function diffCaptures(previous: CaptureContent, next: CaptureContent): CaptureDiff {
  const before = keyed(previous.products, (p) => productKey(p.name));
  const after = keyed(next.products, (p) => productKey(p.name));
  const added: Product[] = [];
  const removed: Product[] = [];
  const changes: PriceChange[] = [];
  for (const [key, product] of after) {
    const old = before.get(key);
    if (!old) {
      added.push(product);
      continue;
    }
    if (old.price_minor !== null && product.price_minor !== null && old.price_minor !== product.price_minor) {
      const sameCurrency = (old.currency ?? product.currency) === (product.currency ?? old.currency);
      changes.push({
        name: product.name,
        old_minor: old.price_minor,
        new_minor: product.price_minor,
        currency: product.currency ?? old.currency,
        change_pct: sameCurrency && old.price_minor > 0 ? Math.round(((product.price_minor - old.price_minor) / old.price_minor) * 1000) / 10 : null,
      });
    }
  }
  for (const [key, product] of before) if (!after.has(key)) removed.push(product);
  const known = new Set(previous.entries.map((e) => e.id));
  const current = new Set(next.entries.map((e) => e.id));
  return {
    added_paragraphs: multisetMinus(next.paragraphs, previous.paragraphs).slice(0, LIST_CAP),
    removed_paragraphs: multisetMinus(previous.paragraphs, next.paragraphs).slice(0, LIST_CAP),
    added_products: added.slice(0, LIST_CAP * 4),
    removed_products: removed.slice(0, LIST_CAP * 4),
    price_changes: changes,
    new_entries: next.entries.filter((e) => !known.has(e.id)),
    removed_entries: previous.entries.filter((e) => !current.has(e.id)).length,
  };
}

export function isEmptyDiff(diff: CaptureDiff): boolean {
  return diff.added_paragraphs.length + diff.removed_paragraphs.length + diff.added_products.length + diff.removed_products.length
    + diff.price_changes.length + diff.new_entries.length + diff.removed_entries === 0;
}

const shortHash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 24);

export interface AlertContext {
  sourceId: string;
  competitorName: string;
  /** the source's threshold, in percent */
  priceThresholdPct: number;
  /** does the source watch its text for itself (a text selector, or no product selectors)? */
  watchesText: boolean;
  /** paragraphs of the previous capture */
  previousParagraphs: number;
  /** the UTC day of the capture, YYYY-MM-DD: other changes dedup per day */
  day: string;
  locale: string;
}

const WORDS = {
  en: {
    entry: (c: string, t: string) => `${c} published "${t}"`,
    price: (c: string, n: string, o: string, x: string, pct: string) => `${c}: ${n} ${o} → ${x}${pct}`,
    added: (c: string, n: string, p: string) => `${c} added ${n}${p}`,
    removed: (c: string, n: string) => `${c} removed ${n}`,
    text: (c: string, a: number, r: number) => `${c} changed its page: ${a} paragraph(s) added, ${r} removed`,
  },
  fr: {
    entry: (c: string, t: string) => `${c} a publié « ${t} »`,
    price: (c: string, n: string, o: string, x: string, pct: string) => `${c} : ${n} ${o} → ${x}${pct}`,
    added: (c: string, n: string, p: string) => `${c} a ajouté ${n}${p}`,
    removed: (c: string, n: string) => `${c} a retiré ${n}`,
    text: (c: string, a: number, r: number) => `${c} a modifié sa page : ${a} paragraphe(s) ajouté(s), ${r} retiré(s)`,
  },
};

export function formatPct(pct: number, locale: string): string {
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '';
  const value = Math.abs(pct).toFixed(1);
  return locale.startsWith('fr') ? `${sign}${value.replace('.', ',')} %` : `${sign}${value}%`;
}

export function alertsFor(diff: CaptureDiff, ctx: AlertContext): AlertDraft[] {
  const words = ctx.locale.startsWith('fr') ? WORDS.fr : WORDS.en;
  const c = ctx.competitorName;
  const price = (minor: number | null, currency: string | null) => (minor === null ? '' : formatPrice(minor, currency, ctx.locale));
  const alerts: AlertDraft[] = [];
  for (const entry of diff.new_entries.slice(0, ALERTS_PER_KIND)) {
    alerts.push({
      kind: 'new_entry', severity: 'info', summary: words.entry(c, entry.title).slice(0, 500),
      details: { entry }, dedupKey: `new_entry:${ctx.sourceId}:${shortHash(entry.id)}`,
    });
  }
  for (const change of diff.price_changes) {
    if (change.change_pct === null || Math.abs(change.change_pct) < ctx.priceThresholdPct) continue;
    const big = Math.abs(change.change_pct) >= Math.max(10, ctx.priceThresholdPct * 2);
    alerts.push({
      kind: 'price_changed', severity: big ? 'important' : 'warning',
      summary: words.price(c, change.name, price(change.old_minor, change.currency), price(change.new_minor, change.currency), ` (${formatPct(change.change_pct, ctx.locale)})`).slice(0, 500),
      details: { change },
      dedupKey: `price_changed:${ctx.sourceId}:${shortHash(productKey(change.name))}:${change.old_minor}:${change.new_minor}:${ctx.day}`,
    });
  }
  for (const product of diff.added_products.slice(0, ALERTS_PER_KIND)) {
    const shown = product.price_minor === null ? '' : ` (${price(product.price_minor, product.currency)})`;
    alerts.push({
      kind: 'product_added', severity: 'warning', summary: words.added(c, product.name, shown).slice(0, 500),
      details: { product }, dedupKey: `product_added:${ctx.sourceId}:${shortHash(productKey(product.name))}:${ctx.day}`,
    });
  }
  for (const product of diff.removed_products.slice(0, ALERTS_PER_KIND)) {
    alerts.push({
      kind: 'product_removed', severity: 'warning', summary: words.removed(c, product.name).slice(0, 500),
      details: { product }, dedupKey: `product_removed:${ctx.sourceId}:${shortHash(productKey(product.name))}:${ctx.day}`,
    });
  }
  const touched = diff.added_paragraphs.length + diff.removed_paragraphs.length;
  if (ctx.watchesText && touched > 0 && touched >= Math.max(2, Math.ceil(ctx.previousParagraphs * 0.2))) {
    alerts.push({
      kind: 'text_changed', severity: 'info', summary: words.text(c, diff.added_paragraphs.length, diff.removed_paragraphs.length),
      details: { added: diff.added_paragraphs.slice(0, 5), removed: diff.removed_paragraphs.slice(0, 5) },
      dedupKey: `text_changed:${ctx.sourceId}:${shortHash(JSON.stringify([diff.added_paragraphs, diff.removed_paragraphs]))}:${ctx.day}`,
    });
  }
  return alerts;
}
