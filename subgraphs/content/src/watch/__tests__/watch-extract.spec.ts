// C11, pure parts: feeds (RSS 2.0, Atom), page selectors, the price parser
// in French and English writing, diffs and the alerts they deserve.
import { describe, expect, it } from 'vitest';
import { amountToMinor, formatPrice, parsePrice } from '../price-parser.ts';
import { extract, extractFeed, extractPage, validateSelectors } from '../watch-extract.ts';
import { alertsFor, diffCaptures, formatPct, isEmptyDiff, productKey, type AlertContext } from '../watch-diff.ts';
import { fetcherFromEnv, parseTestRoutes } from '../../egress/test-routes.ts';
import { safeFetch } from '@ensemble/ingest/safe-fetch';
import { ATOM, RSS, shopPage } from './watch-fixtures.ts';

describe('price parser', () => {
  it('reads French, English and Moroccan writings to minor units and a currency', () => {
    const cases: Array<[string, number, string | null]> = [
      ['1,20 €', 120, 'EUR'], ['€12.50', 1250, 'EUR'], ['12€50', 1250, 'EUR'], ['1 299,99 €', 129999, 'EUR'],
      ['1\u202f299,00\u00a0€', 129900, 'EUR'], ['1.299,99 €', 129999, 'EUR'], ['$1,299.99', 129999, 'USD'], ['USD 45', 4500, 'USD'],
      ['From $1,299', 129900, 'USD'], ['120 DH', 12000, 'MAD'], ['MAD 1 200,00', 120000, 'MAD'], ['99 Dhs', 9900, 'MAD'],
      ['45 dirhams', 4500, 'MAD'], ['120 د.م.', 12000, 'MAD'], ['Pack de 6 : 12,90 €', 1290, 'EUR'], ['2 x 4,90 €', 490, 'EUR'],
      ['1.234.567,89 €', 123456789, 'EUR'], ['Prix : 3,5 €', 350, 'EUR'], ['19.99', 1999, null],
    ];
    for (const [text, minor, currency] of cases) expect(parsePrice(text), text).toEqual({ minor, currency });
  });

  it('tells thousands from decimals, and refuses what is not a price', () => {
    expect(amountToMinor('1,299')).toBe(129900);
    expect(amountToMinor('1.299')).toBe(129900);
    expect(amountToMinor('12,5')).toBe(1250);
    expect(amountToMinor('0,500')).toBe(50);
    expect(amountToMinor('12.34.5')).toBeNull();
    expect(parsePrice('sur devis')).toBeNull();
    expect(parsePrice('')).toBeNull();
    expect(parsePrice('7', 'MAD')).toEqual({ minor: 700, currency: 'MAD' });
  });

  it('formats for people in both languages', () => {
    expect(formatPrice(129999, 'EUR', 'fr')).toBe('1\u202f299,99 €');
    expect(formatPrice(129999, 'USD', 'en')).toBe('$1,299.99');
    expect(formatPrice(12000, 'MAD', 'en')).toBe('120.00 MAD');
    expect(formatPct(16.7, 'fr')).toBe('+16,7 %');
    expect(formatPct(-5, 'en')).toBe('−5.0%');
  });
});

