// C5 on a fresh, seeded database through GraphQL: the calendar shows only the
// caller's slots with their approval status and reason; moving a slot follows
// the rules; the bakery's seeded engagement history yields learned times,
// which the planner uses. A moved slot is told to its item's approval
// workflow (on the test Temporal server, a task queue without a worker: the
// signal lands in the history), never starting one.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DateTime } from 'luxon';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { freePort } from '@ensemble/testing/ports';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { executeAs } from '@ensemble/subgraph-kit/context';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { APPROVAL_WORKFLOW, SLOT_RESCHEDULED_SIGNAL, approvalWorkflowId } from '@ensemble/workflow-contracts/approval';
import type { Identity } from '@ensemble/tenancy/identity';
import { studioModule } from '../../studio/studio.resolver.ts';
import { approvalModule } from '../../approval/approval.resolver.ts';
import { approvalInput } from '../../approval/approval-workflow.client.ts';
import { planRun } from '../../planning/planning.service.ts';
import { calendarModule } from '../calendar.resolver.ts';

const BAKERY = DEMO.tenants.bakery; // Europe/Paris
const FITNESS = DEMO.tenants.fitness;
const ADMIN = DEMO.logins.clientAdmin;
const EDITOR = DEMO.logins.clientEditor;

let orm: MikroORM;
let pubsub: PgPubSub;
let admin: pg.Client;
let drop: () => Promise<void>;
let schema: ReturnType<typeof buildGuardedSubgraphSchema>;
let connection: Connection;
let temporal: Client;
const now = new Date();
// Next month in Paris: the plan month of the slots below.
const month = DateTime.fromJSDate(now, { zone: 'Europe/Paris' }).plus({ months: 1 }).startOf('month');
const MONTH = month.toFormat('yyyy-MM');
const at = (day: number, hour: number) => month.set({ day, hour }).toUTC().toJSDate();

function who(tenantId: string, actorId: string, permissions: string[], role = 'client_admin'): Identity {
  return { kind: 'user', actorId, tenantId, role, permissions: permissions as Identity['permissions'] };
}
const adminOf = (tenantId: string, actorId = ADMIN.id) => who(tenantId, actorId, ['content:read', 'content:write', 'content:publish']);
const editor = who(BAKERY, EDITOR.id, ['content:read', 'content:write'], 'client_editor');

const { gql, code } = executeAs(() => ({ schema, orm, pubsub }));

let runId: string;
const slots: Record<string, string> = {};

