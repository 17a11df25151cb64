// W1 over a whole month and into the next, on Temporal's time-skipping test
// server with the real worker, the real activities and a fresh seeded
// database. Only the clock is mocked where time is the subject: the month a
// schedule's fire starts is read from the test server's clock; every timer
// (reminders, expiry, retry window) is the workflows' own, on that server,
// and the approvals' times come from the workflows. The pipeline's
// activities keep the real clock: the database checks credits and events
// against it; the story's month lies ahead of it, so the publication step
// publishes nothing before its slot. Publication at a slot's time is the
// item's approval workflow's: its timer, and the workflow's time handed to
// the publication activity. Three clients, each on a 4-posts plan; A and B
// post on their blog (the built-in site connector publishes it):
//   A  fitness studio (semi mode): its items wait for approval; reminders
//      come after 24 h and 48 h; a person approves one on day 3, which is
//      published at its slot's time (day 20), not before, once; nobody
//      answers the others: they expire after 7 days, go back to draft and are
//      never published; next month's brief carries them over;
//   B  bakery (auto mode) without a live subscription on the 1st: planning
//      fails, the run waits for a retry; on day 4 it is fixed and retried and
//      resumes at planning without redoing the earlier steps; its items,
//      approved by the auto mode, are published at their slots' times, one
//      of them at the later time a person dragged its slot to; A's approved
//      one, dragged earlier while it waits, at that earlier time (told by
//      the calendar's signal: its timer pointed at the later one);
//   C  riad, started by hand on the 28th without a subscription: it fails
//      and waits; the next month's schedule fires while it still waits: the
//      new month starts on its own and completes, two fires at once start
//      it once, a later fire is a no-op,
//      and the old month fails for good when its 7-day retry window ends.
// The schedule's fire is its action: the starter workflow (the time-skipping
// server has no Schedules). Each story has a time-skipping server of its own.
import { createStorage, type ObjectStorage } from '@ensemble/storage/storage';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { OWNER_ROLE, appUrl } from '@ensemble/db/connection';
import { DEMO } from '@ensemble/db/seed';
import { useTestDatabase } from '@ensemble/testing/database';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { withTenant } from '@ensemble/db/orm';
import { rescheduleSlot } from '@ensemble/subgraph-content/calendar/calendar.service';
import { signalSlotRescheduled } from '@ensemble/subgraph-content/approval/approval-workflow.client';
import { approvalWorkflowId, type ApprovalOutcome, type ApprovalState } from '@ensemble/workflow-contracts/approval';
import { PIPELINE_STEPS, RETRY_STEP_SIGNAL, monthlyPipelineWorkflowId, monthlyScheduleId, type PipelineProgress } from '@ensemble/workflow-contracts/pipeline';
import { CONTENT_PUBSUB_CHANNEL, workflowBundle } from '../src/worker.ts';
import { createPipelineActivities } from '../src/pipeline/monthly-pipeline.activities.ts';
import { createPipelineScheduleActivities } from '../src/pipeline/pipeline-schedule.activities.ts';
import { createApprovalActivities } from '../src/approval/approval.activities.ts';
import { approvalStateQuery, approveSignal } from '../src/approval/approval.workflow.ts';
import { monthlyPipelineWorkflow, progressQuery } from '../src/pipeline/monthly-pipeline.workflow.ts';
import { monthlyPipelineStarterWorkflow } from '../src/pipeline/monthly-pipeline-starter.workflow.ts';
import { createTimeSkippingEnv } from '../src/approval/__tests__/time-skipping.ts';

const A = DEMO.tenants.fitness;
const B = DEMO.tenants.bakery;
const C = DEMO.tenants.riad;
const POSTS = 4;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PARIS = 'Europe/Paris';

// Fresh seeded database; fixtures written as the owner role, the workers on the app role's ORM.
const db = useTestDatabase({ poolMax: 6, adminRole: OWNER_ROLE });
let env: TestWorkflowEnvironment | undefined;
// Reads results without the time-skipping client's unlock/lock around result(): time moves only in skipTo().
let plain: Client | undefined;
let pubsub: PgPubSub;
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let storageDir: string;
let storage: ObjectStorage;
let taskQueue = '';

// The schedule's clock follows the test server's (re-read after each skip;
// between skips both advance in real time).
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

async function syncClock(): Promise<number> {
  const serverNow = await server().currentTimeMs();
  offsetMs = serverNow - Date.now();
  return serverNow;
}

/** Workflows of this file that may be open (pipelines; approval workflows are read from the database). */
const watched = new Set<string>();