describe('feeds', () => {
  it('parses RSS 2.0 entries with ids, links and dates', () => {
    const feed = extractFeed(RSS);
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe("Le Fournil d'Oberkampf — Actualités");
    expect(feed.entries).toEqual([
      { id: 'fournil-42', title: 'Nouvelle baguette aux graines', url: 'https://fournil.example/blog/baguette-graines', published_at: '2026-05-05T05:30:00.000Z' },
      // No guid: the link identifies it.
      { id: 'https://fournil.example/blog/1er-mai', title: 'Horaires du 1er mai', url: 'https://fournil.example/blog/1er-mai', published_at: '2026-04-30T16:00:00.000Z' },
    ]);
  });

  it('parses Atom entries', () => {
    const feed = extract('feed', Buffer.from(ATOM), null, 'https://cafe-graine.example/feed.atom', {});
    expect(feed.format).toBe('atom');
    expect(feed.entries).toEqual([{ id: 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a', title: 'Brunch du dimanche : nouvelle carte', url: 'https://cafe-graine.example/brunch-2026', published_at: '2026-05-06T09:00:00.000Z' }]);
  });

  it('hashes entries only: the same entries give the same hash', () => {
    expect(extractFeed(RSS).hash).toBe(extractFeed(RSS.replace('<description>Nouvelles du fournil</description>', '<description>Autre</description>')).hash);
    expect(extractFeed(RSS).hash).not.toBe(extractFeed(RSS.replace('Horaires du 1er mai', 'Horaires du 8 mai')).hash);
  });

  it('refuses what is not a feed, and feeds that declare entities', () => {
    expect(() => extractFeed('<html><body>Not a feed</body></html>')).toThrow(/not an RSS or Atom feed/);
    const bomb = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title></channel></rss>`;
    expect(() => extractFeed(bomb)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', extensions: expect.objectContaining({ reason: 'xml-entities' }) }));
  });
});

describe('page selectors', () => {
  const selectors = { item: '.product', name: '.name', price: '.price', text: '.intro' };

  it('reads products inside each item and the watched text; scripts change nothing', () => {
    const page = extractPage(shopPage([['Baguette tradition', '1,20 €'], ['Pain de campagne', '4,50 €'], ['Fougasse', 'sur demande']]), 'https://shop.example/', selectors);
    expect(page.products).toEqual([
      { name: 'Baguette tradition', price_minor: 120, currency: 'EUR', price_text: '1,20 €' },
      { name: 'Pain de campagne', price_minor: 450, currency: 'EUR', price_text: '4,50 €' },
      { name: 'Fougasse', price_minor: null, currency: null, price_text: 'sur demande' },
    ]);
    expect(page.unreadPrices).toEqual(['sur demande']);
    expect(page.paragraphs).toEqual(['Pain au levain naturel, cuit au feu de bois.']);
    // The page embeds a random token in a script: the extraction, not the bytes, is hashed.
    const again = extractPage(shopPage([['Baguette tradition', '1,20 €'], ['Pain de campagne', '4,50 €'], ['Fougasse', 'sur demande']]), 'https://shop.example/', selectors);
    expect(again.hash).toBe(page.hash);
  });

  it('pairs the n-th name with the n-th price without an item selector, and reads microdata prices', () => {
    const html = `<html><body><h2 class="n">Riad suite</h2><h2 class="n">Chambre double</h2>
      <b class="p" itemprop="price" content="1500.00"></b><b class="p">990 DH</b></body></html>`;
    const page = extractPage(html, 'https://riad.example/', { name: '.n', price: '.p', currency: 'MAD' });
    expect(page.products.map((p) => [p.name, p.price_minor, p.currency])).toEqual([['Riad suite', 150000, 'MAD'], ['Chambre double', 99000, 'MAD']]);
  });

  it('watches the main content without selectors, and no text on a product page without a text selector', () => {
    const html = shopPage([['Baguette', '1,20 €']], 'Ouvert tous les jours dès 7 h.');
    expect(extractPage(html, 'https://shop.example/', {}).paragraphs).toContain('Ouvert tous les jours dès 7 h.');
    expect(extractPage(html, 'https://shop.example/', { name: '.name', price: '.price' }).paragraphs).toEqual([]);
  });

  it('checks selectors at save time and names the field', () => {
    expect(() => validateSelectors({ name: 'h3[', price: '.p' }, 'page')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'selectors.name' }) }));
    expect(() => validateSelectors({ name: '.n' }, 'page')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'selectors.price' }) }));
    expect(() => validateSelectors({}, 'page')).toThrow(/at least a product name and price selector/);
    expect(() => validateSelectors({ text: 'main', currency: 'XYZ' as never }, 'page')).toThrow(/Currency/);
    expect(validateSelectors({ item: ' .product ', name: '.name', price: '.price' }, 'page')).toEqual({ item: '.product', name: '.name', price: '.price' });
    expect(validateSelectors(null, 'feed')).toEqual({});
  });
});

describe('diffs and alerts', () => {
  const before = extractPage(shopPage([['Baguette tradition', '1,20 €'], ['Pain de campagne', '4,50 €'], ['Croissant', '1,10 €']], 'Pain au levain.'), 'https://shop.example/', { item: '.product', name: '.name', price: '.price', text: '.intro' });
  const after = extractPage(shopPage([['Baguette  Tradition', '1,40 €'], ['Pain de campagne', '4,60 €'], ['Pain aux figues', '6,00 €']], 'Pain au levain et à la farine de seigle.'), 'https://shop.example/', { item: '.product', name: '.name', price: '.price', text: '.intro' });
  const ctx: AlertContext = { sourceId: 'source-1', competitorName: 'Le Fournil', priceThresholdPct: 5, watchesText: true, previousParagraphs: 1, day: '2026-05-10', locale: 'fr' };

  it('finds added and removed products (names matched whatever their case and spacing), price changes in percent, and changed paragraphs', () => {
    const diff = diffCaptures(before, after);
    expect(diff.added_products.map((p) => p.name)).toEqual(['Pain aux figues']);
    expect(diff.removed_products.map((p) => p.name)).toEqual(['Croissant']);
    expect(diff.price_changes).toEqual([
      { name: 'Baguette Tradition', old_minor: 120, new_minor: 140, currency: 'EUR', change_pct: 16.7 },
      { name: 'Pain de campagne', old_minor: 450, new_minor: 460, currency: 'EUR', change_pct: 2.2 },
    ]);
    expect(diff.added_paragraphs).toEqual(['Pain au levain et à la farine de seigle.']);
    expect(diff.removed_paragraphs).toEqual(['Pain au levain.']);
    expect(isEmptyDiff(diffCaptures(before, before))).toBe(true);
    expect(productKey('  Crème  BRÛLÉE ')).toBe('creme brulee');
  });

  it('alerts on prices past the threshold, products and big text changes, with stable dedup keys', () => {
    const alerts = alertsFor(diffCaptures(before, after), ctx);
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([
      ['price_changed', 'important'], ['product_added', 'warning'], ['product_removed', 'warning'], ['text_changed', 'info'],
    ]);
    expect(alerts[0]!.summary).toBe('Le Fournil : Baguette Tradition 1,20 € → 1,40 € (+16,7 %)');
    // The 2.2 % change is under the 5 % threshold: in the diff, not in an alert.
    expect(alerts.some((a) => a.summary.includes('campagne'))).toBe(false);
    expect(alertsFor(diffCaptures(before, after), ctx).map((a) => a.dedupKey)).toEqual(alerts.map((a) => a.dedupKey));
    expect(alertsFor(diffCaptures(before, after), { ...ctx, day: '2026-05-11' })[0]!.dedupKey).not.toBe(alerts[0]!.dedupKey);
    // English, and text not watched for itself (product selectors, no text selector): no text alert.
    const en = alertsFor(diffCaptures(before, after), { ...ctx, locale: 'en', watchesText: false });
    expect(en.map((a) => a.kind)).not.toContain('text_changed');
    expect(en[0]!.summary).toBe('Le Fournil: Baguette Tradition €1.20 → €1.40 (+16.7%)');
  });

  it('alerts once per new feed entry, keyed by the entry forever', () => {
    const older = extractFeed(RSS);
    const newer = extractFeed(RSS.replace('<item>', `<item><title>Atelier pain du samedi</title><guid>fournil-43</guid><link>https://fournil.example/blog/atelier</link></item><item>`));
    const diff = diffCaptures(older, newer);
    expect(diff.new_entries.map((e) => e.id)).toEqual(['fournil-43']);
    const [alert] = alertsFor(diff, ctx);
    expect(alert).toMatchObject({ kind: 'new_entry', severity: 'info', summary: 'Le Fournil a publié « Atelier pain du samedi »' });
    expect(alert!.dedupKey).toBe(alertsFor(diff, { ...ctx, day: '2027-01-01' })[0]!.dedupKey);
  });
});

describe('the fetcher', () => {
  it('is the product\'s safeFetch unless test routes are set, which only NODE_ENV=test accepts', () => {
    expect(fetcherFromEnv({ NODE_ENV: 'production' })).toBe(safeFetch);
    expect(() => fetcherFromEnv({ NODE_ENV: 'production', ENSEMBLE_TEST_FETCH_ROUTES: 'shop.watch.test=127.0.0.1:57100' })).toThrow(/only under NODE_ENV=test/);
    expect(() => fetcherFromEnv({ ENSEMBLE_TEST_FETCH_ROUTES: 'shop.watch.test=127.0.0.1:57100' })).toThrow(/only under NODE_ENV=test/);
    expect(fetcherFromEnv({ NODE_ENV: 'test', ENSEMBLE_TEST_FETCH_ROUTES: 'shop.watch.test=127.0.0.1:57100' })).not.toBe(safeFetch);
  });

  it('accepts only .test names routed to loopback', () => {
    expect(parseTestRoutes('shop.watch.test=127.0.0.1:57100, feed.test=127.0.0.1:80')).toEqual([{ host: 'shop.watch.test', port: 57100 }, { host: 'feed.test', port: 80 }]);
    for (const bad of ['shop.example.com=127.0.0.1:80', 'shop.test=10.0.0.1:80', 'shop.test=127.0.0.1:0', 'shop.test=127.0.0.1', 'test=127.0.0.1:80']) {
      expect(() => parseTestRoutes(bad), bad).toThrow(/is not/);
    }
  });
});
