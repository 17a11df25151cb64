// Once per `vitest run`: one PostgreSQL server (embedded unless DATABASE_URL)
// and one Temporal dev server (unless TEMPORAL_ADDRESS). Each test file then
// creates its own database (createTestDatabase) and its own task queue, so
// files stay independent while sharing the servers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { startTemporalDevServer } from './temporal.ts';
import { freePort } from './ports.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  if (!process.env.DATABASE_URL) {
    const dir = await mkdtemp(join(tmpdir(), 'ensemble-test-pg-'));
    const db = await startEmbeddedPostgres(join(dir, 'data'), await freePort());
    process.env.DATABASE_URL = db.url;
    stops.push(async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    });
  }
  if (!process.env.TEMPORAL_ADDRESS) {
    const temporal = await startTemporalDevServer({ port: await freePort() });
    process.env.TEMPORAL_ADDRESS = temporal.address;
    stops.push(temporal.stop);
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
