// `npm run bench -- gateway` (issue "Foundation" §10). A whole stack on
// loopback (own PostgreSQL with pg_stat_statements, Temporal dev server, the
// four subgraphs, the worker, our gateway) plus Hive Gateway on the same
// supergraph and subgraphs. Measures:
//   - a query crossing all four subgraphs, as a client admin, through our
//     gateway (with a JWT it verifies) and through Hive Gateway (with a
//     pre-signed internal identity token it forwards: Hive does not verify
//     our JWTs), and the content subgraph called directly for its part;
//   - the SQL statements one list query makes PostgreSQL run for 10, 100 and
//     1,000 items (must not grow with the list: dataloaders batch).
// Last line: RESULT gateway rps=… rps_hive=… p95_ms=… p95_hive_ms=… sql_per_request_{10,100,1000}=…
// Knobs: BENCH_CONNECTIONS (10), BENCH_SECONDS (15), BENCH_WARMUP_SECONDS (3), BENCH_ROUNDS (3).
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { freePorts, ROOT, startStack, type StackPorts } from '../../scripts/stack.ts';
import { APP_ROLE, OWNER_ROLE, ensureDatabase } from '../../db/src/connection.ts';
import { freePort } from '../../packages/testing/src/ports.ts';
import { loginAs } from '../../packages/testing/src/graphql.ts';
import { GATEWAY_IDENTITY_HEADER, signAccessToken, signInternalIdentity, verifyAccessToken, type Identity } from '../../packages/tenancy/src/identity.ts';
import { startCountingPostgres, StatementCounter, type StatementCount } from './sql-counter.ts';
import { startHiveGateway } from './hive-gateway.ts';
import { cpuMs, pidListeningOn, runLoad, treeCpuMs, type LoadResult } from './load.ts';

function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw ? Number(raw) : fallback;
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

const CONNECTIONS = knob('BENCH_CONNECTIONS', 10);
const SECONDS = knob('BENCH_SECONDS', 15);
const WARMUP_SECONDS = knob('BENCH_WARMUP_SECONDS', 3);
const ROUNDS = knob('BENCH_ROUNDS', 3);
const LIST_SIZES = [10, 100, 1000] as const;
const SQL_REPEATS = 3;

/** Four subgraphs: tenants (viewer, name), content (items, bodies by dataloader), billing, analytics. */
const CROSS_QUERY = '{ viewer { tenant { name contentItems(limit: 5) { id title body status } creditBalance { available } eventCount } } }';
/** The content subgraph's own part, called directly. */
const DIRECT_QUERY = '{ contentItems(limit: 5) { title } }';
/** The list query of the SQL count: four subgraphs, n items with their bodies. */
const LIST_QUERY = 'query List($n: Int!) { viewer { tenant { name creditBalance { available } eventCount } } contentItems(limit: $n) { id title body status } }';
/** The same items reached as a federated entity field (Tenant.contentItems, at most 200). */
const ENTITY_LIST_QUERY = 'query EntityList($n: Int!) { viewer { tenant { contentItems(limit: $n) { id title body status } } } }';

