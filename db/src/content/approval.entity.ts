import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';

/** C6/W2: approval of one version of an item; durable workflow per approval. */
export const Approval = defineEntity({
  name: 'Approval',
  tableName: 'content.approval',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    itemId: p.uuid(),
    version: p.integer(),
    status: p.enum(['pending', 'approved', 'changes_requested', 'regenerating', 'rejected', 'expired', 'auto_approved'] as const).default('pending'),
    workflowId: p.text().nullable(),
    requestedBy: p.uuid().nullable(),
    decidedBy: p.uuid().nullable(),
    decidedByExternal: p.text().nullable(),
    decisionNote: p.text().nullable(),
    remindersSent: p.integer().default(0),
    lastRemindedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    decidedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ApprovalRow = InstanceType<typeof Approval.class>;

/** C6: a comment on an approval, by a user or an external approver. */
export const ApprovalComment = defineEntity({
  name: 'ApprovalComment',
  tableName: 'content.approval_comment',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    approvalId: p.uuid(),
    authorUserId: p.uuid().nullable(),
    authorName: p.text(),
    body: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ApprovalCommentRow = InstanceType<typeof ApprovalComment.class>;

/**
 * C6: signed link for an external approver. The token arrives with no
 * session: its hash is globally unique and resolved by app.approval_link().
 */
export const ApprovalLink = defineEntity({
  name: 'ApprovalLink',
  tableName: 'content.approval_link',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    approvalId: p.uuid(),
    tokenHash: p.text().hidden(),
    email: p.text().nullable(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ApprovalLinkRow = InstanceType<typeof ApprovalLink.class>;

/** W2: a reminder of a pending approval, recorded in the app (one per approval and ordinal). */
export const ApprovalReminder = defineEntity({
  name: 'ApprovalReminder',
  tableName: 'content.approval_reminder',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    approvalId: p.uuid(),
    ordinal: p.integer(),
    channel: p.enum(['in_app', 'email'] as const).default('in_app'),
    dueAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ApprovalReminderRow = InstanceType<typeof ApprovalReminder.class>;
