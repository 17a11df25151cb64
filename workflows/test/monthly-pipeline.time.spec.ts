// W1 over a whole month and into the next, on Temporal's time-skipping test
// server with the real worker, the real activities and a fresh seeded
// database. Only the clock is mocked where time is the subject: the month a
// schedule's fire starts is read from the test server's clock; every timer
// (reminders, expiry, retry window) is the workflows' own, on that server.
// The other activities keep the real clock (credits, events). Three clients,
// each on a 4-posts plan:
//   A  fitness studio (semi mode): its items wait for approval; nobody
//      answers, reminders come after 24 h and 48 h, the approvals expire
//      after 7 days and the items go back to draft; next month's brief
//      carries them over;
//   B  bakery (auto mode) without a live subscription on the 1st: planning
//      fails, the run waits for a retry; on day 4 it is fixed and retried and
//      resumes at planning without redoing the earlier steps;
//   C  riad, started by hand on the 28th without a subscription: it fails
//      and waits; the next month's schedule fires while it still waits: the
//      new month starts on its own and completes, a second fire is a no-op,
//      and the old month fails for good when its 7-day retry window ends.
// The schedule's fire is its action: the starter workflow (the time-skipping
// server has no Schedules).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DateTime } from 'luxon';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl } from '@ensemble/db/connection';
import { createOrm } from '@ensemble/db/orm';
import { DEMO, seed } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { approvalWorkflowId } from '@ensemble/workflow-contracts/approval';
import { RETRY_STEP_SIGNAL, monthlyPipelineWorkflowId, monthlyScheduleId, type PipelineProgress } from '@ensemble/workflow-contracts/pipeline';
import { CONTENT_PUBSUB_CHANNEL, workflowBundle } from '../src/worker.ts';
import { createPipelineActivities } from '../src/pipeline/monthly-pipeline.activities.ts';
import { createPipelineScheduleActivities } from '../src/pipeline/pipeline-schedule.activities.ts';
import { createApprovalActivities } from '../src/approval/approval.activities.ts';
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

let env: TestWorkflowEnvironment;
let orm: MikroORM;
let pubsub: PgPubSub;
let admin: pg.Client;
let worker: Worker;
let running: Promise<void>;
let drop: () => Promise<void>;
let storageDir: string;
const taskQueue = `pipeline-time-${randomBytes(4).toString('hex')}`;

// The schedule's clock follows the test server's (re-read after each skip;
// between skips both advance in real time).
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);

async function syncClock(): Promise<number> {
  const serverNow = await env.currentTimeMs();
  offsetMs = serverNow - Date.now();
  return serverNow;
}

async function skipTo(at: number): Promise<void> {
  const now = await syncClock();
  if (at > now) await env.sleep(at - now);
  await syncClock();
}

// The month after the real one starts the story: its 1st at 06:00 in Paris is the schedule's time.
const anchor = DateTime.now().setZone(PARIS).startOf('month').plus({ months: 1 }).set({ hour: 6 });
const M = anchor.toFormat('yyyy-MM');
const NEXT = anchor.plus({ months: 1 });
const M1 = NEXT.toFormat('yyyy-MM');
const day = (n: number, hour = 6) => anchor.set({ day: n, hour }).toMillis();

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  admin = new pg.Client({ connectionString: db.adminUrl });
  await admin.connect();
  await admin.query('set role ensemble_owner');
  // Small months: 4 posts per plan. B and C start without a live subscription.
  await admin.query(`update tenants.plan set limits = limits || $1::jsonb`, [JSON.stringify({ posts_per_month: POSTS })]);
  await admin.query(`update billing.subscription set status = 'cancelled', cancelled_at = now() where tenant_id = any($1)`, [[B, C]]);
  orm = await createOrm({ url: appUrl(db.adminUrl), poolMax: 6 });
  pubsub = new PgPubSub(appUrl(db.adminUrl), CONTENT_PUBSUB_CHANNEL);
  await pubsub.start();
  storageDir = await mkdtemp(join(tmpdir(), 'ens-pipeline-time-'));
  env = await createTimeSkippingEnv();
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // installed already
  }
  // The worker of workflows/src/worker.ts, with the schedule's activity on the test server's clock.
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createPipelineActivities({ orm, pubsub, storageDir }),
      ...createApprovalActivities({ orm, pubsub }),
      ...createPipelineScheduleActivities({ orm, now: clock }),
    },
  });
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
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
}, 60_000);

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rows<T extends Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return (await admin.query<T>(query, params)).rows;
}

/** Polls instead of awaiting result(): awaiting would let the server skip time (and fire other timers) meanwhile. */
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
  const handle = await env.client.workflow.start(monthlyPipelineStarterWorkflow, {
    workflowId: `${monthlyScheduleId(tenantId)}-${new Date(await env.currentTimeMs()).toISOString()}-${randomBytes(2).toString('hex')}`,
    taskQueue,
    args: [{ tenantId }],
  });
  expect(await closed(handle)).toBe('COMPLETED');
  return handle.result();
}

const pipeline = (tenantId: string, month: string) => env.client.workflow.getHandle<typeof monthlyPipelineWorkflow>(monthlyPipelineWorkflowId(tenantId, month));

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
  await admin.query(
    `insert into billing.subscription (id, tenant_id, plan_id, status, interval, currency, price_minor, seller_tenant_id, current_period_start, current_period_end)
     select gen_random_uuid(), tenant_id, plan_id, 'active', interval, currency, price_minor, seller_tenant_id, $2, $3
       from billing.subscription where tenant_id = $1 order by created_at desc limit 1`,
    [tenantId, new Date(day(1)), new Date(NEXT.plus({ months: 1 }).toMillis())]);
}

