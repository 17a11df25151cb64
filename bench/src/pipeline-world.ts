// Shared set-up of the pipeline benchmarks (durability, pipeline): a fresh
// migrated and seeded database (createTestDatabase: DATABASE_URL's server,
// else an embedded one), a Temporal dev server of our own, N bench clients
// cloned from the demo bakery (its brand DNA, auto-mode prompt layer and a
// small plan), and the real worker (`workflows/src/worker.ts`) as a CHILD
// PROCESS, so it can be SIGKILLed and its memory read from /proc. The
// workflow code is bundled once per run and handed to every worker started
// (WORKFLOW_BUNDLE_PATH), so a restart costs seconds, not a webpack build.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { appUrl, OWNER_ROLE } from '../../db/src/connection.ts';
import { createOrm, withTenant } from '../../db/src/orm.ts';
import { DEMO, seed } from '../../db/src/seed.ts';
import { createTestDatabase } from '../../packages/testing/src/database.ts';
import { startTemporalDevServer } from '../../packages/testing/src/temporal.ts';
import { attachChannel, createConnection, storeOauthToken } from '../../subgraphs/content/src/connectors/connection.service.ts';
import { createContact, createList } from '../../subgraphs/content/src/contacts/contacts.service.ts';
import { workflowBundle } from '../../workflows/src/worker.ts';
import { MONTHLY_PIPELINE_WORKFLOW, monthlyPipelineWorkflowId, type MonthlyPipelineInput } from '../../workflows/contracts/src/pipeline.ts';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WORKER_ENTRY = join(ROOT, 'workflows/src/worker.ts');

export function logger(name: string): (line: string) => void {
  return (line) => process.stderr.write(`[bench ${name}] ${line}\n`);
}

/** A port of [from, to] free right now (benchmarks keep to the range they were given). */
export async function portIn(from: number, to: number, taken: Set<number> = new Set()): Promise<number> {
  for (let i = 0; i < 200; i += 1) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** The machine's load while a benchmark ran: its figures are only comparable on a quiet machine. */
export function machineLoad(): string {
  return `load average ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${availableParallelism()} cores`;
}

export function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

/** The month before the current one (UTC): every slot of it is due, so publication has work. */
export function lastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

export interface PipelineWorld {
  adminUrl: string;
  appUrl: string;
  /** owner connection (past RLS): set-up and the checks */
  admin: pg.Client;
  temporal: Client;
  temporalAddress: string;
  taskQueue: string;
  storageDir: string;
  /** every file of this run (worker logs, the workflow bundle) */
  workDir: string;
  /** the workflow code bundled once for every worker this run starts (WORKFLOW_BUNDLE_PATH) */
  bundlePath: string;
  stop(): Promise<void>;
}

export async function startPipelineWorld(options: { label: string; temporalPort: number; log: (line: string) => void }): Promise<PipelineWorld> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error: unknown) => options.log(`stop: ${String(error)}`));
  };
  try {
    const workDir = await mkdtemp(join(tmpdir(), `ensemble-bench-${options.label}-`));
    stops.push(() => rm(workDir, { recursive: true, force: true }));
    const db = await createTestDatabase();
    stops.push(() => db.drop());
    await seed(db.adminUrl);
    const admin = new pg.Client({ connectionString: db.adminUrl });
    await admin.connect();
    stops.push(() => admin.end());
    await admin.query(`set role ${OWNER_ROLE}`);
    // In memory: only the worker is killed in these benchmarks, never the server (and SQLite on disk would time fsyncs).
    const dev = await startTemporalDevServer({ port: options.temporalPort });
    stops.push(dev.stop);
    const connection = await Connection.connect({ address: dev.address });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });
    // Bundled once: a restarted worker then polls in a second or two instead of re-running webpack.
    const bundlePath = join(workDir, 'workflow-bundle.js');
    await writeFile(bundlePath, (await workflowBundle()).code);
    options.log(`database ${new URL(db.adminUrl).pathname.slice(1)}, Temporal dev server ${dev.address} (pid ${dev.pid}), files in ${workDir}`);
    return {
      adminUrl: db.adminUrl,
      appUrl: appUrl(db.adminUrl),
      admin,
      temporal,
      temporalAddress: dev.address,
      taskQueue: `bench-${options.label}-${randomBytes(3).toString('hex')}`,
      storageDir: join(workDir, 'storage'),
      workDir,
      bundlePath,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Where the bench clients' channels publish (local servers speaking each provider's wire format). */
