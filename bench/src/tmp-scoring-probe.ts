// TEMPORARY (helper's profiling probe; removed before hand-off).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { generateOffline } from '../../packages/ai/src/offline-model.ts';
import { FITNESS_DNA } from '../../db/src/seed/demo-brands.ts';
import { loginAs, graphql } from '../../packages/testing/src/graphql.ts';
import { freePorts, startStack } from '../../scripts/stack.ts';
import { cpuMs, pidListeningOn } from './load.ts';

const log = (l: string) => process.stderr.write(`[probe] ${l}\n`);
function text(variant: number): string {
  const blocks: string[] = []; let n = 0;
  for (let seed = 0; n < 2000; seed++) {
    const post = generateOffline({ dna: FITNESS_DNA, brief: { topic: 'strength training', keyphrase: 'strength training' }, channel: 'BLOG', locale: 'en', seed: `p-${variant}-${seed}` });
    for (const b of post.body.split(/\n\n+/)) { if (n >= 2000) break; blocks.push(b); n += b.split(/\s+/).length; }
  }
  return blocks.join('\n\n');
}
function keystroke(md: string, i: number, n: number) { const b = md.split('\n\n'); const c = b.map((x, k) => (x.startsWith('#') || x.startsWith('-') || x.startsWith('>') ? -1 : k)).filter((k) => k >= 0); const t = c[i % c.length]!; b[t] = `${b[t]} mot${n}`; return b.join('\n\n'); }
const SCORE = 'mutation ScoreDraft($id: ID!, $input: DraftInput!, $revision: Int!) { scoreDraft(id: $id, input: $input, revision: $revision) }';
const SUB = `subscription SeoScore($itemId: ID!) { seoScore(itemId: $itemId) { itemId revision total seo geo computedAt usage { length { used max unit } hashtags { used max } links { used allowed } } checks { id group label score maxScore status explanation suggestion } } }`;
const pct = (v: number[], p: number) => { const s = [...v].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN; };

async function profile(pid: number, seconds: number, out: string): Promise<void> {
  process.kill(pid, 'SIGUSR1');
  await sleep(500);
  const list = await (await fetch('http://127.0.0.1:9229/json/list')).json() as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(list[0]!.webSocketDebuggerUrl);
  await new Promise((r) => ws.once('open', r));
  let id = 0; const pending = new Map<number, (v: any) => void>();
  ws.on('message', (m) => { const msg = JSON.parse(String(m)); if (msg.id && pending.has(msg.id)) { pending.get(msg.id)!(msg.result); pending.delete(msg.id); } });
  const call = (method: string, params: object = {}) => new Promise<any>((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
  await call('Profiler.enable'); await call('Profiler.setSamplingInterval', { interval: 200 }); await call('Profiler.start');
  await sleep(seconds * 1000);
  const { profile: prof } = await call('Profiler.stop');
  await writeFile(out, JSON.stringify(prof));
  ws.close();
  // self time per function
  const self = new Map<string, number>(); const byId = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
  const counts = new Map<number, number>(); for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  for (const [nid, c] of counts) { const n = byId.get(nid); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + c); }
  const total = prof.samples.length;
  log(`profile ${out}: ${total} samples`);
  for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) log(`${(100 * c / total).toFixed(1).padStart(5)}%  ${k}`);
}

const EDITORS = Number(process.env.P_EDITORS ?? 20); const RATE = Number(process.env.P_RATE ?? 10); const SECS = Number(process.env.P_SECONDS ?? 8);
const work = await mkdtemp(join(tmpdir(), 'ens-probe-'));
process.env.LOG_LEVEL ??= 'warn';
const ports = await freePorts();
const stack = await startStack({ dataDir: work, ports, web: false, nodeEnv: 'production' });
try {
  const token = await loginAs(stack.gatewayUrl, stack.demo.clientAdminEmail, stack.demo.password);
  const wsUrl = stack.gatewayUrl.replace(/^http/, 'ws');
  const editors: Array<{ client: Client; id: string; md: string; rev: number; sent: Map<number, number>; lat: number[]; errors: number }> = [];
  for (let i = 0; i < EDITORS; i++) {
    const md = text(i);
    const r = await graphql<{ createDraft: { id: string } }>(stack.gatewayUrl, 'mutation($input: DraftInput!) { createDraft(input: $input) { id } }', { input: { channel: 'BLOG', title: 'Strength training', body: md, keyphrase: 'strength training', locale: 'en' } }, token);
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    const e = { client, id: r.data!.createDraft.id, md, rev: 0, sent: new Map<number, number>(), lat: [] as number[], errors: 0 };
    client.subscribe<{ seoScore: { revision: number } }>({ query: SUB, variables: { itemId: e.id } }, { next: (res) => { const rv = res.data?.seoScore.revision; const t = rv === undefined ? undefined : e.sent.get(rv); if (t !== undefined) { e.lat.push(performance.now() - t); e.sent.delete(rv!); } }, error: () => { e.errors++; }, complete: () => {} });
    editors.push(e);
  }
  await sleep(1500);
  const send = (e: (typeof editors)[number]) => { const rv = ++e.rev; e.md = keystroke(e.md, rv * 3, rv); e.sent.set(rv, performance.now()); e.client.subscribe({ query: SCORE, variables: { id: e.id, input: { channel: 'BLOG', title: 'Strength training', body: e.md, keyphrase: 'strength training', locale: 'en' }, revision: rv } }, { next: (res) => { if (res.errors) { e.errors++; if (e.errors < 3) log(JSON.stringify(res.errors).slice(0, 200)); } }, error: () => { e.errors++; }, complete: () => {} }); };
  for (const e of editors) send(e);
  await sleep(2000);
  const content = pidListeningOn(ports.content); const gateway = pidListeningOn(ports.gateway);
  const before = { c: cpuMs(content), g: cpuMs(gateway) };
  for (const e of editors) { e.lat = []; }
  const timers = editors.map((e, i) => setTimeout(() => { timers.push(setInterval(() => send(e), 1000 / RATE)); }, (i * 1000 / RATE) / editors.length)) as NodeJS.Timeout[];
  const profiling = process.env.P_PROFILE ? profile(Number(process.env.P_PROFILE === 'gateway' ? gateway : content), SECS - 2, `/tmp/w56/prof-${process.env.P_PROFILE}.cpuprofile`) : null;
  await sleep(SECS * 1000);
  for (const t of timers) clearInterval(t);
  await profiling;
  await sleep(1500);
  const after = { c: cpuMs(content), g: cpuMs(gateway) };
  const lat = editors.flatMap((e) => e.lat);
  const sentTotal = editors.reduce((n, e) => n + e.rev, 0);
  log(`editors ${EDITORS} rate ${RATE}/s: samples ${lat.length}, p50 ${pct(lat, 50).toFixed(1)} p95 ${pct(lat, 95).toFixed(1)} p99 ${pct(lat, 99).toFixed(1)} max ${Math.max(...lat).toFixed(0)} ms; unanswered ${editors.reduce((n, e) => n + e.sent.size, 0)}; errors ${editors.reduce((n, e) => n + e.errors, 0)}; sent ${sentTotal}`);
  log(`cpu over the window: content ${(after.c - before.c).toFixed(0)} ms, gateway ${(after.g - before.g).toFixed(0)} ms`);
  for (const e of editors) await e.client.dispose();
} finally {
  const { execSync } = await import('node:child_process');
  log(execSync(`wc -l ${work}/logs/*.log; tail -c 1500 ${work}/logs/content.log; tail -c 1500 ${work}/logs/gateway.log`).toString());
  await stack.stop();
  await rm(work, { recursive: true, force: true });
}