async function slot(name: string, tenantId: string, channel: string, scheduledAt: Date, status = 'planned', itemStatus?: string, approval?: string): Promise<string> {
  const id = randomUUID();
  let itemId: string | null = null;
  if (itemStatus) {
    itemId = randomUUID();
    await admin.query(`insert into content.content_item (id, tenant_id, channel, title, status, locale, current_version) values ($1, $2, $3, $4, $5, 'fr', 1)`, [itemId, tenantId, channel, `Post ${name}`, itemStatus]);
    await admin.query(`insert into content.content_version (id, tenant_id, item_id, version, title, body, author) values ($1, $2, $3, 1, $4, 'Texte', 'human')`, [randomUUID(), tenantId, itemId, `Post ${name}`]);
    if (approval) await admin.query(`insert into content.approval (id, tenant_id, item_id, version, status) values ($1, $2, $3, 1, $4)`, [randomUUID(), tenantId, itemId, approval]);
  }
  await admin.query(
    `insert into content.calendar_slot (id, tenant_id, channel, scheduled_at, status, item_id, pipeline_run_id, timing)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, tenantId, channel, scheduledAt, status, itemId, tenantId === BAKERY ? runId : null,
      JSON.stringify({ kind: 'learned', weekday: 4, hour: 18, minute: 0, lift: 2.1, posts: 15, totalPosts: 45, weeks: 16, text: 'Thursdays 18:00: 2.1× …' })]);
  if (itemId) await admin.query('update content.content_item set calendar_slot_id = $1 where id = $2', [id, itemId]);
  slots[name] = id;
  return id;
}

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 4 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), 'calendar_test');
  // The suite's Temporal server (packages/testing global setup); approvals are not decided in this file.
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  temporal = new Client({ connection });
  schema = buildGuardedSubgraphSchema([studioModule, approvalModule({ temporal }), calendarModule({ temporal, now: () => now })]);
  runId = randomUUID();
  await admin.query(`insert into content.pipeline_run (id, tenant_id, month, workflow_id) values ($1, $2, $3, $4)`, [runId, BAKERY, MONTH, `monthly-pipeline:${BAKERY}:${MONTH}`]);
  await slot('planned', BAKERY, 'instagram', at(10, 18));
  await slot('review', BAKERY, 'instagram', at(12, 18), 'filled', 'in_review', 'pending');
  await slot('approved', BAKERY, 'facebook', at(13, 10), 'filled', 'scheduled', 'approved');
  await slot('published', BAKERY, 'blog', at(14, 9), 'published', 'published', 'approved');
  await slot('fitness', FITNESS, 'instagram', at(10, 18));
});

afterAll(async () => {
  await connection?.close();
  await orm?.close();
  await pubsub?.close();
  await admin?.end();
  await drop?.();
});

const CALENDAR = `query($from: DateTime!, $to: DateTime!, $channels: [Channel!]) {
  calendar(from: $from, to: $to, channels: $channels) { id channel status approvalStatus movable planMonth item { title status } timing { kind weekday hour lift posts totalPosts text } }
}`;
const MOVE = 'mutation($id: ID!, $at: DateTime!) { rescheduleSlot(slotId: $id, scheduledAt: $at) { id scheduledAt timing { kind text } } }';

describe('calendar', () => {
  it('lists the caller\'s own slots with item, approval status and reason; never another tenant\'s', async () => {
    const range = { from: month.toISO(), to: month.plus({ months: 1 }).toISO() };
    const result = await gql(adminOf(BAKERY), CALENDAR, range);
    expect(result.errors).toBeUndefined();
    const list = result.data!.calendar as Array<Record<string, any>>;
    expect(list.map((s) => s.id)).toEqual([slots.planned, slots.review, slots.approved, slots.published]);
    expect(list[1]).toMatchObject({ channel: 'INSTAGRAM', status: 'FILLED', approvalStatus: 'PENDING', movable: true, planMonth: MONTH, item: { title: 'Post review', status: 'IN_REVIEW' } });
    expect(list[1]!.timing).toMatchObject({ kind: 'LEARNED', weekday: 4, hour: 18, lift: 2.1, posts: 15, totalPosts: 45 });
    expect(list[2]).toMatchObject({ approvalStatus: 'APPROVED', item: { status: 'SCHEDULED' } });
    expect(list[3]).toMatchObject({ movable: false });
    expect(list[0]).toMatchObject({ approvalStatus: null, item: null });
    const instagram = await gql(adminOf(BAKERY), CALENDAR, { ...range, channels: ['INSTAGRAM'] });
    expect(instagram.data!.calendar.map((s: { id: string }) => s.id)).toEqual([slots.planned, slots.review]);
    // The fitness studio sees its own slot only; the bakery cannot move it.
    const other = await gql(adminOf(FITNESS, DEMO.logins.fitnessAdmin.id), CALENDAR, range);
    expect(other.data!.calendar.map((s: { id: string }) => s.id)).toEqual([slots.fitness]);
    expect(code(await gql(adminOf(BAKERY), MOVE, { id: slots.fitness, at: at(20, 18).toISOString() }))).toBe('NOT_FOUND');
    expect(code(await gql(adminOf(BAKERY), MOVE, { id: 'not-an-id', at: at(20, 18).toISOString() }))).toBe('NOT_FOUND');
  });

  it('refuses bad ranges', async () => {
    expect(code(await gql(adminOf(BAKERY), CALENDAR, { from: month.toISO(), to: month.minus({ days: 1 }).toISO() }))).toBe('BAD_USER_INPUT');
    expect(code(await gql(adminOf(BAKERY), CALENDAR, { from: month.toISO(), to: month.plus({ days: 101 }).toISO() }))).toBe('BAD_USER_INPUT');
  });

  it('moves a slot within its month, to a free day, in the future', async () => {
    const timing = async () => (await admin.query('select scheduled_at, timing from content.calendar_slot where id = $1', [slots.planned])).rows[0];
    const before = await timing();
    // Past, outside the plan month, onto a day the channel already uses: refused, nothing written.
    expect(code(await gql(adminOf(BAKERY), MOVE, { id: slots.planned, at: new Date(now.getTime() - 60_000).toISOString() }))).toBe('BAD_USER_INPUT');
    expect(code(await gql(adminOf(BAKERY), MOVE, { id: slots.planned, at: month.plus({ months: 1, days: 2 }).toUTC().toISO() }))).toBe('BAD_USER_INPUT');
    const clash = await gql(adminOf(BAKERY), MOVE, { id: slots.planned, at: at(12, 9).toISOString() });
    expect(code(clash)).toBe('CONFLICT');
    expect(clash.errors![0]!.message).toContain(`${MONTH}-12`);
    expect(await timing()).toEqual(before);

    const moved = await gql(editor, MOVE, { id: slots.planned, at: at(17, 11).toISOString() });
    expect(moved.errors).toBeUndefined();
    expect(new Date(moved.data!.rescheduleSlot.scheduledAt).toISOString()).toBe(at(17, 11).toISOString());
    expect(moved.data!.rescheduleSlot.timing.kind).toBe('MANUAL');
    expect(moved.data!.rescheduleSlot.timing.text).toMatch(new RegExp(`^Moved to \\w+day ${MONTH}-17 11:00 by ${EDITOR.displayName}$`));
    // The 10th is free again for the channel.
    expect((await gql(editor, MOVE, { id: slots.review, at: at(10, 18).toISOString() })).errors).toBeUndefined();
  });

  it('keeps published slots where they are, and approved content with the people who may publish', async () => {
    expect(code(await gql(adminOf(BAKERY), MOVE, { id: slots.published, at: at(21, 9).toISOString() }))).toBe('CONFLICT');
    expect(code(await gql(editor, MOVE, { id: slots.approved, at: at(20, 10).toISOString() }))).toBe('FORBIDDEN');
    expect((await gql(adminOf(BAKERY), MOVE, { id: slots.approved, at: at(20, 10).toISOString() })).errors).toBeUndefined();
    // A viewer cannot move anything.
    expect(code(await gql(who(BAKERY, DEMO.logins.clientViewer.id, ['content:read'], 'client_viewer'), MOVE, { id: slots.approved, at: at(22, 10).toISOString() }))).toBe('FORBIDDEN');
  });

  it('tells the item\'s running approval workflow that its slot moved; an item without one moves all the same, and none is started', async () => {
    const slotId = await slot('waiting', BAKERY, 'linkedin', at(20, 9), 'filled', 'scheduled', 'approved');
    const [{ item_id: itemId }] = (await admin.query<{ item_id: string }>('select item_id from content.calendar_slot where id = $1', [slotId])).rows as [{ item_id: string }];
    const workflowId = approvalWorkflowId(BAKERY, itemId);
    // Nothing ever started for it: the move stands, and signalling did not start a workflow.
    expect((await gql(adminOf(BAKERY), MOVE, { id: slotId, at: at(19, 9).toISOString() })).errors).toBeUndefined();
    await expect(temporal.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    // A running workflow (on a queue no worker polls, so it stays as started) hears each move, once.
    const handle = await temporal.workflow.start(APPROVAL_WORKFLOW, {
      workflowId, taskQueue: `calendar-test-${randomBytes(4).toString('hex')}`, args: [approvalInput({ temporal }, BAKERY, itemId, null)],
    });
    const signals = async (runId?: string) => ((await temporal.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [])
      .flatMap((e) => (e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : []));
    expect(await signals()).toEqual([]);
    const earlier = await gql(adminOf(BAKERY), MOVE, { id: slotId, at: at(18, 9).toISOString() });
    expect(earlier.errors).toBeUndefined();
    expect(await signals()).toEqual([SLOT_RESCHEDULED_SIGNAL]);
    // Closed (published, sent back): the move is not refused for it, and no new run is started.
    await handle.terminate('test: closed');
    expect((await gql(adminOf(BAKERY), MOVE, { id: slotId, at: at(21, 9).toISOString() })).errors).toBeUndefined();
    const described = await temporal.workflow.getHandle(workflowId).describe();
    expect(described.runId).toBe(handle.firstExecutionRunId);
    expect(described.status.name).toBe('TERMINATED');
    expect(await signals(handle.firstExecutionRunId)).toEqual([SLOT_RESCHEDULED_SIGNAL]);
  });
});

describe('a move while Temporal cannot be reached', () => {
  it('is refused and undone for an item in an approval round (its workflow would publish at the old time); other items move', async () => {
    // Nothing listens on this port: every call to the workflow engine fails after the signal's deadline.
    const offline = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
    const offlineSchema = buildGuardedSubgraphSchema([studioModule, approvalModule({ temporal: offline }), calendarModule({ temporal: offline, now: () => now })]);
    const run = executeAs(() => ({ schema: offlineSchema, orm, pubsub }));
    const approved = await slot('offline-approved', BAKERY, 'google_business', at(24, 9), 'filled', 'scheduled', 'approved');
    const draft = await slot('offline-draft', BAKERY, 'x', at(24, 9), 'filled', 'draft');
    const row = async (id: string) => (await admin.query('select scheduled_at, timing from content.calendar_slot where id = $1', [id])).rows[0];
    const before = await row(approved);

    const refused = await run.gql(adminOf(BAKERY), MOVE, { id: approved, at: at(23, 9).toISOString() });
    expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['SERVICE_UNAVAILABLE', 'The post was not moved: its scheduled publication cannot be changed right now. Try again in a minute.'],
    ]);
    expect(refused.data).toBeNull();
    expect(await row(approved)).toEqual(before);

    // No approval round, so no workflow can be waiting: the move stands.
    const moved = await run.gql(adminOf(BAKERY), MOVE, { id: draft, at: at(23, 9).toISOString() });
    expect(moved.errors).toBeUndefined();
    expect((await row(draft)).scheduled_at.toISOString()).toBe(at(23, 9).toISOString());
    await offline.connection.close();
  }, 30_000);
});

describe('learned posting times', () => {
  it('learns the bakery\'s best Instagram time from its seeded history, with the reason', async () => {
    const result = await gql(adminOf(BAKERY), '{ optimalSlots(channel: INSTAGRAM) { channel source totalPosts weeks timeZone slots { weekday hour minute timing { kind lift posts totalPosts text } } } }');
    expect(result.errors).toBeUndefined();
    const learned = result.data!.optimalSlots;
    expect(learned).toMatchObject({ channel: 'INSTAGRAM', source: 'LEARNED', totalPosts: 45, weeks: 16, timeZone: 'Europe/Paris' });
    const best = learned.slots[0];
    expect(best).toMatchObject({ weekday: 4, hour: 18, minute: 0, timing: { kind: 'LEARNED', posts: 15, totalPosts: 45 } });
    // Seeded: Thursdays at ~8.8 % against ~5.6 % on average.
    expect(best.timing.lift).toBeGreaterThan(1.4);
    expect(best.timing.text).toMatch(/^Thursdays 18:00: 1\.\d× your average Instagram engagement over 16 weeks \(15 of 45 posts\)$/);
  });

  it('keeps the defaults where there is no history, and says so', async () => {
    const result = await gql(adminOf(FITNESS, DEMO.logins.fitnessAdmin.id), '{ optimalSlots(channel: INSTAGRAM) { source totalPosts slots { weekday hour minute timing { kind text } } } }');
    expect(result.data!.optimalSlots).toMatchObject({ source: 'DEFAULT', totalPosts: 0 });
    expect(result.data!.optimalSlots.slots[0].timing).toEqual({ kind: 'DEFAULT', text: 'Default for Instagram (Mondays 11:00): not enough history yet (0 posts in 16 weeks)' });
  });

  it('plans the month on the learned times', async () => {
    const planRunId = randomUUID();
    const next = month.plus({ months: 1 }).toFormat('yyyy-MM');
    await admin.query(`insert into content.pipeline_run (id, tenant_id, month, workflow_id) values ($1, $2, $3, $4)`, [planRunId, BAKERY, next, `monthly-pipeline:${BAKERY}:${next}`]);
    const { slots: planned } = await withTenant(orm, BAKERY, null, ({ em }) => planRun(em, {
      tenantId: BAKERY, runId: planRunId, month: next, timeZone: 'Europe/Paris', channels: ['instagram', 'google_business'],
      limits: { planCode: 'growth', postsPerMonth: 8, maxChannels: null }, now,
    }));
    const { rows } = await admin.query<{ channel: string; scheduled_at: Date; timing: { kind: string; text: string } }>(
      'select channel, scheduled_at, timing from content.calendar_slot where pipeline_run_id = $1 order by scheduled_at', [planRunId]);
    expect(rows).toHaveLength(planned.length);
    const thursdays = rows.filter((r) => r.channel === 'instagram' && DateTime.fromJSDate(r.scheduled_at, { zone: 'Europe/Paris' }).weekday === 4);
    expect(thursdays.length).toBeGreaterThan(0);
    for (const r of thursdays) {
      expect(DateTime.fromJSDate(r.scheduled_at, { zone: 'Europe/Paris' }).hour).toBe(18);
      expect(r.timing.kind).toBe('learned');
    }
    // No history on Google Business: its defaults, with the reason stored.
    const google = rows.filter((r) => r.channel === 'google_business');
    expect(google.length).toBeGreaterThan(0);
    expect(google.every((r) => r.timing.kind === 'default' && r.timing.text.startsWith('Default for Google Business Profile'))).toBe(true);
  });
});
