// `npm run bench -- durability` (issue 5): 50 monthly pipelines survive a
// worker that is SIGKILLed at random moments, acting and charging once.
//
// Set-up (pipeline-world.ts): a fresh database with the demo seed, a Temporal
// dev server of our own, 50 clients cloned from the demo bakery in auto mode
// with a small plan (10 posts a month) on four channels, each really
// connected: the newsletter through SMTP (a local mail catcher), SMS through
// Twilio's REST API and Facebook through Meta's Graph API (local servers
// speaking their wire formats, packages/testing/src/fake-providers), blog
// posts through the built-in site connector (files). Each client has a list
// of consenting contacts. The month run is last month's, so every slot is
// due and every item is published by the pipeline itself.
//
// The worker (`workflows/src/worker.ts`, its real `main`) runs as a child
// process. Once it polls, it is SIGKILLed after a uniform 1–8 s, restarted,
// and so on until every pipeline has completed (bounded: BENCH_MAX_MINUTES).
//
// Then the counts, from the providers' side first:
//   - e-mails: the catcher's messages by Message-ID (derived from the
//     idempotency key): a second Message-ID for one key is a duplicate a
//     recipient sees. A kill between the SMTP server's acceptance and our
//     record makes the retry re-send under the same Message-ID (SMTP cannot
//     be asked what it accepted; the product's design, newsletter.spec.ts):
//     the inbox keeps one copy, so it is not counted, but reported apart;
//   - SMS: messages at the Twilio fake per (from, to, body);
//   - posts: Facebook posts per (page, text);
//   - our side: publications with more than one sent/reconciled attempt,
//     message sends per key, items per slot;
//   - charges: settle transfers per reservation, settled reservations per
//     generation job, consumed credits = what the jobs say they charged, and
//     the ledger's invariants (every transfer sums to zero, no negative
//     running balance).
// Last line: RESULT durability pipelines=50 completed=<n> kills=<n>
//   duplicate_publications=<n> duplicate_charges=<n>
// Knobs: BENCH_PIPELINES (50), BENCH_POSTS (10), BENCH_CONTACTS (3),
//   BENCH_MAX_MINUTES (30: then the counts are still made, and it fails), BENCH_SEED (random), BENCH_KILLS=0 (no kills: a
//   baseline). Ports 57000-57099.
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';
import { generateMasterKey } from '../../packages/ai/src/secrets.ts';
import { startSmtpCatcher } from '../../packages/testing/src/fake-providers/smtp-catcher.ts';
import { startFakeProviders } from '../../packages/testing/src/fake-providers/fake-providers.ts';
import { createBenchClients, executionStatuses, knob, lastMonth, logger, machineLoad, portIn, spawnWorker, startPipelines, startPipelineWorld, type WorkerProcess } from './pipeline-world.ts';

const log = logger('durability');
const PIPELINES = knob('BENCH_PIPELINES', 50);
const POSTS = knob('BENCH_POSTS', 10);
const CONTACTS = knob('BENCH_CONTACTS', 3);
const MAX_MINUTES = knob('BENCH_MAX_MINUTES', 30);
const KILLS_ON = process.env.BENCH_KILLS !== '0';
const SEED = process.env.BENCH_SEED ? knob('BENCH_SEED', 1) : Math.floor(Math.random() * 2 ** 31);
const CHANNELS = ['newsletter', 'sms', 'facebook', 'blog'];
const KILL_AFTER_S: [number, number] = [1, 8];
const READY_TIMEOUT_MS = 180_000;

