import { describe, expect, it } from 'vitest';
import { signMediaPath } from '@ensemble/storage/signed-url';
import { absoluteMediaUrls, embedUrl, isSignedMediaUrl, mediaPublicBase, withMediaBase } from '../media-url.ts';
import { tagLinks, tagUrl, utmTagsFor } from '../../utm/utm-tagger.ts';

const secret = Buffer.from('a test secret of at least thirty-two characters');
const tenantId = '0190f7a8-0000-7000-8000-00000000000a';
const mediaId = '0190f7a8-0000-7000-8000-0000000000b1';
const path = signMediaPath({ tenantId, mediaId, variant: 'original', expiresAt: null }, secret);
const tags = utmTagsFor({ channel: 'newsletter', month: '2026-05', slug: 'oven' });

describe('signed media URLs in content', () => {
  it('recognises signed media URLs, relative or on any origin, and nothing else', () => {
    expect(isSignedMediaUrl(path)).toBe(true);
    expect(isSignedMediaUrl(`https://app.example.com${path}`)).toBe(true);
    expect(isSignedMediaUrl(`http://localhost:5173${path}`)).toBe(true);
    expect(isSignedMediaUrl(`/media/${mediaId}`)).toBe(false);
    expect(isSignedMediaUrl(`/media/not-a-uuid?sig=x`)).toBe(false);
    expect(isSignedMediaUrl(`/shop/media/${mediaId}?sig=x`)).toBe(false);
    expect(isSignedMediaUrl(`javascript:/media/${mediaId}?sig=x`)).toBe(false);
    expect(isSignedMediaUrl('https://soleil.example/menu')).toBe(false);
  });

  it('is never UTM-tagged, in markdown or HTML', () => {
    expect(tagUrl(path, tags)).toBeNull();
    expect(tagUrl(`https://app.example.com${path}`, tags)).toBeNull();
    const markdown = `See [the menu](${path}) and [our site](https://soleil.example/).`;
    const tagged = tagLinks(markdown, tags);
    expect(tagged.links.map((l) => l.destination)).toEqual(['https://soleil.example/']);
    expect(tagged.text).toContain(`[the menu](${path})`);
    const html = tagLinks(`<p><a href="${path.replaceAll('&', '&amp;')}">menu</a></p>`, tags, 'html');
    expect(html.links).toEqual([]);
  });

  it('makes relative media URLs absolute with MEDIA_PUBLIC_BASE_URL, idempotently', () => {
    const text = [
      `![oven](${path}) [menu](<${path}>) [ref]: ${path}`,
      `[ref]: ${path}`,
      `<img src="${path}"> <a href='${path}'>x</a>`,
      `Already absolute: ![o](https://cdn.example${path}); not media: [x](/media/${mediaId}) [y](/blog/post)`,
    ].join('\n');
    const out = absoluteMediaUrls(text, 'https://app.example.com');
    expect(out).toContain(`![oven](https://app.example.com${path})`);
    expect(out).toContain(`[menu](<https://app.example.com${path}>)`);
    expect(out).toContain(`\n[ref]: https://app.example.com${path}`);
    expect(out).toContain(`<img src="https://app.example.com${path}"> <a href='https://app.example.com${path}'>`);
    expect(out).toContain(`![o](https://cdn.example${path})`);
    expect(out).toContain(`[x](/media/${mediaId}) [y](/blog/post)`);
    expect(absoluteMediaUrls(out, 'https://app.example.com')).toBe(out);
    expect(absoluteMediaUrls(text, null)).toBe(text);
  });

  it('reads the base from the environment and builds embed URLs with it', () => {
    expect(mediaPublicBase({ MEDIA_PUBLIC_BASE_URL: 'https://app.example.com//' })).toBe('https://app.example.com');
    expect(mediaPublicBase({ MEDIA_PUBLIC_BASE_URL: '  ' })).toBeNull();
    expect(mediaPublicBase({})).toBeNull();
    expect(withMediaBase(path, 'https://app.example.com/')).toBe(`https://app.example.com${path}`);
    expect(withMediaBase(path, null)).toBe(path);
    expect(embedUrl(tenantId, mediaId, 'https://app.example.com', 'original', secret)).toBe(`https://app.example.com${path}`);
    expect(embedUrl(tenantId, mediaId, null, 'original', secret)).toBe(path);
  });
});
