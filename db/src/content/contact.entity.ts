import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C8: contacts, with consent. A contact's address is unique per tenant. */
export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'content.contact',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    firstName: p.text().nullable(),
    lastName: p.text().nullable(),
    locale: p.text(),
    attributes: p.json<Record<string, unknown>>().onCreate(() => ({})),
    source: p.enum(['manual', 'import', 'form', 'crm', 'api', 'event'] as const).default('manual'),
    status: p.enum(['active', 'unsubscribed', 'bounced', 'erased'] as const).default('active'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    erasedAt: p.datetime().nullable(),
  },
});
export type ContactRow = InstanceType<typeof Contact.class>;

/** C8/C9: a static list or a segment of contacts. */
export const ContactList = defineEntity({
  name: 'ContactList',
  tableName: 'content.contact_list',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    name: p.text(),
    description: p.text().default(''),
    kind: p.enum(['static', 'segment'] as const).default('static'),
    segmentRule: p.json<Record<string, unknown>>().nullable(),
    locale: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ContactListRow = InstanceType<typeof ContactList.class>;

/** C8: membership of a contact in a static list. */
export const ContactListMember = defineEntity({
  name: 'ContactListMember',
  tableName: 'content.contact_list_member',
  properties: {
    tenantId: p.uuid().primary(),
    listId: p.uuid().primary(),
    contactId: p.uuid().primary(),
    addedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ContactListMemberRow = InstanceType<typeof ContactListMember.class>;

/**
 * C8: consent log, append-only; a contact's current consent is its latest row
 * per channel and purpose.
 */
export const Consent = defineEntity({
  name: 'Consent',
  tableName: 'content.consent',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    contactId: p.uuid(),
    channel: p.enum(['email', 'sms'] as const),
    purpose: p.enum(['marketing', 'transactional'] as const).default('marketing'),
    status: p.enum(['granted', 'withdrawn'] as const),
    source: p.enum(['form', 'import', 'unsubscribe_link', 'manual', 'api', 'double_opt_in'] as const),
    proof: p.json<Record<string, unknown>>().onCreate(() => ({})),
    occurredAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ConsentRow = InstanceType<typeof Consent.class>;

/** 0017: a one-click unsubscribe token (stored hashed), one per e-mail sent. */
export const UnsubscribeToken = defineEntity({
  name: 'UnsubscribeToken',
  tableName: 'content.unsubscribe_token',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    contactId: p.uuid(),
    channel: p.enum(['email', 'sms'] as const),
    sendId: p.uuid().nullable(),
    tokenHash: p.text().hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
    usedAt: p.datetime().nullable(),
  },
});
export type UnsubscribeTokenRow = InstanceType<typeof UnsubscribeToken.class>;