async function openWorkflows(): Promise<Array<{ id: string; last: string; pendingActivities: number }>> {
  const { rows: approvals } = await db.admin.query<{ workflow_id: string }>(`select workflow_id from content.approval where status = 'pending' and workflow_id is not null`);
  const out = [];
  for (const id of new Set([...watched, ...approvals.map((a) => a.workflow_id)])) {
    const handle = server().client.workflow.getHandle(id);
    const described = await handle.describe().catch(() => null);
    if (!described || described.status.name !== 'RUNNING') continue;
    const events = (await handle.fetchHistory()).events ?? [];
    const last = events.at(-1);
    const kind = last ? Object.keys(last).find((k) => k.endsWith('EventAttributes') && (last as Record<string, unknown>)[k]) ?? '?' : 'none';
    out.push({ id, last: kind.replace('EventAttributes', ''), pendingActivities: described.raw.pendingActivities?.length ?? 0 });
  }
  return out;
}

/** Until every open workflow waits (on a timer or a signal) with nothing of its own in flight. */
async function quiet(): Promise<void> {
  const waiting = new Set(['timerStarted', 'workflowTaskCompleted']);
  await until(async () => (await openWorkflows()).every((w) => w.pendingActivities === 0 && waiting.has(w.last)), 'every open workflow to wait');
}

// Kinds of event by which a parent learns that its child closed.
const CHILD_CLOSED = [
  'childWorkflowExecutionCompletedEventAttributes',
  'childWorkflowExecutionFailedEventAttributes',
  'childWorkflowExecutionCanceledEventAttributes',
  'childWorkflowExecutionTimedOutEventAttributes',
  'childWorkflowExecutionTerminatedEventAttributes',
] as const;

/**
 * The Java test server takes a time-skipping lock when a child closes, to be
 * given back by its parent once told. A parent that closed first is never
 * told (the notification fails as NOT_FOUND), so the lock stays taken
 * ("processCompleteWorkflowExecution notify parent"; sdk-typescript#1101)
 * and time stops skipping. Abandoned children outliving their
 * parent are the product's design: the month's pipeline after its starter,
 * the approvals after their pipeline. So each child that closed after its
 * parent, without a close event in the parent's history, holds exactly one
 * lock: it is given back once, and nothing else is (an extra unlock would let
 * time run by itself, up to the server's 10-year default run timeout).
 */
const givenBack = new Set<string>();
async function giveBackLeakedLocks(): Promise<void> {
  const approvals = await rows<{ workflow_id: string }>('select distinct workflow_id from content.approval where workflow_id is not null');
  for (const id of new Set([...watched, ...approvals.map((a) => a.workflow_id)])) {
    const child = await server().client.workflow.getHandle(id).describe().catch(() => null);
    if (!child?.parentExecution || child.status.name === 'RUNNING' || givenBack.has(`${id}/${child.runId}`)) continue;
    const { workflowId: parentId, runId: parentRunId } = child.parentExecution;
    if (!parentId) continue;
    const parent = server().client.workflow.getHandle(parentId, parentRunId ?? undefined);
    if ((await parent.describe()).status.name === 'RUNNING') continue;
    const told = ((await parent.fetchHistory()).events ?? []).some((event) =>
      CHILD_CLOSED.some((kind) => event[kind]?.workflowExecution?.runId === child.runId));
    if (told) continue;
    // Refused only when no lock is held at all: the child's lock is not applied yet; next round.
    const released = await server().connection.testService!.unlockTimeSkipping({}).then(() => true, () => false);
    if (released) givenBack.add(`${id}/${child.runId}`);
  }
}

/** Moves the test server's clock to `at`, firing every timer on the way. */
async function skipTo(at: number): Promise<void> {
  await quiet();
  await giveBackLeakedLocks();
  const now = await syncClock();
  if (at > now) {
    let done = false;
    const sleeping = server().sleep(at - now).finally(() => { done = true; });
    const deadline = Date.now() + 120_000;
    while (!done) {
      await Promise.race([sleeping, new Promise((r) => setTimeout(r, 500))]);
      if (done) break;
      // A child that closed during the skip, after its parent, stopped time.
      await giveBackLeakedLocks();
      if (Date.now() > deadline) throw new Error(`the server did not skip to ${new Date(at).toISOString()}; open: ${JSON.stringify(await openWorkflows())}`);
    }
    await sleeping;
  }
  const reached = await syncClock();
  // Time running by itself (a lock given back too many) shows here, not three tests later.
  if (reached - at > HOUR) throw new Error(`the clock overshot ${new Date(at).toISOString()}: ${new Date(reached).toISOString()}`);
}

// The month after the real one starts the story: its 1st at 06:00 in Paris is the schedule's time.
const anchor = DateTime.now().setZone(PARIS).startOf('month').plus({ months: 1 }).set({ hour: 6 });
const M = anchor.toFormat('yyyy-MM');
const NEXT = anchor.plus({ months: 1 });
const M1 = NEXT.toFormat('yyyy-MM');
const day = (n: number, hour = 6) => anchor.set({ day: n, hour }).toMillis();

