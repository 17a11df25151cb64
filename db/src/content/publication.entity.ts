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
  },
});
export type PublicationRow = InstanceType<typeof Publication.class>;
