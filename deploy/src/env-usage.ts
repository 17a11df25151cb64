// Which environment variables a service's code can read: the source files its
// entry point reaches (relative imports and @ensemble/<workspace>/<module>
// through each workspace's exports), and the names those files read from
// `process.env` or an `env` object. Run-time imports only: `import type`
// vanishes when Node strips the types.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { dockerfilePathOf, environmentOf } from './compose-checks.ts';
import type { ComposeDocument } from './compose-file.ts';
import { finalStage, last, parseDockerfile } from './dockerfile.ts';
import type { Workspace } from './workspaces.ts';

const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^;'"`]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The file a workspace exports for `subpath` ("" for the package itself), per its `exports` map. */
function exportedFile(workspace: Workspace, subpath: string): string | undefined {
  const exports = workspace.manifest.exports;
  if (typeof exports === 'string') return subpath === '' ? join(workspace.dir, exports) : undefined;
  if (!exports || typeof exports !== 'object') return undefined;
  const key = subpath === '' ? '.' : `./${subpath}`;
  for (const [pattern, target] of Object.entries(exports)) {
    if (typeof target !== 'string') continue;
    if (pattern === key) return join(workspace.dir, target);
    const star = pattern.indexOf('*');
    if (star >= 0 && key.startsWith(pattern.slice(0, star)) && key.endsWith(pattern.slice(star + 1))) {
      const match = key.slice(star, key.length - (pattern.length - star - 1));
      return join(workspace.dir, target.replace('*', match));
    }
  }
  return undefined;
}

/** Every source file (relative to root) reached from `entry` through run-time imports. */
export function reachableFiles(root: string, entry: string, workspaces: Workspace[]): string[] {
  const byName = new Map(workspaces.map((w) => [w.manifest.name, w]));
  const seen = new Set<string>();
  const queue = [normalize(entry)];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || !existsSync(join(root, file))) continue;
    seen.add(file);
    const text = readFileSync(join(root, file), 'utf8');
    for (const match of [...text.matchAll(STATIC_IMPORT), ...text.matchAll(DYNAMIC_IMPORT)]) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) {
        queue.push(normalize(join(dirname(file), specifier)));
      } else if (specifier.startsWith('@')) {
        const [scope, name, ...rest] = specifier.split('/');
        const workspace = byName.get(`${scope}/${name}`);
        const target = workspace && exportedFile(workspace, rest.join('/'));
        if (target) queue.push(normalize(relative(root, join(root, target))));
      }
    }
  }
  return [...seen].sort();
}

export interface EnvReads {
  /** names read as written */
  names: Set<string>;
  /** prefixes of names built at run time (`OAUTH_TOKEN_URL_${code}`) */
  prefixes: Set<string>;
}

const NAMED = /\b(?:process\.env|env)(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g;
const BUILT = /\b(?:process\.env|env)\[\s*`([A-Z][A-Z0-9_]*)\$\{/g;
// A constant holding a variable's name: `const MASTER_KEY_ENV = 'ENSEMBLE_MASTER_KEY'` read as env[MASTER_KEY_ENV].
const NAME_CONSTANT = /\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*['"]([A-Z][A-Z0-9_]+)['"]/g;
const BY_CONSTANT = /\b(?:process\.env|env)\[\s*([A-Z][A-Z0-9_]*)\s*\]/g;

export function envReads(text: string): EnvReads {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const m of text.matchAll(NAMED)) names.add((m[1] ?? m[2])!);
  for (const m of text.matchAll(BUILT)) prefixes.add(m[1]!);
  const constants = new Map([...text.matchAll(NAME_CONSTANT)].map((m) => [m[1]!, m[2]!]));
  for (const m of text.matchAll(BY_CONSTANT)) {
    const name = constants.get(m[1]!);
    if (name) names.add(name);
  }
  return { names, prefixes };
}

/** What the code reachable from `entry` reads from the environment. */
export function serviceEnvReads(root: string, entry: string, workspaces: Workspace[]): EnvReads {
  const all: EnvReads = { names: new Set(), prefixes: new Set() };
  for (const file of reachableFiles(root, entry, workspaces)) {
    const reads = envReads(readFileSync(join(root, file), 'utf8'));
    reads.names.forEach((n) => all.names.add(n));
    reads.prefixes.forEach((p) => all.prefixes.add(p));
  }
  return all;
}

/**
 * The settings an operator may set, from the README's configuration table:
 * each row's first cell, names in backticks; `A` / `B` are alternatives (one
 * of them is enough), `<X>` stands for any suffix.
 */
export function documentedSettings(readme: string): Array<{ alternatives: string[] }> {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration')) ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => {
    const cell = row.split('|')[1]!;
    const groups = cell.split(',').map((part) => [...part.matchAll(/`([A-Z][A-Z0-9_<>]*)(?:=[^`]*)?`/g)].map((m) => m[1]!)).filter((g) => g.length);
    return groups.map((alternatives) => ({ alternatives }));
  });
}

/** True when `setting` (a name, or `PREFIX_<X>`) is what code reading these names and prefixes looks for. */
export function isRead(setting: string, reads: EnvReads): boolean {
  const wildcard = setting.indexOf('<');
  if (wildcard < 0) return reads.names.has(setting) || [...reads.prefixes].some((p) => setting.startsWith(p));
  const prefix = setting.slice(0, wildcard);
  return [...reads.prefixes].some((p) => p.startsWith(prefix) || prefix.startsWith(p)) || [...reads.names].some((n) => n.startsWith(prefix));
}

/** True when an environment (a service's, in the compose file) provides `setting`. */
export function provides(environment: Record<string, string>, setting: string): boolean {
  const wildcard = setting.indexOf('<');
  if (wildcard < 0) return setting in environment;
  return Object.keys(environment).some((key) => key.startsWith(setting.slice(0, wildcard)));
}

/**
 * Every documented setting that the code of a node service reads must be in
 * that service's compose environment (one of its alternatives). `fixed` names
 * settings deliberately left at their built-in value, with the reason.
 * Expects an interpolated document.
 */
export function checkDocumentedSettings(input: {
  doc: ComposeDocument;
  root: string;
  workspaces: Workspace[];
  readme: string;
  fixed: Record<string, string>;
}): string[] {
  const settings = documentedSettings(input.readme);
  const problems: string[] = [];
  for (const [name, service] of Object.entries(input.doc.services)) {
    const path = dockerfilePathOf(input.root, service);
    if (!path || !existsSync(path)) continue;
    const cmd = last(finalStage(parseDockerfile(readFileSync(path, 'utf8'))), 'CMD')?.args ?? [];
    if (cmd[0] !== 'node' || !cmd[1]) continue;
    const reads = serviceEnvReads(input.root, cmd[1], input.workspaces);
    const env = environmentOf(service);
    for (const { alternatives } of settings) {
      if (!alternatives.some((s) => isRead(s, reads)) || alternatives.some((s) => s in input.fixed)) continue;
      if (!alternatives.some((s) => provides(env, s))) problems.push(`${name}: its code reads ${alternatives.join(' / ')}, which docker-compose.yml does not pass`);
    }
  }
  return problems;
}
