// The npm workspaces of the repository and what their shipped sources import,
// so an image can be checked to hold every package its entry point reaches.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { DockerIgnore } from './dockerignore.ts';

export interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  workspaces?: string[];
  /** Node's package exports: `./*` → `./src/*.ts` in this repository. */
  exports?: string | Record<string, unknown>;
}

export interface Workspace {
  /** Directory relative to the repository root, e.g. `subgraphs/tenants`. */
  dir: string;
  manifest: Manifest;
}

export function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Expands the root package.json `workspaces` (plain dirs and `dir/*` globs). */
export function listWorkspaces(root: string): Workspace[] {
  const patterns = readManifest(join(root, 'package.json')).workspaces ?? [];
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  });
  return dirs
    .filter((dir) => existsSync(join(root, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: readManifest(join(root, dir, 'package.json')) }));
}

export function declaredDependencies(manifest: Manifest, includeDev: boolean): string[] {
  return Object.keys({
    ...manifest.dependencies,
    ...manifest.optionalDependencies,
    ...manifest.peerDependencies,
    ...(includeDev ? manifest.devDependencies : {}),
  });
}

const SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
// Statement-level imports and re-exports; `import type` / `export type` vanish at run time.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"`]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Bare specifiers imported at run time by a file (relative paths and node builtins left out). */
export function importedPackages(source: string): string[] {
  const specifiers = [...source.matchAll(STATIC_IMPORT), ...source.matchAll(DYNAMIC_IMPORT)].map((m) => m[1]!);
  const packages = specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('/') && !s.startsWith('node:') && !s.includes(':'))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!))
    .filter((name) => !builtinModules.includes(name));
  return [...new Set(packages)];
}

export interface ImportSite {
  file: string;
  packageName: string;
}

/** Packages imported by the files of a workspace that the build context would receive. */
export function workspaceImports(root: string, workspace: Workspace, ignore: DockerIgnore): ImportSite[] {
  return ignore.files(root, workspace.dir)
    .filter((file) => SOURCE.test(file) && !file.endsWith('.d.ts'))
    .flatMap((file) => importedPackages(readFileSync(join(root, file), 'utf8')).map((packageName) => ({ file, packageName })));
}
