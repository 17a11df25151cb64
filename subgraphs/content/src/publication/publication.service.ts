// W1 step 6 (publication) through the built-in "site" connector: an approved
// item whose slot time has come becomes a static HTML page in the configured
// object storage (packages/storage: local disk under STORAGE_DIR, or S3 with
// STORAGE_DRIVER=s3, as the media library) at <tenantId>/published/<slug>.html.
// Exactly once per idempotency key `<workflowId>:publication:<itemId>`: the
// publication row is claimed first and checked before acting (attempts.ts);
// a page written by an attempt that crashed before recording "sent" is
// simply rewritten. Other channels go through publish-item.service.ts.
import { DateTime } from 'luxon';
import type { EntityManager } from '@ensemble/db/orm';
import type { ObjectStorage } from '@ensemble/storage/storage';
import { sql, toDate, toDateOrNull } from '../pipeline/sql.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';
import { renderSitePage } from './site-render.ts';
import { utmTagsFor, type TaggedLink, type UtmTags } from '../utm/utm-tagger.ts';
import { ensureCampaign, recordUtmLinks } from '../utm/utm.service.ts';
import { claimPublication, recordOutcome, type Trigger } from './attempts.ts';

/** Channels the built-in site connector publishes; the others wait for their connectors. */
export const SITE_CHANNELS: readonly ChannelKind[] = ['blog', 'landing_page'];

export interface RunItem {
  id: string;
  channel: ChannelKind;
  status: 'draft' | 'in_review' | 'approved' | 'scheduled' | 'published' | 'rejected' | 'archived';
  title: string;
  locale: string;
  slug: string;
  metaDescription: string | null;
  version: number;
  body: string;
  scheduledAt: Date | null;
  createdAt: Date;
}

const ITEM_SELECT = `select i.id, i.channel, i.status, i.title, i.locale, i.slug, i.meta_description, i.current_version, i.created_at,
            v.body, s.scheduled_at
       from content.content_item i
       join content.content_version v on v.tenant_id = i.tenant_id and v.item_id = i.id and v.version = i.current_version
       left join content.calendar_slot s on s.tenant_id = i.tenant_id and s.id = i.calendar_slot_id`;

function runItemOf(r: Record<string, unknown>): RunItem {
  return {
    id: r.id as string,
    channel: r.channel as ChannelKind,
    status: r.status as RunItem['status'],
    title: r.title as string,
    locale: r.locale as string,
    slug: (r.slug as string | null) ?? (r.id as string),
    metaDescription: (r.meta_description as string | null) ?? null,
    version: r.current_version as number,
    body: r.body as string,
    scheduledAt: toDateOrNull(r.scheduled_at),
    createdAt: toDate(r.created_at),
  };
}

/** The run's items with their current text and slot time, in slot order. */
export async function listRunItems(em: EntityManager, runId: string): Promise<RunItem[]> {
  const rows = await sql(em, `${ITEM_SELECT} where i.pipeline_run_id = ? order by s.scheduled_at nulls last, i.id`, [runId]);
  return rows.map(runItemOf);
}

/** One item with its current text and its slot's time now (a dragged slot shows its new time). */
export async function findRunItem(em: EntityManager, itemId: string): Promise<RunItem | null> {
  const [row] = await sql(em, `${ITEM_SELECT} where i.id = ?`, [itemId]);
  return row ? runItemOf(row) : null;
}

/** Due = the slot's day is today or earlier in the client's time zone (later slots are published later). */
export function isDue(scheduledAt: Date | null, now: Date, timeZone: string): boolean {
  if (!scheduledAt) return true;
  const endOfToday = DateTime.fromJSDate(now, { zone: timeZone }).endOf('day');
  return scheduledAt.getTime() <= endOfToday.toMillis();
}

/** Approved items not yet due (or without a connector) are marked scheduled: they will go out later. */
export async function markScheduled(em: EntityManager, itemId: string): Promise<void> {
  await sql(em, `update content.content_item set status = 'scheduled', updated_at = now() where id = ? and status = 'approved'`, [itemId]);
}