export interface PublishingTargets {
  smtpFrom: string;
  twilio: { accountSid: string; authToken: string };
  /** an access token the fake Graph API accepts */
  metaAccessToken: () => string;
}

export interface BenchClient {
  tenantId: string;
  name: string;
  /** per-client provider accounts, when publishing targets were given */
  twilioFrom?: string;
  facebookPageId?: string;
  contacts: Array<{ email: string; phone: string }>;
}

export interface BenchClientsOptions {
  count: number;
  postsPerMonth: number;
  /** DNA channels (at most 4 are read by the pipeline) */
  channels: string[];
  /** contacts per client on the newsletter / SMS list (all consenting) */
  contacts?: number;
  publishing?: PublishingTargets;
}

/**
 * Clients cloned from the demo bakery, inserted as the owner: its brand DNA
 * (channels replaced), its auto-mode client prompt layers, a plan of its own
 * (the Growth plan's models and credits, `postsPerMonth` posts) and an active
 * subscription. With `publishing`, the newsletter goes through an SMTP
 * connection, SMS through Twilio and Facebook through Meta, to a list of
 * consenting contacts; blog posts go to the built-in site connector.
 */
export async function createBenchClients(world: PipelineWorld, options: BenchClientsOptions): Promise<BenchClient[]> {
  const { admin } = world;
  const planId = randomUUID();
  const growth = DEMO.plans.growth;
  await admin.query(
    `insert into tenants.plan (id, code, name, description, visibility, monthly_credits, limits, features)
     select $1, $2, 'Bench plan', 'benchmark clients', 'public', monthly_credits, limits || $3::jsonb, features from tenants.plan where id = $4`,
    [planId, `bench-${planId.slice(0, 8)}`, JSON.stringify({ posts_per_month: options.postsPerMonth, channels: options.channels.length }), growth]);
  await admin.query(`insert into tenants.plan_ai_model (plan_id, model_id) select $1, model_id from tenants.plan_ai_model where plan_id = $2`, [planId, growth]);
  const { rows: [dna] } = await admin.query<{ document: Record<string, unknown>; locale: string }>(
    'select document, locale from tenants.brand_dna_snapshot where id = $1', [DEMO.dnaSnapshots.bakery]);
  const { rows: layers } = await admin.query<{ locale: string; document: Record<string, unknown> }>(
    `select distinct on (locale) locale, document from tenants.prompt_layer where tenant_id = $1 order by locale, version desc`, [DEMO.tenants.bakery]);

  const clients: BenchClient[] = [];
  const now = new Date();
  const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  for (let i = 0; i < options.count; i += 1) {
    const tenantId = randomUUID();
    const n = String(i + 1).padStart(3, '0');
    const name = `Bench bakery ${n}`;
    await admin.query('begin');
    try {
      await admin.query(
        `insert into tenants.tenant (id, kind, parent_id, ancestry, name, slug, locale, time_zone, currency)
         values ($1, 'client', $2, array[$3::uuid, $2::uuid, $1::uuid], $4, $5, 'fr', 'Europe/Paris', 'EUR')`,
        [tenantId, DEMO.tenants.direct, DEMO.tenants.platform, name, `bench-${tenantId}`]);
      const document = { ...dna!.document, channels: options.channels, identity: { ...(dna!.document.identity as Record<string, unknown>), name } };
      await admin.query(
        `insert into tenants.brand_dna_snapshot (id, tenant_id, version, document, locale, note) values ($1, $2, 1, $3::jsonb, $4, 'bench clone of the demo bakery')`,
        [randomUUID(), tenantId, JSON.stringify(document), dna!.locale]);
      for (const layer of layers) {
        await admin.query(`insert into tenants.prompt_layer (id, tenant_id, level, locale, version, document, note) values ($1, $2, 'client', $3, 1, $4::jsonb, 'bench')`,
          [randomUUID(), tenantId, layer.locale, JSON.stringify({ ...layer.document, publishing: { mode: 'auto' } })]);
      }
      await admin.query(
        `insert into billing.subscription (id, tenant_id, plan_id, status, interval, currency, price_minor, seller_tenant_id, current_period_start, current_period_end)
         values ($1, $2, $3, 'active', 'month', 'EUR', 0, $4, $5, $6)`,
        [randomUUID(), tenantId, planId, DEMO.tenants.direct, periodStart, periodEnd]);
      for (const kind of options.channels) {
        await admin.query(`insert into content.channel (id, tenant_id, kind, name, locale, settings) values ($1, $2, $3, $4, 'fr', '{}'::jsonb)`,
          [randomUUID(), tenantId, kind, `${kind} ${name}`]);
      }
      await admin.query('commit');
    } catch (error) {
      await admin.query('rollback').catch(() => {});
      throw error;
    }
    clients.push({ tenantId, name, contacts: [] });
  }
  if (options.publishing) await connectClients(world, clients, options.publishing, options.contacts ?? 3);
  return clients;
}

