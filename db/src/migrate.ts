// Migrations are SQL files in db/migrations, applied in name order, each in its
// own transaction, as the owner role, under an advisory lock (two starters never
// race). SQL-first because RLS policies, composite tenant keys and partitioned
// tables are beyond MikroORM's schema generator; entities-vs-tables drift is
// caught by db/test/schema.spec.ts.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { OWNER_ROLE, adminUrl, ensureRoles } from './connection.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const LOCK_KEY = 7_301_2026;

export async function listMigrations(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
}

export async function migrate(url = adminUrl(), log: (line: string) => void = () => {}): Promise<string[]> {
  await ensureRoles(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`set role ${OWNER_ROLE}`);
    await client.query('create schema if not exists app');
    await client.query('create table if not exists app.schema_migration (name text primary key, applied_at timestamptz not null default now())');
    const { rows } = await client.query<{ name: string }>('select name from app.schema_migration');
    const done = new Set(rows.map((r) => r.name));
    for (const name of await listMigrations()) {
      if (done.has(name)) continue;
      const sql = await readFile(MIGRATIONS_DIR + name, 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query('insert into app.schema_migration (name) values ($1)', [name]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(name);
      log(`applied ${name}`);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await client.end();
  }
  return applied;
}
