import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlSite, decodeHtml, normaliseCrawlUrl, readPage, siteOf, type CrawlProgress } from '../src/crawl.ts';
import { createSafeFetcher, defaultDial, SafeFetchError, type Dialer, type Resolver } from '../src/safe-fetch.ts';

// A small bakery website served locally, reached through the fetcher's test
// seam: the test names resolve to a public address that the test dialler
// routes to this server. Nothing else is rerouted.
const SITE_PORT = 16120;
const CANARY_PORT = 16121;
const PUBLIC_SITE_IP = '93.184.215.14';
const SITE_HOSTS = ['bakery.example', 'www.bakery.example', 'blog.bakery.example', 'other.example', 'broken.example', 'slow.example'];

const requests: Array<{ host: string; path: string; userAgent: string }> = [];
let canaryConnections = 0;
let server: http.Server;
let canary: net.Server;

function page(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;
}

const FILLER = 'Our flour comes from a mill forty kilometres away and every loaf rests for a full night before it is baked. ';

const WWW: Record<string, () => [number, Record<string, string>, string | Buffer]> = {
  '/robots.txt': () => [200, { 'content-type': 'text/plain' }, 'User-agent: *\nDisallow: /admin\n\nUser-agent: EnsembleBot\nDisallow: /private\n'],
  '/': () => [
    200,
    { 'content-type': 'text/html; charset=utf-8' },
    page(
      'Maison Lumière — Sourdough bakery in Lyon',
      `<header><nav><a href="/about">About</a> <a href="/menu">Menu</a> <a href="/menu?utm_source=newsletter#today">Menu (newsletter)</a>
      <a href="/index.html">Home</a> <a href="/private/recipes">Recipes</a> <a href="/admin">Admin</a></nav></header>
      <main><h1>Maison Lumière</h1><p>Sourdough bread baked every morning in Lyon.</p>
      <h2>Visit us</h2><p>12 rue des Boulangers, Lyon. Open every day from 7am.</p>
      <p><a href="/files/menu.pdf">Menu (PDF)</a> <a href="/logo">Logo</a> <a href="/old-about">Old about</a> <a href="/gone">Gone</a>
      <a href="/moved-away">Moved</a> <a href="/quiet">Quiet</a> <a href="/no-follow">No follow</a> <a href="/latin1">Desserts</a>
      <a href="/to-loopback">Loopback</a> <a href="mailto:hello@bakery.example">Mail</a> <a href="tel:+33400000000">Call</a></p></main>
      <footer><a href="https://instagram.com/maisonlumiere">Instagram</a> <a href="http://blog.bakery.example/">Blog</a></footer>`,
    ),
  ],
  '/index.html': () => [
    200,
    { 'content-type': 'text/html' },
    page('Maison Lumière', '<main><h1>Maison Lumière</h1><p>Same home page, another address.</p></main>', '<link rel="canonical" href="http://www.bakery.example/">'),
  ],
  '/about': () => [
    200,
    { 'content-type': 'text/html' },
    page('About us', `<article><h1>About Maison Lumière</h1><p>${FILLER.repeat(4)}</p><h2>Our team</h2><p>Claire and Hugo started the bakery in 2015.</p><a href="/team">Team</a></article>`),
  ],
  '/team': () => [200, { 'content-type': 'text/html' }, page('Team', '<h1>The team</h1><p>Claire bakes, Hugo sells.</p><a href="/deep">Deeper</a>')],
  '/deep': () => [200, { 'content-type': 'text/html' }, page('Deep', '<p>Too far.</p>')],
  '/menu': () => [
    200,
    { 'content-type': 'text/html' },
    page('Menu', `<main><h1>Menu</h1><h2>Breads</h2><ul><li>Country sourdough — 6 €</li><li>Rye loaf — 5 €</li></ul><h3>Pastries</h3><p>Croissants every morning.</p></main>`),
  ],
  '/admin': () => [200, { 'content-type': 'text/html' }, page('Admin', '<h1>Opening hours</h1><p>The * group does not bind EnsembleBot, which has its own group.</p>')],
  '/private/recipes': () => [200, { 'content-type': 'text/html' }, page('Secret', '<p>Never read.</p>')],
  '/files/menu.pdf': () => [200, { 'content-type': 'application/pdf' }, '%PDF-1.4'],
  '/logo': () => [200, { 'content-type': 'image/png' }, Buffer.from([0x89, 0x50, 0x4e, 0x47])],
  '/old-about': () => [301, { location: '/about' }, ''],
  '/gone': () => [404, { 'content-type': 'text/html' }, page('Not found', '<p>Not found</p>')],
  '/moved-away': () => [302, { location: 'http://other.example/' }, ''],
  '/quiet': () => [200, { 'content-type': 'text/html' }, page('Quiet', '<p>Staff only.</p><a href="/quiet-child">child</a>', '<meta name="robots" content="noindex">')],
  '/quiet-child': () => [200, { 'content-type': 'text/html' }, page('Quiet child', '<h1>Reached through a noindex page</h1><p>noindex still lets links be followed.</p>')],
  '/no-follow': () => [200, { 'content-type': 'text/html' }, page('No follow', '<h1>Allergens</h1><p>All breads contain gluten.</p><a href="/hidden">hidden</a>', '<meta name="robots" content="nofollow">')],
  '/hidden': () => [200, { 'content-type': 'text/html' }, page('Hidden', '<p>Never read.</p>')],
  '/latin1': () => [
    200,
    { 'content-type': 'text/html; charset=windows-1252' },
    // windows-1252, not latin1: € is 0x80 and — is 0x97 there.
    Buffer.from(page('Desserts', '<h1>Desserts</h1><p>Crème brûlée and tarte à la praline \x97 4 \x80.</p>'), 'latin1'),
  ],
  '/to-loopback': () => [302, { location: `http://127.0.0.1:${CANARY_PORT}/admin` }, ''],
};

