// C6 / W2: approval rounds of content items. One round = one content.approval
// row for one version; at most one round of an item is pending (unique index).
// Every write here runs in the caller's withTenant transaction and is
// idempotent: the workflow's activities derive row ids from the signal that
// caused them, so a retried activity finds what the first attempt wrote.
import type { EntityManager } from '@ensemble/db/orm';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId, uuidArrayLiteral } from '@ensemble/tenancy/ids';
import type { ApprovalActor, ApprovalStatus } from '@ensemble/workflow-contracts/approval';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql, toDate, toDateOrNull, type Row } from '../pipeline/sql.ts';

export const MAX_COMMENT_CHARS = 4000;

export interface ApprovalView {
  id: string;
  tenantId: string;
  itemId: string;
  version: number;
  status: ApprovalStatus;
  workflowId: string | null;
  requestedBy: string | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedByExternal: string | null;
  decisionNote: string | null;
  remindersSent: number;
  lastRemindedAt: Date | null;
  expiresAt: Date | null;
  decidedAt: Date | null;
  createdAt: Date;
}

export interface CommentView {
  id: string;
  approvalId: string;
  authorUserId: string | null;
  authorName: string;
  body: string;
  createdAt: Date;
}

const APPROVAL_COLUMNS = `a.id, a.tenant_id, a.item_id, a.version, a.status, a.workflow_id, a.requested_by, a.decided_by,
  a.decided_by_external, a.decision_note, a.reminders_sent, a.last_reminded_at, a.expires_at, a.decided_at, a.created_at,
  (select u.display_name from tenants."user" u where u.id = a.decided_by) as decided_by_name`;

function approvalFrom(row: Row): ApprovalView {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    itemId: row.item_id as string,
    version: row.version as number,
    status: row.status as ApprovalStatus,
    workflowId: (row.workflow_id as string | null) ?? null,
    requestedBy: (row.requested_by as string | null) ?? null,
    decidedBy: (row.decided_by as string | null) ?? null,
    decidedByName: (row.decided_by_name as string | null) ?? null,
    decidedByExternal: (row.decided_by_external as string | null) ?? null,
    decisionNote: (row.decision_note as string | null) ?? null,
    remindersSent: row.reminders_sent as number,
    lastRemindedAt: toDateOrNull(row.last_reminded_at),
    expiresAt: toDateOrNull(row.expires_at),
    decidedAt: toDateOrNull(row.decided_at),
    createdAt: toDate(row.created_at),
  };
}

export async function findApproval(em: EntityManager, id: string): Promise<ApprovalView | null> {
  if (!isUuid(id)) return null;
  const [row] = await sql(em, `select ${APPROVAL_COLUMNS} from content.approval a where a.id = ?`, [id]);
  return row ? approvalFrom(row) : null;
}

export async function requireApproval(em: EntityManager, id: string): Promise<ApprovalView> {
  const approval = await findApproval(em, id);
  if (!approval) throw notFound('Approval');
  return approval;
}

/** The approvals of the caller's own tenant with these statuses, newest first. */
export async function listApprovals(em: EntityManager, tenantId: string, statuses: readonly ApprovalStatus[], limit: number): Promise<ApprovalView[]> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badInput('limit must be between 1 and 200', 'limit');
  const rows = await sql(em,
    `select ${APPROVAL_COLUMNS} from content.approval a
      where a.tenant_id = ? and a.status in (select jsonb_array_elements_text(?::jsonb))
      order by (a.status = 'pending') desc, coalesce(a.decided_at, a.created_at) desc, a.id desc limit ?`,
    [tenantId, JSON.stringify(statuses), limit]);
  return rows.map(approvalFrom);
}

/** The latest round of each item (one query for any number of items). */
export async function latestApprovals(em: EntityManager, itemIds: readonly string[]): Promise<Map<string, ApprovalView>> {
  if (itemIds.length === 0) return new Map();
  const rows = await sql(em,
    `select distinct on (a.item_id) ${APPROVAL_COLUMNS} from content.approval a
      where a.item_id = any(?::uuid[]) order by a.item_id, a.created_at desc, a.id desc`, [uuidArrayLiteral(itemIds)]);
  return new Map(rows.map((r) => [r.item_id as string, approvalFrom(r)]));
}