interface ApprovalRow {
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
  `select a.item_id, a.status, a.workflow_id, a.expires_at, a.decided_at, i.status as item_status,
          (select count(*)::int from content.approval_reminder r where r.approval_id = a.id) as reminders
     from content.approval a join content.content_item i on i.id = a.item_id join content.pipeline_run r on r.id = i.pipeline_run_id
    where r.tenant_id = $1 and r.month = $2 order by a.item_id`, [tenantId, month]);

describe(`a whole month on the time-skipping server (${M} → ${M1})`, () => {
  let openedAt = 0;
  let cFailedAt = 0;

  it('day 1, 06:00: the schedule starts each month; A waits for approvals, B fails at planning and waits for a retry', async () => {
    await skipTo(anchor.toMillis());
    expect(await fireSchedule(A)).toEqual({ month: M, started: true });
    expect(await fireSchedule(B)).toEqual({ month: M, started: true });
    expect(await closed(pipeline(A, M))).toBe('COMPLETED');
    const a = await steps(A, M);
    expect(a.generation!.result).toMatchObject({ slots: POSTS, items: POSTS, generated: POSTS });
    expect(a.publication!.result).toMatchObject({ items: POSTS, published: 0, awaitingApproval: POSTS });
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
      expect((await env.client.workflow.getHandle(approval.workflow_id!).describe()).status.name).toBe('RUNNING');
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
    const { rows: due } = await admin.query<{ ordinal: number; due_at: Date; opened: Date }>(
      `select r.ordinal, r.due_at, a.expires_at - interval '7 days' as opened from content.approval_reminder r join content.approval a on a.id = r.approval_id
        join content.content_item i on i.id = a.item_id where i.tenant_id = $1 order by r.ordinal`, [A]);
    for (const r of due) expect(r.due_at.getTime() - r.opened.getTime()).toBe(r.ordinal * 24 * HOUR);

    // Day 4: a person fixes B's subscription and retries the failed step.
    await skipTo(day(4, 10));
    await failedAndWaiting(B, M, 'planning');
    await subscribe(B);
    await pipeline(B, M).signal(RETRY_STEP_SIGNAL);
    expect(await closed(pipeline(B, M))).toBe('COMPLETED');
    const b = await steps(B, M);
    // The steps before the failed one ran once; planning twice; the rest once.
    expect(Object.fromEntries(Object.entries(b).map(([step, s]) => [step, [s.status, s.attempts]]))).toEqual({
      session: ['completed', 1], ingestion: ['completed', 1], dna_merge: ['completed', 1], planning: ['completed', 2],
      generation: ['completed', 1], publication: ['completed', 1], analytics: ['completed', 1],
    });
    expect((await runOf(B, M))!.status).toBe('completed');
    expect(b.generation!.result).toMatchObject({ items: POSTS });
  }, 300_000);

  it('day 8: nobody answered A: the approvals expire after 7 days and the items go back to draft', async () => {
    await skipTo(openedAt + 7 * DAY - 10 * 60_000);
    expect((await approvalsOf(A, M)).every((r) => r.status === 'pending')).toBe(true);
    await skipTo(openedAt + 7 * DAY + 10 * 60_000);
    await until(async () => (await approvalsOf(A, M)).every((r) => r.status === 'expired'), 'the approvals to expire');
    for (const approval of await approvalsOf(A, M)) {
      expect(approval.decided_at!.getTime()).toBe(approval.expires_at!.getTime());
      expect(approval.item_status).toBe('draft');
      const handle = env.client.workflow.getHandle(approvalWorkflowId(A, approval.item_id));
      expect(await closed(handle)).toBe('COMPLETED');
      expect(await handle.result()).toMatchObject({ status: 'expired', remindersSent: 2 });
    }
  }, 300_000);

  it('day 28: C\'s month, started by hand without a subscription, fails at planning and waits', async () => {
    await skipTo(day(28, 9));
    await env.client.workflow.start(monthlyPipelineWorkflow, {
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
    expect(await fireSchedule(C)).toEqual({ month: M1, started: true });
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

    // A's new month carries over what never got published: the expired items.
    expect(await fireSchedule(A)).toEqual({ month: M1, started: true });
    expect(await closed(pipeline(A, M1))).toBe('COMPLETED');
    expect((await runOf(A, M1))!.brief.carryOver).toMatchObject({ unpublishedItems: POSTS });
    expect((await steps(A, M1)).session!.result).toMatchObject({ carriedOver: { fromMonth: M, unpublishedItems: POSTS } });
  }, 300_000);

  it('C\'s old month fails for good when its 7-day retry window ends; the new month stays completed', async () => {
    await skipTo(cFailedAt + 7 * DAY - 10 * 60_000);
    expect((await pipeline(C, M).describe()).status.name).toBe('RUNNING');
    await skipTo(cFailedAt + 7 * DAY + 10 * 60_000);
    expect(await closed(pipeline(C, M))).toBe('FAILED');
    const failure = await pipeline(C, M).result().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toContain('monthly pipeline failed at planning');
    expect((await runOf(C, M))!.status).toBe('failed');
    expect((await runOf(C, M1))!.status).toBe('completed');
    expect((await pipeline(C, M1).describe()).status.name).toBe('COMPLETED');
  }, 300_000);
});
