// `npm run bench -- pipeline` (issue 5, scale): the monthly pipeline of 200
// clients at once, on the built-in offline model, with the real worker as a
// child process on this machine.
//
// Set-up (pipeline-world.ts): fresh database with the demo seed, Temporal dev
// server of our own, 200 clients cloned from the demo bakery (auto mode, a
// plan of BENCH_POSTS posts a month on blog, instagram, newsletter and
// facebook; blog posts are published to the site connector, the other
// channels have no account and stay scheduled). All 200 pipelines are started
// at once for last month (every slot due).
//
// Figures:
//   total_s       first start → last pipeline completed (wall clock)
//   steps_per_s   activities the 200 pipeline workflows completed (from their
//                 histories), per second of total_s; the approval workflows'
//                 activities are counted apart in the log
//   worker_peak_rss_mb  the worker process's VmRSS (/proc/<pid>/status),
//                 sampled every 200 ms from its start to its stop
//   overhead_ms_p50  orchestration overhead per content item, median. The
//                 generation activity times its own body (SlotOutcome.durationMs,
//                 in the history); from the history's server timestamps, for
//                 each generated slot i of batch b:
//                   dispatch = Started − max(Scheduled, the moment a worker
//                              slot freed up, when all were busy at Scheduled)
//                   report   = Completed − Started − body
//                   barrier  = (next command scheduled − last Completed of b) / |b|
//                 overhead = dispatch + report + barrier. Time spent queued
//                 because every activity slot of the worker was busy is
//                 capacity, not orchestration: it is left out, and reported
//                 (with the raw Scheduled→Completed − body) in the log.
// Last line: RESULT pipeline clients=200 items=<n> total_s=<x> steps_per_s=<x>
//   overhead_ms_p50=<x> worker_peak_rss_mb=<x>
// Knobs: BENCH_CLIENTS (200), BENCH_POSTS (10), BENCH_WORKER_SLOTS (8: the
//   worker's maxConcurrentActivityTaskExecutions), BENCH_MAX_MINUTES (45).
// Ports 57000-57099.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { approvalWorkflowId } from '../../workflows/contracts/src/approval.ts';
import { completionTimes, lastAtOrBefore, occupancy, readHistories, type ActivityRun } from './pipeline-history.ts';
import { createBenchClients, knob, lastMonth, logger, median, percentile, portIn, sampleRss, spawnWorker, startPipelines, startPipelineWorld } from './pipeline-world.ts';

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
    await stopWorker();
    stopWorker = null;
    const peakMb = rss.peak();

    // --- figures from the histories -------------------------------------------
    const histories = await readHistories(world.temporal, ids);
    const pipelineActivities = histories.flatMap((h) => h.activities);
    const steps = pipelineActivities.filter((a) => a.completedAt !== null).length;
    const { rows: generated } = await world.admin.query<{ tenant_id: string; id: string }>(
      `select tenant_id, id from content.content_item where pipeline_run_id is not null`);
    const { rows: [slots] } = await world.admin.query<{ n: number }>('select count(*)::int as n from content.calendar_slot');
    if (generated.length !== slots!.n) throw new Error(`${slots!.n} slots but ${generated.length} items`);
    // Approval workflows (one per item) ran on the same worker: their activities took slots too.
    const approvalIds = histories.flatMap((h) => h.children);
    const approvals = await readHistories(world.temporal, approvalIds.length ? approvalIds : generated.map((g) => approvalWorkflowId(g.tenant_id, g.id)));
    const approvalActivities = approvals.flatMap((h) => h.activities);
    const everything: ActivityRun[] = [...pipelineActivities, ...approvalActivities];
    const running = occupancy(everything);
    const completions = completionTimes(everything);

    const slotRuns = pipelineActivities.filter((a) => a.type === 'generateSlot' && a.completedAt !== null && a.startedAt !== null);
    let measuredBodies = 0;
    const rows = slotRuns.map((a) => {
      const reported = (a.result as { durationMs?: unknown } | undefined)?.durationMs;
      const body = typeof reported === 'number' ? reported : a.completedAt! - a.startedAt!;
      if (typeof reported === 'number') measuredBodies += 1;
      const busy = running(a.scheduledAt) >= SLOTS;
      const freed = busy ? lastAtOrBefore(completions, a.startedAt!) : null;
      const readyAt = Math.max(a.scheduledAt, freed ?? a.scheduledAt);
      return { a, body, queue: readyAt - a.scheduledAt, dispatch: a.startedAt! - readyAt, report: Math.max(0, a.completedAt! - a.startedAt! - body) };
    });
    // Barrier: from the batch's last completion to the workflow's next command.
    const barrier = new Map<string, number>();
    for (const history of histories) {
      const batches = Map.groupBy(history.activities.filter((a) => a.type === 'generateSlot'), (a) => a.batch);
      for (const [batch, members] of batches) {
        const last = Math.max(...members.map((m) => m.completedAt ?? 0));
        const next = Math.min(...history.activities.filter((a) => a.scheduledAt >= last && a.scheduledEventId > Math.max(...members.map((m) => m.scheduledEventId))).map((a) => a.scheduledAt));
        barrier.set(`${history.workflowId}:${batch}`, Number.isFinite(next) ? (next - last) / members.length : 0);
      }
    }
    const overhead = rows.map((r) => r.dispatch + r.report + (barrier.get(`${r.a.workflowId}:${r.a.batch}`) ?? 0));
    const raw = rows.map((r) => r.a.completedAt! - r.a.scheduledAt - r.body);
    const stepWall = histories.map((h) => {
      const gen = h.activities.filter((a) => a.type === 'generateSlot');
      const after = h.activities.find((a) => a.type === 'completeGeneration');
      if (!gen.length || !after) return null;
      const bodies = rows.filter((r) => r.a.workflowId === h.workflowId).map((r) => r.body);
      return (after.scheduledAt - Math.min(...gen.map((g) => g.scheduledAt))) / gen.length - bodies.reduce((s, b) => s + b, 0) / Math.max(1, bodies.length);
    }).filter((x): x is number => x !== null);

    const p50 = median(overhead);
    log(`items ${generated.length}, slots timed by the activity itself: ${measuredBodies}/${rows.length}${measuredBodies < rows.length ? ' (others: Started→Completed)' : ''}`);
    log(`generate body: p50 ${ms(median(rows.map((r) => r.body)))}, p95 ${ms(percentile(rows.map((r) => r.body), 95))}`);
    log(`overhead per item: p50 ${ms(p50)}, p95 ${ms(percentile(overhead, 95))} = dispatch p50 ${ms(median(rows.map((r) => r.dispatch)))} + report p50 ${ms(median(rows.map((r) => r.report)))} + barrier share p50 ${ms(median([...barrier.values()]))}`);
    log(`left out: queued for a busy worker p50 ${ms(median(rows.map((r) => r.queue)))}, p95 ${ms(percentile(rows.map((r) => r.queue), 95))}; raw Scheduled→Completed − body p50 ${ms(median(raw))}; per pipeline (generation step wall / items − mean body) p50 ${ms(median(stepWall))}`);
    log(`steps: ${steps} pipeline activities (${(steps / CLIENTS).toFixed(1)} per pipeline) + ${approvalActivities.filter((a) => a.completedAt !== null).length} approval activities in ${approvals.length} approval workflows`);

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
