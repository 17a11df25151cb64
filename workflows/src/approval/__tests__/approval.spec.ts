// W2 / C6 on Temporal's time-skipping test server with the real worker and
// activities on a fresh, seeded database: reminders at 24 h and 48 h, expiry
// at 7 days, approve / request changes / regenerate / comment, auto mode; then
// the GraphQL surface: roles, and the external approver's signed link.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { ANONYMOUS, type Identity } from '@ensemble/tenancy/identity';
import { createDraft } from '@ensemble/subgraph-content/studio/studio.service';
import { studioModule } from '@ensemble/subgraph-content/studio/studio.resolver';
import { submitItem } from '@ensemble/subgraph-content/approval/approval.service';
import { approvalModule } from '@ensemble/subgraph-content/approval/approval.resolver';
import { startApprovalWorkflow } from '@ensemble/subgraph-content/approval/approval-workflow.client';
import { RateLimiter } from '@ensemble/subgraph-content/approval/rate-limit';
import { signLinkToken } from '@ensemble/subgraph-content/approval/approval-link';
import { approvalWorkflowId, type ApprovalSignal, type ApprovalState, type ApprovalWorkflowInput } from '@ensemble/workflow-contracts/approval';
import { CONTENT_PUBSUB_CHANNEL, createWorker } from '../../worker.ts';
import { approvalStateQuery, approvalWorkflow, approveSignal, commentSignal, regenerateSignal, requestChangesSignal } from '../approval.workflow.ts';
import { createTimeSkippingEnv } from './time-skipping.ts';

