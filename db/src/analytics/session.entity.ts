import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** A1: a visit. */
export const VisitorSession = defineEntity({
  name: 'VisitorSession',
  tableName: 'analytics.session',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    anonymousId: p.text(),
    contactId: p.uuid().nullable(),
    startedAt: p.datetime(),
    lastSeenAt: p.datetime(),
    landingUrl: p.text().nullable(),
    referrer: p.text().nullable(),
    utmSource: p.text().nullable(),
    utmMedium: p.text().nullable(),
    utmCampaign: p.text().nullable(),
    utmContent: p.text().nullable(),
    utmTerm: p.text().nullable(),
    gclid: p.text().nullable(),
    fbclid: p.text().nullable(),
    msclkid: p.text().nullable(),
    ttclid: p.text().nullable(),
    device: p.enum(['desktop', 'mobile', 'tablet', 'bot', 'other'] as const).nullable(),
    country: p.character().length(2).nullable(),
    eventCount: p.integer().default(0),
  },
});
export type VisitorSessionRow = InstanceType<typeof VisitorSession.class>;

/** A1: stitching an anonymous visitor to a known contact. */
export const IdentityLink = defineEntity({
  name: 'IdentityLink',
  tableName: 'analytics.identity_link',
  properties: {
    tenantId: p.uuid().primary(),
    anonymousId: p.text().primary(),
    contactId: p.uuid(),
    via: p.enum(['form', 'login', 'email_click', 'import', 'crm'] as const),
    linkedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IdentityLinkRow = InstanceType<typeof IdentityLink.class>;

/** A4: a marketing touch on a journey (from events with UTM / click ids / referrers). */
export const Touchpoint = defineEntity({
  name: 'Touchpoint',
  tableName: 'analytics.touchpoint',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    anonymousId: p.text().nullable(),
    contactId: p.uuid().nullable(),
    sessionId: p.uuid().nullable(),
    eventId: p.uuid().nullable(),
    occurredAt: p.datetime(),
    channel: p.enum(['direct', 'organic_search', 'paid_search', 'organic_social', 'paid_social', 'email', 'sms', 'referral', 'display', 'other'] as const),
    utmSource: p.text().nullable(),
    utmMedium: p.text().nullable(),
    utmCampaign: p.text().nullable(),
    utmContent: p.text().nullable(),
    utmTerm: p.text().nullable(),
    clickId: p.text().nullable(),
    itemId: p.uuid().nullable(),
  },
});
export type TouchpointRow = InstanceType<typeof Touchpoint.class>;
