import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C7: media library; the type is sniffed from the bytes, not the name. */
export const Media = defineEntity({
  name: 'Media',
  tableName: 'content.media',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['image', 'pdf', 'audio', 'video', 'document'] as const),
    filename: p.text(),
    mimeType: p.text(),
    declaredMimeType: p.text().nullable(),
    sizeBytes: p.bigint('number'),
    sha256: p.text(),
    storage: p.enum(['local', 's3'] as const),
    storageKey: p.text(),
    width: p.integer().nullable(),
    height: p.integer().nullable(),
    durationMs: p.integer().nullable(),
    altText: p.text().nullable(),
    locale: p.text(),
    source: p.enum(['upload', 'generated', 'onboarding', 'capture', 'export'] as const).default('upload'),
    generationJobId: p.uuid().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    deletedAt: p.datetime().nullable(),
  },
});
export type MediaRow = InstanceType<typeof Media.class>;

/** C7: tags of a media file. */
export const MediaTag = defineEntity({
  name: 'MediaTag',
  tableName: 'content.media_tag',
  properties: {
    tenantId: p.uuid().primary(),
    mediaId: p.uuid().primary(),
    tag: p.text().primary(),
  },
});
export type MediaTagRow = InstanceType<typeof MediaTag.class>;

/** C7: reuse of media in content. */
export const ContentMedia = defineEntity({
  name: 'ContentMedia',
  tableName: 'content.content_media',
  properties: {
    tenantId: p.uuid().primary(),
    itemId: p.uuid().primary(),
    mediaId: p.uuid().primary(),
    role: p.enum(['hero', 'inline', 'attachment', 'thumbnail'] as const).default('inline'),
    position: p.integer().default(0),
  },
});
export type ContentMediaRow = InstanceType<typeof ContentMedia.class>;
