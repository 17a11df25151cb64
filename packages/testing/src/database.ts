// A throwaway, fully migrated database per test file (useTestDatabase: the
// same with the app's ORM, an admin client and the seed, as vitest hooks).
// The server is DATABASE_URL's (the vitest global setup starts one), else an
// embedded PostgreSQL started once per process in /tmp/ensemble-test-pg-<port>.
// Migrations run once per server into a template database named after the
// migrations' content (and the month, since migrations create that month's
// event partitions); every test database is a copy of it, which takes a
// fraction of a second instead of re-running every migration.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll } from 'vitest';
import { appUrl, ensureRoles } from '../../../db/src/connection.ts';
import { listMigrations, migrate } from '../../../db/src/migrate.ts';
import { createOrm } from '../../../db/src/orm.ts';
import { seed } from '../../../db/src/seed.ts';
import { freePort } from './ports.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.ts';

export interface TestDatabase {
  /** admin (superuser) URL of the new database; appUrl(adminUrl) is the app role's */
  adminUrl: string;
  /** drops the database (idempotent) */
  drop(): Promise<void>;
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/migrations/', import.meta.url));
// Serialises template creation and role creation across test processes
// (advisory locks are per database: every process takes it in `postgres`).
const LOCK_KEY = 7_301_2027;

let embedded: Promise<{ server: EmbeddedDatabase; url: string; dir: string }> | undefined;

async function serverUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  embedded ??= (async () => {
    const port = await freePort();
    const dir = `/tmp/ensemble-test-pg-${port}`;
    const server = await startEmbeddedPostgres(`${dir}/data`, port, { persistent: false });
    // The server must not keep this process alive, nor outlive it: once the
    // event loop drains it is stopped; on exit (or a signal, through
    // embedded-postgres' own exit hook) it is killed and its directory removed.
    const child = server.process;
    child?.unref();
    for (const pipe of [child?.stdout, child?.stderr]) (pipe as Socket | null | undefined)?.unref();
    process.once('beforeExit', () => void stopTestServer());
    process.once('exit', () => {
      const pidFile = `${dir}/data/postmaster.pid`;
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (pid > 0) {
          try { process.kill(pid, 'SIGQUIT'); } catch { /* already gone */ }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    });
    return { server, url: server.url, dir };
  })();
  return (await embedded).url;
}

/** Stops the embedded server this process started, if any (DATABASE_URL's server is left alone). */
export async function stopTestServer(): Promise<void> {
  const started = embedded;
  if (!started) return;
  embedded = undefined;
  const { server, dir } = await started;
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listMigrations()) {
    hash.update(file).update(await readFile(MIGRATIONS_DIR + file));
  }
  hash.update(new Date().toISOString().slice(0, 7));
  return `ens_tpl_${hash.digest('hex').slice(0, 16)}`;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  const maintenance = withDatabase(server, 'postgres');
  const template = await templateName();
  const name = `ens_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: maintenance });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (!rowCount) {
      await admin.query(`create database ${pg.escapeIdentifier(template)}`);
      try {
        await migrate(withDatabase(server, template));
      } catch (error) {
        await admin.query(`drop database if exists ${pg.escapeIdentifier(template)} with (force)`);
        throw error;
      }
      // Older templates (previous migrations or months) are of no further use.
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database where datname like 'ens\\_tpl\\_%' and datname <> $1`, [template]);
      for (const { datname } of rows) {
        await admin.query(`drop database if exists ${pg.escapeIdentifier(datname)}`).catch(() => {});
      }
    }
    await admin.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`);
    // Database-level grants are not copied from a template.
    await ensureRoles(withDatabase(server, name));
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await admin.end();
  }
  let dropped = false;
  return {
    adminUrl: withDatabase(server, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      const client = new pg.Client({ connectionString: maintenance });
      await client.connect();
      try {
        await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface UseTestDatabaseOptions {
  /** run the demo seed (db/src/seed.ts) first; default true */
  seed?: boolean;
  /** pool size of the app-role ORM (default: createOrm's) */
  poolMax?: number;
  /** role the superuser client switches to (e.g. OWNER_ROLE, to insert fixtures the way migrations own them) */
  adminRole?: string;
}

export interface UsedTestDatabase {
  /** the app role's ORM: row-level security applies, as in the services */
  readonly orm: MikroORM;
  /** the database's superuser URL */
  readonly adminUrl: string;
  /** one superuser connection on the database (as `adminRole` when given), open for the whole file */
  readonly admin: pg.Client;
}

/**
 * The usual set-up of a database test file, registered as vitest hooks: a
 * fresh migrated database (seeded unless `seed: false`), the app's ORM on it
 * and a superuser client, all closed and dropped after the file. Read the
 * fields inside hooks and tests, once beforeAll has run.
 */
export function useTestDatabase(options: UseTestDatabaseOptions = {}): UsedTestDatabase {
  let db: TestDatabase | undefined;
  let orm: MikroORM | undefined;
  let admin: pg.Client | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    if (options.seed ?? true) await seed(db.adminUrl);
    admin = new pg.Client({ connectionString: db.adminUrl });
    await admin.connect();
    if (options.adminRole) await admin.query(`set role ${pg.escapeIdentifier(options.adminRole)}`);
    orm = await createOrm({ url: appUrl(db.adminUrl), ...(options.poolMax ? { poolMax: options.poolMax } : {}) });
  });
  afterAll(async () => {
    await orm?.close(true);
    await admin?.end();
    await db?.drop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useTestDatabase: ${what} is read before beforeAll ran`);
    return value;
  };
  return {
    get orm() { return ready(orm, 'orm'); },
    get adminUrl() { return ready(db, 'adminUrl').adminUrl; },
    get admin() { return ready(admin, 'admin'); },
  };
}
