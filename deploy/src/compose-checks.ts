// Checks on docker-compose.yml beyond its JSON schema: what Compose would only
// report at `up` time (missing Dockerfiles, unknown dependencies, healthchecks
// that do not exist, services that cannot reach each other) and the deployment
// policy (what is published, no secret written into the file).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComposeDocument, ComposeService } from './compose-file.ts';
import { parsePortSpec } from './compose-file.ts';
import { exposedPorts, hasHealthcheck } from './dockerfile-checks.ts';
import { allReferences } from './interpolation.ts';

// A URL setting (OAUTH_TOKEN_URL_…) is not a secret by its name; credentials
// inside a URL are caught by the userinfo check instead.
export const SECRET_NAME = /^(?!.*_URL(?:_|$)).*(SECRET|PASSWORD|PASSWD|PWD|TOKEN|API_KEY|PRIVATE_KEY|MASTER_KEY|CREDENTIAL)/;

export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (!env) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => {
      const [key, ...value] = entry.split('=');
      return [key!, value.join('=')];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/**
 * Variables a service takes by name only (`KEY:` or `- KEY`): Compose passes
 * the value from its environment or `.env` when set, and leaves it unset
 * otherwise — the form for optional secrets, which have no default to give.
 */
export function passedThrough(service: ComposeService): string[] {
  const env = service.environment;
  if (!env) return [];
  if (Array.isArray(env)) return env.filter((entry) => !entry.includes('='));
  return Object.entries(env).filter(([, value]) => value === null).map(([key]) => key);
}

export function buildOf(service: ComposeService): { context: string; dockerfile: string } | undefined {
  if (!service.build) return undefined;
  if (typeof service.build === 'string') return { context: service.build, dockerfile: 'Dockerfile' };
  return { context: service.build.context ?? '.', dockerfile: service.build.dockerfile ?? 'Dockerfile' };
}

/** Absolute path of a service's Dockerfile (relative to its context, as Compose resolves it). */
export function dockerfilePathOf(root: string, service: ComposeService): string | undefined {
  const build = buildOf(service);
  return build && join(root, build.context, build.dockerfile);
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on;
  if (!deps) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition]));
}

export function networksOf(service: ComposeService): string[] {
  if (!service.networks) return ['default'];
  return Array.isArray(service.networks) ? service.networks : Object.keys(service.networks);
}

export function checkBuilds(doc: ComposeDocument, root: string): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    const build = buildOf(service);
    if (!build) {
      if (!service.image) problems.push(`${name}: neither build nor image`);
      continue;
    }
    if (!existsSync(join(root, build.context))) problems.push(`${name}: build context ${build.context} does not exist`);
    else if (!existsSync(join(root, build.context, build.dockerfile))) problems.push(`${name}: ${build.dockerfile} not found in context ${build.context}`);
  }
  return problems;
}

function dockerfileText(root: string, service: ComposeService): string | undefined {
  const path = dockerfilePathOf(root, service);
  return path && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function checkDependsOn(doc: ComposeDocument, root: string): string[] {
  const problems: string[] = [];
  const services = doc.services;
  for (const [name, service] of Object.entries(services)) {
    for (const [target, condition] of Object.entries(dependenciesOf(service))) {
      const dep = services[target];
      if (target === name) { problems.push(`${name}: depends on itself`); continue; }
      if (!dep) { problems.push(`${name}: depends on ${target}, which is not a service`); continue; }
      if (condition === 'service_healthy') {
        const text = dockerfileText(root, dep);
        const composeCheck = dep.healthcheck && !dep.healthcheck.disable && dep.healthcheck.test !== undefined;
        const imageCheck = !dep.healthcheck?.disable && text !== undefined && hasHealthcheck(text);
        if (!composeCheck && !imageCheck) problems.push(`${name}: waits for ${target} to be healthy, but ${target} has no healthcheck`);
      }
      if (condition === 'service_completed_successfully' && dep.restart && !['no', 'on-failure'].includes(dep.restart.split(':')[0]!)) {
        problems.push(`${name}: waits for ${target} to complete, but ${target} restarts "${dep.restart}" and never completes`);
      }
    }
  }
  // A cycle makes `docker compose up` refuse the whole file.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done' || !services[name]) return;
    if (state.get(name) === 'visiting') { problems.push(`dependency cycle: ${[...path, name].join(' → ')}`); return; }
    state.set(name, 'visiting');
    for (const target of Object.keys(dependenciesOf(services[name]!))) visit(target, [...path, name]);
    state.set(name, 'done');
  };
  Object.keys(services).forEach((name) => visit(name, []));
  return problems;
}