export async function commentsOf(em: EntityManager, approvalIds: readonly string[]): Promise<Map<string, CommentView[]>> {
  const grouped = new Map<string, CommentView[]>(approvalIds.map((id) => [id, []]));
  if (approvalIds.length === 0) return grouped;
  const rows = await sql(em,
    `select id, approval_id, author_user_id, author_name, body, created_at from content.approval_comment
      where approval_id = any(?::uuid[]) order by created_at, id`, [uuidArrayLiteral(approvalIds)]);
  for (const r of rows) {
    grouped.get(r.approval_id as string)?.push({
      id: r.id as string, approvalId: r.approval_id as string, authorUserId: (r.author_user_id as string | null) ?? null,
      authorName: r.author_name as string, body: r.body as string, createdAt: toDate(r.created_at),
    });
  }
  return grouped;
}

/** Every round of an item, oldest first (its review history). */
export async function approvalsOfItem(em: EntityManager, itemId: string): Promise<ApprovalView[]> {
  const rows = await sql(em, `select ${APPROVAL_COLUMNS} from content.approval a where a.item_id = ? order by a.created_at, a.id`, [itemId]);
  return rows.map(approvalFrom);
}

export function checkComment(body: string | null | undefined, field: string, required: boolean): string | null {
  const text = (body ?? '').trim();
  if (!text) {
    if (required) throw badInput('Please write a comment', field);
    return null;
  }
  if (text.length > MAX_COMMENT_CHARS) throw badInput(`A comment must be at most ${MAX_COMMENT_CHARS} characters`, field);
  return text;
}

interface ItemState {
  id: string;
  tenantId: string;
  status: string;
  mode: string;
  currentVersion: number;
  regenerations: number;
  slotAt: Date | null;
}

async function lockItem(em: EntityManager, itemId: string): Promise<ItemState> {
  const [row] = isUuid(itemId)
    ? await sql(em,
      `select i.id, i.tenant_id, i.status, i.mode, i.current_version, i.regenerations,
              (select s.scheduled_at from content.calendar_slot s where s.id = i.calendar_slot_id and s.status in ('planned', 'filled')) as slot_at
         from content.content_item i where i.id = ? for update of i`, [itemId])
    : [];
  if (!row) throw notFound('Content item');
  return {
    id: row.id as string, tenantId: row.tenant_id as string, status: row.status as string, mode: row.mode as string,
    currentVersion: row.current_version as number, regenerations: row.regenerations as number, slotAt: toDateOrNull(row.slot_at),
  };
}

async function pendingOf(em: EntityManager, itemId: string): Promise<ApprovalView | null> {
  const [row] = await sql(em, `select ${APPROVAL_COLUMNS} from content.approval a where a.item_id = ? and a.status = 'pending'`, [itemId]);
  return row ? approvalFrom(row) : null;
}

/**
 * Studio "submit for review": a draft with at least one version enters review
 * (a pending round for its current version). An item already in review is
 * returned as is; anything else cannot be submitted.
 */
export async function submitItem(em: EntityManager, input: { itemId: string; requestedBy: string | null; expiresAt: Date }): Promise<{ approval: ApprovalView; created: boolean }> {
  const item = await lockItem(em, input.itemId);
  const pending = await pendingOf(em, item.id);
  if (pending) return { approval: pending, created: false };
  if (item.status !== 'draft' && item.status !== 'in_review') {
    throw new AppError('CONFLICT', `This item is ${item.status.replace('_', ' ')}: only a draft can be submitted for review`);
  }
  if (item.currentVersion < 1) throw new AppError('CONFLICT', 'Write something before submitting it for review');
  const id = newId();
  await sql(em,
    `insert into content.approval (id, tenant_id, item_id, version, status, requested_by, expires_at)
     values (?, ?, ?, ?, 'pending', ?, ?)`,
    [id, item.tenantId, item.id, item.currentVersion, input.requestedBy, input.expiresAt.toISOString()]);
  await sql(em, `update content.content_item set status = 'in_review', updated_at = now() where id = ?`, [item.id]);
  return { approval: await requireApproval(em, id), created: true };
}

export type OpenOutcome =
  | { status: 'pending'; approval: ApprovalView }
  | { status: 'auto_approved'; approval: ApprovalView }
  | { status: 'not_in_review'; approval: ApprovalView | null };

/**
 * The workflow's first step: finds the item's pending round (creating it for
 * an item in review without one), ties it to the workflow and its expiry;
 * approves it at once when the item is in auto mode.
 */
