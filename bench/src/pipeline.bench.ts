// `npm run bench -- pipeline` (issue 5, scale): the monthly pipeline of 200
// clients at once, on the built-in offline model, with the real worker as a
// child process on this machine.
//
// Set-up (pipeline-world.ts): fresh database with the demo seed, Temporal dev
// server of our own, 200 clients cloned from the demo bakery (auto mode, a
// plan of BENCH_POSTS posts a month on blog, instagram, newsletter and
// facebook; blog posts are published to the site connector, the other
// channels have no account and stay scheduled). All 200 pipelines are started
// at once for last month (every slot due). Items in auto mode are approved on
// saving, and the publication step settles every due item (published, or due
// with no connected channel): none is left to wait in an approval workflow.
//
// Figures:
//   total_s       first start → last pipeline completed (wall clock)
//   steps_per_s   activities the 200 pipeline workflows completed (from their
//                 histories), per second of total_s; the approval workflows'
//                 activities are counted apart in the log
//   worker_peak_rss_mb  the worker process's VmRSS (/proc/<pid>/status),
//                 sampled every 200 ms from its start to its stop
//   overhead_ms_p50  orchestration overhead per content item, median: the
//                 time an item spends in Temporal's hands (activity dispatch,
//                 result reporting, the workflow task that schedules what
//                 comes next) rather than in the body of the activity that
//                 generates it. The generation activity (one per batch of GENERATION_PARALLELISM
//                 slots, generateSlots; one per slot in runs begun before that
//                 patch) times each slot's body itself (SlotOutcome.durationMs,
//                 in the history); from the history's server timestamps, for an
//                 activity of k slots scheduled by a workflow task that
//                 scheduled n slots in all:
//                   dispatch = Started − max(Scheduled, the last moment before
//                              Started when a worker slot freed up while all
//                              were busy)
//                   report   = Completed − Started − its slowest slot's body
//                   barrier  = next command scheduled − last Completed of
//                              what that workflow task scheduled
//                 overhead per item = (dispatch + report) / k + barrier / n.
//                 Time spent queued because every activity slot of the worker
//                 was busy is capacity, not orchestration: it is left out, and
//                 reported in the log with two inclusive figures: per activity
//                 (Scheduled→Completed − body) / k, and per pipeline (the
//                 generation step's wall time − its critical path of bodies)
//                 / items.
// Last line: RESULT pipeline clients=200 items=<n> total_s=<x> steps_per_s=<x>
//   overhead_ms_p50=<x> worker_peak_rss_mb=<x>
// Knobs: BENCH_CLIENTS (200), BENCH_POSTS (10), BENCH_WORKER_SLOTS (8: the
//   worker's maxConcurrentActivityTaskExecutions), BENCH_MAX_MINUTES (45).
// Ports 57000-57099.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { completionTimes, lastAtOrBefore, occupancy, readHistories, type ActivityRun } from './pipeline-history.ts';
import { cpuSampler, createBenchClients, knob, lastMonth, logger, machineLoad, median, percentile, portIn, sampleRss, spawnWorker, startPipelines, startPipelineWorld } from './pipeline-world.ts';