export interface SitePublishInput {
  tenantId: string;
  workflowId: string;
  /** the idempotency key (default `<workflowId>:publication:<itemId>`) */
  key?: string;
  /** what started it (default: the pipeline) */
  trigger?: Trigger;
  month: string;
  item: RunItem;
  brandName: string;
  brandUrl: string | null;
  storage: ObjectStorage;
  /** MEDIA_PUBLIC_BASE_URL (embedded media become absolute URLs), null when unset */
  mediaBaseUrl?: string | null;
  now: Date;
}

export interface SitePublishResult {
  publicationId: string;
  path: string;
  links: number;
  replayed: boolean;
}

type Tx = <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>;

export function publicationKey(workflowId: string, itemId: string): string {
  return `${workflowId}:publication:${itemId}`;
}

/** Publishes one item to the site, once. `tx` runs a function in a tenant transaction. */
export async function publishToSite(tx: Tx, input: SitePublishInput): Promise<SitePublishResult> {
  const key = input.key ?? publicationKey(input.workflowId, input.item.id);
  const relativePath = `${input.tenantId}/published/${input.item.slug}.html`;
  if (!/^[0-9a-f-]{36}\/published\/[a-z0-9-]+\.html$/.test(relativePath)) throw new Error(`refusing to write outside the tenant's storage: ${relativePath}`);

  // 1. Claim the key (or find it done); the attempt is logged before acting.
  const claim = await tx((em) => claimPublication(em, {
    tenantId: input.tenantId, itemId: input.item.id, version: input.item.version, channel: input.item.channel, channelId: null,
    key, connector: 'site', trigger: input.trigger ?? 'pipeline', request: { method: 'WRITE', url: relativePath }, now: input.now,
  }));
  if (claim.done) return { publicationId: claim.publicationId, path: claim.externalId ?? relativePath, links: 0, replayed: true };

  // 2. Act: render and write the page (every driver's put is atomic: a reader never sees half a page).
  // A page written by an attempt that crashed before recording is simply rewritten.
  const tags = utmTagsFor({ channel: input.item.channel, month: input.month, slug: input.item.slug });
  const page = renderSitePage({
    title: input.item.title,
    body: input.item.body,
    locale: input.item.locale,
    metaDescription: input.item.metaDescription,
    brandName: input.brandName,
    brandUrl: input.brandUrl,
    publishedAt: input.now,
    tags,
    generator: 'Ensemble site connector',
    mediaBaseUrl: input.mediaBaseUrl ?? null,
  });
  try {
    await input.storage.put(relativePath, Buffer.from(page.html, 'utf8'), { contentType: 'text/html; charset=utf-8' });
  } catch (error) {
    await tx((em) => recordOutcome(em, claim, input.item.id, { status: 'failed', error: (error as Error).message }, input.now));
    throw error;
  }

  // 3. Record: sent, item and slot published, links and campaign for attribution (C10).
  await tx(async (em) => {
    await recordCampaignLinks(em, { tenantId: input.tenantId, itemId: input.item.id, publicationId: claim.publicationId, month: input.month, tags, links: page.links });
    await recordOutcome(em, claim, input.item.id, { status: 'sent', externalId: relativePath, externalUrl: input.storage.locate(relativePath) }, input.now);
  });
  return { publicationId: claim.publicationId, path: relativePath, links: page.links.length, replayed: false };
}

export interface CampaignLinks {
  tenantId: string;
  itemId: string;
  publicationId: string;
  month: string;
  tags: UtmTags;
  links: readonly TaggedLink[];
}

/**
 * The campaign of the publication's utm_campaign (the pipeline month's unless
 * a campaign was named) and every tagged link (C10), through the attribution
 * service; idempotent.
 */
export async function recordCampaignLinks(em: EntityManager, input: CampaignLinks): Promise<void> {
  if (input.links.length === 0) return;
  const start = DateTime.fromISO(`${input.month}-01`);
  const campaignId = await ensureCampaign(em, {
    tenantId: input.tenantId,
    utmCampaign: input.tags.campaign,
    name: `Monthly pipeline ${input.month}`,
    description: 'Content of the monthly pipeline',
    startsOn: start.isValid ? start.toISODate() : null,
    endsOn: start.isValid ? start.endOf('month').toISODate() : null,
  });
  await recordUtmLinks(em, { tenantId: input.tenantId, itemId: input.itemId, publicationId: input.publicationId, campaignId, tags: input.tags, links: input.links });
}