export interface PortPolicy {
  /** Services allowed to publish on every host interface. */
  public: string[];
  /** Services that must publish nothing at all, not even on loopback. */
  private: string[];
}

/** Host side of each published port: [host ip or '' for all interfaces, host port]. */
export function publishedPorts(service: ComposeService): Array<{ ip: string; host?: string; container: string }> {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'number') return { ip: '', container: String(port) };
    if (typeof port === 'string') {
      const spec = parsePortSpec(port);
      return { ip: spec?.ip ?? '', host: spec?.host, container: spec?.container ?? port };
    }
    return { ip: String(port.host_ip ?? ''), host: port.published === undefined ? undefined : String(port.published), container: String(port.target) };
  });
}

/** Expects an interpolated document (published ports are often `${VAR:-default}`). */
export function checkPorts(doc: ComposeDocument, policy: PortPolicy): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    const ports = publishedPorts(service);
    if (policy.private.includes(name) && ports.length) problems.push(`${name}: must not publish ports, publishes ${ports.map((p) => p.container).join(', ')}`);
    else if (!policy.public.includes(name)) {
      for (const port of ports.filter((p) => p.ip !== '127.0.0.1' && p.ip !== '::1')) {
        problems.push(`${name}: publishes container port ${port.container} on every interface; bind it to 127.0.0.1 or drop it`);
      }
    }
  }
  return problems;
}

export function checkNetworks(doc: ComposeDocument, isolated: string[], from: string): string[] {
  const problems: string[] = [];
  const declared = new Set(Object.keys(doc.networks ?? {}));
  for (const [name, service] of Object.entries(doc.services)) {
    for (const network of networksOf(service)) {
      if (network !== 'default' && !declared.has(network)) problems.push(`${name}: network ${network} is not declared`);
    }
  }
  const frontNetworks = new Set(doc.services[from] ? networksOf(doc.services[from]) : []);
  for (const name of isolated) {
    const service = doc.services[name];
    if (!service) { problems.push(`${name}: expected service is missing`); continue; }
    const networks = networksOf(service);
    if (!networks.some((n) => doc.networks?.[n]?.internal === true)) problems.push(`${name}: is on no internal network`);
    const shared = networks.filter((n) => frontNetworks.has(n));
    if (shared.length) problems.push(`${name}: shares network ${shared.join(', ')} with ${from}`);
  }
  return problems;
}

const REQUIRED_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}$/;
// userinfo of a URL; a ${VAR:?message} inside it may hold spaces or slashes.
const USERINFO = /^[a-z][a-z0-9+.-]*:\/\/((?:\$\{[^}]*\}|[^@/\s])*)@/i;

/** Expects the raw (not interpolated) document: secrets must come from the environment. */
export function checkSecrets(doc: ComposeDocument): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    const optional = new Set(passedThrough(service));
    for (const [key, value] of Object.entries(environmentOf(service))) {
      if (SECRET_NAME.test(key) && !REQUIRED_REF.test(value) && !optional.has(key)) {
        problems.push(`${name}: ${key} must be exactly \${VAR:?message} (a required variable) or passed through by name (an optional one), not ${JSON.stringify(value)}`);
      }
      const userinfo = value.match(USERINFO)?.[1];
      if (userinfo?.includes(':')) {
        const password = userinfo.slice(userinfo.indexOf(':') + 1);
        if (!REQUIRED_REF.test(password)) problems.push(`${name}: ${key} carries a password that is not a required \${VAR:?message}`);
      }
    }
  }
  for (const ref of allReferences(doc)) {
    if (SECRET_NAME.test(ref.name) && !ref.operator.endsWith('?')) {
      problems.push(`${ref.path}: ${ref.raw} gives secret ${ref.name} a default or lets it be empty; use \${${ref.name}:?message}`);
    }
    if (ref.operator.endsWith('-') && USERINFO.exec(ref.argument)?.[1]?.includes(':')) {
      problems.push(`${ref.path}: the default of ${ref.name} carries credentials`);
    }
  }
  return problems;
}

export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(text.split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [key, ...value] = line.split('=');
      return [key!.replace(/^export\s+/, '').trim(), value.join('=').trim()];
    }));
}

