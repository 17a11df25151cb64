// The one Temporal worker process: workflows from ./workflows.ts (bundled
// once per process), activities built by factories with their dependencies
// injected (ORM, progress pub/sub, storage, clock).
//
// Env (main): TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE (default),
// TEMPORAL_TASK_QUEUE (the contracts' TASK_QUEUE), APP_DATABASE_URL or
// DATABASE_URL (see db/src/connection.ts), STORAGE_DIR (.data/storage),
// WORKFLOW_BUNDLE_PATH (a prebuilt workflow bundle; default: bundled at start).
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createOrm } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { configuredStorage, type ObjectStorage } from '@ensemble/storage/storage';
import { TASK_QUEUE } from '@ensemble/workflow-contracts/pipeline';
import { createPipelineActivities, type PipelineActivityDeps } from './pipeline/monthly-pipeline.activities.ts';
import { createCreditExpiryActivities } from './billing/credit-expiry.activities.ts';
import { createApprovalActivities } from './approval/approval.activities.ts';
import { ensureCreditSchedules } from './billing/credit-schedules.ts';
import { createPipelineScheduleActivities } from './pipeline/pipeline-schedule.activities.ts';
import { ensureMonthlySchedules } from './pipeline/pipeline-schedules.ts';
import { createOnboardingActivities } from './onboarding/onboarding.activities.ts';
import { reportOfflineSpeechEngine } from '@ensemble/ai/speech-support';
import { ONBOARDING_PUBSUB_CHANNEL } from '@ensemble/workflow-contracts/onboarding';
import { createWatchActivities, type WatchActivityDeps } from './watch/competitor-watch.activities.ts';
import { ensureCompetitorWatchSchedule } from './watch/competitor-watch-schedules.ts';

/** The content subgraph listens on this channel (pipelineProgress). */
export const CONTENT_PUBSUB_CHANNEL = 'ensemble_content';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflow bundle, built once per process (webpack takes a few seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
  return bundle;
}

/**
 * The workflow code a worker runs: a bundle built beforehand when
 * WORKFLOW_BUNDLE_PATH names one (a deploy step, or a benchmark that restarts
 * workers and should not pay webpack each time), else bundled now.
 */
async function workerBundle(): Promise<WorkflowBundleOption> {
  const codePath = process.env.WORKFLOW_BUNDLE_PATH;
  return codePath ? { codePath } : workflowBundle();
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  orm: MikroORM;
  pubsub: PipelineActivityDeps['pubsub'];
  /** W3 progress goes to the tenants subgraph's channel (ONBOARDING_PUBSUB_CHANNEL); default: pubsub */
  onboardingPubsub?: PipelineActivityDeps['pubsub'];
  taskQueue?: string;
  /** where site pages go (default: the storage the environment configures, as the media library) */
  storage?: ObjectStorage;
  now?: () => Date;
  /** C11: the watch's fetcher and SMTP connector (defaults: from the environment) */
  watch?: Omit<WatchActivityDeps, 'orm' | 'now'>;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  // Transcription runs here: tell the onboarding wizard whether this host has the offline engine.
  const missing = await reportOfflineSpeechEngine(options.orm);
  if (missing.length) console.warn(`Offline speech-to-text is not installed on this worker (missing: ${missing.join(', ')}); English recordings need a speech-to-text provider.`);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? process.env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE,
    workflowBundle: await workerBundle(),
    activities: {
      ...createPipelineActivities({
        orm: options.orm,
        pubsub: options.pubsub,
        storage: options.storage ?? configuredStorage(),
        now: options.now,
      }),
      ...createCreditExpiryActivities({ orm: options.orm, now: options.now }),
      ...createApprovalActivities({ orm: options.orm, pubsub: options.pubsub }),
      ...createPipelineScheduleActivities({ orm: options.orm, now: options.now }),
      ...createOnboardingActivities({ orm: options.orm, pubsub: options.onboardingPubsub ?? options.pubsub }),
      ...createWatchActivities({ orm: options.orm, now: options.now, ...options.watch }),
    },
    // Two cores shared by everything in the default setup: modest concurrency.
    maxConcurrentActivityTaskExecutions: 8,
  });
}

async function main(): Promise<void> {
  // Our own signal handling below: stop polling, drain, then close resources.
  Runtime.install({ shutdownSignals: [] });
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const dbUrl = process.env.APP_DATABASE_URL ?? appUrl();
  const orm = await createOrm({ url: dbUrl, poolMax: 8 });
  const pubsub = new PgPubSub(dbUrl, CONTENT_PUBSUB_CHANNEL);
  const onboardingPubsub = new PgPubSub(dbUrl, ONBOARDING_PUBSUB_CHANNEL);
  const connection = await NativeConnection.connect({ address });
  const worker = await createWorker({ connection, namespace, orm, pubsub, onboardingPubsub });
  // Recurring jobs: B2 expiry of orphaned credit reservations, W1 monthly pipelines.
  const clientConnection = await Connection.connect({ address });
  try {
    const temporal = new Client({ connection: clientConnection, namespace });
    const taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE;
    await ensureCreditSchedules(temporal, { taskQueue });
    // W1: each client's month starts on its own schedule, in its time zone.
    await ensureMonthlySchedules(temporal, orm, taskQueue);
    // C11 / W4: one sweep for every client's competitor sources.
    await ensureCompetitorWatchSchedule(temporal, { taskQueue });
  } finally {
    await clientConnection.close();
  }
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`worker polling ${address} namespace=${namespace} taskQueue=${process.env.TEMPORAL_TASK_QUEUE ?? TASK_QUEUE}`);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await pubsub.close();
    await onboardingPubsub.close();
    await orm.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
