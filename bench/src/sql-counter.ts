// Counts the SQL statements an operation makes PostgreSQL run, exactly, from
// PostgreSQL itself. The benchmark starts its own embedded PostgreSQL with
// pg_stat_statements preloaded (through packages/testing/src/embedded-postgres.ts's flags, and
// shared_preload_libraries needs a server start). With its defaults
// (track = top, track_utility = on) the extension adds one call for every
// top-level statement a backend executes — BEGIN, SELECT, INSERT, COMMIT
// alike — whatever the protocol; statements inside functions (the body of
// app.enter_tenant) are not top-level and are not counted. Counting only the
// application role leaves out this module's own queries.
import { startEmbeddedPostgres } from '../../packages/testing/src/embedded-postgres.ts';
import pg from 'pg';

export interface CountingPostgres {
  /** superuser URL of the `postgres` database */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startCountingPostgres(dataDir: string, port: number): Promise<CountingPostgres> {
  const server = await startEmbeddedPostgres(dataDir, port, {
    persistent: false,
    flags: ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=top'],
  });
  return { url: server.url, port, stop: server.stop };
}

export interface StatementCount {
  total: number;
  /** normalised statement text → calls, most frequent first */
  statements: Array<{ query: string; calls: number }>;
}

export class StatementCounter {
  readonly #client: pg.Client;
  readonly #role: string;

  private constructor(client: pg.Client, role: string) {
    this.#client = client;
    this.#role = role;
  }

  /** `adminUrl`: a superuser connection to the application's database. */
  static async open(adminUrl: string, role: string): Promise<StatementCounter> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query('create extension if not exists pg_stat_statements');
    return new StatementCounter(client, role);
  }

  async reset(): Promise<void> {
    await this.#client.query('select pg_stat_statements_reset()');
  }

  async read(): Promise<StatementCount> {
    const { rows } = await this.#client.query<{ query: string; calls: string }>(
      `select s.query, s.calls from pg_stat_statements s
        where s.userid = (select oid from pg_roles where rolname = $1)
          and s.dbid = (select oid from pg_database where datname = current_database())
        order by s.calls desc, s.query`, [this.#role]);
    const statements = rows.map((r) => ({ query: r.query.replace(/\s+/g, ' ').trim(), calls: Number(r.calls) }));
    return { total: statements.reduce((n, s) => n + s.calls, 0), statements };
  }

  /** Statements run by `fn` (nothing else may use the database meanwhile). */
  async around(fn: () => Promise<void>): Promise<StatementCount> {
    await this.reset();
    await fn();
    return this.read();
  }

  close(): Promise<void> {
    return this.#client.end();
  }
}
