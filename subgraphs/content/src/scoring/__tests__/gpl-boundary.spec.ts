// yoastseo (GPL-3.0) is the benchmark's yardstick for our scorer: a dependency
// of bench/ only. No product workspace may declare it, pull it in through a
// dependency, or import it.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..');
const GPL_PACKAGES = ['yoastseo'];
const ALLOWED_WORKSPACE = 'bench';

interface Manifest {
  name?: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function workspaceDirs(): string[] {
  const root = readJson<Manifest>(join(ROOT, 'package.json'));
  return (root.workspaces ?? []).flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(ROOT, parent)).map((d) => `${parent}/${d}`).filter((d) => statSync(join(ROOT, d)).isDirectory());
  }).filter((dir) => {
    try {
      return statSync(join(ROOT, dir, 'package.json')).isFile();
    } catch {
      return false;
    }
  });
}

function declared(manifest: Manifest): string[] {
  return [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies, manifest.optionalDependencies].flatMap((deps) => Object.keys(deps ?? {}));
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist' || entry.name === 'test-results') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx|js|mjs|cjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe('GPL boundary', () => {
  const workspaces = workspaceDirs();

  it('finds the workspaces, bench among them', () => {
    expect(workspaces).toContain(ALLOWED_WORKSPACE);
    expect(workspaces).toContain('subgraphs/content');
  });

  it('no product workspace declares a GPL package', () => {
    const offenders = workspaces
      .filter((dir) => dir !== ALLOWED_WORKSPACE)
      .flatMap((dir) => declared(readJson<Manifest>(join(ROOT, dir, 'package.json'))).filter((dep) => GPL_PACKAGES.includes(dep)).map((dep) => `${dir} → ${dep}`));
    expect(declared(readJson<Manifest>(join(ROOT, 'package.json'))).filter((dep) => GPL_PACKAGES.includes(dep))).toEqual([]);
    expect(offenders).toEqual([]);
  });

  it('no installed package other than bench depends on a GPL package', () => {
    const lock = readJson<{ packages: Record<string, Manifest> }>(join(ROOT, 'package-lock.json'));
    const dependents = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== ALLOWED_WORKSPACE && declared(entry).some((dep) => GPL_PACKAGES.includes(dep)))
      .map(([path]) => path || '(root)');
    expect(dependents).toEqual([]);
  });

  it('no product source imports a GPL package', () => {
    const pattern = new RegExp(`(?:from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*)['"](?:${GPL_PACKAGES.join('|')})(?:/[^'"]*)?['"]`);
    const offenders = workspaces
      .filter((dir) => dir !== ALLOWED_WORKSPACE)
      .flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .filter((file) => pattern.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
