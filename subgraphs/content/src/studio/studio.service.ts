// C1 (the studio): drafts are content items whose every save is a new
// immutable version. Generation and version history are in
// studio-generation.service.ts and content-versions.service.ts; scoring of
// unsaved text in scoring.service.ts.
import type { EntityManager } from '@ensemble/db/orm';
import { ContentItem, ContentVersion, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId, uuidArrayLiteral } from '@ensemble/tenancy/ids';
import { channelUsage, constraintViolations } from '../scoring/seo-scorer.ts';
import { applyReviewPolicy } from './review-policy.ts';

export const CHANNELS = ['BLOG', 'LANDING_PAGE', 'LINKEDIN', 'FACEBOOK', 'INSTAGRAM', 'X', 'GOOGLE_BUSINESS', 'NEWSLETTER', 'EMAIL', 'SMS'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface DraftInput {
  channel: Channel;
  title: string;
  body: string;
  keyphrase?: string | null;
  slug?: string | null;
  metaDescription?: string | null;
  locale?: string | null;
}

const MAX_BODY_CHARS = 200_000;
// The languages the scorer and the offline model write in.
const LOCALE = /^(en|fr)(-[A-Z]{2})?$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ValidDraft {
  channel: Channel;
  title: string;
  body: string;
  keyphrase: string | null;
  slug: string | null;
  metaDescription: string | null;
  locale: string;
}

/** Validates and normalises studio input; throws BAD_USER_INPUT naming the field. */
export function validateDraft(input: DraftInput): ValidDraft {
  if (!CHANNELS.includes(input.channel)) throw badInput('Unknown channel', 'channel');
  const title = input.title.trim();
  if (title.length > 300) throw badInput('Title must be at most 300 characters', 'title');
  if (input.body.length > MAX_BODY_CHARS) throw badInput(`Text must be at most ${MAX_BODY_CHARS} characters`, 'body');
  const keyphrase = input.keyphrase?.trim() || null;
  if (keyphrase && keyphrase.length > 100) throw badInput('Keyphrase must be at most 100 characters', 'keyphrase');
  const slug = input.slug?.trim() || null;
  if (slug && (!SLUG.test(slug) || slug.length > 120)) throw badInput('Slug may use lowercase letters, digits and single hyphens', 'slug');
  const metaDescription = input.metaDescription?.trim() || null;
  if (metaDescription && metaDescription.length > 400) throw badInput('Meta description must be at most 400 characters', 'metaDescription');
  const locale = input.locale?.trim() || 'en';
  if (!LOCALE.test(locale)) throw badInput('Locale must be English or French, like "en" or "fr-FR"', 'locale');
  return { channel: input.channel, title, body: input.body, keyphrase, slug, metaDescription, locale };
}

/**
 * The channel's hard constraints (length, hashtags, links: one table in
 * scoring/seo-channel-limits.ts): BAD_USER_INPUT naming the first one broken.
 */
export function assertChannelConstraints(draft: { channel: Channel; title: string; body: string; locale: string }): void {
  const usage = channelUsage({ channel: draft.channel, title: draft.title, body: draft.body, locale: draft.locale });
  const [violation] = constraintViolations(draft.channel, usage);
  if (violation) throw new AppError('BAD_USER_INPUT', violation.message, { field: 'body', constraint: violation.constraint });
}

export function storedChannel(channel: Channel): ContentItemRow['channel'] {
  return channel.toLowerCase() as ContentItemRow['channel'];
}

export async function getItem(em: EntityManager, id: string): Promise<ContentItemRow> {
  const item = isUuid(id) ? await em.findOne(ContentItem, { id }) : null;
  if (!item) throw notFound('Content item');
  return item;
}

export async function listItems(em: EntityManager, tenantIds: readonly string[], limit: number): Promise<ContentItemRow[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badInput('limit must be between 1 and 1000', 'limit');
  return em.find(ContentItem, { tenantId: { $in: [...tenantIds] } }, { orderBy: { updatedAt: 'desc' }, limit });
}

export async function createDraft(em: EntityManager, tenantId: string, authorId: string | null, raw: DraftInput): Promise<ContentItemRow> {
  const input = validateDraft(raw);
  assertChannelConstraints(input);
  const item = em.create(ContentItem, {
    id: newId(),
    tenantId,
    channel: storedChannel(input.channel),
    title: input.title,
    status: 'draft',
    mode: 'manual',
    locale: input.locale,
    keyphrase: input.keyphrase,
    slug: input.slug,
    metaDescription: input.metaDescription,
    currentVersion: 1,
    createdBy: authorId,
  });
  await em.flush(); // the version's composite foreign key needs the item first
  em.create(ContentVersion, { id: newId(), tenantId, itemId: item.id, version: 1, title: input.title, body: input.body, meta: {}, author: 'human', createdBy: authorId });
  await em.flush();
  return item;
}

/** Locks the item row for the rest of the transaction and reloads it: concurrent writers get consecutive versions. */
export async function lockItem(em: EntityManager, item: ContentItemRow): Promise<ContentItemRow> {
  await em.getConnection().execute('select 1 from content.content_item where id = ? for update', [item.id], 'all', em.getTransactionContext());
  await em.refresh(item);
  return item;
}

/** A person's version of the text (an edit or a restore), with the item's mode applied. */
export async function saveDraft(em: EntityManager, id: string, raw: DraftInput, authorId: string | null = null): Promise<ContentItemRow> {
  const input = validateDraft(raw);
  assertChannelConstraints(input);
  const item = await lockItem(em, await getItem(em, id));
  const version = item.currentVersion + 1;
  Object.assign(item, {
    channel: storedChannel(input.channel),
    title: input.title,
    keyphrase: input.keyphrase,
    slug: input.slug,
    metaDescription: input.metaDescription,
    locale: input.locale,
    currentVersion: version,
    updatedAt: new Date(),
  });
  em.create(ContentVersion, { id: newId(), tenantId: item.tenantId, itemId: item.id, version, title: input.title, body: input.body, meta: {}, author: 'human', createdBy: authorId });
  await em.flush();
  await applyReviewPolicy(em, item, version, input, authorId);
  return item;
}

/** Bodies of the items' current versions: one query for any number of items. */
/** The time of each item's calendar slot (items without a slot are absent), for a batch of items. */
export async function slotTimes(em: EntityManager, itemIds: readonly string[]): Promise<Map<string, Date>> {
  if (itemIds.length === 0) return new Map();
  const rows = await em.getConnection().execute<{ item_id: string; scheduled_at: Date }[]>(
    `select i.id as item_id, s.scheduled_at from content.content_item i
       join content.calendar_slot s on s.tenant_id = i.tenant_id and s.id = i.calendar_slot_id
      where i.id = any(?::uuid[])`, [uuidArrayLiteral(itemIds)], 'all', em.getTransactionContext());
  return new Map(rows.map((r) => [r.item_id, new Date(r.scheduled_at)]));
}

export async function currentBodies(em: EntityManager, itemIds: readonly string[]): Promise<Map<string, string>> {
  if (itemIds.length === 0) return new Map();
  const rows = await em.getConnection().execute<{ item_id: string; body: string }[]>(
    `select v.item_id, v.body from content.content_item i
       join content.content_version v on v.tenant_id = i.tenant_id and v.item_id = i.id and v.version = i.current_version
      where i.id = any(?::uuid[])`, [uuidArrayLiteral(itemIds)], 'all', em.getTransactionContext());
  return new Map(rows.map((r) => [r.item_id, r.body]));
}
