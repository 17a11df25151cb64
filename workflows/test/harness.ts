// A real environment for pipeline tests and for scripts/record-history.ts: a
// fresh database (migrated + demo seed) on the PostgreSQL server of
// DATABASE_URL (default 127.0.0.1:5432), the Temporal server of
// TEMPORAL_ADDRESS (or a dev server started here), and the real worker with
// the real activities on a task queue of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { MikroORM } from '@mikro-orm/postgresql';
import { appUrl, ensureDatabase } from '@ensemble/db/connection';
import { migrate } from '@ensemble/db/migrate';
import { createOrm } from '@ensemble/db/orm';
import { seed } from '@ensemble/db/seed';
import { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { startTemporalDevServer } from '@ensemble/testing/temporal';
import { freePort } from '@ensemble/testing/ports';
import { createStorage, type ObjectStorage } from '@ensemble/storage/storage';
import { CONTENT_PUBSUB_CHANNEL, createWorker } from '../src/worker.ts';

export interface PipelineHarness {
  adminUrl: string;
  appUrl: string;
  orm: MikroORM;
  pubsub: PgPubSub;
  temporal: Client;
  taskQueue: string;
  storageDir: string;
  storage: ObjectStorage;
  /** a pg client as the database owner (test setup and assertions past RLS) */
  admin: pg.Client;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** A port of this suite's range (55700–55799) that is free now. */
async function portInRange(): Promise<number> {
  const net = await import('node:net');
  for (let i = 0; i < 100; i += 1) {
    const port = 55700 + Math.floor(Math.random() * 100);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return freePort();
}

export async function startPipelineHarness(options: { now?: () => Date; label?: string } = {}): Promise<PipelineHarness> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // already installed in this process
    }
  }
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error: unknown) => console.error('harness stop:', error));
  };
  try {
    const server = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const dbName = `ens_pipeline_${options.label ?? 'test'}_${randomBytes(4).toString('hex')}`;
    const adminUrl = await ensureDatabase(server, dbName);
    stops.push(async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      try {
        // Pools close asynchronously: give their last connections a moment before forcing.
        for (let i = 0; ; i += 1) {
          try {
            await c.query(`drop database if exists ${pg.escapeIdentifier(dbName)}${i >= 20 ? ' with (force)' : ''}`);
            break;
          } catch (error) {
            if (i >= 20) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      } finally {
        await c.end();
      }
    });
    await migrate(adminUrl);
    await seed(adminUrl);
    const app = appUrl(adminUrl);

    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('set role ensemble_owner');
    stops.push(() => admin.end());

    const orm = await createOrm({ url: app, poolMax: 8 });
    stops.push(() => orm.close());
    const pubsub = new PgPubSub(app, CONTENT_PUBSUB_CHANNEL);
    await pubsub.start();
    stops.push(() => pubsub.close());

    let address = process.env.TEMPORAL_ADDRESS;
    if (!address) {
      const dev = await startTemporalDevServer({ port: await portInRange() });
      stops.push(dev.stop);
      address = dev.address;
    }
    const clientConnection = await Connection.connect({ address });
    stops.push(() => clientConnection.close());
    const temporal = new Client({ connection: clientConnection, namespace: 'default' });

    const taskQueue = `pipeline-test-${randomBytes(4).toString('hex')}`;
    const storageDir = await mkdtemp(join(tmpdir(), 'ens-pipeline-storage-'));
    stops.push(() => rm(storageDir, { recursive: true, force: true }));

    const workerConnection = await NativeConnection.connect({ address });
    stops.push(() => workerConnection.close());
    // Site pages on local disk, so tests can read the files the pipeline wrote.
    const storage = createStorage({ driver: 'local', dir: storageDir });
    // The worker publishes only, as in production (workflows/src/worker.ts): it
    // never starts listening, so every event it publishes goes through NOTIFY.
    const workerPubsub = new PgPubSub(app, CONTENT_PUBSUB_CHANNEL);
    stops.push(() => workerPubsub.close());
    const worker: Worker = await createWorker({ connection: workerConnection, namespace: 'default', orm, pubsub: workerPubsub, taskQueue, storage, now: options.now });
    const running = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    return { adminUrl, appUrl: app, orm, pubsub, temporal, taskQueue, storageDir, storage, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
