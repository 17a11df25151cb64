import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C9: drip sequences with A/B subject lines. */
export const EmailSequence = defineEntity({
  name: 'EmailSequence',
  tableName: 'content.email_sequence',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    name: p.text(),
    status: p.enum(['draft', 'active', 'paused', 'archived'] as const).default('draft'),
    trigger: p.enum(['list_join', 'event', 'manual'] as const),
    triggerConfig: p.json<Record<string, unknown>>().onCreate(() => ({})),
    listId: p.uuid().nullable(),
    locale: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type EmailSequenceRow = InstanceType<typeof EmailSequence.class>;

/** C9: one e-mail of a sequence, with an optional B subject line. */
export const EmailSequenceStep = defineEntity({
  name: 'EmailSequenceStep',
  tableName: 'content.email_sequence_step',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    sequenceId: p.uuid(),
    position: p.integer(),
    delayMinutes: p.integer().default(0),
    subject: p.text(),
    subjectB: p.text().nullable(),
    body: p.text(),
    itemId: p.uuid().nullable(),
  },
});
export type EmailSequenceStepRow = InstanceType<typeof EmailSequenceStep.class>;

/** C9: a contact going through a sequence. */
export const EmailSequenceEnrollment = defineEntity({
  name: 'EmailSequenceEnrollment',
  tableName: 'content.email_sequence_enrollment',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    sequenceId: p.uuid(),
    contactId: p.uuid(),
    nextPosition: p.integer().default(1),
    status: p.enum(['active', 'completed', 'exited'] as const).default('active'),
    nextRunAt: p.datetime().nullable(),
    enrolledAt: p.datetime().onCreate(() => new Date()),
    finishedAt: p.datetime().nullable(),
  },
});
export type EmailSequenceEnrollmentRow = InstanceType<typeof EmailSequenceEnrollment.class>;

/** C8/C9: one e-mail or SMS to one recipient, sent exactly once per key. */
export const MessageSend = defineEntity({
  name: 'MessageSend',
  tableName: 'content.message_send',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    channel: p.enum(['email', 'sms'] as const),
    contactId: p.uuid().nullable(),
    toAddress: p.text(),
    itemId: p.uuid().nullable(),
    listId: p.uuid().nullable(),
    sequenceStepId: p.uuid().nullable(),
    variant: p.enum(['a', 'b'] as const).nullable(),
    subject: p.text().nullable(),
    locale: p.text(),
    provider: p.text(),
    providerMessageId: p.text().nullable(),
    idempotencyKey: p.text(),
    status: p.enum(['queued', 'sent', 'delivered', 'failed', 'bounced', 'suppressed'] as const).default('queued'),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    sentAt: p.datetime().nullable(),
    /** 0017: the publication it is part of, and its own attempts */
    publicationId: p.uuid().nullable(),
    attempts: p.integer().default(0),
    lastAttemptAt: p.datetime().nullable(),
  },
});
export type MessageSendRow = InstanceType<typeof MessageSend.class>;

/** C8/C9: delivery, open, click, bounce, complaint or unsubscribe of a send. */
export const MessageEvent = defineEntity({
  name: 'MessageEvent',
  tableName: 'content.message_event',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    sendId: p.uuid(),
    kind: p.enum(['delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed', 'failed'] as const),
    url: p.text().nullable(),
    data: p.json<Record<string, unknown>>().onCreate(() => ({})),
    occurredAt: p.datetime().onCreate(() => new Date()),
  },
});
export type MessageEventRow = InstanceType<typeof MessageEvent.class>;
