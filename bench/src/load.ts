// A bounded closed-loop load on one loopback URL with autocannon: a warm-up,
// then a measured run. Every response's latency is kept, so p95 is exact
// (autocannon's own summary has p90 and p97.5, no p95); every body is compared
// with the one expected, so wrong or erroring answers are counted, not timed.
// CPU time of the processes named in `cpu` is read from /proc around the
// measured run: CPU per request is the least noisy figure on a shared machine.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** the exact body every response must have */
  expectBody: string;
  /** name → cumulative CPU milliseconds of a process or group (e.g. `() => cpuMs(pid)`) */
  cpu: Record<string, () => number>;
}

export interface LoadOptions {
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** run around the measured run only (not the warm-up) */
  beforeMeasure?: () => Promise<void>;
  afterMeasure?: () => Promise<void>;
}

export interface LoadResult {
  name: string;
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  mismatches: number;
  /** name → CPU milliseconds per completed request */
  cpuMsPerRequest: Record<string, number>;
  /** this process (autocannon) */
  loadGeneratorCpuMsPerRequest: number;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields of /proc/<pid>/stat from the state on (index 0 = state, 1 = ppid, 11 = utime, 12 = stime, 13 = cutime, 14 = cstime). */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted after its ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a process, in milliseconds. */
export function cpuMs(pid: number): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * CPU milliseconds of a process and of its children, alive or exited
 * (PostgreSQL: the postmaster and its backends). A reaped child's time moves
 * into its parent's cutime/cstime, so the sum never goes back.
 */
export function treeCpuMs(pid: number): number {
  const fields = statFields(pid);
  let total = ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) total += cpuMs(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** The pid of the process listening on a loopback TCP port. */
export function pidListeningOn(port: number): number {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no process found listening on port ${port}`);
  return Number(pid);
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // Nearest rank.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

type CannonResult = Parameters<Parameters<typeof autocannon>[1]>[1];

interface Run {
  latencies: number[];
  result: CannonResult;
  seconds: number;
}

function cannon(target: LoadTarget, connections: number, seconds: number, keepLatencies: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const started = process.hrtime.bigint();
    const instance = autocannon({
      url: target.url,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...target.headers },
      body: target.body,
      connections,
      duration: seconds,
      pipelining: 1,
      timeout: 10,
      verifyBody: (body) => body === target.expectBody,
    }, (error, result) => {
      if (error) reject(error);
      else resolve({ latencies, result, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
    if (keepLatencies) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status >= 200 && status < 300) latencies.push(ms);
      });
    }
  });
}

export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await cannon(target, options.connections, options.warmupSeconds, false);
  await options.beforeMeasure?.();
  const before = Object.fromEntries(Object.entries(target.cpu).map(([name, read]) => [name, read()]));
  const ownBefore = process.cpuUsage();
  const run = await cannon(target, options.connections, options.seconds, true);
  const own = process.cpuUsage(ownBefore);
  const after = Object.fromEntries(Object.entries(target.cpu).map(([name, read]) => [name, read()]));
  await options.afterMeasure?.();
  const sorted = Float64Array.from(run.latencies).sort();
  const good = run.result['2xx'] - run.result.mismatches;
  return {
    name: target.name,
    requests: good,
    seconds: run.seconds,
    rps: good / run.seconds,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    errors: run.result.errors,
    non2xx: run.result.non2xx,
    mismatches: run.result.mismatches,
    cpuMsPerRequest: Object.fromEntries(Object.keys(target.cpu).map((name) => [name, good ? (after[name]! - before[name]!) / good : Number.NaN])),
    loadGeneratorCpuMsPerRequest: good ? (own.user + own.system) / 1000 / good : Number.NaN,
  };
}