beforeAll(async () => {
  // Small months: 4 posts per plan. B and C start without a live subscription.
  await db.admin.query(`update tenants.plan set limits = limits || $1::jsonb`, [JSON.stringify({ posts_per_month: POSTS })]);
  // A and B post on their blog: a new DNA version each (snapshots are immutable), pinned by the month's DNA merge.
  await db.admin.query(
    `insert into tenants.brand_dna_snapshot (id, tenant_id, version, document, provenance, locale, note)
     select distinct on (tenant_id) gen_random_uuid(), tenant_id, version + 1, jsonb_set(document, '{channels}', '["blog"]'), provenance, locale, 'their blog only'
       from tenants.brand_dna_snapshot where tenant_id = any($1) order by tenant_id, version desc`, [[A, B]]);
  await db.admin.query(`update billing.subscription set status = 'cancelled', cancelled_at = now() where tenant_id = any($1)`, [[B, C]]);
  pubsub = new PgPubSub(appUrl(db.adminUrl), CONTENT_PUBSUB_CHANNEL);
  await pubsub.start();
  storageDir = await mkdtemp(join(tmpdir(), 'ens-pipeline-time-'));
  storage = createStorage({ driver: 'local', dir: storageDir });
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed already
  }
}, 240_000);

afterAll(async () => {
  await stopServer();
  await pubsub?.close();
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
}, 60_000);

/** A time-skipping server of its own per story, and the worker of workflows/src/worker.ts on it (the schedule's activity on the server's clock). */
async function startServer(): Promise<void> {
  env = await createTimeSkippingEnv();
  plain = new Client({ connection: env.connection, namespace: 'default' });
  watched.clear();
  givenBack.clear();
  taskQueue = `pipeline-time-${randomBytes(4).toString('hex')}`;
  worker = await Worker.create({
    connection: server().nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createPipelineActivities({ orm: db.orm, pubsub, storage }),
      ...createApprovalActivities({ orm: db.orm, pubsub }),
      ...createPipelineScheduleActivities({ orm: db.orm, now: clock }),
    },
  });
  running = worker.run();
}

async function stopServer(): Promise<void> {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => {});
  await env?.teardown();
  worker = undefined;
  running = undefined;
  env = undefined;
  plain = undefined;
}

/** The story's server (started by its describe's beforeAll). */
function server(): TestWorkflowEnvironment {
  if (!env) throw new Error('no time-skipping server: startServer() first');
  return env;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rows<T extends Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return (await db.admin.query<T>(query, params)).rows;
}

/** The result of a closed workflow, read without touching the time-skipping lock. */
function resultOf<T>(workflowId: string): Promise<T> {
  if (!plain) throw new Error('no time-skipping server: startServer() first');
  return plain.workflow.getHandle(workflowId).result() as Promise<T>;
}

/** Polls instead of awaiting result(): the time-skipping client's result() would let the server skip time (and fire other timers) meanwhile. */
async function closed(handle: WorkflowHandle, timeoutMs = 120_000): Promise<string> {
  let status = 'RUNNING';
  await until(async () => {
    status = (await handle.describe()).status.name;
    return status !== 'RUNNING';
  }, `${handle.workflowId} to close`, timeoutMs);
  return status;
}

/** What the tenant's schedule does when it fires: its action, the starter workflow. */
async function fireSchedule(tenantId: string): Promise<{ month: string; started: boolean }> {
  const handle = await server().client.workflow.start(monthlyPipelineStarterWorkflow, {
    workflowId: `${monthlyScheduleId(tenantId)}-${new Date(await server().currentTimeMs()).toISOString()}-${randomBytes(2).toString('hex')}`,
    taskQueue,
    args: [{ tenantId }],
  });
  expect(await closed(handle)).toBe('COMPLETED');
  return resultOf(handle.workflowId);
}

const pipeline = (tenantId: string, month: string) => {
  watched.add(monthlyPipelineWorkflowId(tenantId, month));
  return server().client.workflow.getHandle<typeof monthlyPipelineWorkflow>(monthlyPipelineWorkflowId(tenantId, month));
};

async function runOf(tenantId: string, month: string) {
  const [run] = await rows<{ id: string; status: string; brief: { carryOver: { unpublishedItems: number; topics: number } } }>(
    'select id, status, brief from content.pipeline_run where tenant_id = $1 and month = $2', [tenantId, month]);
  return run;
}

async function steps(tenantId: string, month: string): Promise<Record<string, { status: string; attempts: number; result: Record<string, unknown> | null }>> {
  const list = await rows<{ step: string; status: string; attempts: number; result: Record<string, unknown> | null }>(
    `select s.step, s.status, s.attempts, s.result from content.pipeline_step s join content.pipeline_run r on r.id = s.run_id
      where r.tenant_id = $1 and r.month = $2`, [tenantId, month]);
  return Object.fromEntries(list.map((s) => [s.step, s]));
}

