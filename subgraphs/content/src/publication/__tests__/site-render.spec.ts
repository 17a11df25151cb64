import { describe, expect, it } from 'vitest';
import { signMediaPath, verifyMediaUrl } from '@ensemble/storage/signed-url';
import { renderEmail } from '../email-render.ts';
import { renderSitePage, slugify } from '../site-render.ts';
import { tagUrl, utmTagsFor } from '../../utm/utm-tagger.ts';
import { uuidV5 } from '../../pipeline/deterministic-id.ts';

const tags = utmTagsFor({ channel: 'blog', month: '2026-05', slug: 'Pain au levain: guide' });

describe('UTM tagging', () => {
  it('derives tokens from channel, month and slug', () => {
    expect(tags).toEqual({ source: 'blog', medium: 'organic', campaign: 'monthly_2026_05', content: 'pain_au_levain_guide' });
  });

  it('tags absolute and relative web links, replacing stale utm values and keeping the rest', () => {
    const url = new URL(tagUrl('https://example.com/shop?x=1&utm_source=old#top', tags)!);
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.searchParams.get('utm_source')).toBe('blog');
    expect(url.searchParams.get('utm_medium')).toBe('organic');
    expect(url.searchParams.get('utm_campaign')).toBe('monthly_2026_05');
    expect(url.searchParams.get('utm_content')).toBe('pain_au_levain_guide');
    expect(url.hash).toBe('#top');
    expect(tagUrl('contact.html#form', tags)).toBe('contact.html?utm_source=blog&utm_medium=organic&utm_campaign=monthly_2026_05&utm_content=pain_au_levain_guide#form');
    expect(tagUrl('//cdn.example.com/a', tags)).toMatch(/^https:\/\/cdn\.example\.com\/a\?utm_source=blog/);
  });

  it('leaves non-web links alone', () => {
    for (const href of ['mailto:a@b.c', 'tel:+33100000000', 'javascript:alert(1)', '#section', '']) expect(tagUrl(href, tags)).toBeNull();
  });
});