const log = logger('pipeline');
const CLIENTS = knob('BENCH_CLIENTS', 200);
const POSTS = knob('BENCH_POSTS', 10);
const SLOTS = knob('BENCH_WORKER_SLOTS', 8);
const MAX_MINUTES = knob('BENCH_MAX_MINUTES', 45);
const CHANNELS = ['blog', 'instagram', 'newsletter', 'facebook'];

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const world = await startPipelineWorld({ label: 'pipeline', temporalPort: await portIn(57000, 57099), log });
  let stopWorker: (() => Promise<void>) | null = null;
  try {
    const month = lastMonth();
    const created = performance.now();
    const clients = await createBenchClients(world, { count: CLIENTS, postsPerMonth: POSTS, channels: CHANNELS });
    log(`${CLIENTS} clients (${POSTS} posts a month on ${CHANNELS.join(', ')}) created in ${((performance.now() - created) / 1000).toFixed(1)} s; month ${month}`);

    const worker = spawnWorker({ world, logFile: join(world.workDir, 'worker.log') });
    const rss = sampleRss(() => worker.pid);
    stopWorker = async () => {
      worker.kill('SIGTERM');
      await worker.exited;
      rss.stop();
    };
    await worker.ready;
    log(`worker ${worker.pid} polling after ${((performance.now() - worker.startedAt) / 1000).toFixed(1)} s, ${rss.peak().toFixed(0)} MB`);

    const cpu = cpuSampler(worker.pid);
    log(machineLoad());
    const t0 = performance.now();
    const ids = await startPipelines(world, clients, month);
    log(`${ids.length} pipelines started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const deadline = t0 + MAX_MINUTES * 60_000;
    let lastLine = 0;
    for (;;) {
      const { rows } = await world.admin.query<{ status: string; n: number }>('select status, count(*)::int as n from content.pipeline_run group by status');
      const done = rows.find((r) => r.status === 'completed')?.n ?? 0;
      const failed = rows.find((r) => r.status === 'failed')?.n ?? 0;
      if (failed) {
        const { rows: steps } = await world.admin.query<{ step: string; error: string }>(`select step, error from content.pipeline_step where status = 'failed' limit 5`);
        throw new Error(`${failed} pipelines failed: ${steps.map((s) => `${s.step}: ${s.error}`).join('; ')}`);
      }
      if (done === ids.length) break;
      if (performance.now() > deadline) throw new Error(`only ${done} of ${ids.length} pipelines completed within ${MAX_MINUTES} min`);
      if (performance.now() - lastLine > 30_000) {
        lastLine = performance.now();
        const { rows: [items] } = await world.admin.query<{ n: number }>('select count(*)::int as n from content.content_item where pipeline_run_id is not null');
        log(`${((performance.now() - t0) / 1000).toFixed(0)} s: ${done}/${ids.length} completed, ${items!.n} items, worker ${rss.peak().toFixed(0)} MB peak`);
      }
      await sleep(500);
    }
    // The run row is completed by the last activity; the workflow closes right after.
    await Promise.all(ids.map((id) => world.temporal.workflow.getHandle(id).result()));
    const totalS = (performance.now() - t0) / 1000;
    cpu.stop();
    await stopWorker();
    stopWorker = null;
    const peakMb = rss.peak();

    // --- figures from the histories -------------------------------------------
    const histories = await readHistories(world.temporal, ids);
    const pipelineActivities = histories.flatMap((h) => h.activities);
    const steps = pipelineActivities.filter((a) => a.completedAt !== null).length;
    const { rows: generated } = await world.admin.query<{ id: string }>('select id from content.content_item where pipeline_run_id is not null');
    const { rows: [slots] } = await world.admin.query<{ n: number }>('select count(*)::int as n from content.calendar_slot');
    if (generated.length !== slots!.n) throw new Error(`${slots!.n} slots but ${generated.length} items`);
    // Approval workflows (one per item) ran on the same worker: their activities took slots too.
    const approvalIds = histories.flatMap((h) => h.children);
    const approvals = await readHistories(world.temporal, approvalIds);
    const approvalActivities = approvals.flatMap((h) => h.activities);
    const everything: ActivityRun[] = [...pipelineActivities, ...approvalActivities];
    const running = occupancy(everything);
    const completions = completionTimes(everything);
    const lastFullRelease = (from: number, to: number): number | null => {
      for (let t = lastAtOrBefore(completions, to); t !== null && t >= from; t = lastAtOrBefore(completions, t - 1)) {
        if (running(t - 1) >= SLOTS) return t;
      }
      return null;
    };

    // Generation activities: one per slot (generateSlot) or one per batch of slots (generateSlots, its result one outcome per slot).
    const generationTypes = new Set(['generateSlot', 'generateSlots']);
    const generationRuns = pipelineActivities.filter((a) => generationTypes.has(a.type) && a.completedAt !== null && a.startedAt !== null);
    let measuredBodies = 0;
    const rows = generationRuns.map((a) => {
      const outcomes = (Array.isArray(a.result) ? a.result : [a.result]) as Array<{ durationMs?: unknown } | undefined>;
      const reported = outcomes.map((o) => (typeof o?.durationMs === 'number' ? o.durationMs : null));
      const measured = reported.every((ms) => ms !== null);
      if (measured) measuredBodies += outcomes.length;
      const bodies = measured ? (reported as number[]) : outcomes.map(() => a.completedAt! - a.startedAt!);
      // The last slot released before it started while every slot was busy: until then it could not start.
      const freed = lastFullRelease(a.scheduledAt, a.startedAt!);
      const readyAt = Math.max(a.scheduledAt, freed ?? a.scheduledAt);
      // Slots of one activity run at once: it ends with the slowest.
      const report = Math.max(0, a.completedAt! - a.startedAt! - Math.max(...bodies));
      return { a, items: outcomes.length, bodies, queue: readyAt - a.scheduledAt, dispatch: a.startedAt! - readyAt, report };
    });
    // Barrier: from the last completion of what one workflow task scheduled to the workflow's next command, shared by its items.
    const barrier = new Map<string, number>();
    for (const history of histories) {
      const batches = Map.groupBy(history.activities.filter((a) => generationTypes.has(a.type)), (a) => a.batch);
      for (const [batch, members] of batches) {
        const last = Math.max(...members.map((m) => m.completedAt ?? 0));
        const items = members.reduce((sum, m) => sum + (Array.isArray(m.result) ? m.result.length : 1), 0);
        const next = Math.min(...history.activities.filter((a) => a.scheduledAt >= last && a.scheduledEventId > Math.max(...members.map((m) => m.scheduledEventId))).map((a) => a.scheduledAt));
        barrier.set(`${history.workflowId}:${batch}`, Number.isFinite(next) ? (next - last) / items : 0);
      }
    }
    const perItem = rows.flatMap((r) => r.bodies.map((body) => ({
      body,
      queue: r.queue,
      dispatch: r.dispatch / r.items,
      report: r.report / r.items,
      barrier: barrier.get(`${r.a.workflowId}:${r.a.batch}`) ?? 0,
      raw: (r.a.completedAt! - r.a.scheduledAt - body) / r.items,
    })));
    const overhead = perItem.map((i) => i.dispatch + i.report + i.barrier);
    const raw = perItem.map((i) => i.raw);
    // Inclusive cross-check, per pipeline: the generation step's wall time minus its critical path
    // of bodies (what one workflow task scheduled runs at once: its slowest body), per item. It
    // keeps the time queued for a busy worker.
    const stepWall = histories.map((h) => {
      const gen = rows.filter((r) => r.a.workflowId === h.workflowId);
      const after = h.activities.find((a) => a.type === 'completeGeneration');
      if (!gen.length || !after) return null;
      const items = gen.reduce((sum, r) => sum + r.items, 0);
      const criticalBodies = [...Map.groupBy(gen, (r) => r.a.batch).values()].reduce((sum, group) => sum + Math.max(...group.flatMap((r) => r.bodies)), 0);
      return (after.scheduledAt - Math.min(...gen.map((r) => r.a.scheduledAt)) - criticalBodies) / items;
    }).filter((x): x is number => x !== null);

    const p50 = median(overhead);
    log(`items ${generated.length} in ${rows.length} generation activities; slots timed by the activity itself: ${measuredBodies}/${perItem.length}${measuredBodies < perItem.length ? ' (others: Started→Completed)' : ''}`);
    log(`generate body: p50 ${ms(median(perItem.map((i) => i.body)))}, p95 ${ms(percentile(perItem.map((i) => i.body), 95))}`);
    log(`overhead per item: p50 ${ms(p50)}, p95 ${ms(percentile(overhead, 95))} = dispatch p50 ${ms(median(perItem.map((i) => i.dispatch)))} + report p50 ${ms(median(perItem.map((i) => i.report)))} + barrier share p50 ${ms(median(perItem.map((i) => i.barrier)))}`);
    log(`left out: queued for a busy worker p50 ${ms(median(perItem.map((i) => i.queue)))}, p95 ${ms(percentile(perItem.map((i) => i.queue), 95))}; raw (Scheduled→Completed − body) / items of the activity p50 ${ms(median(raw))}; per pipeline (generation step wall − critical path of bodies) / items, queueing included: p50 ${ms(median(stepWall))}`);
    // Where the time goes, per activity type and for workflow tasks (server times).
    for (const [type, list] of Object.entries(Object.groupBy(pipelineActivities.filter((a) => a.startedAt !== null && a.completedAt !== null), (a) => a.type))) {
      log(`  ${type.padEnd(18)} n=${String(list!.length).padStart(5)} scheduled→started p50 ${ms(median(list!.map((a) => a.startedAt! - a.scheduledAt)))}, started→completed p50 ${ms(median(list!.map((a) => a.completedAt! - a.startedAt!)))}`);
    }
    const tasks = histories.flatMap((h) => h.workflowTasks).filter((t) => t.startedAt !== null && t.completedAt !== null);
    log(`  workflow tasks     n=${String(tasks.length).padStart(5)} scheduled→started p50 ${ms(median(tasks.map((t) => t.startedAt! - t.scheduledAt)))}, started→completed p50 ${ms(median(tasks.map((t) => t.completedAt! - t.startedAt!)))}`);
    log(`worker CPU: ${(cpu.ms() / 1000).toFixed(1)} s (${(cpu.ms() / generated.length).toFixed(1)} ms per item, ${(cpu.ms() / (totalS * 1000) * 100).toFixed(0)} % of one core over total_s)`);
    log(`steps: ${steps} pipeline activities (${(steps / CLIENTS).toFixed(1)} per pipeline) + ${approvalActivities.filter((a) => a.completedAt !== null).length} approval activities in ${approvals.length} approval workflows`);

    log(machineLoad());
    console.log(`RESULT pipeline clients=${CLIENTS} items=${generated.length} total_s=${totalS.toFixed(1)} steps_per_s=${(steps / totalS).toFixed(2)} overhead_ms_p50=${p50.toFixed(1)} worker_peak_rss_mb=${peakMb.toFixed(0)}`);
  } finally {
    if (stopWorker) await stopWorker().catch(() => {});
    await world.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
