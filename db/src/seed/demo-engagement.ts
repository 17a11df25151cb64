// C5: fifteen weeks of published posts of the demo bakery, with the engagement
// the channels reported, so the calendar's learned times have something to
// learn from: on Instagram, Thursday 18:00 posts engage about twice as much as
// the morning ones; on Facebook, Saturday 10:00 beats Wednesday lunchtime.
// Pure: rows in, relative to `now`; seed.ts writes them.

type Row = Record<string, unknown>;

/** Offset (ms) of a time zone from UTC at an instant. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return local - Math.floor(instant / 1000) * 1000;
}

/** The instant of a wall-clock time in a zone (dates past a month's end roll over). */
function zoned(year: number, month0: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.UTC(year, month0, day, hour, minute);
  const first = guess - zoneOffset(guess, timeZone);
  return new Date(guess - zoneOffset(first, timeZone));
}

interface Pattern { channel: 'instagram' | 'facebook'; weekday: number; hour: number; minute: number; rate: number }

const PATTERNS: Pattern[] = [
  { channel: 'instagram', weekday: 1, hour: 11, minute: 5, rate: 0.038 },
  { channel: 'instagram', weekday: 3, hour: 11, minute: 0, rate: 0.041 },
  { channel: 'instagram', weekday: 4, hour: 18, minute: 10, rate: 0.088 },
  { channel: 'facebook', weekday: 3, hour: 13, minute: 0, rate: 0.022 },
  { channel: 'facebook', weekday: 6, hour: 10, minute: 15, rate: 0.041 },
];

const TITLES: Record<Pattern['channel'], string[]> = {
  instagram: ['Sortie du four', 'Le levain du jour', 'Atelier viennoiseries', 'Brunch du week-end', 'Croissant au beurre AOP'],
  facebook: ['Les nouveautés de la semaine', 'Commandes entreprises', 'Nos ateliers du samedi', 'Horaires et fournées'],
};

export interface EngagementHistory {
  items: Row[];
  versions: Row[];
  publications: Row[];
  metrics: Row[];
}

/**
 * Weeks 1…15 before `now`'s week: every pattern once a week, impressions and
 * rates varied deterministically (±25 %), ids derived from names.
 */
export function bakeryEngagementHistory(input: {
  tenantId: string;
  timeZone: string;
  now: Date;
  channelIds: Record<Pattern['channel'], string>;
  derivedId: (name: string) => string;
}): EngagementHistory {
  const today = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: input.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' })
    .formatToParts(input.now).map((p) => [p.type, p.value]));
  const isoWeekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(today.weekday!) + 1;
  const year = Number(today.year);
  const month0 = Number(today.month) - 1;
  const monday = Number(today.day) - (isoWeekday - 1);
  const history: EngagementHistory = { items: [], versions: [], publications: [], metrics: [] };
  let n = 0;
  for (let week = 1; week <= 15; week += 1) {
    for (const pattern of PATTERNS) {
      n += 1;
      const at = zoned(year, month0, monday - 7 * week + (pattern.weekday - 1), pattern.hour, pattern.minute, input.timeZone);
      const wobble = 0.75 + ((n * 37) % 51) / 100; // 0.75 … 1.25, the same every time
      const impressions = 700 + ((n * 131) % 900);
      const interactions = Math.round(impressions * pattern.rate * wobble);
      const name = `engagement-history:bakery:${n}`;
      const itemId = input.derivedId(`${name}:item`);
      const publicationId = input.derivedId(`${name}:publication`);
      const titles = TITLES[pattern.channel];
      const title = titles[n % titles.length]!;
      history.items.push({
        id: itemId, tenant_id: input.tenantId, channel: pattern.channel, channel_id: input.channelIds[pattern.channel], title, status: 'published',
        mode: 'auto', locale: 'fr', current_version: 1, published_at: at, created_at: at, updated_at: at,
      });
      history.versions.push({
        id: input.derivedId(`${name}:v1`), tenant_id: input.tenantId, item_id: itemId, version: 1, title,
        body: `${title} — publication de démonstration (historique d’engagement).`, author: 'human', created_at: at,
      });
      history.publications.push({
        id: publicationId, tenant_id: input.tenantId, item_id: itemId, version: 1, channel: pattern.channel, channel_id: input.channelIds[pattern.channel],
        idempotency_key: `seed:${name}`, status: 'sent', attempts: 1, published_at: at, created_at: at,
      });
      // What the channel reported for the post: likes, comments, shares, saves, clicks.
      history.metrics.push({
        tenant_id: input.tenantId, publication_id: publicationId, channel: pattern.channel, day: at.toISOString().slice(0, 10),
        impressions, reach: Math.round(impressions * 0.8), likes: Math.round(interactions * 0.7), comments: Math.round(interactions * 0.1),
        shares: Math.round(interactions * 0.05), saves: Math.round(interactions * 0.1),
        clicks: Math.max(0, interactions - Math.round(interactions * 0.7) - Math.round(interactions * 0.1) - Math.round(interactions * 0.05) - Math.round(interactions * 0.1)),
        collected_at: at,
      });
    }
  }
  return history;
}
