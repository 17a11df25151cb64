// Starts the whole product on one machine: PostgreSQL (embedded unless
// DATABASE_URL), Temporal (a dev server unless TEMPORAL_ADDRESS), migrations
// and demo seed, the four subgraphs, the gateway, the worker and the web app.
// Used by `npm start` and by the end-to-end tests; stop() leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appUrl, ensureDatabase } from '../db/src/connection.ts';
import { startEmbeddedPostgres } from '../packages/testing/src/embedded-postgres.ts';
import { migrate } from '../db/src/migrate.ts';
import { seed, DEMO } from '../db/src/seed.ts';
import { startTemporalDevServer } from '../packages/testing/src/temporal.ts';
import { freePort } from '../packages/testing/src/ports.ts';
import { serveWeb } from '../web/serve.ts';
import { startSmtpCatcher } from '../packages/testing/src/fake-providers/smtp-catcher.ts';
import { seedDemoPublishing } from '../subgraphs/content/src/connectors/demo-seed.ts';

export const ROOT = resolve(import.meta.dirname, '..');

export interface StackPorts {
  gateway: number;
  tenants: number;
  content: number;
  analytics: number;
  billing: number;
  web: number;
  postgres: number;
  temporal: number;
  temporalUi: number | null;
}

export const DEFAULT_PORTS: StackPorts = {
  gateway: 4000, tenants: 4001, content: 4002, analytics: 4003, billing: 4004, web: 5173, postgres: 54329, temporal: 7233, temporalUi: 8233,
};

export function portsFrom(base: number): StackPorts {
  return {
    gateway: base, tenants: base + 1, content: base + 2, analytics: base + 3, billing: base + 4, web: base + 5,
    postgres: base + 6, temporal: base + 7, temporalUi: null,
  };
}

/** Every port chosen by the OS, for tests that run beside other stacks. */
export async function freePorts(): Promise<StackPorts> {
  const [gateway, tenants, content, analytics, billing, web, postgres, temporal] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
  return { gateway: gateway!, tenants: tenants!, content: content!, analytics: analytics!, billing: billing!, web: web!, postgres: postgres!, temporal: temporal!, temporalUi: null };
}

export interface StackOptions {
  dataDir?: string;
  ports?: StackPorts;
  /** also accepted for brevity: every port derived from this one */
  basePort?: number;
  seed?: boolean;
  log?: (line: string) => void;
  /** NODE_ENV for the services (production turns introspection off) */
  nodeEnv?: string;
  /** serve the web app (default true) */
  web?: boolean;
  /** an existing database (admin URL); otherwise embedded PostgreSQL in dataDir */
  databaseUrl?: string;
  /** an existing Temporal server; otherwise a dev server with its data in dataDir */
  temporalAddress?: string;
  /** extra environment for the services (tests: e.g. ENSEMBLE_TEST_FETCH_ROUTES, honoured only under NODE_ENV=test) */
  env?: Record<string, string>;
}

export interface Stack {
  webUrl: string;
  gatewayUrl: string;
  temporalUiUrl: string | null;
  databaseUrl: string;
  /** the local mail catcher's inbox (null when SMTP_URL points at a real server) */
  mailUrl: string | null;
  demo: typeof DEMO & { clientAdminEmail: string; password: string };
  stop(): Promise<void>;
}

interface Secrets {
  JWT_SECRET: string;
  GATEWAY_SECRET: string;
  /** master key of the provider keys' envelope encryption (packages/ai/src/secrets.ts) */
  ENSEMBLE_MASTER_KEY: string;
}

function loadSecrets(dataDir: string): Secrets {
  const file = join(dataDir, 'secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>) : {};
  // Kept with the data, so sessions and stored provider keys survive a restart of `npm start`;
  // what the environment sets wins and is not written down.
  const secrets: Secrets = {
    JWT_SECRET: process.env.JWT_SECRET || stored.JWT_SECRET || randomBytes(32).toString('base64url'),
    GATEWAY_SECRET: process.env.GATEWAY_SECRET || stored.GATEWAY_SECRET || randomBytes(32).toString('base64url'),
    ENSEMBLE_MASTER_KEY: process.env.ENSEMBLE_MASTER_KEY || stored.ENSEMBLE_MASTER_KEY || randomBytes(32).toString('base64'),
  };
  const keep = { ...stored, ...Object.fromEntries(Object.entries(secrets).filter(([name]) => !process.env[name])) };
  if (JSON.stringify(keep) !== JSON.stringify(stored)) writeFileSync(file, JSON.stringify(keep), { mode: 0o600 });
  return secrets;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than web/src. */
export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  const index = join(ROOT, 'web', 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(ROOT, 'web', 'src'))) return;
  log('Building the web app…');
  const child = spawn('npm', ['run', 'build', '-w', '@ensemble/web'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => { output += d; });
  child.stderr!.on('data', (d: Buffer) => { output += d; });
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`web build failed:\n${output.slice(-4000)}`);
}