export async function openRound(em: EntityManager, input: { itemId: string; workflowId: string; requestedBy: string | null; openedAt: Date; expiresAt: Date }): Promise<OpenOutcome> {
  const item = await lockItem(em, input.itemId);
  let pending = await pendingOf(em, item.id);
  if (!pending) {
    if (item.status !== 'in_review') {
      const [latest] = (await approvalsOfItem(em, item.id)).slice(-1);
      return { status: 'not_in_review', approval: latest ?? null };
    }
    const id = uuidV5(`${input.workflowId}:open:${item.currentVersion}:${input.openedAt.toISOString()}`);
    await sql(em,
      `insert into content.approval (id, tenant_id, item_id, version, status, requested_by, created_at)
       values (?, ?, ?, ?, 'pending', ?, ?) on conflict do nothing`,
      [id, item.tenantId, item.id, item.currentVersion, input.requestedBy, input.openedAt.toISOString()]);
    pending = (await pendingOf(em, item.id))!;
  }
  await sql(em, `update content.approval set workflow_id = ?, expires_at = ? where id = ?`,
    [input.workflowId, input.expiresAt.toISOString(), pending.id]);
  if (item.mode === 'auto') {
    const decided = await decideRound(em, { approvalId: pending.id, decision: 'auto_approved', actor: null, note: 'auto mode', at: input.openedAt, signalId: `${input.workflowId}:auto:${pending.id}` });
    return { status: 'auto_approved', approval: decided.approval };
  }
  return { status: 'pending', approval: await requireApproval(em, pending.id) };
}

export interface DecideInput {
  approvalId: string;
  decision: 'approved' | 'auto_approved' | 'changes_requested';
  actor: ApprovalActor | null;
  note: string | null;
  at: Date;
  signalId: string;
}

/** Item status after approval: scheduled when it has a slot still to come, else approved. */
function approvedStatus(item: ItemState, at: Date): 'scheduled' | 'approved' {
  return item.slotAt && item.slotAt.getTime() > at.getTime() ? 'scheduled' : 'approved';
}

/**
 * Decides a pending round. A round already decided is left alone and
 * reported (applied: false), so a repeated signal changes nothing.
 */
export async function decideRound(em: EntityManager, input: DecideInput): Promise<{ applied: boolean; approval: ApprovalView }> {
  const approval = await requireApproval(em, input.approvalId);
  const item = await lockItem(em, approval.itemId);
  const [current] = await sql<{ status: string }>(em, `select status from content.approval where id = ? for update`, [approval.id]);
  if (current!.status !== 'pending') return { applied: false, approval: await requireApproval(em, approval.id) };
  await sql(em,
    `update content.approval set status = ?, decided_by = ?, decided_by_external = ?, decision_note = ?, decided_at = ? where id = ?`,
    [input.decision, input.actor?.userId ?? null, input.actor?.external ?? null, input.note, input.at.toISOString(), approval.id]);
  if (input.note && input.actor) await addComment(em, { approvalId: approval.id, actor: input.actor, body: input.note, signalId: input.signalId, at: input.at });
  const itemStatus = input.decision === 'changes_requested' ? 'draft' : approvedStatus(item, input.at);
  await sql(em, `update content.content_item set status = ?, updated_at = now() where id = ?`, [itemStatus, item.id]);
  return { applied: true, approval: await requireApproval(em, approval.id) };
}

/** Expiry of a pending round: the item goes back to its author as a draft. */
export async function expireRound(em: EntityManager, input: { approvalId: string; at: Date }): Promise<{ applied: boolean; approval: ApprovalView }> {
  const approval = await requireApproval(em, input.approvalId);
  await lockItem(em, approval.itemId);
  const updated = await sql(em,
    `update content.approval set status = 'expired', decided_at = ?, decision_note = 'expired without a decision' where id = ? and status = 'pending' returning id`,
    [input.at.toISOString(), approval.id]);
  if (updated.length) await sql(em, `update content.content_item set status = 'draft', updated_at = now() where id = ? and status = 'in_review'`, [approval.itemId]);
  return { applied: updated.length === 1, approval: await requireApproval(em, approval.id) };
}

/** A reminder of a pending round, recorded once per ordinal (in the app: no e-mail outbox exists yet). */
export async function recordReminder(em: EntityManager, input: { approvalId: string; ordinal: number; dueAt: Date }): Promise<{ recorded: boolean; approval: ApprovalView }> {
  const approval = await requireApproval(em, input.approvalId);
  if (approval.status !== 'pending') return { recorded: false, approval };
  const inserted = await sql(em,
    `insert into content.approval_reminder (id, tenant_id, approval_id, ordinal, channel, due_at)
     values (?, ?, ?, ?, 'in_app', ?) on conflict do nothing returning id`,
    [uuidV5(`${approval.id}:reminder:${input.ordinal}`), approval.tenantId, approval.id, input.ordinal, input.dueAt.toISOString()]);
  await sql(em,
    `update content.approval set reminders_sent = greatest(reminders_sent, ?), last_reminded_at = greatest(last_reminded_at, ?::timestamptz) where id = ?`,
    [input.ordinal, input.dueAt.toISOString(), approval.id]);
  return { recorded: inserted.length === 1, approval: await requireApproval(em, approval.id) };
}

