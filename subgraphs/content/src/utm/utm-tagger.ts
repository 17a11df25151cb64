// C10: the one UTM tagger. Every web link in published content carries
// utm_source / utm_medium / utm_campaign / utm_content, so analytics can tie
// visits and revenue back to the item, the channel and the campaign:
//   source   = the channel's network (blog, linkedin, newsletter…)
//   medium   = the channel's kind (organic, social, email, sms, local)
//   campaign = the campaign's slug, else the pipeline month (monthly_2026_05)
//   content  = the item's slug, else its id
// The tagger rewrites only those four parameters (and utm_term when it sets
// one): a link that already carries our value keeps it where it is; a
// different or repeated value is inconsistent with the item's attribution and
// is replaced. Every other parameter, the path and the fragment stay byte for
// byte as written. mailto:, tel:, #anchors, non-web schemes and signed media
// URLs (a file, not a landing page: ../media/media-url.ts) are untouched.
// Tagging is idempotent: tagging a tagged link changes nothing.
import { isSignedMediaUrl } from '../media/media-url.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';

export interface UtmTags {
  source: string;
  medium: string;
  campaign: string;
  content: string;
  term?: string;
}

const MEDIUM: Record<ChannelKind, string> = {
  blog: 'organic',
  landing_page: 'organic',
  linkedin: 'social',
  facebook: 'social',
  instagram: 'social',
  x: 'social',
  google_business: 'local',
  newsletter: 'email',
  email: 'email',
  sms: 'sms',
};

/** utm_* values are lowercase tokens: stable in reports, safe in URLs. */
export function utmToken(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100);
}

export interface UtmContext {
  channel: ChannelKind;
  /** the pipeline month (YYYY-MM), used when there is no campaign */
  month: string;
  /** the item's slug (else its id) */
  slug: string;
  /** a campaign's slug or name: wins over the month */
  campaign?: string | null;
  term?: string | null;
}

/** The tags of one published item. */
export function utmTagsFor(input: UtmContext): UtmTags {
  const campaign = input.campaign ? utmToken(input.campaign) : '';
  return {
    source: input.channel,
    medium: MEDIUM[input.channel],
    campaign: campaign || utmToken(`monthly_${input.month}`),
    content: utmToken(input.slug) || 'item',
    ...(input.term && utmToken(input.term) ? { term: utmToken(input.term) } : {}),
  };
}

function ownedParams(tags: UtmTags): Array<[string, string]> {
  const params: Array<[string, string]> = [
    ['utm_source', tags.source],
    ['utm_medium', tags.medium],
    ['utm_campaign', tags.campaign],
    ['utm_content', tags.content],
  ];
  if (tags.term) params.push(['utm_term', tags.term]);
  return params;
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Rewrites a raw query string (no '?'), keeping every other pair exactly as written. */
function tagQuery(query: string, tags: UtmTags): string {
  const pairs = query === '' ? [] : query.split('&');
  const owned = ownedParams(tags);
  const ownedKeys = new Map(owned);
  const seen = new Map<string, string[]>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq >= 0 ? pair.slice(0, eq) : pair);
    if (ownedKeys.has(key)) seen.set(key, [...(seen.get(key) ?? []), decodeComponent(eq >= 0 ? pair.slice(eq + 1) : '')]);
  }
  // Consistent keys (our value, once) stay where they are; the others are dropped and re-added.
  const consistent = new Set(owned.filter(([k, v]) => seen.get(k)?.length === 1 && seen.get(k)![0] === v).map(([k]) => k));
  const kept = pairs.filter((pair) => {
    if (pair === '') return false;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq >= 0 ? pair.slice(0, eq) : pair);
    return !ownedKeys.has(key) || consistent.has(key);
  });
  const added = owned.filter(([k]) => !consistent.has(k)).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return [...kept, ...added].join('&');
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Adds the tags to a web link (absolute http(s), protocol-relative or
 * site-relative). Returns null for links that are not tagged: not web pages
 * (mailto:, tel:, javascript:, data:, #anchors, empty) or signed media files.
 */
export function tagUrl(href: string, tags: UtmTags): string | null {
  let link = href.trim();
  if (link === '' || link.startsWith('#') || isSignedMediaUrl(link)) return null;
  if (link.startsWith('//')) link = `https:${link}`;
  if (SCHEME.test(link)) {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      return null;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.host) return null;
  } else if (/\s/.test(link)) {
    return null;
  }
  const hashAt = link.indexOf('#');
  const hash = hashAt >= 0 ? link.slice(hashAt) : '';
  const beforeHash = hashAt >= 0 ? link.slice(0, hashAt) : link;
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const query = queryAt >= 0 ? beforeHash.slice(queryAt + 1) : '';
  return `${base}?${tagQuery(query, tags)}${hash}`;
}