/** Connections, a list of consenting contacts and the channels' settings, through the product's own services. */
async function connectClients(world: PipelineWorld, clients: BenchClient[], targets: PublishingTargets, contacts: number): Promise<void> {
  const orm = await createOrm({ url: world.appUrl, poolMax: 2 });
  try {
    for (const [index, client] of clients.entries()) {
      const { tenantId } = client;
      const channels = new Map((await world.admin.query<{ id: string; kind: string }>('select id, kind from content.channel where tenant_id = $1', [tenantId])).rows.map((r) => [r.kind, r.id]));
      client.twilioFrom = `+3375${String(1000000 + index).slice(-7)}`;
      client.facebookPageId = `10${String(100000000 + index)}`;
      await withTenant(orm, tenantId, null, async ({ em }) => {
        const list = await createList(em, tenantId, { name: 'Bench newsletter' });
        for (let c = 0; c < contacts; c += 1) {
          const contact = { email: `c${c}.${tenantId.slice(0, 8)}@bench.test`, phone: `+336${String(10000000 + index * 100 + c).slice(-8)}` };
          await createContact(em, tenantId, { ...contact, firstName: `Contact${c}`, listIds: [list.id], emailConsent: true, smsConsent: true, consentProof: { text: 'bench' } });
          client.contacts.push(contact);
        }
        const channel = (kind: string) => {
          const id = channels.get(kind);
          if (!id) throw new Error(`bench client has no ${kind} channel`);
          return id;
        };
        if (channels.has('newsletter')) {
          const smtp = await createConnection(em, { tenantId, connector: 'smtp', displayName: 'Bench relay', settings: { from: targets.smtpFrom } });
          await attachChannel(em, channel('newsletter'), smtp, { listId: list.id });
        }
        if (channels.has('sms')) {
          const twilio = await createConnection(em, {
            tenantId, connector: 'twilio', displayName: 'Bench Twilio',
            settings: { accountSid: targets.twilio.accountSid, from: client.twilioFrom }, credentials: { secret: targets.twilio.authToken },
          });
          await attachChannel(em, channel('sms'), twilio, { listId: list.id });
        }
        if (channels.has('facebook')) {
          const meta = await createConnection(em, { tenantId, connector: 'meta_pages', displayName: 'Bench page', settings: { pageId: client.facebookPageId }, externalAccountId: client.facebookPageId });
          await storeOauthToken(em, { tenantId, connectionId: meta, accessToken: targets.metaAccessToken(), expiresAt: new Date(Date.now() + 24 * 3_600_000) });
          await attachChannel(em, channel('facebook'), meta);
        }
      });
    }
  } finally {
    await orm.close(true);
  }
}

