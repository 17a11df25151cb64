// W1 end to end on real servers: PostgreSQL (fresh database, demo seed), a
// Temporal dev server, the real worker and activities, and the content
// subgraph's pipeline module executed as GraphQL with a client's identity.
import { WorkflowNotFoundError } from '@temporalio/client';
import { readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { graphql, parse, subscribe, type ExecutionResult } from 'graphql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createContext, type RequestContext } from '@ensemble/subgraph-kit/context';
import { buildGuardedSubgraphSchema } from '@ensemble/subgraph-kit/schema';
import { withTenant } from '@ensemble/db/orm';
import { DEMO } from '@ensemble/db/seed';
import { BAKERY_DNA, FITNESS_DNA, RIAD_DNA } from '@ensemble/db/seed/demo-brands';
import { PLANS } from '@ensemble/db/seed/catalogue';
import type { Identity } from '@ensemble/tenancy/identity';
import { getBalance } from '@ensemble/subgraph-billing/credits/credit-ledger.service';
import { createCatalogue } from '@ensemble/ai/catalogue';
import { createAiRouter } from '@ensemble/ai/router';
import { countEvents } from '@ensemble/subgraph-analytics/events/event.service';
import { pipelineModule } from '@ensemble/subgraph-content/pipeline/pipeline.resolver';
import { findRun } from '@ensemble/subgraph-content/pipeline/pipeline.service';
import { APPROVAL_WORKFLOW, approvalWorkflowId } from '@ensemble/workflow-contracts/approval';
import { monthlyPipelineWorkflowId, pipelineIdempotencyKey, PIPELINE_STEPS, type PipelineProgress } from '@ensemble/workflow-contracts/pipeline';
import { createPipelineActivities, type RunRef } from '../src/pipeline/monthly-pipeline.activities.ts';
import { progressQuery } from '../src/pipeline/monthly-pipeline.workflow.ts';
import { startPipelineHarness, type PipelineHarness } from './harness.ts';

const FITNESS = DEMO.tenants.fitness;
const BAKERY = DEMO.tenants.bakery;
const MONTH = '2026-01';
// The demo subscriptions: fitness on Atlas Pro, bakery on Growth (db/src/seed.ts).
const FITNESS_POSTS = PLANS.find((p) => p.code === 'atlas-pro')!.limits.posts_per_month!;
const BAKERY_POSTS = PLANS.find((p) => p.code === 'growth')!.limits.posts_per_month!;

let h: PipelineHarness;
let schema: ReturnType<typeof buildGuardedSubgraphSchema>;
const started = Date.now();

function identity(tenantId: string, actorId: string, permissions: string[] = ['pipeline:read', 'pipeline:run']): Identity {
  return { kind: 'user', actorId, tenantId, role: 'client_admin', permissions: permissions as Identity['permissions'] };
}

function ctxFor(id: Identity): RequestContext {
  return createContext(id, h.orm, h.pubsub);
}

async function gql<T>(ctx: RequestContext, source: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult<T>> {
  return graphql({ schema, source, variableValues: variables, contextValue: ctx }) as Promise<ExecutionResult<T>>;
}

/** A month of `tenantId` planned through the activities, each call in a fresh activity context (as a retried attempt would run). */
async function plannedRun(tenantId: string, month: string) {
  const workflowId = monthlyPipelineWorkflowId(tenantId, month);
  const activities = createPipelineActivities({ orm: h.orm, pubsub: h.pubsub, storage: h.storage });
  const mock = new MockActivityEnvironment();
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => mock.run(fn, ...args) as Promise<R>;
  const { run: ref } = await run(activities.session, { tenantId, month, trigger: 'manual' as const, requestedBy: null, workflowId });
  await run(activities.ingestion, ref);
  await run(activities.dnaMerge, ref);
  const { slotIds } = await run(activities.planning, ref);
  return { workflowId, activities, run, ref, slotIds };
}

const RUN_FIELDS = 'id month status workflowId startedAt finishedAt steps { step position status attempts result error startedAt finishedAt }';

interface RunResult {
  id: string;
  month: string;
  status: string;
  workflowId: string;
  finishedAt: string | null;
  steps: Array<{ step: string; position: number; status: string; attempts: number; result: Record<string, unknown> | null; error: string | null; finishedAt: string | null }>;
}

beforeAll(async () => {
  h = await startPipelineHarness({ label: 'it' });
  // The fitness studio works in auto mode (a client-level setting of its prompt
  // layer) and gives its website in a new DNA snapshot, as a client would.
  await h.admin.query(
    `insert into tenants.prompt_layer (id, tenant_id, level, locale, version, document)
     select gen_random_uuid(), tenant_id, level, locale, version + 1, document || $2::jsonb
       from tenants.prompt_layer where tenant_id = $1 and locale = 'en' order by version desc limit 1`,
    [FITNESS, JSON.stringify({ publishing: { mode: 'auto' } })]);
  await h.admin.query(
    `insert into tenants.brand_dna_snapshot (id, tenant_id, version, document, locale, note)
     select gen_random_uuid(), tenant_id, version + 1, jsonb_set(document, '{identity,website}', '"https://forgeandflow.example"'), locale, 'website added'
       from tenants.brand_dna_snapshot where tenant_id = $1 order by version desc limit 1`, [FITNESS]);
  schema = buildGuardedSubgraphSchema([pipelineModule({ temporal: h.temporal, taskQueue: h.taskQueue })]);
}, 240_000);

afterAll(async () => {
  await h?.stop();
  console.log(`pipeline integration suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 60_000);

describe('monthly pipeline, end to end', () => {
  let run: RunResult;
  const events: unknown[] = [];
  const notified: Array<{ step: string | null; status: string }> = [];

  it('starts once however often it is asked, streams progress, and completes all seven steps', async () => {
    const ctx = ctxFor(identity(FITNESS, DEMO.logins.fitnessAdmin.id));
    // Listen before starting: every progress event of the run must arrive.
    const listener = new pg.Client({ connectionString: h.appUrl });
    await listener.connect();
    listener.on('notification', (msg) => {
      // Events carry a topic; the pub/sub's interest announcements do not.
      const { topic, data } = JSON.parse(msg.payload!) as { topic?: string; data: { step: string | null; status: string } };
      if (topic?.startsWith(`pipeline:${FITNESS}:`)) notified.push(data);
    });
    await listener.query('listen ensemble_content');
    const mutation = `mutation($m: String) { startMonthlyPipeline(month: $m) { ${RUN_FIELDS} } }`;
    const [a, b] = await Promise.all([gql<{ startMonthlyPipeline: RunResult }>(ctx, mutation, { m: MONTH }), gql<{ startMonthlyPipeline: RunResult }>(ctx, mutation, { m: MONTH })]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data!.startMonthlyPipeline.id).toBe(b.data!.startMonthlyPipeline.id);
    const runId = a.data!.startMonthlyPipeline.id;
    expect(a.data!.startMonthlyPipeline.workflowId).toBe(monthlyPipelineWorkflowId(FITNESS, MONTH));

    const stream = await subscribe({ schema, document: parse(`subscription($id: ID!) { pipelineProgress(runId: $id) { ${RUN_FIELDS} } }`), variableValues: { id: runId }, contextValue: ctx });
    expect(Symbol.asyncIterator in stream).toBe(true);
    for await (const event of stream as AsyncIterable<ExecutionResult<{ pipelineProgress: RunResult }>>) {
      expect(event.errors).toBeUndefined();
      events.push(event.data!.pipelineProgress);
    }
    await listener.end();
    run = events.at(-1) as RunResult;
    expect(run.status).toBe('COMPLETED');
    expect(run.finishedAt).not.toBeNull();
    expect(run.steps.map((s) => s.step)).toEqual(PIPELINE_STEPS.map((s) => s.toUpperCase()));
    for (const step of run.steps) {
      expect(step.status).toBe('COMPLETED');
      expect(step.attempts).toBeGreaterThanOrEqual(1);
      expect(step.result).not.toBeNull();
      expect(step.error).toBeNull();
    }
    // Every step announced its start and its end, then the run its end.
    for (const step of PIPELINE_STEPS) {
      expect(notified.filter((n) => n.step === step).map((n) => n.status)).toEqual(expect.arrayContaining(['running', 'completed']));
    }
    expect(notified.at(-1)).toEqual({ runId, step: null, status: 'completed', at: expect.any(String) });

    // The workflow's own view agrees, once it has taken in its last activity's
    // result (the run's row says completed a moment before the workflow does).
    const handle = h.temporal.workflow.getHandle(run.workflowId);
    await handle.result();
    const progress: PipelineProgress = await handle.query(progressQuery);
    expect(progress.status).toBe('completed');
    expect(progress.steps.every((s) => s.status === 'completed')).toBe(true);

    // A third start after completion: the same run, no new execution, one row.
    const again = await gql<{ startMonthlyPipeline: RunResult }>(ctx, mutation, { m: MONTH });
    expect(again.data!.startMonthlyPipeline.id).toBe(runId);
    const executions = [];
    for await (const e of h.temporal.workflow.list({ query: `WorkflowId = '${run.workflowId}' AND TaskQueue = '${h.taskQueue}'` })) executions.push(e);
    expect(executions).toHaveLength(1);
    const rows = await h.admin.query('select count(*)::int as n from content.pipeline_run where tenant_id = $1 and month = $2', [FITNESS, MONTH]);
    expect(rows.rows[0].n).toBe(1);
  }, 180_000);

  it('records what each step did', async () => {
    const result = (step: string) => run.steps.find((s) => s.step === step)!.result!;
    expect(result('SESSION')).toMatchObject({ channels: expect.arrayContaining(['blog', 'instagram']), runCreated: true });
    expect(result('INGESTION')).toMatchObject({ onboardingSources: { total: expect.any(Number) }, lastMonth: { month: '2025-12' } });
    const merge = result('DNA_MERGE');
    expect(merge.snapshotVersion).toBe(2);
    expect(merge.provenance).toMatchObject({ identity: 'brand_dna:v2', principles: 'platform', agency: `distributor:${DEMO.tenants.atlasAgency}`, publishing: 'client' });
    const planning = result('PLANNING');
    expect(planning).toMatchObject({ plan: 'atlas-pro', postsPerMonth: FITNESS_POSTS, timeZone: 'Europe/Dublin' });
    expect(planning.slots).toBe(FITNESS_POSTS);
    expect(result('GENERATION')).toMatchObject({ slots: FITNESS_POSTS, items: FITNESS_POSTS, generated: FITNESS_POSTS, skipped: {} });
    const publication = result('PUBLICATION');
    expect(publication.published).toBe((planning.byChannel as Record<string, number>).blog);
    expect(publication.published).toBeGreaterThan(0);
    expect(Object.values(publication.scheduledNoConnector as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(FITNESS_POSTS - (publication.published as number));
    expect(result('ANALYTICS')).toMatchObject({ items: FITNESS_POSTS, recorded: FITNESS_POSTS + 1, duplicates: 0 });
  });

  it('created each item once, with version 1 citing the pinned DNA snapshot', async () => {
    const { rows: [runRow] } = await h.admin.query('select id, dna_snapshot_id from content.pipeline_run where tenant_id = $1 and month = $2', [FITNESS, MONTH]);
    const { rows: [latest] } = await h.admin.query('select id from tenants.brand_dna_snapshot where tenant_id = $1 order by version desc limit 1', [FITNESS]);
    expect(runRow.dna_snapshot_id).toBe(latest.id);
    const { rows: items } = await h.admin.query(
      `select i.id, i.status, i.channel, i.calendar_slot_id, i.dna_snapshot_id, v.version, v.author, v.meta
         from content.content_item i join content.content_version v on v.item_id = i.id where i.pipeline_run_id = $1`, [runRow.id]);
    expect(items).toHaveLength(FITNESS_POSTS);
    expect(new Set(items.map((i) => i.calendar_slot_id)).size).toBe(FITNESS_POSTS);
    for (const item of items) {
      expect(item.version).toBe(1);
      expect(item.author).toBe('model:offline-writer');
      expect(item.dna_snapshot_id).toBe(runRow.dna_snapshot_id);
      expect(item.meta).toMatchObject({ model: 'offline-writer', offline: true, dnaSnapshotId: runRow.dna_snapshot_id });
      expect(item.status).toBe(item.channel === 'blog' ? 'published' : 'scheduled');
    }
    const { rows: slots } = await h.admin.query(`select status, count(*)::int as n from content.calendar_slot where pipeline_run_id = $1 group by status`, [runRow.id]);
    expect(Object.fromEntries(slots.map((s) => [s.status, s.n]))).toEqual({ published: items.filter((i) => i.channel === 'blog').length, filled: items.filter((i) => i.channel !== 'blog').length });
  });

  it('reserved and settled credits exactly once per item', async () => {
    const { rows: runRow } = await h.admin.query('select id from content.pipeline_run where tenant_id = $1 and month = $2', [FITNESS, MONTH]);
    const workflowId = monthlyPipelineWorkflowId(FITNESS, MONTH);
    const { rows: reservations } = await h.admin.query(
      `select status, amount, settled_amount, idempotency_key from billing.credit_reservation where tenant_id = $1 and idempotency_key like $2`,
      [FITNESS, `${workflowId}:generation:%`]);
    expect(reservations).toHaveLength(FITNESS_POSTS);
    expect(reservations.every((r) => r.status === 'settled')).toBe(true);
    const charged = reservations.reduce((sum, r) => sum + Number(r.settled_amount), 0);
    const generation = run.steps.find((s) => s.step === 'GENERATION')!.result!;
    expect(charged).toBe(generation.creditsCharged);
    const balance = await withTenant(h.orm, FITNESS, null, ({ em }) => getBalance(em, FITNESS));
    expect(balance.reserved).toBe(0);
    expect(balance.consumed).toBe(charged);
    expect(runRow).toHaveLength(1);
  });

  it('published due blog items as static pages whose every link is UTM-tagged', async () => {
    const { rows: pubs } = await h.admin.query(
      `select p.idempotency_key, p.status, p.external_id, p.item_id from content.publication p where p.tenant_id = $1`, [FITNESS]);
    const published = run.steps.find((s) => s.step === 'PUBLICATION')!.result!.published as number;
    expect(pubs).toHaveLength(published);
    let links = 0;
    for (const pub of pubs) {
      expect(pub.status).toBe('sent');
      expect(pub.idempotency_key).toBe(`${monthlyPipelineWorkflowId(FITNESS, MONTH)}:publication:${pub.item_id}`);
      expect(pub.external_id).toMatch(new RegExp(`^${FITNESS}/published/[a-z0-9-]+\\.html$`));
      const file = join(h.storageDir, pub.external_id);
      await access(file);
      const html = await readFile(file, 'utf8');
      expect(html).toContain('Forge &amp; Flow Studio');
      const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')).filter((href) => !href.startsWith('mailto:') && !href.startsWith('tel:'));
      expect(hrefs.length).toBeGreaterThan(0); // the footer links the website at least
      for (const href of hrefs) {
        const params = new URL(href, 'https://site.invalid').searchParams;
        expect(params.get('utm_source')).toBe('blog');
        expect(params.get('utm_medium')).toBe('organic');
        expect(params.get('utm_campaign')).toBe('monthly_2026_01');
        expect(params.get('utm_content')).toMatch(/^[a-z0-9_]+$/);
        links += 1;
      }
    }
    const { rows: [utm] } = await h.admin.query('select count(*)::int as n from content.utm_link where tenant_id = $1', [FITNESS]);
    expect(utm.n).toBeGreaterThan(0);
    expect(utm.n).toBeLessThanOrEqual(links);
  });

  it('generated the slots one activity per batch, and started no approval workflow for items the publication step settled', async () => {
    const history = await h.temporal.workflow.getHandle(run.workflowId).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
    expect(scheduled.filter((name) => name === 'generateSlot')).toHaveLength(0);
    expect(scheduled.filter((name) => name === 'generateSlots')).toHaveLength(Math.ceil(FITNESS_POSTS / 4));
    const children = events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
    // The month is past: every slot was due, so the step settled every item (published on the site, or
    // due with no connected channel) and left none to wait in a workflow (the time-skipping test covers later slots).
    const publication = run.steps.find((s) => s.step === 'PUBLICATION')!.result!;
    expect(publication.settled).toBe(FITNESS_POSTS);
    expect(children).toHaveLength(0);
    const { rows: items } = await h.admin.query(`select id from content.content_item where tenant_id = $1 and pipeline_run_id is not null`, [FITNESS]);
    expect(items).toHaveLength(FITNESS_POSTS);
    for (const item of items) {
      await expect(h.temporal.workflow.getHandle(approvalWorkflowId(FITNESS, item.id)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  });

  it('recorded analytics events once each', async () => {
    const counts = await withTenant(h.orm, FITNESS, null, async ({ em }) => ({
      generated: await countEvents(em, FITNESS, { name: 'content.generated' }),
      completed: await countEvents(em, FITNESS, { name: 'pipeline.completed' }),
    }));
    expect(counts).toEqual({ generated: FITNESS_POSTS, completed: 1 });
  });

  it('reads only the client\'s own DNA (no other brand\'s name or vocabulary in its content)', async () => {
    const { rows: versions } = await h.admin.query(
      `select v.title, v.body from content.content_version v join content.content_item i on i.id = v.item_id
        where i.tenant_id = $1 and i.pipeline_run_id is not null`, [FITNESS]);
    const own = JSON.stringify(FITNESS_DNA).toLowerCase();
    const foreign = [BAKERY_DNA, RIAD_DNA].flatMap((dna) => [dna.identity.name, ...dna.vocabulary.use, ...dna.offer.products.map((p) => p.name)])
      .map((t) => t.toLowerCase())
      .filter((t) => !own.includes(t));
    expect(foreign.length).toBeGreaterThan(10);
    const everything = versions.map((v) => `${v.title}\n${v.body}`).join('\n').toLowerCase();
    expect(everything).toContain(FITNESS_DNA.identity.name.toLowerCase());
    for (const term of foreign) expect(everything, term).not.toContain(term);
    // Each item is grounded in the client's own DNA: its name, offers, vocabulary or keywords.
    const ownTerms = [FITNESS_DNA.identity.name, ...FITNESS_DNA.offer.products.map((p) => p.name), ...FITNESS_DNA.offer.services.map((p) => p.name), ...FITNESS_DNA.vocabulary.use, ...FITNESS_DNA.keywords]
      .map((t) => t.toLowerCase());
    for (const v of versions) {
      const text = `${v.title}\n${v.body}`.toLowerCase();
      expect(ownTerms.some((t) => text.includes(t)), text.slice(0, 200)).toBe(true);
    }
    expect(versions.filter((v) => v.body.includes('Forge & Flow')).length).toBeGreaterThan(versions.length / 2);
  });

  it('answers NOT_FOUND for another tenant\'s run exactly as for a missing one', async () => {
    const bakeryCtx = ctxFor(identity(BAKERY, DEMO.logins.clientAdmin.id));
    const query = 'query($id: ID!) { pipelineRun(id: $id) { id } }';
    const theirs = await gql(bakeryCtx, query, { id: run.id });
    const missing = await gql(bakeryCtx, query, { id: '0190f5e0-0000-7000-8000-00000000ffff' });
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(theirs.errors?.[0]?.message).toBe(missing.errors?.[0]?.message);
    const sub = await subscribe({ schema, document: parse('subscription($id: ID!) { pipelineProgress(runId: $id) { id } }'), variableValues: { id: run.id }, contextValue: bakeryCtx });
    expect((sub as ExecutionResult).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const list = await gql<{ pipelineRuns: Array<{ id: string }> }>(bakeryCtx, '{ pipelineRuns { id } }');
    expect(list.data!.pipelineRuns.map((r) => r.id)).not.toContain(run.id);
    const own = await gql<{ pipelineRuns: Array<{ id: string }> }>(ctxFor(identity(FITNESS, DEMO.logins.fitnessAdmin.id)), '{ pipelineRuns { id } }');
    expect(own.data!.pipelineRuns.map((r) => r.id)).toContain(run.id);
    expect(await withTenant(h.orm, BAKERY, null, ({ em }) => findRun(em, run.id))).toBeNull();
  });

  it('refuses a bad month, a non-client tenant and a caller without the permission', async () => {
    const ctx = ctxFor(identity(FITNESS, DEMO.logins.fitnessAdmin.id));
    const bad = await gql(ctx, 'mutation { startMonthlyPipeline(month: "2026-13") { id } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const distributor = await gql(ctxFor(identity(DEMO.tenants.atlasAgency, DEMO.logins.fitnessAdmin.id)), 'mutation { startMonthlyPipeline { id } }');
    expect(distributor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = await gql(ctxFor(identity(FITNESS, DEMO.logins.fitnessAdmin.id, ['pipeline:read'])), 'mutation { startMonthlyPipeline { id } }');
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('generation activity, killed and retried', () => {
  /** While `fn` runs, the first write of `slotId`'s item fails, as if the worker died between reservation and write (a sequence survives the rollback). */
  async function crashingOnce(slotId: string, fn: () => Promise<unknown>): Promise<void> {
    await h.admin.query(`create sequence content.test_crash_seq`);
    await h.admin.query(`create function content.test_crash_once() returns trigger language plpgsql as $$
      begin if nextval('content.test_crash_seq') = 1 then raise exception 'simulated crash'; end if; return new; end $$`);
    await h.admin.query(`create trigger test_crash_once before insert on content.content_item for each row
      when (new.calendar_slot_id = '${slotId}'::uuid) execute function content.test_crash_once()`);
    try {
      await fn();
    } finally {
      await h.admin.query('drop trigger test_crash_once on content.content_item');
      await h.admin.query('drop function content.test_crash_once()');
      await h.admin.query('drop sequence content.test_crash_seq');
    }
  }

  it('creates one item and charges once for a slot, even after a crash between reservation and write', async () => {
    const month = '2025-10';
    const workflowId = monthlyPipelineWorkflowId(BAKERY, month);
    const activities = createPipelineActivities({ orm: h.orm, pubsub: h.pubsub, storage: h.storage });
    const mock = new MockActivityEnvironment();
    // Each call runs in a fresh activity context, as a retried attempt would.
    const env = { run: <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => mock.run(fn, ...args) as Promise<R> };
    const { run } = await env.run(activities.session, { tenantId: BAKERY, month, trigger: 'manual' as const, requestedBy: null, workflowId });
    const ref: RunRef = run;
    await env.run(activities.ingestion, ref);
    await env.run(activities.dnaMerge, ref);
    const { slotIds } = await env.run(activities.planning, ref);
    expect(slotIds.length).toBe(BAKERY_POSTS);
    const [crashed, plain] = slotIds as [string, string];

    const before = await withTenant(h.orm, BAKERY, null, ({ em }) => getBalance(em, BAKERY));
    // Attempt 1 "crashes" after reserving credits: the write of the item fails
    // once (a sequence survives the rollback, so only the first insert fails).
    await crashingOnce(crashed, async () => {
      await expect(env.run(activities.generateSlot, ref, crashed)).rejects.toThrow(/simulated crash/);
      const key = pipelineIdempotencyKey(workflowId, 'generation', crashed);
      const { rows: open } = await h.admin.query('select status from billing.credit_reservation where tenant_id = $1 and idempotency_key = $2', [BAKERY, `${key}:reserve`]);
      expect(open.map((r) => r.status)).toEqual(['open']);
    });
    const first = await env.run(activities.generateSlot, ref, crashed);
    const second = await env.run(activities.generateSlot, ref, crashed);
    expect(first.status).toBe('generated');
    expect(second).toMatchObject({ status: 'replayed', itemId: first.itemId, creditsCharged: first.creditsCharged });
    const { rows: [job] } = await h.admin.query('select status, attempts from content.generation_job where tenant_id = $1 and slot_id = $2', [BAKERY, crashed]);
    expect(job).toEqual({ status: 'completed', attempts: 2 });

    // Two attempts racing on one slot: still one item.
    const racing = await Promise.all([env.run(activities.generateSlot, ref, plain), env.run(activities.generateSlot, ref, plain)]);
    expect(racing[0].itemId).toBe(racing[1].itemId);

    const { rows: items } = await h.admin.query('select calendar_slot_id, count(*)::int as n from content.content_item where calendar_slot_id = any($1) group by 1', [[crashed, plain]]);
    expect(items.map((i) => i.n)).toEqual([1, 1]);
    const { rows: versions } = await h.admin.query('select count(*)::int as n from content.content_version v join content.content_item i on i.id = v.item_id where i.calendar_slot_id = any($1)', [[crashed, plain]]);
    expect(versions[0].n).toBe(2);
    const { rows: reservations } = await h.admin.query(
      `select idempotency_key, status, settled_amount from billing.credit_reservation where tenant_id = $1 and idempotency_key like $2 order by 1`, [BAKERY, `${workflowId}:generation:%`]);
    expect(reservations).toHaveLength(2);
    expect(reservations.every((r) => r.status === 'settled')).toBe(true);
    const after = await withTenant(h.orm, BAKERY, null, ({ em }) => getBalance(em, BAKERY));
    const charged = reservations.reduce((sum, r) => sum + Number(r.settled_amount), 0);
    expect(after.consumed - before.consumed).toBe(charged);
    expect(after.reserved).toBe(before.reserved);

    // The bakery's own text: its name, nothing of the fitness studio.
    const { rows: texts } = await h.admin.query('select body from content.content_version v join content.content_item i on i.id = v.item_id where i.calendar_slot_id = any($1)', [[crashed, plain]]);
    for (const t of texts) {
      expect(t.body).toContain('Maison Lumière');
      expect(t.body).not.toContain('Forge & Flow');
    }

    // A batch in one activity (generateSlots): one slot's crash fails the attempt once the
    // others are done; the retry generates that slot and replays the others, charging each once.
    const batch = slotIds.slice(2, 4);
    expect(batch).toHaveLength(2);
    await crashingOnce(batch[0]!, () => expect(env.run(activities.generateSlots, ref, batch)).rejects.toThrow(/simulated crash/));
    const retried = await env.run(activities.generateSlots, ref, batch);
    expect(retried.map((o) => [o.slotId, o.status])).toEqual([[batch[0], 'generated'], [batch[1], 'replayed']]);
    const { rows: batchItems } = await h.admin.query('select count(*)::int as n from content.content_item where calendar_slot_id = any($1)', [batch]);
    expect(batchItems[0].n).toBe(2);
    const { rows: batchHolds } = await h.admin.query(
      `select r.status from billing.credit_reservation r where r.tenant_id = $1 and r.status <> 'void' and (r.idempotency_key like $2 or r.idempotency_key like $3)`,
      [BAKERY, `${pipelineIdempotencyKey(workflowId, 'generation', batch[0]!)}:%`, `${pipelineIdempotencyKey(workflowId, 'generation', batch[1]!)}:%`]);
    expect(batchHolds.map((r) => r.status)).toEqual(['settled', 'settled']);
  }, 120_000);

  it("keeps the item's AI call when the worker dies right after the settlement commits", async () => {
    const { activities, run, ref, slotIds } = await plannedRun(BAKERY, '2025-07');
    const catalogue = createCatalogue(h.orm);
    // Killed once the settlement (item, charge) committed, before the router's own write of the answer's call.
    const dying = createAiRouter({
      ...catalogue,
      recordCall: async (call) => {
        if (call.outcome === 'ok' || call.outcome === 'fallback') throw new Error('worker killed');
        await catalogue.recordCall(call);
      },
    });
    const killed = createPipelineActivities({ orm: h.orm, pubsub: h.pubsub, storage: h.storage, ai: dying });
    const slotId = slotIds[0]!;

    await expect(run(killed.generateSlot, ref, slotId)).rejects.toThrow(/worker killed/);
    // The retried activity finds the slot done: no second call, no second charge.
    const retried = await run(activities.generateSlot, ref, slotId);
    expect(retried.status).toBe('replayed');

    const { rows: [version] } = await h.admin.query(
      `select v.meta->>'aiCallId' as ai_call_id, (v.meta->'credits'->>'charged')::int as charged, j.reservation_id
         from content.content_version v join content.content_item i on i.id = v.item_id join content.generation_job j on j.item_id = i.id
        where i.calendar_slot_id = $1`, [slotId]);
    expect(version.ai_call_id).toEqual(expect.any(String));
    // The item's aiCallId resolves, to the one call of the slot's reservation, with what was charged.
    const { rows: recorded } = await h.admin.query('select id, credits::int as credits from tenants.ai_call where tenant_id = $1 and reservation_id = $2', [BAKERY, version.reservation_id]);
    expect(recorded).toEqual([{ id: version.ai_call_id, credits: version.charged }]);
  }, 120_000);
});

describe('generation at the credit cap', () => {
  it('skips the slot honestly (no item, no charge, the slot says why) instead of overspending', async () => {
    const client = DEMO.tenants.riad;
    const { workflowId, activities, run, ref, slotIds } = await plannedRun(client, '2025-09');
    await h.admin.query('update billing.credit_account set hard_cap = 0 where tenant_id = $1', [client]);
    try {
      const outcome = await run(activities.generateSlot, ref, slotIds[0]!);
      expect(outcome).toEqual({ slotId: slotIds[0], itemId: null, status: 'skipped', reason: 'insufficient_credits', creditsReserved: 0, creditsCharged: 0, durationMs: expect.any(Number) });
    } finally {
      await h.admin.query('update billing.credit_account set hard_cap = null where tenant_id = $1', [client]);
    }
    const { rows: [slot] } = await h.admin.query('select status, item_id, reason from content.calendar_slot where id = $1', [slotIds[0]]);
    expect(slot).toEqual({ status: 'planned', item_id: null, reason: 'insufficient_credits' });
    const { rows: reservations } = await h.admin.query('select 1 from billing.credit_reservation where tenant_id = $1 and idempotency_key like $2', [client, `${workflowId}:%`]);
    expect(reservations).toHaveLength(0);
    // With credits again, a retry of the same slot fills it.
    const retried = await run(activities.generateSlot, ref, slotIds[0]!);
    expect(retried.status).toBe('generated');
  }, 120_000);
});

describe('a month that cannot be planned', () => {
  it('fails at the step, then a retry runs that step and the rest without redoing the steps before it', async () => {
    // A client with no live subscription: planning cannot size the month.
    const client = '0190f5e0-0000-7000-8000-0000000000c1';
    await h.admin.query(
      `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug, locale, time_zone)
       values ($1, 'client', $2, array[$3::uuid, $2::uuid, $1::uuid], 'Nouveau Client', 'nouveau-client', 'fr', 'Europe/Paris')`,
      [client, DEMO.tenants.direct, DEMO.tenants.platform]);
    const ctx = ctxFor(identity(client, DEMO.logins.clientAdmin.id));
    const started = await gql<{ startMonthlyPipeline: RunResult }>(ctx, `mutation { startMonthlyPipeline(month: "${MONTH}") { id } }`);
    expect(started.errors).toBeUndefined();
    const runId = started.data!.startMonthlyPipeline.id;
    const readRun = () => withTenant(h.orm, client, null, ({ em }) => findRun(em, runId));
    const deadline = Date.now() + 60_000;
    while ((await readRun())!.status !== 'failed') {
      if (Date.now() > deadline) throw new Error('the run did not fail');
      await new Promise((r) => setTimeout(r, 200));
    }
    const run = (await readRun())!;
    const planning = run.steps.find((s) => s.step === 'planning')!;
    expect(planning.status).toBe('failed');
    expect(planning.error).toMatch(/no live subscription/);
    expect(run.steps.filter((s) => s.status === 'completed').map((s) => s.step)).toEqual(['session', 'ingestion', 'dna_merge']);
    expect(run.steps.filter((s) => s.status === 'pending').map((s) => s.step)).toEqual(['generation', 'publication', 'analytics']);

    // Retrying before the cause is fixed fails the step again, still without redoing the others.
    const early = await gql<{ retryPipelineStep: RunResult }>(ctx, `mutation { retryPipelineStep(runId: "${runId}") { id } }`);
    expect(early.errors).toBeUndefined();
    while ((await readRun())!.steps.find((s) => s.step === 'planning')!.attempts < 2 || (await readRun())!.status !== 'failed') {
      if (Date.now() > deadline) throw new Error('the early retry did not fail again');
      await new Promise((r) => setTimeout(r, 200));
    }

    // Once subscribed, a retry runs planning and every step after it.
    await h.admin.query(
      `insert into billing.subscription (id, tenant_id, plan_id, status, interval, currency, price_minor, seller_tenant_id, current_period_start, current_period_end)
       select gen_random_uuid(), $1, plan_id, 'active', interval, currency, price_minor, seller_tenant_id, current_period_start, current_period_end
         from billing.subscription where tenant_id = $2`, [client, BAKERY]);
    const again = await gql<{ retryPipelineStep: RunResult }>(ctx, `mutation { retryPipelineStep(runId: "${runId}") { id } }`);
    expect(again.errors).toBeUndefined();
    expect(again.data!.retryPipelineStep.id).toBe(runId);
    await h.temporal.workflow.getHandle(monthlyPipelineWorkflowId(client, MONTH)).result();
    const done = (await readRun())!;
    expect(done.status).toBe('completed');
    // Not in auto mode: every item waits for a person in its own approval workflow.
    const { rows: items } = await h.admin.query(`select id, status from content.content_item where tenant_id = $1 and pipeline_run_id = $2`, [client, runId]);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.status).toBe('in_review');
      expect((await h.temporal.workflow.getHandle(approvalWorkflowId(client, item.id)).describe()).type).toBe(APPROVAL_WORKFLOW);
    }
    const attempts = Object.fromEntries(done.steps.map((s) => [s.step, s.attempts]));
    expect(attempts).toMatchObject({ session: 1, ingestion: 1, dna_merge: 1, generation: 1 });
    expect(attempts['planning']).toBeGreaterThanOrEqual(3);

    // A completed run cannot be retried.
    const late = await gql(ctx, `mutation { retryPipelineStep(runId: "${runId}") { id } }`);
    expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  }, 180_000);
});
