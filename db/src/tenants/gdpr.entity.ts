import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/**
 * T14: GDPR. Export and erasure requests (whole client or one contact),
 * retention rules, monthly audits with a report, and an append-only audit log.
 */
export const GdprRequest = defineEntity({
  name: 'GdprRequest',
  tableName: 'tenants.gdpr_request',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['export', 'erasure'] as const),
    subject: p.enum(['tenant', 'contact'] as const),
    contactId: p.uuid().nullable(),
    subjectEmailHash: p.text().nullable(),
    status: p.enum(['pending', 'running', 'completed', 'failed', 'cancelled'] as const).default('pending'),
    workflowId: p.text().nullable(),
    resultLocation: p.text().nullable(),
    result: p.json<Record<string, unknown>>().onCreate(() => ({})),
    error: p.text().nullable(),
    requestedBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    completedAt: p.datetime().nullable(),
  },
});
export type GdprRequestRow = InstanceType<typeof GdprRequest.class>;

/** T14: how long a class of data is kept, checked by the monthly GDPR audit. */
export const RetentionRule = defineEntity({
  name: 'RetentionRule',
  tableName: 'tenants.retention_rule',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    dataClass: p.text(),
    retentionDays: p.integer(),
    action: p.enum(['delete', 'anonymise'] as const),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type RetentionRuleRow = InstanceType<typeof RetentionRule.class>;

/** T14/W7: the monthly audit run of a tenant and its report. */
export const GdprAudit = defineEntity({
  name: 'GdprAudit',
  tableName: 'tenants.gdpr_audit',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    month: p.character().length(7),
    status: p.enum(['running', 'completed', 'failed'] as const).default('running'),
    workflowId: p.text().nullable(),
    findingsCount: p.integer().default(0),
    report: p.json<Record<string, unknown>>().onCreate(() => ({})),
    locale: p.text().default('en'),
    startedAt: p.datetime().onCreate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});
export type GdprAuditRow = InstanceType<typeof GdprAudit.class>;

/** T14: append-only log of who read or changed what. */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'tenants.audit_log',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    actorKind: p.enum(['user', 'api_key', 'system'] as const),
    actorId: p.uuid().nullable(),
    action: p.enum(['read', 'create', 'update', 'delete', 'export', 'erase', 'login', 'enter_workspace', 'grant', 'revoke'] as const),
    entity: p.text(),
    entityId: p.text().nullable(),
    changes: p.json<Record<string, unknown>>().nullable(),
    ip: p.string().columnType('inet').nullable(),
    userAgent: p.text().nullable(),
    requestId: p.text().nullable(),
    occurredAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AuditLogRow = InstanceType<typeof AuditLog.class>;
