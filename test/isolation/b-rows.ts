// Rows of client B for the isolation probes that the API cannot create
// without external services (a competitor's site, analytics history, a
// publishing connector), and the tiny PNG B uploads through the gateway.
import { randomUUID } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import type pg from 'pg';

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid width × height RGB PNG of one colour. */
export function tinyPng(width = 4, height = 4): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x80)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Uploads a file as the token's tenant through the gateway's POST /uploads; returns the media id. */
export async function uploadMedia(gatewayUrl: string, token: string, bytes: Buffer, filename: string, mimeType: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), filename);
  const response = await fetch(new URL('/uploads', gatewayUrl), {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-ensemble-upload': '1' }, body: form,
  });
  const body = (await response.json()) as { media?: { id: string }; errors?: unknown };
  if (!response.ok || !body.media) throw new Error(`upload failed (${response.status}): ${JSON.stringify(body)}`);
  return body.media.id;
}

export interface WatchRows { sourceId: string; removableSourceId: string; captureId: string; alertId: string }

/** A competitor of B with two sources (one to remove), a capture and an alert, as the worker would record them. */
export async function insertWatchRows(admin: pg.Client, tenantId: string): Promise<WatchRows> {
  const competitorId = randomUUID();
  const rows: WatchRows = { sourceId: randomUUID(), removableSourceId: randomUUID(), captureId: randomUUID(), alertId: randomUUID() };
  await asOwner(admin, async () => {
    await admin.query(`insert into content.competitor (id, tenant_id, name, website) values ($1, $2, 'Probe rival', 'https://rival-b.example')`, [competitorId, tenantId]);
    await admin.query(`insert into content.competitor_source (id, tenant_id, competitor_id, kind, url, last_status, last_fetched_at)
      values ($1, $3, $4, 'rss', 'https://rival-b.example/feed.xml', 'ok', now()), ($2, $3, $4, 'page', 'https://rival-b.example/prices', null, null)`,
    [rows.sourceId, rows.removableSourceId, tenantId, competitorId]);
    await admin.query(`insert into content.competitor_capture (id, tenant_id, source_id, http_status, content_hash, entries)
      values ($1, $2, $3, 200, repeat('b', 64), $4)`,
    [rows.captureId, tenantId, rows.sourceId, JSON.stringify([{ id: 'probe-1', title: 'Probe entry', url: 'https://rival-b.example/p1', published_at: null }])]);
    await admin.query(`insert into content.competitor_alert (id, tenant_id, source_id, capture_id, kind, summary, details, dedup_key)
      values ($1, $2, $3, $4, 'new_entry', 'Probe rival published Probe entry', $5, $6)`,
    [rows.alertId, tenantId, rows.sourceId, rows.captureId, JSON.stringify({ entry: { id: 'probe-1', title: 'Probe entry' } }), `probe:${rows.alertId}`]);
  });
  return rows;
}

/** An open evergreen proposal for each item (the monthly analytics step would find them). */
export async function insertEvergreenCandidates(admin: pg.Client, tenantId: string, itemIds: readonly string[]): Promise<string[]> {
  const ids = itemIds.map(() => randomUUID());
  await asOwner(admin, async () => {
    for (const [i, itemId] of itemIds.entries()) {
      await admin.query(`insert into content.evergreen_candidate (id, tenant_id, item_id, score, metrics) values ($1, $2, $3, 0.9, $4)`,
        [ids[i], tenantId, itemId, JSON.stringify({ events: 40, conversions: 3, engagement: 52, median: 10, ageDays: 200, publishedItems: 5, windowDays: 90, reason: 'Probe' })]);
    }
  });
  return ids;
}

/** A failed publication of the item (as a connector run would leave it), to be replayed. */
export async function insertPublication(admin: pg.Client, tenantId: string, itemId: string): Promise<string> {
  const id = randomUUID();
  await asOwner(admin, async () => {
    await admin.query(`insert into content.publication (id, tenant_id, item_id, version, channel, idempotency_key, status, attempts, last_error)
      values ($1, $2, $3, 1, 'blog', $4, 'failed', 1, 'probe: connector unreachable')`, [id, tenantId, itemId, `probe:${id}`]);
  });
  return id;
}

async function asOwner(admin: pg.Client, fn: () => Promise<void>): Promise<void> {
  await admin.query('set role ensemble_owner');
  try {
    await fn();
  } finally {
    await admin.query('reset role');
  }
}