export interface TaggedLink {
  /** the link as written */
  destination: string;
  /** the link as published */
  tagged: string;
}

export interface TaggedText {
  text: string;
  /** every tagged link, in order */
  links: TaggedLink[];
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27);/gi, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e.toLowerCase()]!);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// <a …href=…> and <area …href=…>; images, scripts and stylesheets are not links.
const HTML_LINK = /(<(?:a|area)\b[^>]*?\shref\s*=\s*)("([^"]*)"|'([^']*)'|([^\s>"'`=]+))/gi;

function tagHtml(html: string, tags: UtmTags): TaggedText {
  const links: TaggedLink[] = [];
  const text = html.replace(HTML_LINK, (whole: string, prefix: string, _value: string, dq?: string, sq?: string, bare?: string) => {
    const destination = unescapeHtml(dq ?? sq ?? bare ?? '');
    const tagged = tagUrl(destination, tags);
    if (!tagged) return whole;
    links.push({ destination, tagged });
    return `${prefix}"${escapeAttribute(tagged)}"`;
  });
  return { text, links };
}

// One pass, left to right: code is skipped, images are kept, links are tagged.
const MARKDOWN_TOKEN = new RegExp([
  '(?<fence>^(?:```|~~~)[^\\n]*\\n[\\s\\S]*?(?:^(?:```|~~~)[^\\n]*$|(?![\\s\\S])))',
  '(?<code>`+)[^`]*?\\k<code>',
  '(?<image>!\\[(?:[^\\[\\]\\n]|\\[[^\\]\\n]*\\])*\\]\\([^)\\n]*\\))',
  '(?<inline>\\[(?:[^\\[\\]\\n]|\\[[^\\]\\n]*\\])*\\]\\()(?<inlineUrl><[^>\\n]*>|[^\\s()]+(?:\\([^\\s()]*\\)[^\\s()]*)*)(?<inlineRest>(?:\\s+(?:"[^"\\n]*"|\'[^\'\\n]*\'))?\\s*\\))',
  '(?<refdef>^ {0,3}\\[[^\\]\\n]+\\]:[ \\t]*)(?<refUrl><[^>\\n]*>|\\S+)',
  '<(?<auto>https?:\\/\\/[^>\\s]+)>',
  '(?<bare>https?:\\/\\/[^\\s<>()"\'\\[\\]]*[^\\s<>()"\'.,;:!?\\[\\]])',
].join('|'), 'gm');

function tagMarkdown(markdown: string, tags: UtmTags): TaggedText {
  const links: TaggedLink[] = [];
  const tag = (url: string): string => {
    const angled = url.startsWith('<') && url.endsWith('>');
    const destination = angled ? url.slice(1, -1) : url;
    const tagged = tagUrl(destination, tags);
    if (!tagged) return url;
    links.push({ destination, tagged });
    return angled ? `<${tagged}>` : tagged;
  };
  const text = markdown.replace(MARKDOWN_TOKEN, (whole: string, ...args: unknown[]) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    if (groups.fence !== undefined || groups.code !== undefined || groups.image !== undefined) return whole;
    if (groups.inline !== undefined) return `${groups.inline}${tag(groups.inlineUrl!)}${groups.inlineRest}`;
    if (groups.refdef !== undefined) return `${groups.refdef}${tag(groups.refUrl!)}`;
    if (groups.auto !== undefined) return `<${tag(groups.auto)}>`;
    if (groups.bare !== undefined) return tag(groups.bare);
    return whole;
  });
  return { text, links };
}

export type LinkFormat = 'markdown' | 'html';

/** HTML when the text is markup (an element with an href), else markdown. */
export function detectFormat(text: string): LinkFormat {
  return /<(?:a|area)\b[^>]*\shref\s*=/i.test(text) || /^\s*<(?:!doctype|html|p|div|h[1-6]|ul|ol|table)\b/i.test(text) ? 'html' : 'markdown';
}

/**
 * Tags every web link of a text (markdown or HTML) for one item; returns the
 * tagged text and the links for the attribution table (content.utm_link).
 */
export function tagLinks(text: string, context: UtmContext | UtmTags, format: LinkFormat = detectFormat(text)): TaggedText {
  const tags = 'channel' in context ? utmTagsFor(context) : context;
  return format === 'html' ? tagHtml(text, tags) : tagMarkdown(text, tags);
}
