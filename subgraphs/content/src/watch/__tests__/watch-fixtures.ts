// Test fixtures of competitor watch: an RSS 2.0 feed, an Atom feed and a
// small shop page whose products the tests change between captures.
export const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Le Fournil d'Oberkampf — Actualités</title>
    <link>https://fournil.example/</link>
    <description>Nouvelles du fournil</description>
    <item>
      <title>Nouvelle baguette aux graines</title>
      <link>https://fournil.example/blog/baguette-graines</link>
      <guid isPermaLink="false">fournil-42</guid>
      <pubDate>Tue, 05 May 2026 07:30:00 +0200</pubDate>
      <description><![CDATA[<p>Notre nouvelle baguette.</p>]]></description>
    </item>
    <item>
      <title>Horaires du 1er mai</title>
      <link>https://fournil.example/blog/1er-mai</link>
      <pubDate>Thu, 30 Apr 2026 18:00:00 +0200</pubDate>
    </item>
  </channel>
</rss>`;

export const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Café Graine</title>
  <link href="https://cafe-graine.example/"/>
  <updated>2026-05-06T09:00:00Z</updated>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
  <entry>
    <title>Brunch du dimanche : nouvelle carte</title>
    <link href="https://cafe-graine.example/brunch-2026"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2026-05-06T09:00:00Z</updated>
    <summary>Œufs brouillés, pain au levain.</summary>
  </entry>
</feed>`;

export function shopPage(products: Array<[string, string]>, intro = 'Pain au levain naturel, cuit au feu de bois.'): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>La boutique</title><style>.x{}</style></head><body>
    <header><nav><a href="/">Accueil</a></nav></header>
    <main><h1>Nos pains</h1><p class="intro">${intro}</p>
      <ul class="products">${products.map(([name, price]) => `<li class="product"><h3 class="name">${name}</h3><span class="price">${price}</span></li>`).join('')}</ul>
      <script>var tracking = "${Math.random()}";</script>
    </main></body></html>`;
}