function route(host: string, path: string): [number, Record<string, string>, string | Buffer] {
  if (host === 'bakery.example') return [301, { location: `http://www.bakery.example${path}` }, ''];
  if (host === 'www.bakery.example') return WWW[path]?.() ?? [404, { 'content-type': 'text/plain' }, 'not found'];
  if (host === 'blog.bakery.example') {
    if (path === '/') return [200, { 'content-type': 'text/html' }, page('Blog', '<h1>News from the bakery</h1><p>We now bake a spelt loaf on Fridays.</p>')];
    return [404, { 'content-type': 'text/plain' }, 'no robots here'];
  }
  if (host === 'other.example') return [200, { 'content-type': 'text/html' }, page('Other', '<p>Another business.</p>')];
  if (host === 'broken.example') {
    if (path === '/robots.txt') return [503, { 'content-type': 'text/plain' }, 'down'];
    return [200, { 'content-type': 'text/html' }, page('Broken', '<p>Should not be read.</p>')];
  }
  return [404, {}, ''];
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const path = req.url ?? '/';
    requests.push({ host, path, userAgent: req.headers['user-agent'] ?? '' });
    if (host === 'slow.example') {
      // Every page takes 300 ms and links to ten more.
      const n = Number(/\/p(\d+)/.exec(path)?.[1] ?? 0);
      if (path === '/robots.txt') return res.writeHead(404).end();
      const links = Array.from({ length: 10 }, (_, i) => `<a href="/p${n * 10 + i + 1}">${i}</a>`).join(' ');
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(page(`Page ${n}`, `<h1>Page ${n}</h1><p>Slow page number ${n}.</p>${links}`)), 300);
      return;
    }
    const [status, headers, body] = route(host, path);
    res.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(SITE_PORT, '127.0.0.1', resolve));
  canary = net.createServer((socket) => {
    canaryConnections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => canary.listen(CANARY_PORT, '127.0.0.1', resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => canary.close(resolve));
});

const resolve: Resolver = async (hostname) => {
  if (SITE_HOSTS.includes(hostname)) return [{ address: PUBLIC_SITE_IP, family: 4 }];
  if (hostname === 'evil.example') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};
const dial: Dialer = (target) =>
  target.addresses.every((a) => a.address === PUBLIC_SITE_IP) ? net.connect(SITE_PORT, '127.0.0.1') : defaultDial(target);
const fetch = createSafeFetcher({ resolve, dial });

