// The built-in "site" connector's renderer: one content item → one static,
// self-contained HTML page. The body is the model's markdown; everything is
// escaped (the text is untrusted model output) and every web link is
// UTM-tagged (C10). Only the markdown the writers produce is supported:
// headings, paragraphs, lists, quotes, emphasis, inline code and links.
import { tagUrl, type UtmTags } from './utm.ts';

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

const LINK = /\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>()"']+[^\s<>()"'.,;:!?])/g;

function emphasis(escaped: string): string {
  return escaped
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^*\w])\*([^*\n]+)\*(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^_\w])_([^_\n]+)_(?!\w)/g, '$1<em>$2</em>');
}

export interface TaggedLink {
  /** the link as written */
  destination: string;
  /** the link as published */
  tagged: string;
}

interface RenderState {
  tags: UtmTags;
  links: TaggedLink[];
}

function inline(text: string, state: RenderState): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    html += emphasis(escapeHtml(text.slice(last, match.index)));
    const label = match[1] ?? match[3]!;
    const href = match[2] ?? match[3]!;
    const tagged = tagUrl(href, state.tags);
    if (tagged) {
      state.links.push({ destination: href, tagged });
      html += `<a href="${escapeHtml(tagged)}">${emphasis(escapeHtml(label))}</a>`;
    } else if (/^(mailto|tel):/i.test(href)) {
      html += `<a href="${escapeHtml(href)}">${emphasis(escapeHtml(label))}</a>`;
    } else {
      // javascript:, data: and other non-web targets are dropped, label kept.
      html += emphasis(escapeHtml(label));
    }
    last = match.index + match[0].length;
  }
  return html + emphasis(escapeHtml(text.slice(last)));
}

export function markdownToHtml(markdown: string, state: RenderState): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  let quote: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${inline(paragraph.join(' '), state)}</p>`);
    paragraph = [];
    if (list) out.push(`<${list.ordered ? 'ol' : 'ul'}>${list.items.map((i) => `<li>${inline(i, state)}</li>`).join('')}</${list.ordered ? 'ol' : 'ul'}>`);
    list = null;
    if (quote.length) out.push(`<blockquote><p>${inline(quote.join(' '), state)}</p></blockquote>`);
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
      out.push(`<h${level}>${inline(heading[2]!, state)}</h${level}>`);
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
}

export interface SitePage {
  html: string;
  /** every tagged link in the page, in order */
  links: TaggedLink[];
}

export function renderSitePage(input: SitePageInput): SitePage {
  const state: RenderState = { tags: input.tags, links: [] };
  let body = markdownToHtml(input.body, state);
  if (!body.startsWith('<h1>')) body = `<h1>${escapeHtml(input.title)}</h1>\n${body}`;
  const footerLink = input.brandUrl ? tagUrl(input.brandUrl, input.tags) : null;
  if (footerLink) state.links.push({ destination: input.brandUrl!, tagged: footerLink });
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
  return { html, links: state.links };
}
