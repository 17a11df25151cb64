// C10: every link in published content carries utm_source / utm_medium /
// utm_campaign / utm_content, so analytics can tie visits and revenue back to
// the item, the channel and the month's campaign.
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

/** The tags of one published item: source = channel, medium = channel family, campaign = the month's pipeline. */
export function utmTagsFor(input: { channel: ChannelKind; month: string; slug: string; campaign?: string | null }): UtmTags {
  return {
    source: input.channel,
    medium: MEDIUM[input.channel],
    campaign: utmToken(input.campaign ?? `monthly_${input.month}`),
    content: utmToken(input.slug),
  };
}

/**
 * Adds the tags to a web link (absolute http(s) or site-relative); existing
 * utm_* parameters are replaced, other parameters and the fragment kept.
 * Returns null for links that are not web pages (mailto:, tel:, javascript:, #…).
 */
export function tagUrl(href: string, tags: UtmTags): string | null {
  const trimmed = href.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const relative = !/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !trimmed.startsWith('//');
  if (relative) {
    // Keep a relative link relative (and its path untouched).
    const hashAt = trimmed.indexOf('#');
    const hash = hashAt >= 0 ? trimmed.slice(hashAt) : '';
    const beforeHash = hashAt >= 0 ? trimmed.slice(0, hashAt) : trimmed;
    const queryAt = beforeHash.indexOf('?');
    const path = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
    const params = new URLSearchParams(queryAt >= 0 ? beforeHash.slice(queryAt + 1) : '');
    setTags(params, tags);
    return `${path}?${params.toString()}${hash}`;
  }
  let url: URL;
  try {
    url = new URL(trimmed.startsWith('//') ? `https:${trimmed}` : trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  setTags(url.searchParams, tags);
  return url.toString();
}

function setTags(params: URLSearchParams, tags: UtmTags): void {
  params.set('utm_source', tags.source);
  params.set('utm_medium', tags.medium);
  params.set('utm_campaign', tags.campaign);
  params.set('utm_content', tags.content);
  if (tags.term) params.set('utm_term', tags.term);
}