async function waitForHealth(name: string, url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} during start-up`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`${name} did not become healthy at ${url} within ${timeoutMs / 1000}s`);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir ?? join(ROOT, '.data'));
  const ports = options.ports ?? (options.basePort ? portsFrom(options.basePort) : DEFAULT_PORTS);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.splice(0).reverse()) {
      await fn().catch((error: unknown) => log(`stop failed: ${(error as Error).message}`));
    }
  };

  try {
    let adminUrl = options.databaseUrl;
    if (!adminUrl) {
      log(`PostgreSQL: embedded, data in ${join(dataDir, 'postgres')}`);
      const db = await startEmbeddedPostgres(join(dataDir, 'postgres'), ports.postgres);
      stops.push(db.stop);
      adminUrl = await ensureDatabase(db.url, 'ensemble');
    }
    const applied = await migrate(adminUrl);
    log(`Migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
    if (options.seed !== false) {
      await seed(adminUrl);
      await seedDemoPublishing(adminUrl);
    }

    // C8: e-mail goes to SMTP_URL, else to a local mail catcher (messages in dataDir/mail).
    let smtpUrl = process.env.SMTP_URL ?? null;
    let mailUrl: string | null = null;
    if (!smtpUrl) {
      const standard = ports === DEFAULT_PORTS;
      const catcher = await startSmtpCatcher({ smtpPort: standard ? 1025 : 0, httpPort: standard ? 8025 : 0, dir: join(dataDir, 'mail') });
      stops.push(catcher.close);
      smtpUrl = catcher.smtpUrl;
      mailUrl = catcher.inboxUrl;
      log(`Mail catcher: ${smtpUrl}, inbox ${mailUrl}`);
    }

    let temporalAddress = options.temporalAddress;
    let temporalUiUrl: string | null = null;
    if (!temporalAddress) {
      const temporal = await startTemporalDevServer({ port: ports.temporal, uiPort: ports.temporalUi ?? undefined, dbFile: join(dataDir, 'temporal.db') });
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
      temporalUiUrl = ports.temporalUi ? `http://127.0.0.1:${ports.temporalUi}` : null;
    }
    log(`Temporal: ${temporalAddress}`);

    const secrets = loadSecrets(dataDir);
    const subgraphUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;
    const baseEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: options.nodeEnv ?? process.env.NODE_ENV ?? 'development',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      APP_DATABASE_URL: appUrl(adminUrl),
      TEMPORAL_ADDRESS: temporalAddress,
      STORAGE_DIR: process.env.STORAGE_DIR ?? join(dataDir, 'storage'),
      // Media storage and URLs (C7): S3-compatible storage and limits by configuration only.
      ...Object.fromEntries(['STORAGE_DRIVER', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE',
        'UPLOAD_MAX_BYTES', 'MEDIA_URL_TTL_SECONDS', 'MEDIA_URL_SECRET', 'MEDIA_PUBLIC_BASE_URL'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))),
      SUBGRAPH_TENANTS_URL: subgraphUrl(ports.tenants),
      SUBGRAPH_CONTENT_URL: subgraphUrl(ports.content),
      SUBGRAPH_ANALYTICS_URL: subgraphUrl(ports.analytics),
      SUBGRAPH_BILLING_URL: subgraphUrl(ports.billing),
      WEB_ORIGINS: `http://localhost:${ports.web},http://127.0.0.1:${ports.web}`,
      SMTP_URL: smtpUrl,
      PUBLIC_WEB_URL: process.env.PUBLIC_WEB_URL ?? `http://localhost:${ports.web}`,
      ...secrets,
      ...options.env,
    };

    const services: Array<{ name: string; file: string; port: number | null }> = [
      { name: 'tenants', file: 'subgraphs/tenants/src/main.ts', port: ports.tenants },
      { name: 'content', file: 'subgraphs/content/src/main.ts', port: ports.content },
      { name: 'analytics', file: 'subgraphs/analytics/src/main.ts', port: ports.analytics },
      { name: 'billing', file: 'subgraphs/billing/src/main.ts', port: ports.billing },
      { name: 'worker', file: 'workflows/src/worker.ts', port: null },
      { name: 'gateway', file: 'gateway/src/main.ts', port: ports.gateway },
    ];
    const started = services.map((service) => {
      const out = createWriteStream(join(logDir, `${service.name}.log`), { flags: 'a' });
      const child = spawn(process.execPath, [join(ROOT, service.file)], {
        cwd: ROOT,
        env: { ...baseEnv, SERVICE_NAME: service.name, ...(service.port ? { PORT: String(service.port) } : {}) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.pipe(out);
      child.stderr!.pipe(out);
      stops.push(async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      });
      return { ...service, child };
    });
    await Promise.all(started.filter((s) => s.port).map((s) =>
      waitForHealth(s.name, `http://127.0.0.1:${s.port}/health`, s.child).catch((error: Error) => {
        throw new Error(`${error.message} (see ${join(logDir, `${s.name}.log`)})`);
      })));
    log('Subgraphs, gateway and worker are up');

    const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
    let webUrl = '';
    if (options.web !== false) {
      await ensureWebBuild(log);
      const web = await serveWeb({ port: ports.web, gatewayUrl });
      stops.push(web.close);
      webUrl = web.url;
    }

    return {
      webUrl,
      gatewayUrl,
      temporalUiUrl,
      databaseUrl: adminUrl,
      mailUrl,
      demo: { ...DEMO, clientAdminEmail: DEMO.logins.clientAdmin.email, password: DEMO.password },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
