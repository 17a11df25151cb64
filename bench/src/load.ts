// A bounded closed-loop load on one loopback URL with autocannon: a warm-up,
// then a measured run. Every response's latency is kept, so p95 is exact
// (autocannon's own summary has p90 and p97.5, no p95); every body is compared
// with the one expected, so wrong or erroring answers are counted, not timed.
// CPU time of the processes named in `cpu` is read from /proc around the
// measured run: CPU per request is the least noisy figure on a shared machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** the exact body every response must have */
  expectBody: string;
  /** process name → pid, whose CPU time is measured */
  cpu: Record<string, number>;
}

export interface LoadOptions {
  connections: number;
  warmupSeconds: number;
  seconds: number;
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
  /** process name → CPU milliseconds per completed request */
  cpuMsPerRequest: Record<string, number>;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process, in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
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
  const before = Object.fromEntries(Object.entries(target.cpu).map(([name, pid]) => [name, cpuMs(pid)]));
  const run = await cannon(target, options.connections, options.seconds, true);
  const after = Object.fromEntries(Object.entries(target.cpu).map(([name, pid]) => [name, cpuMs(pid)]));
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
  };
}