const A = DEMO.tenants.fitness; // semi mode: items wait for a person
const B = DEMO.tenants.riad;
const A_ADMIN = DEMO.logins.fitnessAdmin.id;
const B_ADMIN = DEMO.logins.riadAdmin.id;
const HOUR = 3_600_000;
const SECRET = Buffer.from('approval-link-test-secret-0123456789abcdef');

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let pubsub: PgPubSub;
let admin: pg.Client;
let worker: Worker;
let running: Promise<void>;
let drop: () => Promise<void>;
const taskQueue = `approval-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), CONTENT_PUBSUB_CHANNEL);
  await pubsub.start();
  env = await createTimeSkippingEnv();
  worker = await createWorker({ connection: env.nativeConnection, namespace: 'default', orm, pubsub, taskQueue });
  running = worker.run();
}, 240_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => {});
  await env?.teardown();
  await pubsub?.close();
  await orm?.close();
  await admin?.end();
  await drop?.();
}, 60_000);

const input = (tenantId: string, itemId: string, requestedBy: string | null = null): ApprovalWorkflowInput =>
  ({ tenantId, itemId, requestedBy, reminderAfterHours: [24, 48], expireAfterHours: 168 });

async function draft(tenantId: string, authorId: string, title = 'Morning mobility'): Promise<string> {
  const item = await withTenant(orm, tenantId, authorId, ({ em }) => createDraft(em, tenantId, authorId, {
    channel: 'INSTAGRAM', title, body: 'Ten minutes of mobility before work keeps your back happy. #mobility', locale: 'en',
  }));
  return item.id;
}

/** A draft submitted for review (its first round), with the workflow started. */
async function inReview(tenantId = A, authorId = A_ADMIN): Promise<{ itemId: string; approvalId: string; handle: WorkflowHandle<typeof approvalWorkflow> }> {
  const itemId = await draft(tenantId, authorId);
  const { approval } = await withTenant(orm, tenantId, authorId, ({ em }) => submitItem(em, { itemId, requestedBy: authorId, expiresAt: new Date(Date.now() + 168 * HOUR) }));
  const handle = await env.client.workflow.start(approvalWorkflow, { workflowId: approvalWorkflowId(tenantId, itemId), taskQueue, args: [input(tenantId, itemId, authorId)] });
  await until(async () => (await handle.query(approvalStateQuery)).status === 'pending');
  return { itemId, approvalId: approval.id, handle };
}

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function row<T extends Record<string, unknown>>(query: string, params: unknown[]): Promise<T> {
  return (await admin.query<T>(query, params)).rows[0]!;
}

const actor = { userId: A_ADMIN, external: null, name: 'Aoife Byrne' };
const signal = (approvalId: string, comment?: string): ApprovalSignal => ({ signalId: randomBytes(8).toString('hex'), approvalId, actor, comment });

describe('approval workflow (time-skipping)', () => {
  it('records reminders at 24 h and 48 h, then expires the round at 7 days', async () => {
    const { itemId, approvalId, handle } = await inReview();
    const state: ApprovalState = await handle.query(approvalStateQuery);
    const openedAt = new Date(state.openedAt!).getTime();
    const reminders = async () => (await admin.query<{ ordinal: number; due_at: Date; channel: string }>(
      'select ordinal, due_at, channel from content.approval_reminder where approval_id = $1 order by ordinal', [approvalId])).rows;

    await env.sleep('23h');
    expect(await reminders()).toEqual([]);
    await env.sleep('61m');
    await until(async () => (await reminders()).length === 1);
    await env.sleep('24h');
    await until(async () => (await reminders()).length === 2);
    expect((await reminders()).map((r) => [r.ordinal, r.due_at.getTime() - openedAt, r.channel])).toEqual([[1, 24 * HOUR, 'in_app'], [2, 48 * HOUR, 'in_app']]);
    const pending = await row<{ status: string; reminders_sent: number }>('select status, reminders_sent from content.approval where id = $1', [approvalId]);
    expect(pending).toEqual({ status: 'pending', reminders_sent: 2 });

    // Nothing else is due: the server skips to the expiry.
    const outcome = await handle.result();
    expect(outcome).toEqual({ status: 'expired', approvalId, rounds: 1, remindersSent: 2 });
    const expired = await row<{ status: string; decided_at: Date; expires_at: Date }>('select status, decided_at, expires_at from content.approval where id = $1', [approvalId]);
    expect(expired.status).toBe('expired');
    expect(expired.expires_at.getTime() - openedAt).toBe(168 * HOUR);
    expect(expired.decided_at.getTime() - openedAt).toBe(168 * HOUR);
    expect((await row<{ status: string }>('select status from content.content_item where id = $1', [itemId])).status).toBe('draft');
    expect((await reminders()).length).toBe(2);
  });

  it('approves on the approve signal (a repeated signal acts once), keeping the note as a comment', async () => {
    const { itemId, approvalId, handle } = await inReview();
    await env.sleep('25h'); // one reminder first
    await until(async () => (await handle.query(approvalStateQuery)).remindersSent === 1);
    const approve = signal(approvalId, 'Lovely, ship it');
    await handle.signal(approveSignal, approve);
    await handle.signal(approveSignal, approve);
    // No slot: nothing to wait for (a person publishes it by hand).
    expect(await handle.result()).toEqual({ status: 'approved', approvalId, rounds: 1, remindersSent: 1, publication: { status: 'no_slot', publicationId: null, at: expect.any(String) } });
    const decided = await row<{ status: string; decided_by: string; decision_note: string }>('select status, decided_by, decision_note from content.approval where id = $1', [approvalId]);
    expect(decided).toEqual({ status: 'approved', decided_by: A_ADMIN, decision_note: 'Lovely, ship it' });
    expect((await row<{ status: string }>('select status from content.content_item where id = $1', [itemId])).status).toBe('approved');
    expect((await admin.query('select body from content.approval_comment where approval_id = $1', [approvalId])).rows).toEqual([{ body: 'Lovely, ship it' }]);
  });

  it('approves a planned item as scheduled, and at its slot\'s time tries its channel (no connector: it stays scheduled)', async () => {
    const { itemId, slotId, serverNow, approval, handle } = await planned();
    await handle.signal(approveSignal, signal(approval.id));
    await until(async () => (await handle.query(approvalStateQuery)).status === 'awaiting_slot');
    expect((await handle.query(approvalStateQuery)).publishAt).toBe(new Date(serverNow + 30 * 24 * HOUR).toISOString());
    const outcome = await handle.result();
    expect(outcome).toMatchObject({ status: 'approved', publication: { status: 'no_connector', publicationId: null } });
    expect(Date.parse(outcome.publication!.at)).toBeGreaterThanOrEqual(serverNow + 30 * 24 * HOUR);
    expect(await admin.query('select id from content.publication where item_id = $1', [itemId])).toMatchObject({ rows: [] });
    const decided = await row<{ decided_at: Date; scheduled_at: Date }>('select a.decided_at, s.scheduled_at from content.approval a, content.calendar_slot s where a.id = $1 and s.id = $2', [approval.id, slotId]);
    expect((await row<{ status: string }>('select status from content.content_item where id = $1', [itemId])).status).toBe('scheduled');
    expect(decided.decided_at.getTime()).toBeLessThan(decided.scheduled_at.getTime());
  });

  it('takes up a new round while it waits for the slot (the item went back to review), then waits again', async () => {
    const { itemId, serverNow, approval, handle } = await planned();
    await handle.signal(approveSignal, signal(approval.id));
    await until(async () => (await handle.query(approvalStateQuery)).status === 'awaiting_slot');
    const firstRun = (await handle.describe()).runId;
    // Withdrawn from publication and sent for review again: the waiting workflow is told and continues as new on the new round.
    await admin.query(`update content.content_item set status = 'draft' where id = $1`, [itemId]);
    const { approval: second } = await withTenant(orm, A, A_ADMIN, ({ em }) => submitItem(em, { itemId, requestedBy: A_ADMIN, expiresAt: new Date(Date.now() + 168 * HOUR) }));
    await startApprovalWorkflow({ temporal: env.client, taskQueue }, input(A, itemId));
    await until(async () => (await handle.query(approvalStateQuery)).status === 'pending');
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect(await handle.query(approvalStateQuery)).toMatchObject({ approvalId: second.id, round: 1 });
    expect((await row<{ workflow_id: string }>('select workflow_id from content.approval where id = $1', [second.id])).workflow_id).toBe(approvalWorkflowId(A, itemId));
    await handle.signal(approveSignal, signal(second.id));
    await until(async () => (await handle.query(approvalStateQuery)).status === 'awaiting_slot');
    expect((await handle.query(approvalStateQuery)).publishAt).toBe(new Date(serverNow + 30 * 24 * HOUR).toISOString());
    expect(await handle.result()).toMatchObject({ status: 'approved', approvalId: second.id, publication: { status: 'no_connector' } });
  });

  it('does not publish an item withdrawn while it waited for its slot', async () => {
    const { itemId, approval, handle } = await planned();
    await handle.signal(approveSignal, signal(approval.id));
    await until(async () => (await handle.query(approvalStateQuery)).status === 'awaiting_slot');
    await admin.query(`update content.content_item set status = 'archived' where id = $1`, [itemId]);
    expect(await handle.result()).toMatchObject({ status: 'approved', publication: { status: 'withdrawn', publicationId: null } });
    expect((await admin.query('select id from content.publication where item_id = $1', [itemId])).rows).toEqual([]);
  });

  it('approves at once in auto mode', async () => {
    const itemId = await draft(A, A_ADMIN);
    await admin.query(`update content.content_item set mode = 'auto' where id = $1`, [itemId]);
    const { approval } = await withTenant(orm, A, A_ADMIN, ({ em }) => submitItem(em, { itemId, requestedBy: A_ADMIN, expiresAt: new Date(Date.now() + 168 * HOUR) }));
    const outcome = await env.client.workflow.execute(approvalWorkflow, { workflowId: approvalWorkflowId(A, itemId), taskQueue, args: [input(A, itemId)] });
    expect(outcome).toEqual({ status: 'auto_approved', approvalId: approval.id, rounds: 1, remindersSent: 0, publication: { status: 'no_slot', publicationId: null, at: expect.any(String) } });
    expect(await row('select status, decision_note from content.approval where id = $1', [approval.id])).toEqual({ status: 'auto_approved', decision_note: 'auto mode' });
    expect((await row<{ status: string }>('select status from content.content_item where id = $1', [itemId])).status).toBe('approved');
  });

  it('regenerates into a new round (reminders start again), takes comments, ignores signals for the old round', async () => {
    const { itemId, approvalId, handle } = await inReview();
    await handle.signal(commentSignal, signal(approvalId, 'Can we mention the 7am class?'));
    await until(async () => (await admin.query('select 1 from content.approval_comment where approval_id = $1', [approvalId])).rowCount === 1);
    await env.sleep('30h'); // a reminder in round 1
    await until(async () => (await handle.query(approvalStateQuery)).remindersSent === 1);
    await handle.signal(regenerateSignal, signal(approvalId, 'Shorter, and mention the 7am class'));
    await until(async () => (await handle.query(approvalStateQuery)).round === 2);
    const state = await handle.query(approvalStateQuery);
    expect(state).toMatchObject({ status: 'pending', version: 2, round: 2, remindersSent: 0 });
    const next = state.approvalId!;
    expect(await row('select status, version from content.approval where id = $1', [approvalId])).toEqual({ status: 'regenerating', version: 1 });
    expect(await row('select status, version from content.approval where id = $1', [next])).toEqual({ status: 'pending', version: 2 });
    const item = await row<{ current_version: number; regenerations: number; status: string }>('select current_version, regenerations, status from content.content_item where id = $1', [itemId]);
    expect(item).toEqual({ current_version: 2, regenerations: 1, status: 'in_review' });
    const version = await row<{ author: string; meta: { guidance: string } }>('select author, meta from content.content_version where item_id = $1 and version = 2', [itemId]);
    expect(version.author).toBe('model:offline-writer');
    expect(version.meta.guidance).toBe('Shorter, and mention the 7am class');

    // The old round's approve is ignored; the new round's reminders count from its own start.
    await handle.signal(approveSignal, signal(approvalId));
    await env.sleep(24 * HOUR + 60_000);
    await until(async () => (await handle.query(approvalStateQuery)).remindersSent === 1);
    expect((await row<{ status: string }>('select status from content.approval where id = $1', [next])).status).toBe('pending');
    await handle.signal(requestChangesSignal, signal(next, 'Still too long'));
    expect(await handle.result()).toEqual({ status: 'changes_requested', approvalId: next, rounds: 2, remindersSent: 1 });
    expect((await row<{ status: string }>('select status from content.content_item where id = $1', [itemId])).status).toBe('draft');

    // Edited and submitted again: a new run of the same workflow id.
    const { approval: again } = await withTenant(orm, A, A_ADMIN, ({ em }) => submitItem(em, { itemId, requestedBy: A_ADMIN, expiresAt: new Date(Date.now() + 168 * HOUR) }));
    const second = await env.client.workflow.start(approvalWorkflow, { workflowId: approvalWorkflowId(A, itemId), taskQueue, args: [input(A, itemId)] });
    await second.signal(approveSignal, signal(again.id));
    expect((await second.result()).status).toBe('approved');
  });
});

/** A draft on an Instagram slot 30 days ahead (workflow time), submitted for review, with its workflow started. */
async function planned() {
  const itemId = await draft(A, A_ADMIN);
  const slotId = randomUUIDLike();
  // Workflow time is the test server's, ahead of the wall clock after the skips above.
  const serverNow = await env.currentTimeMs();
  await admin.query(`insert into content.calendar_slot (id, tenant_id, channel, scheduled_at, status, item_id) values ($1, $2, 'instagram', $3, 'filled', $4)`,
    [slotId, A, new Date(serverNow + 30 * 24 * HOUR), itemId]);
  await admin.query('update content.content_item set calendar_slot_id = $1 where id = $2', [slotId, itemId]);
  const { approval } = await withTenant(orm, A, A_ADMIN, ({ em }) => submitItem(em, { itemId, requestedBy: A_ADMIN, expiresAt: new Date(Date.now() + 168 * HOUR) }));
  const handle = await env.client.workflow.start(approvalWorkflow, { workflowId: approvalWorkflowId(A, itemId), taskQueue, args: [input(A, itemId)] });
  return { itemId, slotId, serverNow, approval, handle };
}

function randomUUIDLike(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// --- GraphQL: roles and the external approver ------------------------------

const EDITOR = DEMO.logins.clientEditor; // bakery editor: content:write, no content:publish
const BAKERY = DEMO.tenants.bakery;
const BAKERY_ADMIN = DEMO.logins.clientAdmin.id;
let clock = new Date();
const limits = () => ({
  all: new RateLimiter({ limit: 1000, windowMs: 60_000 }),
  badTokens: new RateLimiter({ limit: 1000, windowMs: 60_000 }),
  perLink: new RateLimiter({ limit: 8, windowMs: 60_000 }),
});
let schema: ReturnType<typeof buildGuardedSubgraphSchema>;

function who(tenantId: string, actorId: string, permissions: string[], role = 'client_admin'): Identity {
  return { kind: 'user', actorId, tenantId, role, permissions: permissions as Identity['permissions'] };
}
const ADMIN_PERMS = ['content:read', 'content:write', 'content:publish'];
const EDITOR_PERMS = ['content:read', 'content:write'];

const { gql, code } = executeAs(() => ({ schema, orm, pubsub }));

describe('approval GraphQL', () => {
  beforeAll(() => {
    schema = buildGuardedSubgraphSchema([studioModule, approvalModule({ temporal: env.client, taskQueue, secret: SECRET, limits: limits(), now: () => clock, waitMs: 15_000 })]);
  });

  async function submitted(tenantId: string, authorId: string, perms = ADMIN_PERMS): Promise<{ itemId: string; approvalId: string }> {
    const itemId = await draft(tenantId, authorId, 'Croissant masterclass');
    const result = await gql(who(tenantId, authorId, perms), 'mutation($id: ID!) { submitForReview(itemId: $id) { id status workflowId } }', { id: itemId });
    expect(result.errors).toBeUndefined();
    expect(result.data!.submitForReview).toMatchObject({ status: 'PENDING', workflowId: approvalWorkflowId(tenantId, itemId) });
    return { itemId, approvalId: result.data!.submitForReview.id };
  }

  it('shows when an approved post goes out: its slot\'s time (none without a slot)', async () => {
    const { itemId, serverNow, approval, handle } = await planned();
    await handle.signal(approveSignal, signal(approval.id));
    await until(async () => (await handle.query(approvalStateQuery)).status === 'awaiting_slot');
    const unplanned = await draft(A, A_ADMIN, 'No slot');
    const result = await gql<{ contentItems: Array<{ id: string; status: string; scheduledAt: Date | null }> }>(
      who(A, A_ADMIN, ADMIN_PERMS), '{ contentItems(limit: 200) { id status scheduledAt } }');
    expect(result.errors).toBeUndefined();
    const byId = new Map(result.data!.contentItems.map((i) => [i.id, i]));
    expect(byId.get(itemId)).toEqual({ id: itemId, status: 'SCHEDULED', scheduledAt: new Date(serverNow + 30 * 24 * HOUR) });
    expect(byId.get(unplanned)).toMatchObject({ scheduledAt: null });
  });

  it('lets an editor submit and comment but not approve; an admin approves', async () => {
    const editor = who(BAKERY, EDITOR.id, EDITOR_PERMS, 'client_editor');
    const { approvalId } = await submitted(BAKERY, EDITOR.id, EDITOR_PERMS);
    const denied = await gql(editor, 'mutation($id: ID!) { approveItem(approvalId: $id) { id } }', { id: approvalId });
    expect(code(denied)).toBe('FORBIDDEN');
    expect(code(await gql(editor, 'mutation($id: ID!) { requestChanges(approvalId: $id, comment: "no") { id } }', { id: approvalId }))).toBe('FORBIDDEN');
    expect(code(await gql(editor, 'mutation($id: ID!) { createApprovalLink(itemId: $id) { url } }', { id: approvalId }))).toBe('FORBIDDEN');
    const commented = await gql(editor, 'mutation($id: ID!) { commentOnApproval(approvalId: $id, body: "Photo is in the library") { status comments { authorName body external } } }', { id: approvalId });
    expect(commented.errors).toBeUndefined();
    expect(commented.data!.commentOnApproval).toEqual({ status: 'PENDING', comments: [{ authorName: EDITOR.displayName, body: 'Photo is in the library', external: false }] });
    const queue = await gql(editor, '{ approvals { id status item { title } } }');
    expect(queue.data!.approvals.map((a: { id: string }) => a.id)).toContain(approvalId);

    const approved = await gql(who(BAKERY, BAKERY_ADMIN, ADMIN_PERMS), 'mutation($id: ID!) { approveItem(approvalId: $id, note: "Good") { status decidedBy item { status } } }', { id: approvalId });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveItem).toEqual({ status: 'APPROVED', decidedBy: DEMO.logins.clientAdmin.displayName, item: { status: 'APPROVED' } });
    // Decided: a second decision is refused.
    expect(code(await gql(who(BAKERY, BAKERY_ADMIN, ADMIN_PERMS), 'mutation($id: ID!) { approveItem(approvalId: $id) { id } }', { id: approvalId }))).toBe('CONFLICT');
  });

  it('does not let one tenant read or decide another tenant\'s approval', async () => {
    const { approvalId, itemId } = await submitted(A, A_ADMIN);
    const other = who(B, B_ADMIN, ADMIN_PERMS);
    expect(code(await gql(other, 'query($id: ID!) { approval(id: $id) { id } }', { id: approvalId }))).toBe('NOT_FOUND');
    expect(code(await gql(other, 'mutation($id: ID!) { approveItem(approvalId: $id) { id } }', { id: approvalId }))).toBe('NOT_FOUND');
    expect(code(await gql(other, 'mutation($id: ID!) { createApprovalLink(itemId: $id) { url } }', { id: itemId }))).toBe('NOT_FOUND');
    expect((await gql(other, '{ approvals { id } }')).data!.approvals.map((a: { id: string }) => a.id)).not.toContain(approvalId);
  });

  const VIEW = 'query($t: String!) { approvalByToken(token: $t) { brandName title channel body status version email } }';
  const DECIDE = 'mutation($t: String!, $d: ApprovalDecision!, $c: String) { decideApproval(token: $t, decision: $d, comment: $c) { status } }';

  it('an external approver decides once through a signed link, without an account', async () => {
    const { approvalId } = await submitted(A, A_ADMIN);
    const itemId = (await row<{ item_id: string }>('select item_id from content.approval where id = $1', [approvalId])).item_id;
    const link = await gql(who(A, A_ADMIN, ADMIN_PERMS), 'mutation($id: ID!) { createApprovalLink(itemId: $id, email: "Owner@Forge.example", expiresInHours: 48) { url path email expiresAt } }', { id: itemId });
    expect(link.errors).toBeUndefined();
    const { url, path, email } = link.data!.createApprovalLink;
    expect(email).toBe('owner@forge.example');
    const token = decodeURIComponent(path.replace('/approve/', ''));
    expect(url.endsWith(path)).toBe(true);
    // Only the hash is stored.
    const stored = await row<{ token_hash: string }>('select token_hash from content.approval_link where approval_id = $1', [approvalId]);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.token_hash).not.toContain(token);

    const view = await gql(ANONYMOUS, VIEW, { t: token });
    expect(view.errors).toBeUndefined();
    expect(view.data!.approvalByToken).toMatchObject({ brandName: 'Forge & Flow Studio', title: 'Croissant masterclass', channel: 'INSTAGRAM', status: 'PENDING', version: 1, email: 'owner@forge.example' });

    // Tampered: one character of the signature, of the link id, of the expiry.
    const parts = token.split('~');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [[...parts.slice(0, 4), flip(parts[4]!)], [parts[0], flip(parts[1]!), ...parts.slice(2)], [parts[0], parts[1], 'zzzzzz', ...parts.slice(3)]]) {
      expect(code(await gql(ANONYMOUS, VIEW, { t: bad.join('~') }))).toBe('NOT_FOUND');
    }
    expect(code(await gql(ANONYMOUS, VIEW, { t: 'garbage' }))).toBe('NOT_FOUND');
    // Expired: the same token two days later.
    clock = new Date(Date.now() + 49 * HOUR);
    expect(code(await gql(ANONYMOUS, VIEW, { t: token }))).toBe('NOT_FOUND');
    clock = new Date();

    const decided = await gql(ANONYMOUS, DECIDE, { t: token, d: 'APPROVE', c: 'Looks great' });
    expect(decided.errors).toBeUndefined();
    expect(decided.data!.decideApproval).toEqual({ status: 'APPROVED' });
    expect(await row('select status, decided_by, decided_by_external from content.approval where id = $1', [approvalId]))
      .toEqual({ status: 'approved', decided_by: null, decided_by_external: 'owner@forge.example' });
    // Reused: refused, for viewing and deciding alike.
    expect(code(await gql(ANONYMOUS, DECIDE, { t: token, d: 'REQUEST_CHANGES', c: 'changed my mind' }))).toBe('NOT_FOUND');
    expect(code(await gql(ANONYMOUS, VIEW, { t: token }))).toBe('NOT_FOUND');
    const comments = await gql(who(A, A_ADMIN, ADMIN_PERMS), 'query($id: ID!) { approval(id: $id) { comments { authorName body external } } }', { id: approvalId });
    expect(comments.data!.approval.comments).toEqual([{ authorName: 'owner@forge.example', body: 'Looks great', external: true }]);
  });

  it('a token only ever opens its own tenant\'s item, a forged one nothing', async () => {
    const a = await submitted(A, A_ADMIN);
    const b = await submitted(B, B_ADMIN);
    const linkOf = async (tenantId: string, actorId: string, itemId: string) => {
      const result = await gql(who(tenantId, actorId, ADMIN_PERMS), 'mutation($id: ID!) { createApprovalLink(itemId: $id) { path } }', { id: itemId });
      return result.data!.createApprovalLink.path.replace('/approve/', '') as string;
    };
    const tokenA = await linkOf(A, A_ADMIN, a.itemId);
    const tokenB = await linkOf(B, B_ADMIN, b.itemId);
    expect((await gql(ANONYMOUS, VIEW, { t: tokenB })).data!.approvalByToken.brandName).toBe('Riad Dar Yasmine');
    expect((await gql(ANONYMOUS, VIEW, { t: tokenA })).data!.approvalByToken.brandName).toBe('Forge & Flow Studio');
    // B's token with A's link id (the signature no longer matches), and a well-signed token for A's link
    // made with another key: both refused, A's round untouched.
    const [v, , exp, nonce, sig] = tokenB.split('~');
    const idA = tokenA.split('~')[1]!;
    expect(code(await gql(ANONYMOUS, DECIDE, { t: [v, idA, exp, nonce, sig].join('~'), d: 'APPROVE' }))).toBe('NOT_FOUND');
    const linkIdA = (await row<{ id: string }>('select id from content.approval_link where approval_id = $1', [a.approvalId])).id;
    const forged = signLinkToken(linkIdA, new Date(Date.now() + HOUR), Buffer.from('someone-else-s-secret-0123456789abcdef'));
    expect(code(await gql(ANONYMOUS, DECIDE, { t: forged, d: 'APPROVE' }))).toBe('NOT_FOUND');
    // Even signed with the right key, a token whose hash was never stored opens nothing.
    expect(code(await gql(ANONYMOUS, VIEW, { t: signLinkToken(linkIdA, new Date(Date.now() + HOUR), SECRET) }))).toBe('NOT_FOUND');
    expect((await row<{ status: string }>('select status from content.approval where id = $1', [a.approvalId])).status).toBe('pending');
    // A request for changes needs a comment; with one, B's item goes back to its author.
    expect(code(await gql(ANONYMOUS, DECIDE, { t: tokenB, d: 'REQUEST_CHANGES' }))).toBe('BAD_USER_INPUT');
    expect((await gql(ANONYMOUS, DECIDE, { t: tokenB, d: 'REQUEST_CHANGES', c: 'Prices in MAD please' })).data!.decideApproval.status).toBe('CHANGES_REQUESTED');
  });

  it('rate-limits a link', async () => {
    const { itemId } = await submitted(A, A_ADMIN);
    const result = await gql(who(A, A_ADMIN, ADMIN_PERMS), 'mutation($id: ID!) { createApprovalLink(itemId: $id) { path } }', { id: itemId });
    const token = result.data!.createApprovalLink.path.replace('/approve/', '');
    const codes: unknown[] = [];
    for (let i = 0; i < 10; i += 1) codes.push(code(await gql(ANONYMOUS, VIEW, { t: token })));
    expect(codes.slice(0, 8)).toEqual(Array(8).fill(undefined));
    expect(codes.slice(8)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('refuses links for items not in review and bad link settings, writing nothing', async () => {
    const itemId = await draft(A, A_ADMIN);
    const adminA = who(A, A_ADMIN, ADMIN_PERMS);
    expect(code(await gql(adminA, 'mutation($id: ID!) { createApprovalLink(itemId: $id) { path } }', { id: itemId }))).toBe('CONFLICT');
    const { itemId: reviewed } = await submitted(A, A_ADMIN);
    expect(code(await gql(adminA, 'mutation($id: ID!) { createApprovalLink(itemId: $id, expiresInHours: 0) { path } }', { id: reviewed }))).toBe('BAD_USER_INPUT');
    expect(code(await gql(adminA, 'mutation($id: ID!) { createApprovalLink(itemId: $id, expiresInHours: 1000) { path } }', { id: reviewed }))).toBe('BAD_USER_INPUT');
    expect(code(await gql(adminA, 'mutation($id: ID!) { createApprovalLink(itemId: $id, email: "not an email") { path } }', { id: reviewed }))).toBe('BAD_USER_INPUT');
    expect(code(await gql(adminA, 'mutation { createApprovalLink(itemId: "nope") { path } }'))).toBe('NOT_FOUND');
    expect((await admin.query('select 1 from content.approval_link l join content.approval a on a.id = l.approval_id where a.item_id = any($1::uuid[])', [[itemId, reviewed]])).rowCount).toBe(0);
  });
});
