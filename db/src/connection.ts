// Two roles, as SPEC §7 requires: migrations run as `ensemble_owner` (owns every
// table, BYPASSRLS so its SECURITY DEFINER functions can compute scopes), the
// application connects as `ensemble_app` (not owner, not superuser, no
// BYPASSRLS): forced row-level security holds for every query it makes.
import pg from 'pg';

export const OWNER_ROLE = 'ensemble_owner';
export const APP_ROLE = 'ensemble_app';

/** DATABASE_URL: an administrative connection (superuser or a member of ensemble_owner). */
export function adminUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  return url;
}

/** The application's connection: APP_DATABASE_URL, or DATABASE_URL with the app role's credentials. */
export function appUrl(admin?: string): string {
  if (process.env.APP_DATABASE_URL) return process.env.APP_DATABASE_URL;
  const url = new URL(admin ?? adminUrl());
  url.username = APP_ROLE;
  url.password = appPassword();
  return url.toString();
}

function appPassword(): string {
  return process.env.APP_DATABASE_PASSWORD ?? 'ensemble_app_dev_password';
}

// Roles are cluster-wide: two processes preparing two databases of one server
// at once (tests, replicas starting) collide on them. These errors mean
// "someone else just did it": try again, and find it done.
const CONCURRENT_DDL = new Set(['42710', '23505', 'XX000', '40001', '40P01']);

/** Creates the two roles when missing (needs a superuser; otherwise they must exist). */
export async function ensureRoles(admin = adminUrl()): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await createRoles(admin);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || !code || !CONCURRENT_DDL.has(code)) throw error;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function createRoles(admin: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      'select rolname from pg_roles where rolname = any($1)', [[OWNER_ROLE, APP_ROLE]]);
    const existing = new Set(rows.map((r) => r.rolname));
    if (!existing.has(OWNER_ROLE)) {
      await client.query(`create role ${OWNER_ROLE} nologin bypassrls`);
    }
    if (!existing.has(APP_ROLE)) {
      await client.query(`create role ${APP_ROLE} login nosuperuser nobypassrls password ${pg.escapeLiteral(appPassword())}`);
    }
    await client.query(`grant ${OWNER_ROLE} to current_user`);
    const { rows: [db] } = await client.query<{ db: string }>('select current_database() as db');
    await client.query(`grant connect, temporary on database ${pg.escapeIdentifier(db!.db)} to ${APP_ROLE}`);
    await client.query(`grant create on database ${pg.escapeIdentifier(db!.db)} to ${OWNER_ROLE}`);
  } finally {
    await client.end();
  }
}

/** Creates a database if it does not exist (admin connection to any database of the cluster). */
export async function ensureDatabase(admin: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
