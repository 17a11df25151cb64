import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** A9: a form or landing-page submission (synced to CRMs). */
export const FormSubmission = defineEntity({
  name: 'FormSubmission',
  tableName: 'analytics.form_submission',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    formKey: p.text(),
    pageUrl: p.text().nullable(),
    itemId: p.uuid().nullable(),
    contactId: p.uuid().nullable(),
    eventId: p.uuid().nullable(),
    fields: p.json<Record<string, unknown>>(),
    submittedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type FormSubmissionRow = InstanceType<typeof FormSubmission.class>;

/** A7: lead qualification (BANT) and predictive scoring per client. */
export const Lead = defineEntity({
  name: 'Lead',
  tableName: 'analytics.lead',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    contactId: p.uuid(),
    status: p.enum(['new', 'qualified', 'disqualified', 'won', 'lost'] as const).default('new'),
    budgetMinor: p.bigint('number').nullable(),
    currency: p.character().length(3).nullable(),
    authority: p.enum(['decision_maker', 'influencer', 'user', 'unknown'] as const).default('unknown'),
    need: p.text().nullable(),
    timeline: p.enum(['now', 'this_month', 'this_quarter', 'later', 'unknown'] as const).default('unknown'),
    source: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type LeadRow = InstanceType<typeof Lead.class>;

/** A7: a client's trained propensity or lifetime-value model. */
export const LeadModel = defineEntity({
  name: 'LeadModel',
  tableName: 'analytics.lead_model',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    kind: p.enum(['propensity', 'ltv'] as const),
    version: p.integer(),
    algorithm: p.text(),
    parameters: p.json<Record<string, unknown>>(),
    metrics: p.json<Record<string, unknown>>().onCreate(() => ({})),
    sampleSize: p.integer(),
    trainedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type LeadModelRow = InstanceType<typeof LeadModel.class>;

/** A7: a score of a lead by a model (propensity and predicted lifetime value). */
export const LeadScore = defineEntity({
  name: 'LeadScore',
  tableName: 'analytics.lead_score',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    leadId: p.uuid(),
    modelId: p.uuid(),
    propensity: p.decimal('number').nullable(),
    predictedLtvMinor: p.bigint('number').nullable(),
    currency: p.character().length(3).nullable(),
    features: p.json<Record<string, unknown>>().onCreate(() => ({})),
    scoredAt: p.datetime().onCreate(() => new Date()),
  },
});
export type LeadScoreRow = InstanceType<typeof LeadScore.class>;