describe('readPage', () => {
  it('extracts title, paragraphs, headings, links, language and canonical', () => {
    const html = `<!doctype html><html lang="fr-FR"><head><title>Boulangerie</title><base href="/fr/">
      <meta name="description" content="  Pain au levain  à Lyon ">
      <link rel="canonical" href="https://bakery.example/fr/"></head><body>
      <nav><a href="accueil">Accueil</a><a href="#haut">Haut</a><a href="javascript:void(0)">JS</a><a href="https://x.example/a#b">X</a><a href="https://x.example/a">X again</a></nav>
      <article><h1>Notre boulangerie</h1><p>${'Nous faisons du pain au levain chaque matin. '.repeat(12)}</p>
      <h2>Horaires</h2><p>Ouvert tous les jours.</p><script>document.write('no')</script></article></body></html>`;
    const result = readPage(html, 'https://bakery.example/index');
    expect(result.title).toBe('Boulangerie');
    expect(result.lang).toBe('fr-FR');
    expect(result.description).toBe('Pain au levain à Lyon');
    expect(result.canonical).toBe('https://bakery.example/fr/');
    expect(result.headings).toEqual(['Notre boulangerie', 'Horaires']);
    expect(result.links).toEqual(['https://bakery.example/fr/accueil', 'https://bakery.example/fr/', 'https://x.example/a']);
    expect(result.text).toContain('Nous faisons du pain au levain chaque matin.');
    expect(result.text).toMatch(/Horaires\n\nOuvert tous les jours\./);
    expect(result.text).not.toContain('document.write');
    expect(result.robots).toEqual({ noindex: false, nofollow: false });
  });

  it('keeps the whole body of a short page (a home page with the address in the footer)', () => {
    const html = page('Home', '<main><h1>Maison Lumière</h1><p>Bread.</p></main><footer><address>12 rue des Boulangers, Lyon</address></footer>');
    const result = readPage(html, 'https://bakery.example/');
    expect(result.text).toContain('12 rue des Boulangers, Lyon');
    expect(result.text).toContain('Bread.');
  });

  it('reads robots meta directives', () => {
    const result = readPage(page('x', '<p>x</p>', '<meta name="robots" content="NOINDEX, nofollow">'), 'https://bakery.example/');
    expect(result.robots).toEqual({ noindex: true, nofollow: true });
  });

  it('decodes legacy charsets from the header or the meta tag', () => {
    const bytes = Buffer.from('<html><head><meta charset="windows-1252"></head><body>Cr\xe8me br\xfbl\xe9e \x80</body></html>', 'latin1');
    expect(decodeHtml(bytes, null)).toContain('Crème brûlée €');
    expect(decodeHtml(Buffer.from('Caf\xe9', 'latin1'), 'iso-8859-1')).toBe('Café');
    expect(decodeHtml(Buffer.from('Café'), null)).toBe('Café');
  });

  it('normalises crawl URLs and tells sites apart by registrable domain', () => {
    expect(normaliseCrawlUrl('https://www.bakery.example/menu?utm_source=x&day=mon&fbclid=1#top')).toBe('https://www.bakery.example/menu?day=mon');
    expect(siteOf('https://blog.bakery.example/')).toBe(siteOf('https://www.bakery.example/'));
    expect(siteOf('https://shop.example.co.uk/')).toBe('example.co.uk');
    expect(siteOf('https://other.co.uk/')).not.toBe(siteOf('https://shop.example.co.uk/'));
  });
});

