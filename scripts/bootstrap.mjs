// `npm start` / `npm test` / `npm run bench` enter here. This file runs on
// whatever Node the machine has (often 20): it installs dependencies when
// they are missing or stale, then hands over to Node 24 from node_modules,
// which runs the TypeScript entry point directly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = { start: 'scripts/start.ts', test: 'scripts/test.ts', bench: 'bench/src/run.ts' };
const [command, ...args] = process.argv.slice(2);
const entry = entries[command];
if (!entry) {
  console.error(`usage: bootstrap.mjs ${Object.keys(entries).join('|')} [args]`);
  process.exit(2);
}

const node24 = join(root, 'node_modules', '.bin', 'node');
const installed = join(root, 'node_modules', '.package-lock.json');

function needsInstall() {
  if (!existsSync(node24) || !existsSync(installed)) return true;
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs;
}

if (needsInstall()) {
  console.log('Installing dependencies (first run)…');
  // `npm install`, not `npm ci`: a lockfile written on Linux lacks other
  // platforms' optional packages, which makes `npm ci` refuse elsewhere.
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// `node` on PATH must be Node 24 for every grandchild (npx, vitest workers…).
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
const child = spawn(node24, [join(root, entry), ...args], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
