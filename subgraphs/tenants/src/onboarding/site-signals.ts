// What a web page says about the brand beyond its readable text: the site
// name it declares (og:site_name, application-name) and the links it
// carries (social profiles become channels). Read from the raw HTML the
// crawl fetched, with bounded regular expressions: no second DOM parse.

export interface SiteSignals {
  siteName: string | null;
  /** absolute http(s) links, de-duplicated, at most MAX_LINKS */
  links: string[];
}

const MAX_LINKS = 300;
const META_RE = /<meta\b[^>]{0,500}>/gi;
const HREF_RE = /<a\b[^>]{0,1000}?\bhref\s*=\s*(?:"([^"]{1,2000})"|'([^']{1,2000})'|([^\s>]{1,2000}))/gi;

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3] ?? null) : null;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"').replace(/&apos;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&');
}

export function siteSignals(html: string, baseUrl: string): SiteSignals {
  const head = html.slice(0, 200_000);
  let siteName: string | null = null;
  let appName: string | null = null;
  for (const tag of head.match(META_RE) ?? []) {
    const key = (attribute(tag, 'property') ?? attribute(tag, 'name') ?? '').toLowerCase();
    const content = attribute(tag, 'content');
    if (!content) continue;
    const clean = decodeEntities(content).replace(/\s+/g, ' ').trim();
    if (!clean || clean.length > 200) continue;
    if (key === 'og:site_name') siteName ??= clean;
    else if (key === 'application-name') appName ??= clean;
  }
  const links: string[] = [];
  const seen = new Set<string>();
  for (const m of html.matchAll(HREF_RE)) {
    if (links.length >= MAX_LINKS) break;
    const href = decodeEntities((m[1] ?? m[2] ?? m[3] ?? '').trim());
    try {
      const url = new URL(href, baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      if (!seen.has(url.href)) {
        seen.add(url.href);
        links.push(url.href);
      }
    } catch {
      // not a URL: skipped
    }
  }
  return { siteName: siteName ?? appName, links };
}
