import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { CHANNELS } from '../vocabulary.ts';

/** T9: reusable templates per channel and locale (newsletter, e-mail, SMS…). */
export const Template = defineEntity({
  name: 'Template',
  tableName: 'content.template',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    channel: p.enum(CHANNELS),
    name: p.text(),
    locale: p.text(),
    subject: p.text().nullable(),
    body: p.text(),
    variables: p.array().columnType('text[]').onCreate(() => []),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type TemplateRow = InstanceType<typeof Template.class>;
