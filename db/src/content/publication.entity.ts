import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { CHANNELS } from '../vocabulary.ts';

/** W1: Publication at the slot's time, exactly once per idempotency key. */
export const Publication = defineEntity({
  name: 'Publication',
  tableName: 'content.publication',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    itemId: p.uuid(),
    version: p.integer().nullable(),
    channel: p.enum(CHANNELS),
    channelId: p.uuid().nullable(),
    idempotencyKey: p.text(),
    status: p.enum(['pending', 'sent', 'failed'] as const).default('pending'),
    externalId: p.text().nullable(),
    externalUrl: p.text().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    publishedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** 0017: which connector acts for it, how many recipients it fans out to (e-mail, SMS) */
    connector: p.text().nullable(),
    recipients: p.integer().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type PublicationRow = InstanceType<typeof Publication.class>;

/** 0017: one attempt at a publication (the publication log), written before acting. */
export const PublicationAttempt = defineEntity({
  name: 'PublicationAttempt',
  tableName: 'content.publication_attempt',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    publicationId: p.uuid(),
    attempt: p.integer(),
    trigger: p.enum(['pipeline', 'publish_now', 'replay'] as const),
    connector: p.text(),
    status: p.enum(['running', 'sent', 'reconciled', 'failed', 'interrupted', 'skipped'] as const).default('running'),
    request: p.json<Record<string, unknown>>().onCreate(() => ({})),
    responseStatus: p.integer().nullable(),
    externalId: p.text().nullable(),
    externalUrl: p.text().nullable(),
    error: p.text().nullable(),
    startedAt: p.datetime().onCreate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});
export type PublicationAttemptRow = InstanceType<typeof PublicationAttempt.class>;