// --- the worker as a child process ---------------------------------------------

export interface WorkerProcess {
  pid: number;
  /** resolves once the worker polls (its "worker polling" line) */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  startedAt: number;
  kill(signal: NodeJS.Signals): void;
}

export interface WorkerEnv {
  world: PipelineWorld;
  extraEnv?: Record<string, string>;
  /** worker stdout/stderr go here (appended) */
  logFile: string;
}

export function spawnWorker(options: WorkerEnv): WorkerProcess {
  const { world } = options;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: world.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: world.taskQueue,
    APP_DATABASE_URL: world.appUrl,
    DATABASE_URL: world.adminUrl,
    STORAGE_DIR: world.storageDir,
    WORKFLOW_BUNDLE_PATH: world.bundlePath,
    ...options.extraEnv,
  };
  const startedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, [WORKER_ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`--- worker pid ${child.pid} started ${new Date().toISOString()}\n`);
  let resolveReady!: () => void;
  let rejectReady!: (error: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => {});
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    log.write(chunk);
    buffered = (buffered + chunk.toString()).slice(-2000);
    if (buffered.includes('worker polling')) resolveReady();
  });
  child.stderr!.on('data', (chunk: Buffer) => log.write(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    child.once('exit', (code, signal) => {
      log.end(`--- worker pid ${child.pid} exited code=${code} signal=${signal}\n`);
      rejectReady(new Error(`the worker exited (code ${code}, signal ${signal}) before polling; see ${options.logFile}`));
      res({ code, signal });
    });
  });
  return {
    pid: child.pid!,
    ready,
    exited,
    startedAt,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Resident memory of a process in MB (VmRSS), null once it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system, ms) a process has used, from /proc/<pid>/stat; null once it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** CPU a process uses from now on: read at stop() (the last reading while it was alive). */
export function cpuSampler(pid: number, everyMs = 500): { ms: () => number; stop: () => void } {
  const start = cpuMs(pid) ?? 0;
  let last = start;
  const timer = setInterval(() => {
    last = cpuMs(pid) ?? last;
  }, everyMs);
  return {
    ms: () => last - start,
    stop: () => {
      last = cpuMs(pid) ?? last;
      clearInterval(timer);
    },
  };
}

/** Samples a process's RSS every `everyMs`; `peak` is the highest seen. */
export function sampleRss(pid: () => number | null, everyMs = 200): { peak: () => number; stop: () => void } {
  let peak = 0;
  const timer = setInterval(() => {
    const id = pid();
    const mb = id ? rssMb(id) : null;
    if (mb !== null && mb > peak) peak = mb;
  }, everyMs);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

// --- pipelines ---------------------------------------------------------------

export async function startPipelines(world: PipelineWorld, clients: BenchClient[], month: string): Promise<string[]> {
  const ids: string[] = [];
  for (const client of clients) {
    const workflowId = monthlyPipelineWorkflowId(client.tenantId, month);
    const input: MonthlyPipelineInput = { tenantId: client.tenantId, month, trigger: 'manual', requestedBy: null };
    await world.temporal.workflow.start(MONTHLY_PIPELINE_WORKFLOW, { workflowId, taskQueue: world.taskQueue, args: [input] });
    ids.push(workflowId);
  }
  return ids;
}

export type ExecutionStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'CONTINUED_AS_NEW' | 'TIMED_OUT' | 'UNKNOWN' | 'MISSING';

export async function executionStatuses(world: PipelineWorld, workflowIds: string[]): Promise<Map<string, ExecutionStatus>> {
  const out = new Map<string, ExecutionStatus>();
  // A few at a time: the dev server shares the machine.
  for (let i = 0; i < workflowIds.length; i += 20) {
    await Promise.all(workflowIds.slice(i, i + 20).map(async (id) => {
      try {
        out.set(id, (await world.temporal.workflow.getHandle(id).describe()).status.name as ExecutionStatus);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) out.set(id, 'MISSING');
        else throw error;
      }
    }));
  }
  return out;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
