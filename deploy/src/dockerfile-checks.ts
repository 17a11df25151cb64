// Checks a service's Dockerfile against the repository, since no engine here can
// build it: the context holds what COPY reads, the install layer sees every
// workspace manifest first, the image holds every workspace its entry point
// reaches (declared, so `npm install -w` installs their dependencies), the
// process does not run as root.
import { existsSync } from 'node:fs';
import { join, normalize } from 'node:path';
import {
  contextSources, finalStage, last, parseDockerfile, resolveBase,
  type Dockerfile, type Instruction, type Stage,
} from './dockerfile.ts';
import type { DockerIgnore } from './dockerignore.ts';
import { declaredDependencies, workspaceImports, type Workspace } from './workspaces.ts';

export interface DockerfileInput {
  /** Label used in messages, e.g. the compose service name. */
  label: string;
  /** Build context directory (absolute); the repository root for this project. */
  contextDir: string;
  text: string;
  ignore: DockerIgnore;
  workspaces: Workspace[];
}

const INSTALL = /\bnpm\s+(?:ci|install|i)\b/;
const MANIFESTS = ['package.json', 'package-lock.json'];

function clean(path: string): string {
  return normalize(path).replace(/^\.\//, '').replace(/\/+$/, '') || '.';
}

function isAncestorOrSelf(ancestor: string, path: string): boolean {
  return ancestor === '.' || path === ancestor || path.startsWith(`${ancestor}/`);
}

function copiedSources(stage: Stage): Array<{ source: string; instruction: Instruction }> {
  return stage.instructions.flatMap((instruction) => contextSources(instruction).map((source) => ({ source: clean(source), instruction })));
}

function workspaceFlags(run: string): string[] {
  return [...run.matchAll(/(?:^|\s)(?:-w|--workspace)(?:\s+|=)(\S+)/g)].map((m) => m[1]!);
}

function findWorkspace(workspaces: Workspace[], ref: string): Workspace | undefined {
  return workspaces.find((w) => w.manifest.name === ref || w.dir === clean(ref));
}

function checkSources(input: DockerfileInput, dockerfile: Dockerfile): string[] {
  const problems: string[] = [];
  for (const stage of dockerfile.stages) {
    for (const { source, instruction } of copiedSources(stage)) {
      const where = `${input.label}: line ${instruction.line} ${instruction.keyword} ${source}`;
      if (/[*?[]/.test(source)) {
        problems.push(`${where}: glob sources are not checked here; list the paths`);
      } else if (!existsSync(join(input.contextDir, source))) {
        problems.push(`${where}: not found in the build context`);
      } else if (input.ignore.files(input.contextDir, source).length === 0) {
        problems.push(`${where}: excluded by .dockerignore`);
      }
    }
  }
  return problems;
}

function checkBases(input: DockerfileInput, dockerfile: Dockerfile): string[] {
  const stageNames = new Set(dockerfile.stages.map((s) => s.name).filter(Boolean));
  return dockerfile.stages.flatMap((stage) => {
    const base = resolveBase(dockerfile, stage.base);
    if (stageNames.has(base)) return [];
    const tag = base.includes('@') ? 'digest' : base.split('/').at(-1)!.split(':')[1];
    if (!tag || tag === 'latest') return [`${input.label}: FROM ${base} is not pinned to a tag`];
    return [];
  });
}

function checkUser(input: DockerfileInput, dockerfile: Dockerfile): string[] {
  const user = last(finalStage(dockerfile), 'USER')?.args[0];
  if (!user) return [`${input.label}: the final stage sets no USER (it would run as root)`];
  if (/^(root|0)(:|$)/.test(user)) return [`${input.label}: the final stage runs as ${user}`];
  return [];
}

function checkHealthcheck(input: DockerfileInput, dockerfile: Dockerfile): string[] {
  const stage = finalStage(dockerfile);
  const health = last(stage, 'HEALTHCHECK');
  if (!health || health.args[0]?.toUpperCase() === 'NONE') return [];
  const exposed = new Set(stage.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.map((a) => a.split('/')[0])));
  const probed = [...health.text.matchAll(/(?:127\.0\.0\.1|localhost):(\d+)/g)].map((m) => m[1]!);
  return probed.filter((port) => !exposed.has(port)).map((port) => `${input.label}: HEALTHCHECK probes port ${port}, which the image does not EXPOSE`);
}

function checkNodeInstall(input: DockerfileInput, dockerfile: Dockerfile): string[] {
  const problems: string[] = [];
  const installStage = dockerfile.stages.find((s) => s.instructions.some((i) => i.keyword === 'RUN' && INSTALL.test(i.text)));
  if (!installStage) return problems;
  const install = installStage.instructions.find((i) => i.keyword === 'RUN' && INSTALL.test(i.text))!;
  const before = installStage.instructions.slice(0, installStage.instructions.indexOf(install));
  const copiedBefore = new Set(before.flatMap((i) => contextSources(i).map(clean)));

  // npm matches the lockfile against every workspace, so all manifests must be there.
  const manifests = [...MANIFESTS, ...input.workspaces.map((w) => `${w.dir}/package.json`)];
  for (const manifest of manifests) {
    if (!copiedBefore.has(manifest)) problems.push(`${input.label}: ${manifest} is not copied before \`${install.text.slice(0, 40)}…\` (line ${install.line})`);
  }
  // Anything else copied before the install would rebuild the dependency layer on every source change.
  for (const source of copiedBefore) {
    if (!manifests.includes(source) && source !== '.npmrc') problems.push(`${input.label}: ${source} is copied before the dependency install; copy sources after it`);
  }

  const refs = workspaceFlags(install.text);
  if (refs.length === 0) problems.push(`${input.label}: the install names no workspace (-w); it would install every workspace's dependencies`);
  const selected = refs.flatMap((ref) => {
    const workspace = findWorkspace(input.workspaces, ref);
    if (!workspace) problems.push(`${input.label}: -w ${ref} is not a workspace of the root package.json`);
    return workspace ? [workspace] : [];
  });

  const final = finalStage(dockerfile);
  const cmd = last(final, 'CMD')?.args ?? [];
  const runsNode = cmd[0] === 'node';
  const omitDev = /--omit[= ]dev\b/.test(install.text);
  if (runsNode && !omitDev) problems.push(`${input.label}: the runtime image installs devDependencies (add --omit=dev)`);

  // Workspaces npm links and installs: the selected ones and their declared @ensemble dependencies.
  const byName = new Map(input.workspaces.map((w) => [w.manifest.name, w]));
  const closure = new Map<string, Workspace>();
  const visit = (workspace: Workspace): void => {
    if (closure.has(workspace.manifest.name)) return;
    closure.set(workspace.manifest.name, workspace);
    for (const dep of declaredDependencies(workspace.manifest, !omitDev)) {
      const target = byName.get(dep);
      if (target) visit(target);
    }
  };
  selected.forEach(visit);

  if (runsNode) {
    const entry = cmd.slice(1).find((arg) => !arg.startsWith('-'));
    if (!entry) {
      problems.push(`${input.label}: CMD runs node without a script`);
    } else if (!existsSync(join(input.contextDir, entry))) {
      problems.push(`${input.label}: CMD entry ${entry} does not exist`);
    } else if (![...closure.values()].some((w) => isAncestorOrSelf(w.dir, clean(entry)))) {
      problems.push(`${input.label}: CMD entry ${entry} is outside the installed workspaces`);
    }
  }

  const installed = new Set([...closure.values()].flatMap((w) => declaredDependencies(w.manifest, !omitDev)));
  for (const workspace of closure.values()) {
    for (const { file, packageName } of workspaceImports(input.contextDir, workspace, input.ignore)) {
      if (packageName === workspace.manifest.name || installed.has(packageName)) continue;
      problems.push(byName.has(packageName)
        ? `${input.label}: ${file} imports ${packageName}, which ${workspace.dir}/package.json does not declare: npm will not link it into the image`
        : `${input.label}: ${file} imports ${packageName}, which no installed workspace declares: it is there only if npm happens to hoist it`);
    }
  }

  const copied = dockerfile.stages.flatMap((s) => copiedSources(s).map((c) => c.source));
  for (const workspace of closure.values()) {
    if (!copied.some((source) => isAncestorOrSelf(source, workspace.dir) && !MANIFESTS.includes(source) && !source.endsWith('/package.json'))) {
      problems.push(`${input.label}: workspace ${workspace.dir} (${workspace.manifest.name}) is needed but its sources are not copied`);
    }
  }

  for (const stage of dockerfile.stages) {
    for (const run of stage.instructions.filter((i) => i.keyword === 'RUN')) {
      for (const match of run.text.matchAll(/\bnpm\s+run\s+(\S+)/g)) {
        for (const ref of workspaceFlags(run.text)) {
          const workspace = findWorkspace(input.workspaces, ref);
          if (workspace && !workspace.manifest.scripts?.[match[1]!]) {
            problems.push(`${input.label}: \`npm run ${match[1]}\` but ${workspace.dir}/package.json has no "${match[1]}" script`);
          }
        }
      }
    }
  }
  return problems;
}

export function checkDockerfile(input: DockerfileInput): string[] {
  let dockerfile: Dockerfile;
  try {
    dockerfile = parseDockerfile(input.text);
    finalStage(dockerfile);
  } catch (error) {
    return [`${input.label}: ${(error as Error).message}`];
  }
  return [
    ...checkSources(input, dockerfile),
    ...checkBases(input, dockerfile),
    ...checkUser(input, dockerfile),
    ...checkHealthcheck(input, dockerfile),
    ...checkNodeInstall(input, dockerfile),
  ];
}

/** Ports the final stage EXPOSEs. */
export function exposedPorts(text: string): string[] {
  const stage = finalStage(parseDockerfile(text));
  return stage.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.map((a) => a.split('/')[0]!));
}

/** Whether the final stage declares a HEALTHCHECK other than NONE. */
export function hasHealthcheck(text: string): boolean {
  const health = last(finalStage(parseDockerfile(text)), 'HEALTHCHECK');
  return Boolean(health && health.args[0]?.toUpperCase() !== 'NONE');
}