async function failedAndWaiting(tenantId: string, month: string, step: string): Promise<void> {
  await until(async () => (await runOf(tenantId, month))?.status === 'failed', `${tenantId} ${month} to fail`);
  const progress: PipelineProgress = await pipeline(tenantId, month).query(progressQuery);
  expect(progress.status).toBe('failed');
  expect(progress.steps.find((s) => s.step === step)).toMatchObject({ status: 'failed', error: expect.stringContaining('no live subscription') });
  expect((await pipeline(tenantId, month).describe()).status.name).toBe('RUNNING');
}

async function subscribe(tenantId: string): Promise<void> {
  await db.admin.query(
    `insert into billing.subscription (id, tenant_id, plan_id, status, interval, currency, price_minor, seller_tenant_id, current_period_start, current_period_end)
     select gen_random_uuid(), tenant_id, plan_id, 'active', interval, currency, price_minor, seller_tenant_id, $2, $3
       from billing.subscription where tenant_id = $1 order by created_at desc limit 1`,
    [tenantId, new Date(day(1)), new Date(NEXT.plus({ months: 1 }).toMillis())]);
}

/**
 * The publication step (on the activities' clock, the real one: the story's
 * month is ahead of it) publishes nothing: every approved item waits for its
 * slot, scheduled. Those whose slot had passed on the workflows' clock when
 * they were approved went out at once, through the item's workflow, exactly
 * once under the run's key, never before their slot.
 */
async function publishedAtSlotTimes(tenantId: string, month: string, result: Record<string, unknown>, approvedAt: number): Promise<void> {
  const items = await itemsOf(tenantId, month);
  expect(items).toHaveLength(POSTS);
  const [tenant] = await rows<{ time_zone: string }>('select time_zone from tenants.tenant where id = $1', [tenantId]);
  const zone = tenant!.time_zone;
  const monthStart = DateTime.fromFormat(month, 'yyyy-MM', { zone });
  for (const item of items) {
    expect(item.scheduled_at.getTime()).toBeGreaterThanOrEqual(monthStart.toMillis());
    expect(item.scheduled_at.getTime()).toBeLessThan(monthStart.plus({ months: 1 }).toMillis());
    if (item.status === 'published') expectPublishedAtSlot(tenantId, month, item, Math.max(item.scheduled_at.getTime(), approvedAt));
    else expect(item).toMatchObject({ status: 'scheduled', publications: 0 });
  }
  expect(result).toMatchObject({ items: POSTS, published: 0, failed: 0, awaitingApproval: 0 });
  expect((result.scheduledLater as number) + (result.alreadyPublished as number)).toBe(POSTS);
}

interface ItemRow {
  id: string;
  status: string;
  channel: string;
  slot_id: string;
  scheduled_at: Date;
  published_at: Date | null;
  publications: number;
  key: string | null;
  sent: string | null;
  external_id: string | null;
  attempts: Array<{ status: string; trigger: string; started_at: string }> | null;
  [key: string]: unknown;
}

const itemsOf = (tenantId: string, month: string) => rows<ItemRow>(
  `select i.id, i.status, i.channel, s.id as slot_id, s.scheduled_at, i.published_at,
          (select count(*)::int from content.publication p where p.item_id = i.id) as publications,
          p.idempotency_key as key, p.status as sent, p.external_id,
          (select json_agg(json_build_object('status', a.status, 'trigger', a.trigger, 'started_at', a.started_at) order by a.attempt)
             from content.publication_attempt a where a.publication_id = p.id) as attempts
     from content.content_item i join content.pipeline_run r on r.id = i.pipeline_run_id
     join content.calendar_slot s on s.id = i.calendar_slot_id
     left join content.publication p on p.item_id = i.id
    where r.tenant_id = $1 and r.month = $2 order by s.scheduled_at`, [tenantId, month]);

async function itemOf(tenantId: string, month: string, itemId: string): Promise<ItemRow> {
  const item = (await itemsOf(tenantId, month)).find((i) => i.id === itemId);
  if (!item) throw new Error(`item ${itemId} not found`);
  return item;
}

/** Published once, through the site connector, under the run's key, at (not before) its slot's time; one attempt in the log. */
function expectPublishedAtSlot(tenantId: string, month: string, item: ItemRow, at?: number): void {
  expect(item).toMatchObject({ status: 'published', publications: 1, key: `${monthlyPipelineWorkflowId(tenantId, month)}:publication:${item.id}`, sent: 'sent' });
  expect(item.external_id).toMatch(/\.html$/);
  expect(item.attempts).toHaveLength(1);
  expect(item.attempts![0]).toMatchObject({ status: 'sent', trigger: 'pipeline' });
  const published = Date.parse(item.attempts![0]!.started_at);
  expect(item.published_at!.getTime()).toBe(published);
  expect(published).toBeGreaterThanOrEqual(item.scheduled_at.getTime());
  // On its timer: within the minute of the slot (or of the approval, when the slot had passed).
  expect(published - (at ?? item.scheduled_at.getTime())).toBeLessThan(60_000);
}

