import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** A9: CRM integrations (HubSpot, Salesforce, Pipedrive). */
export const CrmSync = defineEntity({
  name: 'CrmSync',
  tableName: 'analytics.crm_sync',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    crm: p.enum(['hubspot', 'salesforce', 'pipedrive'] as const),
    connectionId: p.uuid(),
    fieldMapping: p.json<Record<string, unknown>>().onCreate(() => ({})),
    syncForms: p.boolean().default(true),
    syncLeads: p.boolean().default(true),
    active: p.boolean().default(true),
    lastSyncedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type CrmSyncRow = InstanceType<typeof CrmSync.class>;

/** A9: the sync state of one contact, submission or lead with one CRM. */
export const CrmSyncRecord = defineEntity({
  name: 'CrmSyncRecord',
  tableName: 'analytics.crm_sync_record',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    crmSyncId: p.uuid(),
    subjectKind: p.enum(['contact', 'form_submission', 'lead'] as const),
    subjectId: p.uuid(),
    externalId: p.text().nullable(),
    status: p.enum(['pending', 'synced', 'failed', 'dead'] as const).default('pending'),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    syncedAt: p.datetime().nullable(),
  },
});
export type CrmSyncRecordRow = InstanceType<typeof CrmSyncRecord.class>;
