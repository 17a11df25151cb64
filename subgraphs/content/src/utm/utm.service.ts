// C10/A6: the attribution table. Each tagged link of published content is one
// content.utm_link row (tagged URL → item, publication, campaign), and each
// utm_campaign value is a content.campaign row, so revenue reported per
// campaign ties back to the content that earned it. Writes are idempotent:
// ids derive from the tenant and the tagged URL, and inserts do nothing on conflict.
import type { EntityManager } from '@ensemble/db/orm';
import { badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql, toDate } from '../pipeline/sql.ts';
import type { TaggedLink, UtmTags } from './utm-tagger.ts';

export interface CampaignInput {
  tenantId: string;
  /** the utm_campaign token */
  utmCampaign: string;
  name: string;
  description?: string;
  startsOn?: string | null;
  endsOn?: string | null;
}

/** The campaign row for a utm_campaign value, created on first use. */
export async function ensureCampaign(em: EntityManager, input: CampaignInput): Promise<string> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(input.utmCampaign)) throw badInput('utm_campaign must be a lowercase token', 'campaign');
  await sql(em,
    `insert into content.campaign (id, tenant_id, name, utm_campaign, description, starts_on, ends_on)
     values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
    [uuidV5(`${input.tenantId}:campaign:${input.utmCampaign}`), input.tenantId, input.name, input.utmCampaign, input.description ?? '',
      input.startsOn ?? null, input.endsOn ?? null]);
  const [row] = await sql<{ id: string }>(em, 'select id from content.campaign where tenant_id = ? and utm_campaign = ?', [input.tenantId, input.utmCampaign]);
  return row!.id;
}

export interface RecordLinksInput {
  tenantId: string;
  itemId: string | null;
  publicationId: string | null;
  campaignId: string | null;
  tags: UtmTags;
  links: readonly TaggedLink[];
}

/** Stores the mapping of every tagged link; recording the same links again adds nothing. */
export async function recordUtmLinks(em: EntityManager, input: RecordLinksInput): Promise<number> {
  let inserted = 0;
  const seen = new Set<string>();
  for (const link of input.links) {
    if (seen.has(link.tagged)) continue;
    seen.add(link.tagged);
    const rows = await sql(em,
      `insert into content.utm_link (id, tenant_id, item_id, publication_id, campaign_id, destination_url,
                                     utm_source, utm_medium, utm_campaign, utm_content, utm_term, tagged_url)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [uuidV5(`${input.tenantId}:utm-link:${link.tagged}`), input.tenantId, input.itemId, input.publicationId, input.campaignId,
        link.destination, input.tags.source, input.tags.medium, input.tags.campaign, input.tags.content, input.tags.term ?? null, link.tagged]);
    inserted += rows.length;
  }
  return inserted;
}

export interface UtmLinkView {
  id: string;
  itemId: string | null;
  publicationId: string | null;
  campaignId: string | null;
  destinationUrl: string;
  taggedUrl: string;
  source: string;
  medium: string;
  campaign: string;
  content: string | null;
  term: string | null;
  createdAt: Date;
}

/** The tagged links of one item (NOT_FOUND when the item is not in scope). */
export async function listUtmLinks(em: EntityManager, itemId: string): Promise<UtmLinkView[]> {
  const [item] = isUuid(itemId) ? await sql(em, 'select id from content.content_item where id = ?', [itemId]) : [];
  if (!item) throw notFound('Content item');
  const rows = await sql(em,
    `select id, item_id, publication_id, campaign_id, destination_url, tagged_url, utm_source, utm_medium, utm_campaign, utm_content, utm_term, created_at
       from content.utm_link where item_id = ? order by created_at, tagged_url`, [itemId]);
  return rows.map((r) => ({
    id: r.id as string,
    itemId: (r.item_id as string | null) ?? null,
    publicationId: (r.publication_id as string | null) ?? null,
    campaignId: (r.campaign_id as string | null) ?? null,
    destinationUrl: r.destination_url as string,
    taggedUrl: r.tagged_url as string,
    source: r.utm_source as string,
    medium: r.utm_medium as string,
    campaign: r.utm_campaign as string,
    content: (r.utm_content as string | null) ?? null,
    term: (r.utm_term as string | null) ?? null,
    createdAt: toDate(r.created_at),
  }));
}