/** Drags a slot to `at`, as the calendar does (its rules, the server's time as now; then it tells the item's workflow). */
async function dragSlot(tenantId: string, slotId: string, at: number): Promise<void> {
  const now = new Date(await server().currentTimeMs());
  const { slot } = await withTenant(db.orm, tenantId, null, ({ em }) => rescheduleSlot(em, { tenantId, slotId, scheduledAt: new Date(at), now, canPublish: true, actorName: 'Test' }));
  await signalSlotRescheduled({ temporal: server().client }, tenantId, slot.itemId!);
}

const stateOf = (tenantId: string, itemId: string): Promise<ApprovalState> =>
  server().client.workflow.getHandle(approvalWorkflowId(tenantId, itemId)).query(approvalStateQuery);

interface ApprovalRow {
  id: string;
  item_id: string;
  status: string;
  workflow_id: string | null;
  expires_at: Date | null;
  decided_at: Date | null;
  reminders: number;
  item_status: string;
  [key: string]: unknown;
}

const approvalsOf = (tenantId: string, month: string) => rows<ApprovalRow>(
  `select a.id, a.item_id, a.status, a.workflow_id, a.expires_at, a.decided_at, i.status as item_status,
          (select count(*)::int from content.approval_reminder r where r.approval_id = a.id) as reminders
     from content.approval a join content.content_item i on i.id = a.item_id join content.pipeline_run r on r.id = i.pipeline_run_id
    where r.tenant_id = $1 and r.month = $2 order by a.item_id`, [tenantId, month]);

/** The first time at `hour` on day `fromDay` or later of the story's month with no blog post of the tenant that day (one per channel and day). */
async function freeBlogTime(tenantId: string, fromDay: number, hour: number): Promise<number> {
  for (let n = fromDay; n <= anchor.daysInMonth!; n += 1) {
    const start = anchor.set({ day: n, hour: 0 });
    const [taken] = await rows(`select id from content.calendar_slot where tenant_id = $1 and channel = 'blog' and status <> 'cancelled'
      and scheduled_at >= $2 and scheduled_at < $3`, [tenantId, new Date(start.toMillis()), new Date(start.plus({ days: 1 }).toMillis())]);
    if (!taken) return start.set({ hour }).toMillis();
  }
  throw new Error(`no free blog day from the ${fromDay}th`);
}

