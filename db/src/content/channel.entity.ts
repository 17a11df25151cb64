import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { CHANNELS } from '../vocabulary.ts';

/** C1: a client's publishing channels (a connected account per channel kind). */
export const Channel = defineEntity({
  name: 'Channel',
  tableName: 'content.channel',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(CHANNELS),
    name: p.text(),
    connectionId: p.uuid().nullable(),
    settings: p.json<Record<string, unknown>>().onCreate(() => ({})),
    locale: p.text(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ChannelRow = InstanceType<typeof Channel.class>;
