import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * B4: legal documents (terms, privacy, DPA) per locale and version, published
 * by the platform or a distributor (publisher_tenant_id); public to read.
 */
export const LegalDocument = defineEntity({
  name: 'LegalDocument',
  tableName: 'tenants.legal_document',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    publisherTenantId: p.uuid(),
    kind: p.enum(['terms', 'privacy', 'dpa', 'acceptable_use'] as const),
    locale: p.text(),
    version: p.integer(),
    title: p.text(),
    body: p.text(),
    sha256: p.text(),
    publishedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type LegalDocumentRow = InstanceType<typeof LegalDocument.class>;

/** B4: who accepted which legal document version, when. */
export const LegalAcceptance = defineEntity({
  name: 'LegalAcceptance',
  tableName: 'tenants.legal_acceptance',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    documentId: p.uuid(),
    userId: p.uuid().nullable(),
    ip: p.string().columnType('inet').nullable(),
    acceptedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type LegalAcceptanceRow = InstanceType<typeof LegalAcceptance.class>;
