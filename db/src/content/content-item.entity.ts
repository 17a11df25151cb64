import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { CHANNELS } from '../vocabulary.ts';

/** C1: a piece of content for one channel; its text lives in versions. */
export const ContentItem = defineEntity({
  name: 'ContentItem',
  tableName: 'content.content_item',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    channel: p.enum(CHANNELS),
    channelId: p.uuid().nullable(),
    title: p.text(),
    status: p.enum(['draft', 'in_review', 'approved', 'scheduled', 'published', 'rejected', 'archived'] as const).default('draft'),
    mode: p.enum(['manual', 'semi', 'auto'] as const).default('semi'),
    locale: p.text(),
    brief: p.text().nullable(),
    keyphrase: p.text().nullable(),
    slug: p.text().nullable(),
    metaDescription: p.text().nullable(),
    currentVersion: p.integer().default(0),
    regenerations: p.integer().default(0),
    calendarSlotId: p.uuid().nullable(),
    pipelineRunId: p.uuid().nullable(),
    dnaSnapshotId: p.uuid().nullable(),
    refreshedFromId: p.uuid().nullable(),
    publishedAt: p.datetime().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type ContentItemRow = InstanceType<typeof ContentItem.class>;

/** C1: every edit and regeneration is a new version; author is 'human' or 'model:<model code>'. */
export const ContentVersion = defineEntity({
  name: 'ContentVersion',
  tableName: 'content.content_version',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    itemId: p.uuid(),
    version: p.integer(),
    title: p.text(),
    body: p.text(),
    meta: p.json<Record<string, unknown>>().onCreate(() => ({})),
    author: p.text(),
    dnaSnapshotId: p.uuid().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ContentVersionRow = InstanceType<typeof ContentVersion.class>;