describe(`a month on the time-skipping server (${M}): approvals expire, a failed step waits for its retry, approved items go out at their slots' times`, () => {
  let openedAt = 0;
  // A's item a person approves on day 3, after dragging its slot to the 20th.
  let approved = '';
  let approvedAt = 0;
  // When B's items were approved (auto mode): those whose slot had passed go out then.
  let bApprovedAt = 0;
  beforeAll(startServer, 240_000);
  afterAll(stopServer, 60_000);

  it('day 1, 06:00: the schedule starts each month; A waits for approvals, B fails at planning and waits for a retry', async () => {
    await skipTo(anchor.toMillis());
    expect(await fireSchedule(A)).toEqual({ month: M, started: true });
    expect(await fireSchedule(B)).toEqual({ month: M, started: true });
    expect(await closed(pipeline(A, M))).toBe('COMPLETED');
    const a = await steps(A, M);
    expect(a.generation!.result).toMatchObject({ slots: POSTS, items: POSTS, generated: POSTS });
    // The whole month: seven steps, each once; nothing published before a person approves it.
    expect(Object.fromEntries(Object.entries(a).map(([step, s]) => [step, [s.status, s.attempts]])))
      .toEqual(Object.fromEntries(PIPELINE_STEPS.map((step) => [step, ['completed', 1]])));
    expect(a.publication!.result).toMatchObject({ items: POSTS, published: 0, awaitingApproval: POSTS });
    expect(a.analytics!.result).toMatchObject({ items: POSTS, recorded: POSTS + 1, duplicates: 0, byStatus: { in_review: POSTS } });
    expect(await rows('select id from content.publication where tenant_id = $1', [A])).toEqual([]);
    await failedAndWaiting(B, M, 'planning');

    // W2: every item of A has its approval workflow, which ties the pending round to it and sets its expiry.
    await until(async () => {
      const list = await approvalsOf(A, M);
      return list.length === POSTS && list.every((r) => r.status === 'pending' && r.workflow_id !== null && r.expires_at !== null);
    }, 'A\'s approval rounds to open');
    const approvals = await approvalsOf(A, M);
    for (const approval of approvals) {
      expect(approval.item_status).toBe('in_review');
      expect(approval.workflow_id).toBe(approvalWorkflowId(A, approval.item_id));
      watched.add(approval.workflow_id!);
      expect((await server().client.workflow.getHandle(approval.workflow_id!).describe()).status.name).toBe('RUNNING');
    }
    // Opened at the workflows' (skipped) time, the 1st at 06:00: they expire 7 days later.
    openedAt = Math.min(...approvals.map((r) => r.expires_at!.getTime() - 7 * DAY));
    expect(openedAt - anchor.toMillis()).toBeGreaterThanOrEqual(0);
    expect(openedAt - anchor.toMillis()).toBeLessThan(HOUR);
  }, 300_000);

  it('days 2–4: reminders after 24 h and 48 h; B is fixed and retried, and resumes at planning', async () => {
    await skipTo(openedAt + 23 * HOUR);
    expect((await approvalsOf(A, M)).map((r) => r.reminders)).toEqual(Array(POSTS).fill(0));
    await skipTo(openedAt + 24 * HOUR + 5 * 60_000);
    await until(async () => (await approvalsOf(A, M)).every((r) => r.reminders === 1), 'the 24 h reminders');
    await skipTo(openedAt + 48 * HOUR + 5 * 60_000);
    await until(async () => (await approvalsOf(A, M)).every((r) => r.reminders === 2), 'the 48 h reminders');
    const { rows: due } = await db.admin.query<{ ordinal: number; due_at: Date; opened: Date }>(
      `select r.ordinal, r.due_at, a.expires_at - interval '7 days' as opened from content.approval_reminder r join content.approval a on a.id = r.approval_id
        join content.content_item i on i.id = a.item_id where i.tenant_id = $1 order by r.ordinal`, [A]);
    for (const r of due) expect(r.due_at.getTime() - r.opened.getTime()).toBe(r.ordinal * 24 * HOUR);

    // Day 3: a person drags one of A's posts to the 20th and approves it: it waits for that time.
    const [first] = await approvalsOf(A, M);
    approved = first!.item_id;
    const publishAt = await freeBlogTime(A, 20, 10);
    await dragSlot(A, (await itemOf(A, M, approved)).slot_id, publishAt);
    await server().client.workflow.getHandle(first!.workflow_id!).signal(approveSignal, {
      signalId: 'day-3-approve', approvalId: first!.id, actor: { userId: null, external: null, name: 'Test' }, comment: null,
    });
    await until(async () => (await stateOf(A, approved)).status === 'awaiting_slot', 'the approved item to wait for its slot');
    approvedAt = await syncClock();
    expect((await stateOf(A, approved)).publishAt).toBe(new Date(publishAt).toISOString());
    expect(await itemOf(A, M, approved)).toMatchObject({ status: 'scheduled', publications: 0 });

    // Day 4: a person fixes B's subscription and retries the failed step.
    await skipTo(day(4, 10));
    await failedAndWaiting(B, M, 'planning');
    await subscribe(B);
    bApprovedAt = await syncClock();
    await pipeline(B, M).signal(RETRY_STEP_SIGNAL);
    expect(await closed(pipeline(B, M))).toBe('COMPLETED');
    // B's items (auto mode) each have an approval workflow that waits for the slot's time.
    for (const item of await itemsOf(B, M)) watched.add(approvalWorkflowId(B, item.id));
    await quiet();
    const b = await steps(B, M);
    // The steps before the failed one ran once; planning twice; the rest once.
    expect(Object.fromEntries(Object.entries(b).map(([step, s]) => [step, [s.status, s.attempts]]))).toEqual({
      session: ['completed', 1], ingestion: ['completed', 1], dna_merge: ['completed', 1], planning: ['completed', 2],
      generation: ['completed', 1], publication: ['completed', 1], analytics: ['completed', 1],
    });
    expect((await runOf(B, M))!.status).toBe('completed');
    expect(b.generation!.result).toMatchObject({ items: POSTS });
    await publishedAtSlotTimes(B, M, b.publication!.result!, bApprovedAt);
    expect(b.analytics!.result).toMatchObject({ items: POSTS, recorded: POSTS + 1, duplicates: 0 });
  }, 300_000);

  it('day 8: nobody answered A\'s other items: their approvals expire after 7 days and the items go back to draft', async () => {
    const unanswered = async () => (await approvalsOf(A, M)).filter((r) => r.item_id !== approved);
    await skipTo(openedAt + 7 * DAY - 10 * 60_000);
    expect((await unanswered()).every((r) => r.status === 'pending')).toBe(true);
    await skipTo(openedAt + 7 * DAY + 10 * 60_000);
    await until(async () => (await unanswered()).every((r) => r.status === 'expired'), 'the approvals to expire');
    expect((await approvalsOf(A, M)).find((r) => r.item_id === approved)).toMatchObject({ status: 'approved', item_status: 'scheduled' });
    for (const approval of await unanswered()) {
      expect(approval.decided_at!.getTime()).toBe(approval.expires_at!.getTime());
      expect(approval.item_status).toBe('draft');
      const handle = server().client.workflow.getHandle(approvalWorkflowId(A, approval.item_id));
      expect(await closed(handle)).toBe('COMPLETED');
      expect(await resultOf(handle.workflowId)).toMatchObject({ status: 'expired', remindersSent: 2 });
    }
  }, 300_000);

  it(`${M1}: A's next month carries over the items that never got published`, async () => {
    await server().client.workflow.start(monthlyPipelineWorkflow, {
      workflowId: monthlyPipelineWorkflowId(A, M1), taskQueue, args: [{ tenantId: A, month: M1, trigger: 'manual', requestedBy: null }],
    });
    expect(await closed(pipeline(A, M1))).toBe('COMPLETED');
    expect((await runOf(A, M1))!.brief.carryOver).toMatchObject({ fromMonth: M, unpublishedItems: POSTS });
    expect((await steps(A, M1)).session!.result).toMatchObject({ carriedOver: { fromMonth: M, unpublishedItems: POSTS } });
  }, 300_000);

  it(`${M}, to its end: approved items are published at their slots' times (slots dragged later or earlier at their new times), once; expired ones never`, async () => {
    const now = await syncClock();
    // B's items whose slot passed before the retry went out when the auto mode approved them; those since, at their slot.
    const b = await itemsOf(B, M);
    for (const item of b.filter((i) => i.scheduled_at.getTime() <= now)) {
      expectPublishedAtSlot(B, M, item, Math.max(item.scheduled_at.getTime(), bApprovedAt));
    }
    const waiting = b.filter((i) => i.scheduled_at.getTime() > now + HOUR);
    expect(waiting.length, `B's items still to come on ${new Date(now).toISOString()}: ${b.map((i) => i.scheduled_at.toISOString())}`).toBeGreaterThanOrEqual(1);
    expect(waiting.every((i) => i.status === 'scheduled' && i.publications === 0)).toBe(true);

    // A person drags B's last post later (two days, or two hours at the month's end): its timer still points at the old time.
    const dragged = waiting.at(-1)!;
    const oldAt = dragged.scheduled_at.getTime();
    const twoDaysOn = await freeBlogTime(B, DateTime.fromMillis(oldAt, { zone: PARIS }).day + 2, DateTime.fromMillis(oldAt, { zone: PARIS }).hour).catch(() => null);
    const newAt = twoDaysOn ?? oldAt + 2 * HOUR;
    expect(DateTime.fromMillis(newAt, { zone: PARIS }).toFormat('yyyy-MM')).toBe(M);
    await dragSlot(B, dragged.slot_id, newAt);

    // A person drags A's approved post earlier: its workflow, told, waits for the new time at once (its timer was set for the later one).
    const aLater = (await itemOf(A, M, approved)).scheduled_at.getTime();
    const aEarlier = await freeBlogTime(A, DateTime.fromMillis(now, { zone: PARIS }).day + 2, 10);
    expect(aEarlier).toBeLessThan(aLater);
    await dragSlot(A, (await itemOf(A, M, approved)).slot_id, aEarlier);
    await until(async () => (await stateOf(A, approved)).publishAt === new Date(aEarlier).toISOString(), 'A\'s approved item to wait for its earlier slot');

    type Due = { tenantId: string; itemId: string; at: number; kind: 'old' | 'due' };
    const dues: Due[] = [
      ...waiting.map((i): Due => ({ tenantId: B, itemId: i.id, at: i.id === dragged.id ? newAt : i.scheduled_at.getTime(), kind: 'due' })),
      { tenantId: B, itemId: dragged.id, at: oldAt, kind: 'old' } satisfies Due,
      { tenantId: A, itemId: approved, at: aEarlier, kind: 'due' } satisfies Due,
    ].sort((x, y) => x.at - y.at);
    for (const due of dues) {
      const notYet = async (publishAt: number) => {
        expect(await itemOf(due.tenantId, M, due.itemId)).toMatchObject({ status: 'scheduled', publications: 0 });
        expect(await stateOf(due.tenantId, due.itemId)).toMatchObject({ status: 'awaiting_slot', publishAt: new Date(publishAt).toISOString() });
      };
      if (due.kind === 'old') {
        // The old time passes: the workflow wakes, reads the slot again, and waits for the new time.
        await skipTo(due.at + 10 * 60_000);
        await quiet();
        await notYet(newAt);
        continue;
      }
      await skipTo(due.at - 10 * 60_000);
      await notYet(due.at);
      await skipTo(due.at + 10 * 60_000);
      await until(async () => (await itemOf(due.tenantId, M, due.itemId)).status === 'published', `${due.itemId} to be published`);
      const item = await itemOf(due.tenantId, M, due.itemId);
      expect(item.scheduled_at.getTime()).toBe(due.at);
      expectPublishedAtSlot(due.tenantId, M, item);
      const handle = server().client.workflow.getHandle(approvalWorkflowId(due.tenantId, due.itemId));
      expect(await closed(handle)).toBe('COMPLETED');
      const outcome = await resultOf<ApprovalOutcome>(handle.workflowId);
      expect(outcome).toMatchObject({ status: due.tenantId === A ? 'approved' : 'not_in_review', publication: { status: 'sent' } });
      expect(outcome.publication!.publicationId).toBe((await rows<{ id: string }>('select id from content.publication where item_id = $1', [due.itemId]))[0]!.id);
    }
    expect(approvedAt).toBeLessThan(dues.find((d) => d.itemId === approved)!.at);

    // Exactly once: the same publication again (a retried activity, a replay) finds it done and logs nothing more.
    const activities = createPipelineActivities({ orm: db.orm, pubsub, storage });
    expect(await activities.publishAtSlot({ tenantId: A, itemId: approved, at: new Date(await syncClock()).toISOString() })).toEqual({ status: 'already_published' });
    expectPublishedAtSlot(A, M, await itemOf(A, M, approved));

    // To the month's end: the expired items were never published, though their slots passed and the blog has a connector.
    await skipTo(NEXT.toMillis() - HOUR);
    const expired = (await itemsOf(A, M)).filter((i) => i.id !== approved);
    expect(expired).toHaveLength(POSTS - 1);
    for (const item of expired) {
      expect(item.scheduled_at.getTime()).toBeLessThan(NEXT.toMillis() - HOUR);
      expect(item).toMatchObject({ status: 'draft', publications: 0 });
    }
    expect((await itemsOf(B, M)).every((i) => i.status === 'published' && i.publications === 1)).toBe(true);
  }, 600_000);
});