/** The documented .env template lists exactly the variables the file reads, with no secret values. */
export function checkEnvExample(doc: ComposeDocument, exampleText: string): string[] {
  const problems: string[] = [];
  const example = parseEnvFile(exampleText);
  const used = new Set([...allReferences(doc).map((r) => r.name), ...Object.values(doc.services).flatMap(passedThrough)]);
  for (const name of used) if (!(name in example)) problems.push(`${name} is read by docker-compose.yml but missing from the .env example`);
  for (const [name, value] of Object.entries(example)) {
    if (!used.has(name)) problems.push(`${name} is in the .env example but docker-compose.yml never reads it`);
    if (SECRET_NAME.test(name) && value !== '') problems.push(`${name} has a value in the .env example; secrets are left empty there`);
  }
  return problems;
}

/** Container ports a service listens on, from its image's EXPOSE, `expose` and `ports`. */
export function knownPorts(root: string, service: ComposeService): Set<string> {
  const text = dockerfileText(root, service);
  return new Set([
    ...(text ? exposedPorts(text) : []),
    ...(service.expose ?? []).map((p) => String(p).split('/')[0]!),
    ...publishedPorts(service).map((p) => p.container),
  ]);
}

/**
 * Every `service:port` an environment value names (URLs, TEMPORAL_ADDRESS…) must be
 * a port that service listens on, on a network both share, and be waited for.
 * Expects an interpolated document.
 */
export function checkServiceReferences(doc: ComposeDocument, root: string): string[] {
  const problems: string[] = [];
  const services = doc.services;
  const reachable = (name: string): Set<string> => {
    const seen = new Set<string>();
    const walk = (n: string): void => {
      for (const dep of Object.keys(dependenciesOf(services[n] ?? {}))) {
        if (!seen.has(dep)) { seen.add(dep); walk(dep); }
      }
    };
    walk(name);
    return seen;
  };
  for (const [name, service] of Object.entries(services)) {
    const env = environmentOf(service);
    const ports = knownPorts(root, service);
    if (env.PORT && ports.size && !ports.has(env.PORT)) problems.push(`${name}: PORT=${env.PORT} but the container listens on ${[...ports].join(', ')}`);
    for (const [key, value] of Object.entries(env)) {
      for (const match of value.matchAll(/(?:^|\/\/|@)([a-z0-9][a-z0-9_-]*):(\d+)/gi)) {
        const [, host, port] = match as unknown as [string, string, string];
        const target = services[host];
        if (!target || host === name) continue;
        const targetPorts = knownPorts(root, target);
        if (!targetPorts.has(port)) problems.push(`${name}: ${key} points at ${host}:${port}, but ${host} listens on ${[...targetPorts].join(', ') || 'no declared port'}`);
        if (!networksOf(service).some((n) => networksOf(target).includes(n))) problems.push(`${name}: ${key} points at ${host}, which is on no network ${name} is on`);
        if (!reachable(name).has(host)) problems.push(`${name}: ${key} points at ${host} but ${name} does not depend on it`);
      }
    }
  }
  return problems;
}

/** Container paths a service can write to despite `read_only: true`: its volumes and tmpfs mounts. */
export function writableMounts(service: ComposeService): string[] {
  const volumes = (service.volumes ?? []).map((v) =>
    typeof v === 'string' ? v.split(':')[1] ?? v : String(v.target ?? ''));
  const tmpfs = service.tmpfs === undefined ? [] : ([] as unknown[]).concat(service.tmpfs).map((t) => String(t).split(':')[0]!);
  return [...volumes, ...tmpfs].filter(Boolean);
}

/** A read-only service must get every *_DIR it is told to write to from a volume or tmpfs. */
export function checkWritableDirs(doc: ComposeDocument): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    if (service.read_only !== true) continue;
    const mounts = writableMounts(service);
    for (const [key, value] of Object.entries(environmentOf(service))) {
      if (!key.endsWith('_DIR')) continue;
      if (!value.startsWith('/')) problems.push(`${name}: ${key}=${value} is relative to a read-only filesystem`);
      else if (!mounts.some((m) => value === m || value.startsWith(`${m}/`))) problems.push(`${name}: ${key}=${value} is on the read-only filesystem; mount a volume there`);
    }
  }
  return problems;
}

/** Names of the variables a document requires (`${VAR:?…}`), for the interpolation tests. */
export function requiredVariables(doc: ComposeDocument): string[] {
  return [...new Set(allReferences(doc).filter((r) => r.operator.endsWith('?')).map((r) => r.name))].sort();
}

