import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T5: white label of a distributor (or the platform). Branding is public by
 * nature (shown on the login page), served through app.branding_for_host().
 */
export const WhiteLabel = defineEntity({
  name: 'WhiteLabel',
  tableName: 'tenants.white_label',
  properties: {
    tenantId: p.uuid().primary(),
    brandName: p.text(),
    logoUrl: p.text().nullable(),
    faviconUrl: p.text().nullable(),
    primaryColor: p.text().default('#1f2937'),
    secondaryColor: p.text().default('#f59e0b'),
    accentColor: p.text().default('#2563eb'),
    senderName: p.text().nullable(),
    senderEmail: p.text().nullable(),
    supportEmail: p.text().nullable(),
    defaultLocale: p.text().default('en'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type WhiteLabelRow = InstanceType<typeof WhiteLabel.class>;

/** T5/T9: translatable white-label texts (legal footer, tagline). */
export const WhiteLabelText = defineEntity({
  name: 'WhiteLabelText',
  tableName: 'tenants.white_label_text',
  properties: {
    tenantId: p.uuid().primary(),
    locale: p.text().primary(),
    tagline: p.text().default(''),
    legalFooter: p.text().default(''),
  },
});
export type WhiteLabelTextRow = InstanceType<typeof WhiteLabelText.class>;

/**
 * T5: custom domains, verified by a DNS TXT record, TLS status tracked.
 * hostname is globally unique: a host maps to exactly one white label.
 */
export const CustomDomain = defineEntity({
  name: 'CustomDomain',
  tableName: 'tenants.custom_domain',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    hostname: p.text(),
    verificationToken: p.text(),
    status: p.enum(['pending', 'verified', 'failed', 'removed'] as const).default('pending'),
    verifiedAt: p.datetime().nullable(),
    tlsStatus: p.enum(['pending', 'issued', 'failed', 'expired'] as const).default('pending'),
    tlsExpiresAt: p.datetime().nullable(),
    lastCheckedAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CustomDomainRow = InstanceType<typeof CustomDomain.class>;

/**
 * T5/T9: UI string overrides per tenant and locale (the bundled i18n files
 * are the defaults). Strings of a tenant and its ancestors merge, nearest wins.
 */
export const UiString = defineEntity({
  name: 'UiString',
  tableName: 'tenants.ui_string',
  properties: {
    tenantId: p.uuid().primary(),
    locale: p.text().primary(),
    key: p.text().primary(),
    value: p.text(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type UiStringRow = InstanceType<typeof UiString.class>;