const log = (line: string) => process.stderr.write(`[bench gateway] ${line}\n`);

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<{ text: string; json: GraphQLBody }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 500)}`);
  const json = JSON.parse(text) as GraphQLBody;
  if (json.errors?.length || !json.data) throw new Error(`${url} answered with errors: ${JSON.stringify(json.errors).slice(0, 500)}`);
  return { text, json };
}

/** Tops the tenant up to `count` content items, each with a current version (as the owner role, past RLS). */
async function loadItems(adminUrl: string, tenantId: string, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`set role ${OWNER_ROLE}`);
    await client.query(`
      with missing as (select greatest(0, $2::int - count(*)::int) as n from content.content_item where tenant_id = $1::uuid),
      items as (
        insert into content.content_item (id, tenant_id, channel, title, status, mode, locale, current_version, updated_at)
        select gen_random_uuid(), $1::uuid, 'blog', 'Benchmark item ' || g, 'draft', 'manual', 'fr', 1, now() - make_interval(secs => g)
          from missing, generate_series(1, missing.n) g
        returning id, tenant_id, title)
      insert into content.content_version (id, tenant_id, item_id, version, title, body, author)
      select gen_random_uuid(), tenant_id, id, 1, title, repeat('Pain au levain, cuit chaque matin. ', 20), 'human' from items`,
    [tenantId, count]);
    const { rows: [row] } = await client.query<{ n: number }>('select count(*)::int as n from content.content_item where tenant_id = $1', [tenantId]);
    return row!.n;
  } finally {
    await client.end();
  }
}

/** The repository's supergraph with each subgraph's URL pointed at this stack's port (nothing else changes). */
function supergraphFor(sdl: string, ports: StackPorts): string {
  const byName: Record<string, number> = { tenants: ports.tenants, content: ports.content, analytics: ports.analytics, billing: ports.billing };
  const seen = new Set<string>();
  const out = sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (_match, name: string) => {
    const port = byName[name];
    if (!port) throw new Error(`supergraph names an unknown subgraph ${name}`);
    seen.add(name);
    return `@join__graph(name: "${name}", url: "http://127.0.0.1:${port}/graphql")`;
  });
  if (seen.size !== Object.keys(byName).length) throw new Error(`supergraph lists ${[...seen].join(', ')}, expected the four subgraphs`);
  return out;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const pad = (s: string, n: number) => s.padStart(n);

interface Measured extends LoadResult {
  /** SQL statements during the measured run / completed requests */
  sqlPerRequest: number;
}

function printLoadTable(results: Measured[]): void {
  const head = ['target', 'rps', 'p50 ms', 'p95 ms', 'p99 ms', 'gw CPU', 'subgraphs CPU', 'PG CPU', 'loadgen CPU', 'SQL/req', 'requests', 'bad'];
  const widths = [24, 7, 7, 7, 7, 7, 13, 7, 11, 8, 9, 4];
  console.log(head.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : pad(h, widths[i]!))).join(' '));
  for (const r of results) {
    const cpu = r.cpuMsPerRequest;
    const gw = cpu['gateway'];
    const subgraphs = ['tenants', 'content', 'analytics', 'billing'].reduce((n, k) => n + (cpu[k] ?? 0), 0);
    const row = [r.name.padEnd(widths[0]!), fmt(r.rps, 0), fmt(r.p50Ms), fmt(r.p95Ms), fmt(r.p99Ms), gw === undefined ? '-' : fmt(gw, 2), fmt(subgraphs, 2),
      fmt(cpu['postgres'] ?? Number.NaN, 2), fmt(r.loadGeneratorCpuMsPerRequest, 2), fmt(r.sqlPerRequest, 1), String(r.requests), String(r.errors + r.non2xx + r.mismatches)];
    console.log(row.map((c, i) => (i === 0 ? c : pad(c, widths[i]!))).join(' '));
  }
  console.log('CPU columns: milliseconds of CPU per completed request (gw: the gateway process; subgraphs: the four; PG: postmaster + backends; loadgen: autocannon).');
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ens-bench-gateway-'));
  const logDir = join(work, 'logs');
  mkdirSync(logDir, { recursive: true });
  const cleanups: Array<() => Promise<void>> = [];
  let failed = false;
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping everything`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  try {
    // Our own secrets, so this process can sign the tokens the stack accepts.
    if (!process.env.JWT_SECRET || !process.env.GATEWAY_SECRET) {
      process.env.JWT_SECRET = randomBytes(32).toString('base64url');
      process.env.GATEWAY_SECRET = randomBytes(32).toString('base64url');
    }

    log(`work dir ${work}`);
    const db = await startCountingPostgres(join(work, 'postgres'), await freePort());
    cleanups.push(db.stop);
    const adminUrl = await ensureDatabase(db.url, 'ensemble');
    const ports = await freePorts();
    const stack = await startStack({ dataDir: work, ports, web: false, databaseUrl: adminUrl, nodeEnv: 'production', log: (l) => log(`stack: ${l}`) });
    cleanups.push(stack.stop);
    const counter = await StatementCounter.open(adminUrl, APP_ROLE);
    cleanups.push(() => counter.close());

    const tenantId = stack.demo.tenants.bakery;
    const items = await loadItems(adminUrl, tenantId, Math.max(...LIST_SIZES));
    log(`client ${tenantId} has ${items} content items`);

    const supergraphPath = join(work, 'supergraph.graphql');
    await writeFile(supergraphPath, supergraphFor(await readFile(join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'), ports));
    const hive = await startHiveGateway({ supergraphPath, port: await freePort(), logFile: join(logDir, 'hive.log') });
    cleanups.push(hive.stop);
    log(`Hive Gateway at ${hive.url} (pid ${hive.pid})`);

    const login = stack.demo.logins.clientAdmin;
    const identity: Identity | null = await verifyAccessToken(await loginAs(stack.gatewayUrl, login.email, stack.demo.password));
    if (!identity || identity.tenantId !== tenantId) throw new Error(`login as ${login.email} did not give the bakery's identity`);
    // Signed right before each use: internal tokens live 60 s, access tokens 15 min.
    const bearer = async () => ({ authorization: `Bearer ${await signAccessToken(identity)}` });
    const internal = async () => ({ [GATEWAY_IDENTITY_HEADER]: await signInternalIdentity(identity) });
    const contentUrl = `http://127.0.0.1:${ports.content}/graphql`;

    // --- Same answers from both gateways, and the direct part.
    const crossBody = JSON.stringify({ query: CROSS_QUERY });
    const directBody = JSON.stringify({ query: DIRECT_QUERY });
    const ours = await post(stack.gatewayUrl, await bearer(), crossBody);
    const theirs = await post(hive.url, await internal(), crossBody);
    const direct = await post(contentUrl, await internal(), directBody);
    if (!isDeepStrictEqual(ours.json.data, theirs.json.data)) {
      throw new Error(`the gateways disagree:\nours: ${ours.text.slice(0, 400)}\nHive: ${theirs.text.slice(0, 400)}`);
    }
    const tenant = (ours.json.data!['viewer'] as { tenant: { contentItems: unknown[] } }).tenant;
    if (tenant.contentItems.length !== 5) throw new Error('the cross-subgraph query did not return 5 items');

    // --- SQL statements per list query, nothing else running (the worker is idle).
    const idle = await counter.around(() => sleep(1000));
    const crossSql = (await counter.around(async () => { await post(stack.gatewayUrl, await bearer(), crossBody); })).total;
    const crossSqlHive = (await counter.around(async () => { await post(hive.url, await internal(), crossBody); })).total;
    const directSql = (await counter.around(async () => { await post(contentUrl, await internal(), directBody); })).total;
    const sqlCounts = new Map<string, { counts: number[]; breakdown: StatementCount }>();
    const countList = async (label: string, query: string, n: number) => {
      const body = JSON.stringify({ query, variables: { n } });
      const check = async () => {
        const { json } = await post(stack.gatewayUrl, await bearer(), body);
        const data = json.data as { contentItems?: unknown[]; viewer: { tenant: { contentItems?: unknown[] } } };
        const got = (data.contentItems ?? data.viewer.tenant.contentItems ?? []).length;
        if (got !== n) throw new Error(`${label}: asked for ${n} items, got ${got}`);
      };
      // Warm: pools hold their connections, caches are filled.
      await check();
      await check();
      const counts: number[] = [];
      let breakdown: StatementCount | null = null;
      for (let i = 0; i < SQL_REPEATS; i++) {
        const count = await counter.around(check);
        counts.push(count.total);
        if (!breakdown || count.total < breakdown.total) breakdown = count;
      }
      sqlCounts.set(`${label}:${n}`, { counts, breakdown: breakdown! });
      return Math.min(...counts);
    };
    const sql: Record<number, number> = {};
    for (const n of LIST_SIZES) sql[n] = await countList('list', LIST_QUERY, n);
    const sqlEntity: Record<number, number> = {};
    for (const n of [10, 100, 200]) sqlEntity[n] = await countList('entity', ENTITY_LIST_QUERY, n);

    // --- Load.
    const pid = {
      gateway: pidListeningOn(ports.gateway), tenants: pidListeningOn(ports.tenants), content: pidListeningOn(ports.content),
      analytics: pidListeningOn(ports.analytics), billing: pidListeningOn(ports.billing), postgres: pidListeningOn(db.port),
    };
    const subgraphsCpu = {
      tenants: () => cpuMs(pid.tenants), content: () => cpuMs(pid.content), analytics: () => cpuMs(pid.analytics), billing: () => cpuMs(pid.billing),
      postgres: () => treeCpuMs(pid.postgres),
    };
    const target = async (name: string, url: string, headers: Record<string, string>, body: string, expectBody: string, cpu: Record<string, () => number>): Promise<Measured> => {
      log(`load: ${name}, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s`);
      let statements = 0;
      const result = await runLoad({ name, url, headers, body, expectBody, cpu }, {
        connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS,
        // Statements under load show how much subgraph work in-flight deduplication saved.
        beforeMeasure: () => counter.reset(),
        afterMeasure: async () => { statements = (await counter.read()).total; },
      });
      return { ...result, sqlPerRequest: result.requests ? statements / result.requests : Number.NaN };
    };
    const results: Measured[] = [];
    results.push(await target('content subgraph direct', contentUrl, await internal(), directBody, direct.text, { content: subgraphsCpu.content, postgres: subgraphsCpu.postgres }));
    const oursRuns: Measured[] = [];
    const hiveRuns: Measured[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      oursRuns.push(await target(`our gateway #${round}`, stack.gatewayUrl, await bearer(), crossBody, ours.text, { gateway: () => cpuMs(pid.gateway), ...subgraphsCpu }));
      hiveRuns.push(await target(`Hive Gateway #${round}`, hive.url, await internal(), crossBody, theirs.text, { gateway: () => cpuMs(hive.pid), ...subgraphsCpu }));
    }
    results.push(...oursRuns, ...hiveRuns);
    // Best round of each: the machine is shared, the best run is the least disturbed.
    const best = (runs: Measured[]) => runs.reduce((a, b) => (b.rps > a.rps ? b : a));
    const oursBest = best(oursRuns);
    const hiveBest = best(hiveRuns);
    const directResult = results[0]!;

    // --- Report.
    console.log('');
    console.log(`Cross-subgraph query (tenants, content, billing, analytics) as ${login.email}: ${CROSS_QUERY}`);
    console.log(`Direct: content subgraph, ${DIRECT_QUERY}. ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per run, loopback.`);
    printLoadTable(results);
    const ratio = oursBest.rps / hiveBest.rps;
    console.log(`our gateway / Hive Gateway throughput (best rounds): ${fmt(ratio, 2)}×`);
    console.log('');
    console.log(`SQL statements per request (pg_stat_statements, role ${APP_ROLE}, ${SQL_REPEATS} runs each, min shown; idle 1 s: ${idle.total})`);
    console.log(`one cross-subgraph query alone: ${crossSql} (ours), ${crossSqlHive} (Hive); the direct query alone: ${directSql}`);
    console.log(`list query: ${LIST_QUERY}`);
    for (const n of LIST_SIZES) console.log(`  ${pad(String(n), 5)} items: ${pad(String(sql[n]), 3)} statements  runs ${sqlCounts.get(`list:${n}`)!.counts.join('/')}`);
    console.log(`entity path: ${ENTITY_LIST_QUERY}`);
    for (const n of [10, 100, 200]) console.log(`  ${pad(String(n), 5)} items: ${pad(String(sqlEntity[n]), 3)} statements  runs ${sqlCounts.get(`entity:${n}`)!.counts.join('/')}`);
    console.log(`statements of one list query with ${Math.max(...LIST_SIZES)} items:`);
    for (const s of sqlCounts.get(`list:${Math.max(...LIST_SIZES)}`)!.breakdown.statements) console.log(`  ${pad(String(s.calls), 3)}× ${s.query.slice(0, 150)}`);

    const listCounts = LIST_SIZES.map((n) => sql[n]!);
    const entityCounts = [10, 100, 200].map((n) => sqlEntity[n]!);
    if (new Set(listCounts).size !== 1 || new Set(entityCounts).size !== 1) {
      failed = true;
      console.log('FAIL: SQL statements per request grow with the list (see the breakdown above for the statement that repeats)');
    }
    const bad = results.filter((r) => r.errors + r.non2xx + r.mismatches > 0);
    if (bad.length) {
      failed = true;
      console.log(`FAIL: wrong or failed responses under load: ${bad.map((r) => `${r.name} (${r.errors} errors, ${r.non2xx} non-2xx, ${r.mismatches} wrong bodies)`).join(', ')}`);
    }
    if (ratio < 1) console.log(`note: our gateway is ${fmt((1 - ratio) * 100, 0)}% below Hive Gateway's throughput`);

    const result = [
      `rps=${fmt(oursBest.rps)}`, `rps_hive=${fmt(hiveBest.rps)}`, `p95_ms=${fmt(oursBest.p95Ms)}`, `p95_hive_ms=${fmt(hiveBest.p95Ms)}`,
      ...LIST_SIZES.map((n) => `sql_per_request_${n}=${sql[n]}`),
      `rps_direct=${fmt(directResult.rps)}`, `p95_direct_ms=${fmt(directResult.p95Ms)}`,
      `gw_cpu_ms_per_req=${fmt(oursBest.cpuMsPerRequest['gateway']!, 3)}`, `hive_cpu_ms_per_req=${fmt(hiveBest.cpuMsPerRequest['gateway']!, 3)}`,
    ];
    console.log(`RESULT gateway ${result.join(' ')}`);
  } catch (error) {
    failed = true;
    log(`failed: ${(error as Error).stack ?? String(error)}`);
    log(`logs kept in ${logDir}`);
  } finally {
    await cleanup();
  }
  if (!failed) await rm(work, { recursive: true, force: true });
  process.exitCode = failed ? 1 : 0;
}

await main();