describe('crawlSite', () => {
  it('crawls the same site politely: robots.txt, canonical and redirect duplicates, HTML only, depth limit', async () => {
    requests.length = 0;
    const progress: CrawlProgress[] = [];
    const result = await crawlSite('http://bakery.example', { fetch, onProgress: (p) => progress.push(p) });

    expect(result.startUrl).toBe('http://www.bakery.example/');
    const urls = result.pages.map((p) => p.url).sort();
    expect(urls).toEqual(
      [
        'http://blog.bakery.example/',
        'http://www.bakery.example/',
        'http://www.bakery.example/about',
        'http://www.bakery.example/admin',
        'http://www.bakery.example/latin1',
        'http://www.bakery.example/menu',
        'http://www.bakery.example/no-follow',
        'http://www.bakery.example/quiet-child',
        'http://www.bakery.example/team',
      ].sort(),
    );
    const reasonOf = (url: string) => result.skipped.find((s) => s.url === url)?.reason;
    expect(reasonOf('http://www.bakery.example/private/recipes')).toBe('robots');
    expect(reasonOf('http://www.bakery.example/index.html')).toBe('duplicate');
    expect(reasonOf('http://www.bakery.example/old-about')).toBe('duplicate');
    expect(reasonOf('http://www.bakery.example/files/menu.pdf')).toBe('not-html');
    expect(reasonOf('http://www.bakery.example/logo')).toBe('not-html');
    expect(reasonOf('http://www.bakery.example/gone')).toBe('http-error');
    expect(reasonOf('http://www.bakery.example/moved-away')).toBe('off-site');
    expect(reasonOf('https://instagram.com/maisonlumiere')).toBe('off-site');
    expect(reasonOf('http://www.bakery.example/quiet')).toBe('noindex');
    expect(reasonOf('http://www.bakery.example/deep')).toBe('max-depth');
    expect(reasonOf('http://www.bakery.example/to-loopback')).toBe('fetch-failed');
    expect(result.skipped.find((s) => s.url.endsWith('/to-loopback'))?.detail).toContain('loopback');
    // The newsletter link is the menu page once tracking parameters go.
    expect(result.skipped.some((s) => s.url.includes('utm_source'))).toBe(false);

    const home = result.pages.find((p) => p.url === 'http://www.bakery.example/')!;
    expect(home.title).toBe('Maison Lumière — Sourdough bakery in Lyon');
    expect(home.headings).toEqual(['Maison Lumière', 'Visit us']);
    expect(home.text).toContain('12 rue des Boulangers, Lyon');
    expect(home.lang).toBe('en');
    expect(home.depth).toBe(0);
    const menu = result.pages.find((p) => p.url.endsWith('/menu'))!;
    expect(menu.text).toContain('- Country sourdough — 6 €');
    expect(menu.headings).toEqual(['Menu', 'Breads', 'Pastries']);
    expect(result.pages.find((p) => p.url.endsWith('/latin1'))!.text).toContain('Crème brûlée and tarte à la praline — 4 €.');
    expect(result.pages.find((p) => p.url.endsWith('/team'))!.depth).toBe(2);

    // Never requested: robots-disallowed, nofollow targets, non-HTML by extension, too deep, off-site.
    const requested = new Set(requests.map((r) => `${r.host}${r.path}`));
    for (const never of ['www.bakery.example/private/recipes', 'www.bakery.example/hidden', 'www.bakery.example/files/menu.pdf', 'www.bakery.example/deep', 'instagram.com/maisonlumiere']) {
      expect(requested.has(never), never).toBe(false);
    }
    expect(requested.has('blog.bakery.example/robots.txt')).toBe(true);
    expect(requests.every((r) => r.userAgent.startsWith('EnsembleBot/'))).toBe(true);
    // One robots.txt per origin, not per page.
    expect(requests.filter((r) => r.path === '/robots.txt' && r.host === 'www.bakery.example')).toHaveLength(1);
    expect(canaryConnections).toBe(0);

    expect(progress.length).toBeGreaterThanOrEqual(result.pages.length);
    expect(progress.at(-1)!.pagesRead).toBe(result.pages.length);
  });

  it('stops at maxPages and reports what it left', async () => {
    const result = await crawlSite('http://www.bakery.example/', { fetch, maxPages: 2 });
    expect(result.pages).toHaveLength(2);
    expect(result.skipped.filter((s) => s.reason === 'max-pages').length).toBeGreaterThan(3);
  });

  it('keeps to its time budget', async () => {
    const started = Date.now();
    const result = await crawlSite('http://slow.example/', { fetch, timeBudgetMs: 1_000, maxPages: 50 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(2_000);
    expect(result.pages.length).toBeGreaterThanOrEqual(1);
    expect(result.pages.length).toBeLessThanOrEqual(4);
    expect(result.skipped.some((s) => s.reason === 'time-budget')).toBe(true);
  });

  it('crawls nothing when robots.txt answers 5xx (RFC 9309: assume complete disallow)', async () => {
    const result = await crawlSite('http://broken.example/', { fetch });
    expect(result.pages).toEqual([]);
    expect(result.skipped).toEqual([{ url: 'http://broken.example/', reason: 'robots', detail: expect.stringContaining('HTTP 503') }]);
  });

  it('throws the fetcher error when the start address itself is refused', async () => {
    const before = canaryConnections;
    await expect(crawlSite(`http://127.0.0.1:${CANARY_PORT}/`, { fetch })).rejects.toBeInstanceOf(SafeFetchError);
    await expect(crawlSite(`http://evil.example:${CANARY_PORT}/`, { fetch })).rejects.toThrow(/loopback/);
    await expect(crawlSite('ftp://bakery.example/', { fetch })).rejects.toThrow(/Only http and https/);
    expect(canaryConnections - before).toBe(0);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const crawl = crawlSite('http://slow.example/', { fetch, maxPages: 50, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('activity cancelled')), 500);
    await expect(crawl).rejects.toThrow('activity cancelled');
  });
});
