// The built-in "site" connector's renderer: one content item → one static,
// self-contained HTML page. The body is the model's markdown; everything is
// escaped (the text is untrusted model output). Links are UTM-tagged by the
// one tagger (../utm/utm-tagger.ts, C10) before rendering, so the page, the
// e-mail and the posts of an item carry the same tagged URLs; media embeds
// (signed /media/<id> URLs) stay untagged and become absolute when
// MEDIA_PUBLIC_BASE_URL is known. Only the markdown the writers produce is
// supported: headings, paragraphs, lists, quotes, emphasis, inline code,
// links and images.
import { absoluteMediaUrls } from '../media/media-url.ts';
import { tagLinks, tagUrl, type TaggedLink, type UtmTags } from '../utm/utm-tagger.ts';

export type { TaggedLink };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A URL-safe slug: ASCII lowercase words joined by single hyphens. */
export function slugify(text: string, maxLength = 60): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, maxLength).replace(/-+$/, '') || 'item';
}

function emphasis(escaped: string): string {
  return escaped
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*([^*\n]+)\*(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_([^_\n]+)_(?!\w)/g, '$1<em>$2</em>');
}

// The tagger's grammar (utm-tagger.ts), so what it tagged is what is rendered:
// a label may hold one level of brackets, a destination balanced parentheses.
const LABEL = '(?:[^\\[\\]\\n]|\\[[^\\]\\n]*\\])*';
const DESTINATION = '<[^>\\n]*>|[^\\s()]+(?:\\([^\\s()]*\\)[^\\s()]*)*';
const TITLE = '(?:\\s+(?:"[^"\\n]*"|\'[^\'\\n]*\'))?';
const INLINE = new RegExp([
  '(?<code>`+)(?<codeText>[^`]*?)\\k<code>',
  `!\\[(?<alt>${LABEL})\\]\\((?<src>${DESTINATION})${TITLE}\\s*\\)`,
  `\\[(?<label>${LABEL})\\]\\((?<href>${DESTINATION})${TITLE}\\s*\\)`,
  '<(?<auto>https?:\\/\\/[^>\\s]+)>',
  '(?<bare>https?:\\/\\/[^\\s<>()"\'\\[\\]]*[^\\s<>()"\'.,;:!?\\[\\]])',
].join('|'), 'g');

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function unangle(url: string): string {
  return url.startsWith('<') && url.endsWith('>') ? url.slice(1, -1).trim() : url.trim();
}

/** http(s) or a relative path; null for javascript:, data: and every other scheme. */
function webUrl(url: string): string | null {
  if (url === '' || /\s/.test(url)) return null;
  if (!SCHEME.test(url)) return url;
  return /^https?:\/\/[^/?#]/i.test(url) ? url : null;
}

function linkTarget(url: string): string | null {
  return webUrl(url) ?? (/^(mailto|tel):/i.test(url) ? url : null);
}

function inline(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const g = match.groups!;
    html += emphasis(escapeHtml(text.slice(last, match.index)));
    if (g['code'] !== undefined) {
      html += `<code>${escapeHtml(g['codeText']!)}</code>`;
    } else if (g['alt'] !== undefined) {
      const src = webUrl(unangle(g['src']!));
      // An image without a usable source keeps its description, never a broken or scripted tag.
      html += src ? `<img src="${escapeHtml(src)}" alt="${escapeHtml(g['alt'].trim())}" loading="lazy">` : emphasis(escapeHtml(g['alt']));
    } else {
      const label = g['label'] ?? g['auto'] ?? g['bare']!;
      const href = linkTarget(g['href'] !== undefined ? unangle(g['href']) : label);
      // javascript:, data: and other non-web targets are dropped, label kept.
      html += href ? `<a href="${escapeHtml(href)}">${emphasis(escapeHtml(label))}</a>` : emphasis(escapeHtml(label));
    }
    last = match.index + match[0].length;
  }
  return html + emphasis(escapeHtml(text.slice(last)));
}

/** Markdown to HTML, links as written (tag them first with tagLinks). */
export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  let quote: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    paragraph = [];
    if (list) out.push(`<${list.ordered ? 'ol' : 'ul'}>${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${list.ordered ? 'ol' : 'ul'}>`);
    list = null;
    if (quote.length) out.push(`<blockquote><p>${inline(quote.join(' '))}</p></blockquote>`);
    quote = [];
  };
  for (const raw of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\d+[.)]\s+(.*)$/.exec(line);
    if (line === '') {
      flush();
    } else if (heading) {
      flush();
      const level = heading[1]!.length;
      out.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
    } else if (bullet || numbered) {
      const ordered = !bullet;
      if (paragraph.length || quote.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else if (line.startsWith('>')) {
      if (paragraph.length || list) flush();
      quote.push(line.replace(/^>\s?/, ''));
    } else {
      if (list || quote.length) flush();
      paragraph.push(line);
    }
  }
  flush();
  return out.join('\n');
}

export interface RenderedBody {
  /** the markdown as published (tagged, media absolute) */
  text: string;
  html: string;
  /** every tagged link, in order */
  links: TaggedLink[];
}

/** An item's markdown as published: media URLs absolute, web links tagged, then HTML. */
export function renderBody(markdown: string, tags: UtmTags, mediaBaseUrl: string | null = null): RenderedBody {
  const tagged = tagLinks(absoluteMediaUrls(markdown, mediaBaseUrl), tags, 'markdown');
  return { text: tagged.text, html: markdownToHtml(tagged.text), links: tagged.links };
}

export interface SitePageInput {
  title: string;
  body: string;
  locale: string;
  metaDescription?: string | null;
  brandName: string;
  /** the brand's own site, linked (tagged) in the footer when known */
  brandUrl?: string | null;
  publishedAt: Date;
  tags: UtmTags;
  /** provenance shown to readers and crawlers */
  generator: string;
  /** MEDIA_PUBLIC_BASE_URL: embedded media URLs become absolute (the page is read off the app's origin) */
  mediaBaseUrl?: string | null;
}

export interface SitePage {
  html: string;
  /** every tagged link in the page, in order */
  links: TaggedLink[];
}

export function renderSitePage(input: SitePageInput): SitePage {
  const rendered = renderBody(input.body, input.tags, input.mediaBaseUrl ?? null);
  const links = [...rendered.links];
  let body = rendered.html;
  if (!body.startsWith('<h1>')) body = `<h1>${escapeHtml(input.title)}</h1>\n${body}`;
  const footerLink = input.brandUrl ? tagUrl(input.brandUrl, input.tags) : null;
  if (footerLink) links.push({ destination: input.brandUrl!, tagged: footerLink });
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: input.title,
    inLanguage: input.locale,
    datePublished: input.publishedAt.toISOString(),
    author: { '@type': 'Organization', name: input.brandName },
    ...(input.metaDescription ? { description: input.metaDescription } : {}),
  }).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="${escapeHtml(input.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} | ${escapeHtml(input.brandName)}</title>
${input.metaDescription ? `<meta name="description" content="${escapeHtml(input.metaDescription)}">\n` : ''}<meta name="generator" content="${escapeHtml(input.generator)}">
<script type="application/ld+json">${jsonLd}</script>
</head>
<body>
<article>
${body}
<p><time datetime="${input.publishedAt.toISOString()}">${input.publishedAt.toISOString().slice(0, 10)}</time></p>
</article>
<footer><p>${footerLink ? `<a href="${escapeHtml(footerLink)}">${escapeHtml(input.brandName)}</a>` : escapeHtml(input.brandName)}</p></footer>
</body>
</html>
`;
  return { html, links };
}
