import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, tagLinks, tagUrl, utmTagsFor, type UtmTags } from '../utm-tagger.ts';

const tags = utmTagsFor({ channel: 'linkedin', month: '2026-05', slug: 'Crème brûlée : 5 secrets' });
const OWNED = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content'];

const tagsArb: fc.Arbitrary<UtmTags> = fc.record({
  channel: fc.constantFrom('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms') as fc.Arbitrary<'blog'>,
  month: fc.constantFrom('2026-01', '2026-12'),
  slug: fc.string({ minLength: 0, maxLength: 30 }),
  campaign: fc.option(fc.string({ maxLength: 20 })),
}).map((c) => utmTagsFor(c));

// Existing utm_* parameters in links, consistent or not, plus ordinary ones.
const paramArb = fc.oneof(
  fc.tuple(fc.constantFrom(...OWNED, 'utm_term', 'utm_id'), fc.string({ maxLength: 12 })),
  fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 })),
);
const webUrlArb = fc.tuple(fc.webUrl({ withFragments: true, withQueryParameters: true }), fc.array(paramArb, { maxLength: 4 })).map(([url, extra]) => {
  if (!extra.length) return url;
  const hashAt = url.indexOf('#');
  const [base, hash] = hashAt >= 0 ? [url.slice(0, hashAt), url.slice(hashAt)] : [url, ''];
  const added = extra.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${base}${base.includes('?') ? '&' : '?'}${added}${hash}`;
});
const relativeArb = fc.tuple(
  fc.constantFrom('/', '/blog/', 'contact.html', '../shop/', ''),
  fc.webPath(),
  fc.option(fc.webQueryParameters()),
  fc.option(fc.webFragments()),
).map(([prefix, path, query, hash]) => `${prefix}${path.replace(/^\//, '')}${query ? `?${query}` : ''}${hash ? `#${hash}` : ''}`)
  .filter((u) => u !== '' && !u.startsWith('#') && !u.startsWith('//') && !/^[a-z][a-z0-9+.-]*:/i.test(u));

function others(url: URL): Array<[string, string]> {
  return [...url.searchParams].filter(([k]) => !OWNED.includes(k));
}

describe('tagUrl properties', () => {
  it('is idempotent', () => {
    fc.assert(fc.property(fc.oneof(webUrlArb, relativeArb), tagsArb, (href, t) => {
      const once = tagUrl(href, t);
      expect(once).not.toBeNull();
      expect(tagUrl(once!, t)).toBe(once);
    }), { numRuns: 400 });
  });

  it('never breaks a URL: same place, same other parameters, our tags exactly once', () => {
    fc.assert(fc.property(fc.oneof(webUrlArb, relativeArb), tagsArb, (href, t) => {
      const base = 'https://site.invalid/dir/page';
      const before = new URL(href, base);
      const after = new URL(tagUrl(href, t)!, base);
      expect([after.origin, after.pathname, after.hash]).toEqual([before.origin, before.pathname, before.hash]);
      expect(others(after)).toEqual(others(before));
      for (const [key, value] of [['utm_source', t.source], ['utm_medium', t.medium], ['utm_campaign', t.campaign], ['utm_content', t.content]] as const) {
        expect(after.searchParams.getAll(key)).toEqual([value]);
      }
    }), { numRuns: 400 });
  });

  it('keeps consistent tags where they are and the rest byte for byte', () => {
    const href = 'https://shop.example/p?b=%2Fx+y&utm_source=linkedin&flag&utm_campaign=old#frag';
    expect(tagUrl(href, tags)).toBe('https://shop.example/p?b=%2Fx+y&utm_source=linkedin&flag&utm_medium=social&utm_campaign=monthly_2026_05&utm_content=creme_brulee_5_secrets#frag');
    expect(tagUrl('https://shop.example/p?utm_source=linkedin&utm_source=x', tags)).toBe(
      'https://shop.example/p?utm_source=linkedin&utm_medium=social&utm_campaign=monthly_2026_05&utm_content=creme_brulee_5_secrets');
    // utm_term and utm_id are not ours: preserved.
    expect(new URL(tagUrl('https://a.example/?utm_term=bread&utm_id=42', tags)!).searchParams.get('utm_term')).toBe('bread');
  });

  it('leaves non-web links alone', () => {
    for (const href of ['mailto:a@b.c', 'tel:+33100000000', 'javascript:alert(1)', 'data:text/html,x', 'ftp://x.example/f', '#section', '', '   ']) {
      expect(tagUrl(href, tags)).toBeNull();
    }
  });

  it('derives the tags from channel, campaign or month, and slug', () => {
    expect(tags).toEqual({ source: 'linkedin', medium: 'social', campaign: 'monthly_2026_05', content: 'creme_brulee_5_secrets' });
    expect(utmTagsFor({ channel: 'newsletter', month: '2026-05', slug: 'x', campaign: 'Fête des mères' })).toMatchObject({ source: 'newsletter', medium: 'email', campaign: 'fete_des_meres' });
    expect(utmTagsFor({ channel: 'sms', month: '2026-05', slug: '!!!' }).content).toBe('item');
  });
});

describe('tagLinks', () => {
  const markdown = [
    '# Title with https://x.example/in-heading',
    '',
    'See [our shop](https://shop.example/a?x=1 "Shop") and <https://auto.example/b>, or https://bare.example/c.',
    '![logo](https://cdn.example/logo.png) stays an image; `https://code.example/x` stays code.',
    '[ref]: https://ref.example/d',
    'Mail [us](mailto:hi@shop.example) or jump to [top](#top).',
    '```',
    'https://fenced.example/e',
    '```',
  ].join('\n');

  it('tags every markdown link once, and nothing else', () => {
    const { text, links } = tagLinks(markdown, { channel: 'blog', month: '2026-05', slug: 'post' });
    expect(links.map((l) => l.destination)).toEqual([
      'https://x.example/in-heading', 'https://shop.example/a?x=1', 'https://auto.example/b', 'https://bare.example/c', 'https://ref.example/d',
    ]);
    expect(text).toContain('[our shop](https://shop.example/a?x=1&utm_source=blog&utm_medium=organic&utm_campaign=monthly_2026_05&utm_content=post "Shop")');
    expect(text).toContain('<https://auto.example/b?utm_source=blog');
    expect(text).toContain('https://bare.example/c?utm_source=blog&utm_medium=organic&utm_campaign=monthly_2026_05&utm_content=post.');
    expect(text).toContain('![logo](https://cdn.example/logo.png)');
    expect(text).toContain('`https://code.example/x`');
    expect(text).toContain('\nhttps://fenced.example/e\n');
    expect(text).toContain('[us](mailto:hi@shop.example)');
    expect(text).toContain('[top](#top)');
    expect(tagLinks(text, { channel: 'blog', month: '2026-05', slug: 'post' }).text).toBe(text);
  });

  it('tags HTML anchors, decoding and re-encoding entities, and leaves images and scripts alone', () => {
    const html = '<p><a class="x" href="https://s.example/?a=1&amp;b=2">shop</a> <img src="https://cdn.example/i.png"> <a href=\'/contact\'>c</a> <a href="mailto:x@y.z">m</a></p>';
    expect(detectFormat(html)).toBe('html');
    const { text, links } = tagLinks(html, tags);
    expect(links.map((l) => l.destination)).toEqual(['https://s.example/?a=1&b=2', '/contact']);
    expect(text).toContain('href="https://s.example/?a=1&amp;b=2&amp;utm_source=linkedin&amp;utm_medium=social');
    expect(text).toContain('<img src="https://cdn.example/i.png">');
    expect(text).toContain('href="mailto:x@y.z"');
    expect(tagLinks(text, tags).text).toBe(text);
  });

  it('is idempotent and keeps the text around links on any input', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 20 }), webUrlArb.map((u) => `[l](${u.replace(/[()\s]/g, '')})`), webUrlArb.map((u) => ` ${u} `)), { maxLength: 6 }), tagsArb, (parts, t) => {
      const text = parts.join(' ');
      const once = tagLinks(text, t, 'markdown');
      expect(tagLinks(once.text, t, 'markdown').text).toBe(once.text);
      // Putting each link back as written gives back the input: only links changed.
      let restored = '';
      let cursor = 0;
      for (const link of once.links) {
        const at = once.text.indexOf(link.tagged, cursor);
        expect(at).toBeGreaterThanOrEqual(0);
        restored += once.text.slice(cursor, at) + link.destination;
        cursor = at + link.tagged.length;
      }
      expect(restored + once.text.slice(cursor)).toBe(text);
    }), { numRuns: 200 });
  });
});