describe(`a schedule that fires while the previous month still runs (${M} → ${M1})`, () => {
  let cFailedAt = 0;
  beforeAll(startServer, 240_000);
  afterAll(stopServer, 60_000);

  it('day 28: C\'s month, started by hand without a subscription, fails at planning and waits', async () => {
    await skipTo(day(28, 9));
    await server().client.workflow.start(monthlyPipelineWorkflow, {
      workflowId: monthlyPipelineWorkflowId(C, M), taskQueue, args: [{ tenantId: C, month: M, trigger: 'manual', requestedBy: null }],
    });
    await failedAndWaiting(C, M, 'planning');
    cFailedAt = await syncClock();
    // The subscription comes back, but nobody retries the old month.
    await subscribe(C);
  }, 300_000);

  it(`${M1}-01: the schedule fires while C's previous month still waits: the new month runs on its own, a second fire changes nothing`, async () => {
    await skipTo(NEXT.toMillis());
    expect((await pipeline(C, M).describe()).status.name).toBe('RUNNING');
    // Two fires at once (a retried action, a manual trigger): one month's run starts, the other fire finds it.
    const fires = await Promise.all([fireSchedule(C), fireSchedule(C)]);
    expect(fires.map((f) => f.started).sort()).toEqual([false, true]);
    expect(fires.map((f) => f.month)).toEqual([M1, M1]);
    expect(await closed(pipeline(C, M1))).toBe('COMPLETED');
    expect((await runOf(C, M1))!.status).toBe('completed');
    expect((await steps(C, M1)).generation!.result).toMatchObject({ items: POSTS });
    // The old month is untouched: still failed and waiting.
    expect((await pipeline(C, M).describe()).status.name).toBe('RUNNING');
    expect((await runOf(C, M))!.status).toBe('failed');

    const firstRun = (await pipeline(C, M1).describe()).runId;
    expect(await fireSchedule(C)).toEqual({ month: M1, started: false });
    expect((await pipeline(C, M1).describe()).runId).toBe(firstRun);
    expect(await rows('select id from content.pipeline_run where tenant_id = $1 and month = $2', [C, M1])).toHaveLength(1);

  }, 300_000);

  it('C\'s old month fails for good when its 7-day retry window ends; the new month stays completed', async () => {
    await skipTo(cFailedAt + 7 * DAY - 10 * 60_000);
    expect((await pipeline(C, M).describe()).status.name).toBe('RUNNING');
    await skipTo(cFailedAt + 7 * DAY + 10 * 60_000);
    expect(await closed(pipeline(C, M))).toBe('FAILED');
    const failure = await resultOf(monthlyPipelineWorkflowId(C, M)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toContain('monthly pipeline failed at planning');
    expect((await runOf(C, M))!.status).toBe('failed');
    expect((await runOf(C, M1))!.status).toBe('completed');
    expect((await pipeline(C, M1).describe()).status.name).toBe('COMPLETED');
  }, 300_000);
});