export async function remindersOf(em: EntityManager, approvalId: string): Promise<Array<{ ordinal: number; channel: string; dueAt: Date }>> {
  const rows = await sql(em, `select ordinal, channel, due_at from content.approval_reminder where approval_id = ? order by ordinal`, [approvalId]);
  return rows.map((r) => ({ ordinal: r.ordinal as number, channel: r.channel as string, dueAt: toDate(r.due_at) }));
}

/** A comment on a round; its id comes from the signal, so a repeat adds nothing. */
export async function addComment(em: EntityManager, input: { approvalId: string; actor: ApprovalActor; body: string; signalId: string; at: Date }): Promise<{ created: boolean; commentId: string }> {
  const approval = await requireApproval(em, input.approvalId);
  const commentId = uuidV5(`${input.signalId}:comment`);
  const inserted = await sql(em,
    `insert into content.approval_comment (id, tenant_id, approval_id, author_user_id, author_name, body, created_at)
     values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
    [commentId, approval.tenantId, approval.id, input.actor.userId, input.actor.name.slice(0, 200), input.body.slice(0, MAX_COMMENT_CHARS), input.at.toISOString()]);
  return { created: inserted.length === 1, commentId };
}

export async function commentExists(em: EntityManager, commentId: string): Promise<boolean> {
  const rows = await sql(em, `select 1 from content.approval_comment where id = ?`, [commentId]);
  return rows.length > 0;
}

export interface RegeneratedVersion {
  title: string;
  body: string;
  meta: Record<string, unknown>;
  author: string;
}

/** The regeneration plan limit of an item (B2): how many it has had. */
export async function regenerationsOf(em: EntityManager, itemId: string): Promise<number> {
  const [row] = await sql<{ regenerations: number }>(em, `select regenerations from content.content_item where id = ?`, [itemId]);
  return row?.regenerations ?? 0;
}

/** The round a regeneration signal opened, if its version was already saved (retry). */
export async function roundOfRegeneration(em: EntityManager, signalId: string): Promise<ApprovalView | null> {
  const [row] = await sql(em, `select ${APPROVAL_COLUMNS} from content.approval a where a.id = ?`, [uuidV5(`${signalId}:round`)]);
  return row ? approvalFrom(row) : null;
}

/**
 * Closes the round as 'regenerating' and opens the next one on a new version
 * of the item (ids from the signal: a retry returns the same round).
 */
export async function saveRegeneration(em: EntityManager, input: {
  approvalId: string;
  signalId: string;
  actor: ApprovalActor;
  comment: string | null;
  output: RegeneratedVersion;
  at: Date;
  expiresAt: Date;
  workflowId: string;
}): Promise<ApprovalView> {
  const done = await roundOfRegeneration(em, input.signalId);
  if (done) return done;
  const approval = await requireApproval(em, input.approvalId);
  const item = await lockItem(em, approval.itemId);
  const updated = await sql(em,
    `update content.approval set status = 'regenerating', decided_by = ?, decided_by_external = ?, decision_note = ?, decided_at = ?
      where id = ? and status = 'pending' returning id`,
    [input.actor.userId, input.actor.external, input.comment ?? 'regenerate', input.at.toISOString(), approval.id]);
  if (!updated.length) throw new AppError('CONFLICT', 'This round was decided before the regeneration finished');
  if (input.comment) await addComment(em, { approvalId: approval.id, actor: input.actor, body: input.comment, signalId: input.signalId, at: input.at });
  const version = item.currentVersion + 1;
  await sql(em,
    `insert into content.content_version (id, tenant_id, item_id, version, title, body, meta, author, created_by)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
    [uuidV5(`${input.signalId}:version`), item.tenantId, item.id, version, input.output.title.slice(0, 300), input.output.body,
      JSON.stringify(input.output.meta), input.output.author, input.actor.userId]);
  await sql(em,
    `update content.content_item set current_version = ?, regenerations = regenerations + 1, title = ?, status = 'in_review', updated_at = now() where id = ?`,
    [version, input.output.title.slice(0, 300), item.id]);
  const roundId = uuidV5(`${input.signalId}:round`);
  await sql(em,
    `insert into content.approval (id, tenant_id, item_id, version, status, workflow_id, requested_by, expires_at, created_at)
     values (?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
    [roundId, item.tenantId, item.id, version, input.workflowId, input.actor.userId, input.expiresAt.toISOString(), input.at.toISOString()]);
  return requireApproval(em, roundId);
}