describe('renderSitePage', () => {
  const page = renderSitePage({
    title: 'Levain <guide>',
    body: [
      '# Levain <guide>',
      '',
      'Our **bread** uses [our flour](https://mill.example/flour?kind=t65) and *time*. See https://soleil.example/order.',
      '',
      '## Why it matters',
      '- slow [ferment](/blog/ferment)',
      '- [bad](javascript:alert(1)) link',
      '1. first',
      '',
      '> <script>alert(1)</script> quoted',
      'Write to [us](mailto:hello@soleil.example).',
    ].join('\n'),
    locale: 'en',
    metaDescription: 'A guide "to" levain',
    brandName: 'Boulangerie Soleil',
    brandUrl: 'https://soleil.example',
    publishedAt: new Date('2026-05-05T07:00:00Z'),
    tags,
    generator: 'Ensemble offline-writer',
  });

  it('tags every web link in the page, the footer included', () => {
    expect(page.links.map((l) => l.destination)).toEqual(['https://mill.example/flour?kind=t65', 'https://soleil.example/order', '/blog/ferment', 'https://soleil.example']);
    const hrefs = [...page.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    const web = hrefs.filter((h) => !h.startsWith('mailto:'));
    expect(web).toHaveLength(4);
    for (const href of web) {
      const params = new URL(href, 'https://site.invalid').searchParams;
      expect([params.get('utm_source'), params.get('utm_medium'), params.get('utm_campaign'), params.get('utm_content')]).toEqual(['blog', 'organic', 'monthly_2026_05', 'pain_au_levain_guide']);
    }
    expect(hrefs).toContain('mailto:hello@soleil.example');
  });

  it('escapes model text and drops script links', () => {
    expect(page.html).not.toContain('<script>alert');
    expect(page.html).not.toContain('javascript:');
    expect(page.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; quoted');
    expect(page.html).toContain('<h1>Levain &lt;guide&gt;</h1>');
    expect(page.html.match(/<h1>/g)).toHaveLength(1);
    expect(page.html).toContain('<strong>bread</strong>');
    expect(page.html).toContain('<em>time</em>');
    expect(page.html).toContain('<ul><li>slow <a href="/blog/ferment?utm_source=blog');
    expect(page.html).toContain('<ol><li>first</li></ol>');
    expect(page.html).toContain('content="A guide &quot;to&quot; levain"');
  });

  it('adds the title as h1 when the body has none', () => {
    const plain = renderSitePage({ title: 'Short', body: 'Just text.', locale: 'fr', brandName: 'B', publishedAt: new Date(0), tags, generator: 'g' });
    expect(plain.html).toContain('<h1>Short</h1>\n<p>Just text.</p>');
    expect(plain.html).toContain('<html lang="fr">');
    expect(plain.links).toEqual([]);
  });
});

describe('slugify and deterministic ids', () => {
  it('makes ASCII slugs', () => {
    expect(slugify('Crème brûlée : 5 secrets !')).toBe('creme-brulee-5-secrets');
    expect(slugify('***')).toBe('item');
    expect(slugify('a'.repeat(80)).length).toBe(60);
  });

  it('computes RFC 9562 version-5 UUIDs (checked against Python uuid5)', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(uuidV5('x')).toBe(uuidV5('x'));
    expect(uuidV5('x')).not.toBe(uuidV5('y'));
  });
});

describe('images and media in a page', () => {
  const secret = Buffer.from('a test secret of at least thirty-two characters');
  const tenantId = '0190f7a8-0000-7000-8000-00000000000a';
  const mediaId = '0190f7a8-0000-7000-8000-0000000000b1';
  const docId = '0190f7a8-0000-7000-8000-0000000000b2';
  const embed = signMediaPath({ tenantId, mediaId, variant: 'original', expiresAt: null }, secret);
  const doc = signMediaPath({ tenantId, mediaId: docId, variant: 'original', expiresAt: null }, secret);
  const body = [
    `Our oven: ![The "big" <oven>](${embed}) and a photo ![shop](https://cdn.example/shop.jpg "Shop").`,
    '',
    `Download [the menu](${doc}) or read [the blog](https://soleil.example/blog).`,
    '',
    '![x](javascript:alert(1)) ![y](data:image/png;base64,AAAA) `![not](an-image.png)`',
  ].join('\n');
  const render = (mediaBaseUrl?: string | null) => renderSitePage({ title: 'Oven', body, locale: 'en', brandName: 'B', publishedAt: new Date(0), tags, generator: 'g', mediaBaseUrl });

  it('renders markdown images as escaped <img> tags, with no stray "!"', () => {
    const { html } = render();
    expect(html).toContain(`<img src="${embed.replaceAll('&', '&amp;')}" alt="The &quot;big&quot; &lt;oven&gt;" loading="lazy">`);
    expect(html).toContain('<img src="https://cdn.example/shop.jpg" alt="shop" loading="lazy">');
    expect(html).not.toMatch(/!<a |!<img /);
    expect(html.replace(/<code>.*?<\/code>/g, '')).not.toContain('![');
    // Scripted or inline sources are not rendered as images; their description stays.
    expect(html).not.toMatch(/javascript:|data:image/);
    expect(html).toContain('x y <code>![not](an-image.png)</code>');
  });

  it('leaves media URLs untagged and tags the other links', () => {
    const { html, links } = render();
    expect(links.map((l) => l.destination)).toEqual(['https://soleil.example/blog']);
    expect(html).toContain(`<a href="${doc.replaceAll('&', '&amp;')}">the menu</a>`);
    expect([...html.matchAll(/(?:src|href)="([^"]*\/media\/[^"]*)"/g)].every((m) => !m[1]!.includes('utm_'))).toBe(true);
    // Images are never tagged, wherever they live.
    expect(html).toContain('src="https://cdn.example/shop.jpg"');
  });

  it('makes embed URLs absolute with MEDIA_PUBLIC_BASE_URL, and only them', () => {
    const { html, links } = render('https://app.example.com');
    expect(html).toContain(`<img src="https://app.example.com${embed.replaceAll('&', '&amp;')}"`);
    expect(html).toContain(`<a href="https://app.example.com${doc.replaceAll('&', '&amp;')}">the menu</a>`);
    expect(html).toContain('src="https://cdn.example/shop.jpg"');
    expect(links).toHaveLength(1);
    // The signature still verifies: only the origin was added.
    const absolute = new URL(`https://app.example.com${embed}`);
    expect(verifyMediaUrl(mediaId, Object.fromEntries(absolute.searchParams), secret)).toMatchObject({ ok: true });
  });

  it('renders images in e-mails the same way, absolute', () => {
    const email = renderEmail({ title: 'Oven', body, locale: 'en', brandName: 'B', tags, unsubscribeUrl: null, mediaBaseUrl: 'https://app.example.com/' });
    expect(email.html).toContain(`<img src="https://app.example.com${embed.replaceAll('&', '&amp;')}"`);
    expect(email.text).toContain(`The "big" <oven> (https://app.example.com${embed})`);
    expect(email.text).toContain('a photo shop (https://cdn.example/shop.jpg).');
    expect(email.text).not.toMatch(/!\[(?!not\])/);
  });
});
