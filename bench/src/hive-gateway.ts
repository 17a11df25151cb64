// Hive Gateway (@graphql-hive/gateway's CLI) in its own process, one worker,
// serving a given supergraph file on loopback, configured by
// hive-gateway.config.ts. stop() kills it and waits for its exit.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HiveGateway {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startHiveGateway(options: { supergraphPath: string; port: number; logFile: string }): Promise<HiveGateway> {
  const bin = join(dirname(fileURLToPath(import.meta.resolve('@graphql-hive/gateway'))), 'bin.js');
  const config = fileURLToPath(new URL('./hive-gateway.config.ts', import.meta.url));
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [
    bin, 'supergraph', options.supergraphPath, '--host', '127.0.0.1', '--port', String(options.port), '--fork', '1', '--config-path', config,
  ], {
    // Same Node as the product's services; no secrets: Hive verifies nothing.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const base = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Hive Gateway exited with code ${child.exitCode} (see ${options.logFile})`);
      if (Date.now() > deadline) throw new Error(`Hive Gateway not ready within 60 s (see ${options.logFile})`);
      // /readiness answers 200 once the supergraph is loaded.
      const ready = await fetch(`${base}/readiness`).then((r) => r.ok, () => false);
      if (ready) break;
      await sleep(200);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error('Hive Gateway has no pid');
  return { url: `${base}/graphql`, pid: child.pid, stop };
}