/** Deterministic pseudo-random numbers (mulberry32): a seed replays the same kill times. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

function groupCount<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

const extra = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);

async function main(): Promise<void> {
  process.env.ENSEMBLE_MASTER_KEY ??= generateMasterKey();
  const ports = new Set<number>();
  const world = await startPipelineWorld({ label: 'durability', temporalPort: await portIn(57000, 57099, ports), log });
  const catcher = await startSmtpCatcher({ smtpPort: await portIn(57000, 57099, ports) });
  const fakes = await startFakeProviders({ port: await portIn(57000, 57099, ports) });
  let worker: WorkerProcess | null = null;
  const logFile = join(world.workDir, 'worker.log');
  try {
    const month = lastMonth();
    log(`${PIPELINES} clients, ${POSTS} posts a month each on ${CHANNELS.join(', ')}, ${CONTACTS} contacts; month ${month}; seed ${SEED}`);
    const clients = await createBenchClients(world, {
      count: PIPELINES, postsPerMonth: POSTS, channels: CHANNELS, contacts: CONTACTS,
      publishing: {
        smtpFrom: 'Bench Bakery <lettre@bench-bakery.test>',
        twilio: { accountSid: fakes.twilio.accountSid, authToken: fakes.twilio.authToken },
        metaAccessToken: () => fakes.tokens.issue('meta', { expiresInSeconds: 86_400 }).accessToken,
      },
    });
    const extraEnv = { ...fakes.env, SMTP_URL: catcher.smtpUrl, ENSEMBLE_MASTER_KEY: process.env.ENSEMBLE_MASTER_KEY!, PUBLIC_WEB_URL: 'http://127.0.0.1:5173' };
    const start = () => spawnWorker({ world, extraEnv, logFile });

    const t0 = performance.now();
    worker = start();
    await withTimeout(worker.ready, READY_TIMEOUT_MS, 'first worker start');
    log(`worker ready in ${((performance.now() - worker.startedAt) / 1000).toFixed(1)} s (log: ${logFile})`);
    log(machineLoad());
    const workflowIds = await startPipelines(world, clients, month);
    log(`${workflowIds.length} pipelines started`);

    const random = prng(SEED);
    const deadline = t0 + MAX_MINUTES * 60_000;
    let kills = 0;
    const restartMs: number[] = [];
    let completed = 0;
    let timedOut: string | null = null;
    for (;;) {
      const statuses = await executionStatuses(world, workflowIds);
      completed = [...statuses.values()].filter((s) => s === 'COMPLETED').length;
      const closedBadly = [...statuses.entries()].filter(([, s]) => s !== 'RUNNING' && s !== 'COMPLETED');
      if (closedBadly.length) throw new Error(`pipelines closed without completing: ${closedBadly.map(([id, s]) => `${id}=${s}`).join(', ')}`);
      // A failed step waits for a person (retry signal): under crashes alone that is a bug.
      const { rows: stuck } = await world.admin.query<{ workflow_id: string; step: string; error: string }>(
        `select r.workflow_id, s.step, s.error from content.pipeline_run r join content.pipeline_step s on s.run_id = r.id
          where r.status = 'failed' and s.status = 'failed'`);
      if (stuck.length) throw new Error(`pipelines failed and wait for a person:\n${stuck.map((s) => `  ${s.workflow_id} at ${s.step}: ${s.error}`).join('\n')}`);
      if (completed === workflowIds.length) break;
      if (performance.now() > deadline) {
        // Counted all the same: what ran must still have acted and charged once.
        timedOut = `only ${completed} of ${workflowIds.length} pipelines completed within ${MAX_MINUTES} min (${kills} kills)`;
        log(timedOut);
        break;
      }
      if (!KILLS_ON) {
        await sleep(2_000);
        continue;
      }
      const uptimeMs = (KILL_AFTER_S[0] + random() * (KILL_AFTER_S[1] - KILL_AFTER_S[0])) * 1000;
      await sleep(uptimeMs);
      worker.kill('SIGKILL');
      await worker.exited;
      kills += 1;
      worker = start();
      await withTimeout(worker.ready, READY_TIMEOUT_MS, `worker restart after kill ${kills}`);
      restartMs.push(performance.now() - worker.startedAt);
      if (kills % 5 === 0) {
        const { rows: [progress] } = await world.admin.query<{ items: number; steps: number }>(
          `select (select count(*)::int from content.content_item where pipeline_run_id is not null) as items,
                  (select count(*)::int from content.pipeline_step where status = 'completed') as steps`);
        log(`${kills} kills, ${completed}/${workflowIds.length} completed, ${progress!.items} items, ${progress!.steps} steps done, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
    }
    const elapsedS = (performance.now() - t0) / 1000;
    if (!timedOut) log(`all ${completed} pipelines completed in ${elapsedS.toFixed(0)} s with ${kills} kills (restart to polling: median ${(restartMs.sort((a, b) => a - b)[Math.floor(restartMs.length / 2)] ?? 0) / 1000 | 0} s)`);
    worker.kill(timedOut ? 'SIGKILL' : 'SIGTERM');
    await withTimeout(worker.exited, 60_000, 'worker shutdown');
    worker = null;

    // --- counts ----------------------------------------------------------------
    const q = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) => (await world.admin.query<T>(text, params)).rows;
    const tenantIds = clients.map((c) => c.tenantId);
    const problems: string[] = timedOut ? [timedOut] : [];

    // What the pipelines made and published (every slot due, every channel connected).
    const [made] = await q<{ slots: number; items: number; published: number; runs_completed: number }>(
      `select (select count(*)::int from content.calendar_slot where tenant_id = any($1)) as slots,
              (select count(*)::int from content.content_item where tenant_id = any($1)) as items,
              (select count(*)::int from content.content_item where tenant_id = any($1) and status = 'published') as published,
              (select count(*)::int from content.pipeline_run where tenant_id = any($1) and status = 'completed') as runs_completed`, [tenantIds]);
    log(`made: ${made!.slots} slots, ${made!.items} items, ${made!.published} published, ${made!.runs_completed} runs completed`);
    if (made!.items !== made!.slots) problems.push(`${made!.slots} slots but ${made!.items} items`);
    if (made!.published !== made!.items) problems.push(`${made!.items - made!.published} items not published`);

    // Provider side: e-mail.
    const mails = catcher.messages();
    const mailKeys = groupCount(mails, (m) => m.headers['x-ensemble-idempotency-key'] ?? `no-key:${m.id}`);
    const visibleMailDuplicates = extra(mailKeys);
    const redeliveries = mails.reduce((sum, m) => sum + m.deliveries - 1, 0);
    // Provider side: SMS and posts.
    const smsDuplicates = extra(groupCount(fakes.twilio.messages, (m) => `${m.from}|${m.to}|${m.body}`));
    const posts = [...fakes.meta.feeds.entries()].flatMap(([page, list]) => list.map((p) => ({ page, text: p.text })));
    const postDuplicates = extra(groupCount(posts, (p) => `${p.page}|${p.text}`));
    // Our side: the sends and publications we recorded, against what arrived.
    const sends = await q<{ channel: string; sent: number; keys: number }>(
      `select channel, count(*) filter (where status = 'sent')::int as sent, count(distinct idempotency_key)::int as keys
         from content.message_send where tenant_id = any($1) group by channel order by channel`, [tenantIds]);
    const sentOf = (channel: string) => sends.find((s) => s.channel === channel)?.sent ?? 0;
    if (sentOf('email') !== mails.length) problems.push(`${sentOf('email')} e-mails recorded as sent, ${mails.length} distinct e-mails received`);
    if (sentOf('sms') !== fakes.twilio.messages.length - smsDuplicates) problems.push(`${sentOf('sms')} SMS recorded as sent, ${fakes.twilio.messages.length - smsDuplicates} distinct SMS received`);
    const doubleSent = await q<{ id: string; n: number }>(
      `select p.id, count(*)::int as n from content.publication p join content.publication_attempt a on a.publication_id = p.id
        where p.tenant_id = any($1) and a.status in ('sent', 'reconciled') group by p.id having count(*) > 1`, [tenantIds]);
    const [pubs] = await q<{ publications: number; sent: number; attempts: number; interrupted: number; reconciled: number; skipped: number }>(
      `select count(distinct p.id)::int as publications, count(distinct p.id) filter (where p.status = 'sent')::int as sent, count(a.id)::int as attempts,
              count(a.id) filter (where a.status = 'interrupted')::int as interrupted, count(a.id) filter (where a.status = 'reconciled')::int as reconciled,
              count(a.id) filter (where a.status = 'skipped')::int as skipped
         from content.publication p left join content.publication_attempt a on a.publication_id = p.id where p.tenant_id = any($1)`, [tenantIds]);
    const facebookSent = (await q<{ n: number }>(`select count(*)::int as n from content.publication where tenant_id = any($1) and connector = 'meta_pages' and status = 'sent'`, [tenantIds]))[0]!.n;
    if (facebookSent !== posts.length - postDuplicates) problems.push(`${facebookSent} Facebook publications sent, ${posts.length - postDuplicates} distinct posts received`);
    const reconciledSends = (await q<{ n: number }>(`select count(*)::int as n from content.message_send where tenant_id = any($1) and error like 'reconciled%'`, [tenantIds]))[0]!.n;
    let siteFiles = 0;
    for (const tenantId of tenantIds) siteFiles += (await readdir(join(world.storageDir, tenantId, 'published')).catch(() => [] as string[])).filter((f) => f.endsWith('.html')).length;
    const siteSent = (await q<{ n: number }>(`select count(*)::int as n from content.publication where tenant_id = any($1) and connector = 'site' and status = 'sent'`, [tenantIds]))[0]!.n;
    if (siteFiles !== siteSent) problems.push(`${siteSent} site publications sent, ${siteFiles} pages on disk`);
    log(`providers: ${mails.length} e-mails (${catcher.transactions()} SMTP transactions, ${redeliveries} re-delivered under the same Message-ID), ${fakes.twilio.messages.length} SMS, ${posts.length} Facebook posts, ${siteFiles} site pages`);
    log(`publications: ${pubs!.publications} (${pubs!.sent} sent), ${pubs!.attempts} attempts: ${pubs!.interrupted} interrupted by a kill, ${pubs!.reconciled} reconciled with the provider, ${pubs!.skipped} skipped as already sent; ${reconciledSends} recipient sends reconciled (Twilio)`);
    const duplicatePublications = visibleMailDuplicates + smsDuplicates + postDuplicates + doubleSent.length;
    log(`duplicates: e-mails ${visibleMailDuplicates} (and ${redeliveries} re-delivered under the same Message-ID, one copy kept by the inbox), SMS ${smsDuplicates}, posts ${postDuplicates}, publications sent twice ${doubleSent.length}`);

    // Charges.
    const [charges] = await q<{ jobs: number; multi_settled_jobs: number; multi_settle_reservations: number; items_per_slot_over_one: number; consumed_vs_jobs: number; open: number }>(
      `with jobs as (
         select j.id, j.tenant_id, j.idempotency_key, coalesce((j.result -> 'credits' ->> 'charged')::bigint, 0) as charged
           from content.generation_job j where j.tenant_id = any($1)),
       settled as (
         select j.id, count(r.id) as n from jobs j
           join billing.credit_reservation r on r.tenant_id = j.tenant_id and (r.idempotency_key = j.idempotency_key || ':reserve' or r.idempotency_key like j.idempotency_key || ':reserve:%')
          where r.status = 'settled' group by j.id),
       settles as (
         select t.reservation_id, count(*) as n from billing.credit_transfer t where t.tenant_id = any($1) and t.kind = 'settle' group by t.reservation_id),
       consumed as (
         select e.tenant_id, coalesce(sum(e.amount) filter (where e.account = 'consumed'), 0) as consumed
           from billing.credit_entry e where e.tenant_id = any($1) group by e.tenant_id),
       charged as (select tenant_id, sum(charged) as charged from jobs group by tenant_id)
       select (select count(*)::int from jobs) as jobs,
              (select count(*)::int from settled where n > 1) as multi_settled_jobs,
              (select count(*)::int from settles where n > 1) as multi_settle_reservations,
              (select count(*)::int from (select calendar_slot_id from content.content_item where tenant_id = any($1) group by calendar_slot_id having count(*) > 1) x) as items_per_slot_over_one,
              (select count(*)::int from charged c left join consumed k on k.tenant_id = c.tenant_id where coalesce(k.consumed, 0) <> c.charged) as consumed_vs_jobs,
              (select count(*)::int from billing.credit_reservation where tenant_id = any($1) and status = 'open') as open`, [tenantIds]);
    const duplicateCharges = charges!.multi_settled_jobs + charges!.multi_settle_reservations + charges!.consumed_vs_jobs;
    if (charges!.items_per_slot_over_one) problems.push(`${charges!.items_per_slot_over_one} slots with more than one item`);
    if (charges!.open) problems.push(`${charges!.open} credit reservations left open`);
    const { rows: unbalanced } = await world.admin.query(
      `select t.id from billing.credit_transfer t left join billing.credit_entry e on e.tenant_id = t.tenant_id and e.transfer_id = t.id
        where t.tenant_id = any($1) group by t.id having coalesce(sum(e.amount), 0) <> 0 or count(e.id) < 2`, [tenantIds]);
    if (unbalanced.length) problems.push(`${unbalanced.length} credit transfers do not sum to zero`);
    const { rows: negative } = await world.admin.query(
      `select tenant_id, account, min(running) as low from (
         select e.tenant_id, e.account, sum(e.amount) over (partition by e.tenant_id, e.account order by t.created_at, t.id rows between unbounded preceding and current row) as running
           from billing.credit_entry e join billing.credit_transfer t on t.tenant_id = e.tenant_id and t.id = e.transfer_id
          where e.tenant_id = any($1) and e.account in ('available', 'reserved')) x
        group by tenant_id, account having min(running) < 0`, [tenantIds]);
    if (negative.length) problems.push(`${negative.length} negative running balances`);
    const [ai] = await q<{ calls: number }>(`select count(*)::int as calls from tenants.ai_call where tenant_id = any($1)`, [tenantIds]).catch(() => [{ calls: -1 }]);
    log(`charges: ${charges!.jobs} generation jobs, ${charges!.multi_settled_jobs} with more than one settled reservation, ${charges!.multi_settle_reservations} reservations settled twice, ${charges!.consumed_vs_jobs} clients whose consumed credits differ from their jobs' charges; ${ai!.calls} model calls recorded (a killed attempt's call is made again, charged once)`);
    for (const problem of problems) log(`PROBLEM: ${problem}`);

    log(machineLoad());
    console.log(`RESULT durability pipelines=${PIPELINES} completed=${completed} kills=${kills} duplicate_publications=${duplicatePublications} duplicate_charges=${duplicateCharges}`);
    if (problems.length || duplicatePublications || duplicateCharges) process.exitCode = 1;
  } finally {
    if (worker) {
      worker.kill('SIGKILL');
      await worker.exited;
    }
    await fakes.close();
    await catcher.close();
    await world.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
