// A real S3-compatible server for the S3 driver's tests: moto (Apache-2.0,
// PyPI), installed with pip when missing, as the Temporal CLI is. In front of
// it a loopback recorder keeps every request's method, path and Authorization
// header, so tests can assert what the SDK put on the wire.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.ts';

const run = promisify(execFile);

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentSha256: string | undefined;
}

export interface S3TestServer {
  /** the recorder's URL, to use as S3_ENDPOINT */
  endpoint: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

async function motoAvailable(): Promise<boolean> {
  try {
    await run('python3', ['-c', 'import moto.server, flask, flask_cors'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

async function ensureMoto(): Promise<void> {
  if (await motoAvailable()) return;
  await run('python3', ['-m', 'pip', 'install', '--quiet', 'moto[server]==5.2.1'], { timeout: 300_000 });
  if (!(await motoAvailable())) throw new Error('moto[server] could not be installed with pip');
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`moto did not answer at ${url} within ${timeoutMs / 1000}s`);
}

export async function startS3TestServer(): Promise<S3TestServer> {
  await ensureMoto();
  const motoPort = await freePort();
  const moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(motoPort)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  moto.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  try {
    await waitFor(`http://127.0.0.1:${motoPort}/moto-api/`, moto, 60_000);
  } catch (error) {
    moto.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }

  const requests: RecordedRequest[] = [];
  const recorder: Server = createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      contentSha256: req.headers['x-amz-content-sha256'] as string | undefined,
    });
    const upstream = request({ host: '127.0.0.1', port: motoPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => { res.destroy(); });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const { port } = recorder.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      recorder.closeAllConnections();
      await new Promise<void>((resolve) => recorder.close(() => resolve()));
      if (moto.exitCode === null) {
        const exited = new Promise((r) => moto.once('exit', r));
        moto.kill('SIGTERM');
        const timer = setTimeout(() => moto.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
