// No Docker engine runs here, so the deployment is checked statically: the
// compose file against the Compose Specification's JSON schema, and every
// Dockerfile against the repository it would be built from. The last block
// breaks copies of the files and proves each check notices.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkBuilds, checkDependsOn, checkEnvExample, checkNetworks, checkPorts, checkSecrets,
  checkServiceReferences, checkWritableDirs, dependenciesOf, dockerfilePathOf, environmentOf, knownPorts,
  networksOf, parseEnvFile, publishedPorts, requiredVariables, SECRET_NAME,
} from '../src/compose-checks.ts';
import { createSchemaValidator, parseCompose, parsePortSpec, type ComposeDocument } from '../src/compose-file.ts';
import { checkDockerfile } from '../src/dockerfile-checks.ts';
import { finalStage, parseDockerfile } from '../src/dockerfile.ts';
import { checkDocumentedSettings, documentedSettings, envReads, reachableFiles } from '../src/env-usage.ts';
import { DockerIgnore } from '../src/dockerignore.ts';
import { interpolate } from '../src/interpolation.ts';
import { listWorkspaces } from '../src/workspaces.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

const raw = parseCompose(read('docker-compose.yml'));
const envExample = read('deploy/.env.example');
// What an operator's .env holds: the example, with every secret filled in.
const operatorEnv = Object.fromEntries(Object.entries(parseEnvFile(envExample))
  .map(([key, value]) => [key, SECRET_NAME.test(key) && value === '' ? `test-${key.toLowerCase()}` : value]));
const interpolated = interpolate(raw, operatorEnv);
const resolved = interpolated.value;
const validate = createSchemaValidator();
const ignore = new DockerIgnore(read('.dockerignore'));
const workspaces = listWorkspaces(root);

const SUBGRAPHS = ['tenants', 'content', 'analytics', 'billing'];
const APP_SERVICES = [...SUBGRAPHS, 'worker'];
const PUBLIC = ['gateway', 'web'];
const SECRETS = ['APP_DATABASE_PASSWORD', 'ENSEMBLE_MASTER_KEY', 'GATEWAY_SECRET', 'JWT_SECRET', 'POSTGRES_PASSWORD'];
// Documented settings left at their built-in value in this deployment, and why.
const FIXED_SETTINGS: Record<string, string> = { TEMPORAL_TASK_QUEUE: 'one task queue per deployment: the contracts\' name' };

function none(problems: string[]): void {
  expect(problems, `\n${problems.join('\n')}`).toEqual([]);
}

function dockerfileProblems(service: string, text?: string): string[] {
  const path = dockerfilePathOf(root, resolved.services[service]!)!;
  return checkDockerfile({ label: service, contextDir: root, text: text ?? readFileSync(path, 'utf8'), ignore, workspaces });
}

/** Problems a mutation adds to those of the original (so a check is shown to react to that change). */
function introduced(before: string[], after: string[]): string[] {
  return after.filter((p) => !before.includes(p));
}

function clone(doc: ComposeDocument): ComposeDocument {
  return structuredClone(doc);
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema, as Compose reads it with a filled .env', () => {
    none(interpolated.errors);
    none(validate(resolved));
  });

  it('runs the whole product', () => {
    expect(Object.keys(raw.services).sort()).toEqual([
      'analytics', 'billing', 'content', 'gateway', 'mailpit', 'migrate', 'postgres',
      'temporal', 'temporal-ui', 'tenants', 'web', 'worker',
    ]);
    expect(resolved.services.postgres!.image).toMatch(/^postgres:16/);
    expect(resolved.services.temporal!.image).toMatch(/^temporalio\/auto-setup:/);
    expect(environmentOf(resolved.services.temporal!).DB).toBe('postgres12');
    expect(resolved.services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    expect(resolved.services.postgres!.volumes).toContain('pgdata:/var/lib/postgresql/data');
  });

  it('refuses to start while a secret is missing from .env', () => {
    expect(requiredVariables(raw)).toEqual(SECRETS);
    const { errors } = interpolate(raw, {});
    for (const name of SECRETS) expect(errors.some((e) => e.includes(`required variable ${name} is missing`))).toBe(true);
    expect(interpolate(raw, { ...operatorEnv, JWT_SECRET: '' }).errors.join('\n')).toMatch(/JWT_SECRET is missing a value: set JWT_SECRET in \.env/);
  });

  it('builds every image from a Dockerfile that exists in its context', () => {
    none(checkBuilds(resolved, root));
  });

  it('depends only on services that exist, waits on real healthchecks, has no cycle', () => {
    none(checkDependsOn(resolved, root));
  });

  it('migrates before any app service starts', () => {
    for (const name of APP_SERVICES) {
      expect(dependenciesOf(resolved.services[name]!).migrate, name).toBe('service_completed_successfully');
    }
    expect(resolved.services.migrate!.restart).toBe('no');
    expect(dependenciesOf(resolved.services.migrate!).postgres).toBe('service_healthy');
    expect(read('deploy/migrate/Dockerfile')).toMatch(/CMD \["node", "db\/src\/migrate-main\.ts"\]/);
  });

  it('publishes only the gateway and the web app, consoles on loopback', () => {
    none(checkPorts(resolved, { public: PUBLIC, private: [...APP_SERVICES, 'postgres', 'temporal', 'migrate'] }));
    expect(publishedPorts(resolved.services.gateway!)).toEqual([{ ip: '', host: '4000', container: '4000' }]);
    expect(publishedPorts(resolved.services.web!)).toEqual([{ ip: '', host: '8081', container: '8080' }]);
    expect(publishedPorts(resolved.services['temporal-ui']!)).toEqual([{ ip: '127.0.0.1', host: '8080', container: '8080' }]);
  });

  it('keeps the subgraphs on an internal network the web app cannot reach', () => {
    none(checkNetworks(resolved, SUBGRAPHS, 'web'));
    for (const name of ['postgres', 'temporal', 'migrate']) {
      expect(networksOf(resolved.services[name]!), name).toEqual(['backend']);
    }
  });

  it('writes no secret into the file: every secret is a required ${VAR:?message}', () => {
    none(checkSecrets(raw));
  });

  it('documents exactly the variables it reads in deploy/.env.example, secrets left empty', () => {
    none(checkEnvExample(raw, envExample));
  });

  it('points every service address at a port its target listens on, on a shared network, after it starts', () => {
    none(checkServiceReferences(resolved, root));
  });

  it('mounts a volume wherever a read-only service is told to write', () => {
    none(checkWritableDirs(resolved));
    for (const name of ['content', 'worker']) {
      expect(environmentOf(resolved.services[name]!).STORAGE_DIR, name).toBe('/data/storage');
      expect(resolved.services[name]!.volumes, name).toContain('storage:/data/storage');
    }
    expect(environmentOf(resolved.services.gateway!).WEB_ORIGINS).toBe('http://localhost:8081');
  });

  it('proxies /graphql from the web app to the gateway', () => {
    const conf = read('deploy/nginx/web.conf');
    const target = conf.match(/location = \/graphql \{[^}]*proxy_pass http:\/\/([a-z-]+):(\d+);/);
    expect(target).not.toBeNull();
    const [, host, port] = target!;
    expect(knownPorts(root, resolved.services[host!]!).has(port!)).toBe(true);
    expect(networksOf(resolved.services.web!).some((n) => networksOf(resolved.services[host!]!).includes(n))).toBe(true);
    expect(dependenciesOf(resolved.services.web!)[host!]).toBe('service_healthy');
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/listen 8080;/);
  });

  it('gives the app services the environment their code reads', () => {
    for (const name of APP_SERVICES) {
      const env = environmentOf(resolved.services[name]!);
      expect(env, name).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', TEMPORAL_ADDRESS: 'temporal:7233', SMTP_URL: 'smtp://mailpit:1025' });
      for (const key of ['DATABASE_URL', 'APP_DATABASE_URL', 'JWT_SECRET', 'GATEWAY_SECRET']) expect(env[key], `${name} ${key}`).toBeTruthy();
      expect(new URL(env.APP_DATABASE_URL!).username).toBe('ensemble_app');
    }
    const gateway = environmentOf(resolved.services.gateway!);
    SUBGRAPHS.forEach((name, index) => {
      expect(gateway[`SUBGRAPH_${name.toUpperCase()}_URL`]).toBe(`http://${name}:${4001 + index}/graphql`);
      expect(environmentOf(resolved.services[name]!).PORT).toBe(String(4001 + index));
    });
  });

  it('passes every documented setting (README) that a service\'s code reads to that service', () => {
    expect(documentedSettings(read('README.md')).length).toBeGreaterThan(20);
    none(checkDocumentedSettings({ doc: resolved, root, workspaces, readme: read('README.md'), fixed: FIXED_SETTINGS }));
  });

  it('gives the settings of storage, media, mail, links and providers to the services that use them', () => {
    for (const name of ['content', 'worker']) {
      const env = environmentOf(resolved.services[name]!);
      for (const key of ['STORAGE_DRIVER', 'S3_BUCKET', 'S3_SECRET_ACCESS_KEY', 'MEDIA_URL_SECRET', 'MEDIA_PUBLIC_BASE_URL', 'APPROVAL_LINK_SECRET',
        'SMTP_FROM', 'PUBLIC_WEB_URL', 'META_GRAPH_URL', 'TWILIO_API_URL', 'OAUTH_TOKEN_URL_LINKEDIN', 'ENSEMBLE_MASTER_KEY']) expect(env, `${name} ${key}`).toHaveProperty(key);
      expect(env.MEDIA_PUBLIC_BASE_URL).toBe('http://localhost:8081');
    }
    expect(environmentOf(resolved.services.tenants!).ENSEMBLE_MASTER_KEY).toBe('test-ensemble_master_key');
    const gateway = environmentOf(resolved.services.gateway!);
    expect(gateway).toHaveProperty('MEDIA_URL_SECRET');
    expect(gateway.UPLOAD_MAX_BYTES).toBe(environmentOf(resolved.services.web!).UPLOAD_MAX_BYTES);
  });
});

describe('Dockerfiles', () => {
  const built = Object.entries(resolved.services).filter(([, service]) => service.build);

  for (const [name] of built) {
    it(`${name}: copies what exists, installs each workspace it runs, runs as a non-root user`, () => {
      none(dockerfileProblems(name));
    });
  }

  it('every Dockerfile in the repository is built by a service', () => {
    const found: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
        const path = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(path);
        else if (entry.name === 'Dockerfile') found.push(path);
      }
    };
    walk('');
    const used = built.map(([, service]) => relative(root, dockerfilePathOf(root, service)!));
    expect(found.sort()).toEqual([...new Set(used)].sort());
  });

  it('health-checks the gateway and subgraphs on GET /health', () => {
    for (const name of ['gateway', ...SUBGRAPHS]) {
      const text = readFileSync(dockerfilePathOf(root, resolved.services[name]!)!, 'utf8');
      expect(text, name).toMatch(/HEALTHCHECK[^\n]*\n[^\n]*fetch\('http:\/\/127\.0\.0\.1:\d+\/health'\)/);
    }
  });
});

describe('the checks catch a broken deployment', () => {
  it('rejects an unknown top-level key, a wrong type, a bad duration and a bad port', () => {
    const broken = clone(resolved) as ComposeDocument & Record<string, unknown>;
    broken.servcies = {};
    (broken.services.gateway as Record<string, unknown>).ports = '4000:4000';
    broken.services.postgres!.healthcheck = { ...broken.services.postgres!.healthcheck, interval: '5 seconds' } as never;
    broken.services.web!.ports = ['8081:80800'];
    const errors = validate(broken);
    expect(errors).toContain('/ must NOT have additional properties (servcies)');
    expect(errors).toContain('/services/gateway/ports must be array');
    expect(errors).toContain('/services/postgres/healthcheck/interval must match format "duration"');
    expect(errors.some((e) => e.startsWith('/services/web/ports/0'))).toBe(true);
  });

  it('rejects a file that does not parse as Compose YAML', () => {
    expect(() => parseCompose('services:\n  a:\n    image: x\n  a:\n    image: y\n')).toThrow(/invalid YAML/);
  });

  it('notices a missing dependency, a healthcheck that does not exist, a looping one-shot and a cycle', () => {
    const broken = clone(resolved);
    broken.services.gateway!.depends_on = { ...(broken.services.gateway!.depends_on as object), search: { condition: 'service_started' } };
    broken.services.web!.depends_on = { worker: { condition: 'service_healthy' } };
    broken.services.migrate!.restart = 'unless-stopped';
    broken.services.postgres!.depends_on = { tenants: { condition: 'service_started' } };
    const problems = checkDependsOn(broken, root);
    expect(problems).toContain('gateway: depends on search, which is not a service');
    expect(problems).toContain('web: waits for worker to be healthy, but worker has no healthcheck');
    expect(problems.some((p) => p.startsWith('tenants: waits for migrate to complete'))).toBe(true);
    expect(problems.some((p) => p.startsWith('dependency cycle:'))).toBe(true);
  });

  it('notices a published subgraph and a console open to every interface', () => {
    const broken = clone(resolved);
    broken.services.content!.ports = ['4002:4002'];
    broken.services['temporal-ui']!.ports = ['8080:8080'];
    const problems = checkPorts(broken, { public: PUBLIC, private: SUBGRAPHS });
    expect(problems).toContain('content: must not publish ports, publishes 4002');
    expect(problems.some((p) => p.startsWith('temporal-ui: publishes container port 8080 on every interface'))).toBe(true);
  });

  it('notices a subgraph moved onto the public network', () => {
    const broken = clone(resolved);
    broken.services.billing!.networks = ['edge'];
    expect(checkNetworks(broken, SUBGRAPHS, 'web')).toEqual(['billing: is on no internal network', 'billing: shares network edge with web']);
  });

  it('notices secrets written into the file or given defaults', () => {
    const broken = clone(raw);
    (broken.services.gateway!.environment as Record<string, string>).JWT_SECRET = 'dev-secret';
    (broken.services.tenants!.environment as Record<string, string>).DATABASE_URL = 'postgres://postgres:hunter2@postgres:5432/ensemble';
    (broken.services.worker!.environment as Record<string, string>).GATEWAY_SECRET = '${GATEWAY_SECRET:-changeme}';
    (broken.services.content!.environment as Record<string, string>).SMTP_URL = '${SMTP_URL:-smtp://user:pass@mail:25}';
    // An optional secret given an empty default instead of being passed through by name.
    (broken.services.content!.environment as Record<string, string>).S3_SECRET_ACCESS_KEY = '${S3_SECRET_ACCESS_KEY:-}';
    const problems = checkSecrets(broken);
    expect(problems).toContain('gateway: JWT_SECRET must be exactly ${VAR:?message} (a required variable) or passed through by name (an optional one), not "dev-secret"');
    expect(problems.some((p) => p.includes('${S3_SECRET_ACCESS_KEY:-} gives secret S3_SECRET_ACCESS_KEY a default or lets it be empty'))).toBe(true);
    expect(problems).toContain('tenants: DATABASE_URL carries a password that is not a required ${VAR:?message}');
    expect(problems.some((p) => p.includes('${GATEWAY_SECRET:-changeme} gives secret GATEWAY_SECRET a default'))).toBe(true);
    expect(problems).toContain('services.content.environment.SMTP_URL: the default of SMTP_URL carries credentials');
  });

  it('notices a read-only service told to write outside its volumes', () => {
    const broken = clone(resolved);
    broken.services.worker!.volumes = [];
    (broken.services.content!.environment as Record<string, string>).STORAGE_DIR = '.data/storage';
    expect(checkWritableDirs(broken)).toEqual([
      'content: STORAGE_DIR=.data/storage is relative to a read-only filesystem',
      'worker: STORAGE_DIR=/data/storage is on the read-only filesystem; mount a volume there',
    ]);
  });

  it('notices an undocumented variable and a secret value in the .env example', () => {
    const withoutJwt = envExample.replace(/^JWT_SECRET=.*$/m, '');
    expect(checkEnvExample(raw, withoutJwt)).toContain('JWT_SECRET is read by docker-compose.yml but missing from the .env example');
    const leaked = envExample.replace(/^GATEWAY_SECRET=$/m, 'GATEWAY_SECRET=abc');
    expect(checkEnvExample(raw, leaked)).toContain('GATEWAY_SECRET has a value in the .env example; secrets are left empty there');
    // An optional secret passed through by name is read too.
    const withoutS3 = envExample.replace(/^S3_SECRET_ACCESS_KEY=.*$/m, '');
    expect(checkEnvExample(raw, withoutS3)).toContain('S3_SECRET_ACCESS_KEY is read by docker-compose.yml but missing from the .env example');
  });

  it('notices a setting the code reads that a service is not given', () => {
    const broken = clone(resolved);
    delete (broken.services.worker!.environment as Record<string, unknown>).MEDIA_PUBLIC_BASE_URL;
    delete (broken.services.gateway!.environment as Record<string, unknown>).UPLOAD_MAX_BYTES;
    for (const key of Object.keys(broken.services.content!.environment as Record<string, unknown>)) {
      if (key.startsWith('OAUTH_TOKEN_URL_')) delete (broken.services.content!.environment as Record<string, unknown>)[key];
    }
    const problems = checkDocumentedSettings({ doc: broken, root, workspaces, readme: read('README.md'), fixed: FIXED_SETTINGS });
    expect(problems).toEqual(expect.arrayContaining([
      'worker: its code reads MEDIA_PUBLIC_BASE_URL, which docker-compose.yml does not pass',
      'gateway: its code reads UPLOAD_MAX_BYTES, which docker-compose.yml does not pass',
      'content: its code reads OAUTH_TOKEN_URL_<CONNECTOR>, which docker-compose.yml does not pass',
    ]));
    expect(problems).toHaveLength(3);
    // Left at its built-in value on purpose: not reported, unless it stops being so.
    expect(checkDocumentedSettings({ doc: resolved, root, workspaces, readme: read('README.md'), fixed: {} })).toContain(
      'content: its code reads TEMPORAL_TASK_QUEUE, which docker-compose.yml does not pass');
  });

  it('notices a subgraph URL on the wrong port, a Dockerfile that is not there, a wrong PORT', () => {
    const broken = clone(resolved);
    (broken.services.gateway!.environment as Record<string, string>).SUBGRAPH_BILLING_URL = 'http://billing:4005/graphql';
    (broken.services.analytics!.environment as Record<string, string>).PORT = '4999';
    const references = checkServiceReferences(broken, root);
    expect(references).toContain('gateway: SUBGRAPH_BILLING_URL points at billing:4005, but billing listens on 4004');
    expect(references).toContain('analytics: PORT=4999 but the container listens on 4003');
    broken.services.billing!.build = { context: '.', dockerfile: 'subgraphs/billing/Dockerfile.missing' };
    expect(checkBuilds(broken, root)).toEqual(['billing: subgraphs/billing/Dockerfile.missing not found in context .']);
  });

  it('notices Dockerfile mistakes: missing source, skipped manifest, root user, dev deps, unpinned base, a workspace left out', () => {
    const original = read('subgraphs/tenants/Dockerfile');
    const before = dockerfileProblems('tenants');
    const cases: Array<[string, string, RegExp]> = [
      ['COPY db/ db/', 'COPY db/ db/\nCOPY db/seeds/ db/seeds/', /COPY db\/seeds: not found in the build context/],
      ['COPY db/ db/', 'COPY db/ db/\nCOPY turbo.json ./', /COPY turbo\.json: excluded by \.dockerignore/],
      ['COPY db/package.json db/\n', '', /db\/package\.json is not copied before/],
      ['COPY deploy/package.json deploy/\n', 'COPY deploy/package.json deploy/\nCOPY db/ db/\n', /db is copied before the dependency install/],
      ['USER node\n', '', /sets no USER/],
      ['USER node\n', 'USER root\n', /runs as root/],
      ['--omit=dev ', '', /installs devDependencies/],
      ['FROM node:24-bookworm-slim AS runtime', 'FROM node AS runtime', /FROM node is not pinned/],
      ['COPY db/ db/\n', '', /workspace db \(@ensemble\/db\) is needed but its sources are not copied/],
      ['subgraphs/tenants/src/main.ts"]', 'subgraphs/tenants/src/missing.ts"]', /CMD entry .*missing\.ts does not exist/],
      ["127.0.0.1:4001/health", '127.0.0.1:4999/health', /probes port 4999, which the image does not EXPOSE/],
      ['--workspace=@ensemble/subgraph-tenants', '--workspace=@ensemble/nope', /-w @ensemble\/nope is not a workspace/],
    ];
    for (const [from, to, expected] of cases) {
      expect(original.includes(from), from).toBe(true);
      const added = introduced(before, dockerfileProblems('tenants', original.replace(from, to)));
      expect(added.some((p) => expected.test(p)), `${expected}: ${added.join('\n')}`).toBe(true);
    }
    const web = read('web/Dockerfile');
    const webAdded = introduced(dockerfileProblems('web'), dockerfileProblems('web', web.replace('npm run build', 'npm run bundle')));
    expect(webAdded).toContain('web: `npm run bundle` but web/package.json has no "bundle" script');
  });

  describe('on a fixture repository', () => {
    const fixture = mkdtempSync(join(tmpdir(), 'ens-deploy-'));
    afterAll(() => rmSync(fixture, { recursive: true, force: true }));
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(fixture, path)), { recursive: true });
      writeFileSync(join(fixture, path), text);
    };
    write('package.json', JSON.stringify({ name: 'fx', workspaces: ['app', 'lib'] }));
    write('package-lock.json', '{}');
    write('lib/package.json', JSON.stringify({ name: '@fx/lib', dependencies: { 'left-pad': '1.3.0' } }));
    write('lib/src/pad.ts', "export { default } from 'left-pad';\n");
    write('app/src/main.ts', [
      "import type { Thing } from 'types-only';",
      "import pad from '@fx/lib/pad';",
      "import {\n  a,\n  b,\n} from 'multi-line';",
      "import { readFile } from 'node:fs/promises';",
      "import path from 'path';",
      "const later = await import('dynamic-one');",
      '',
    ].join('\n'));
    write('app/test/main.spec.ts', "import { it } from 'vitest';\n");
    const dockerfile = (install: string, copies: string): string => [
      'FROM node:24-bookworm-slim AS deps',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'COPY app/package.json app/',
      'COPY lib/package.json lib/',
      `RUN npm install --omit=dev --no-save ${install}`,
      'FROM node:24-bookworm-slim',
      'WORKDIR /app',
      'COPY --from=deps /app ./',
      copies,
      'USER node',
      'CMD ["node", "app/src/main.ts"]',
      '',
    ].join('\n');
    const check = (text: string, appDeps: Record<string, string>): string[] => {
      write('app/package.json', JSON.stringify({ name: '@fx/app', dependencies: appDeps }));
      return checkDockerfile({
        label: 'fx', contextDir: fixture, text,
        ignore: new DockerIgnore('**/test\n'), workspaces: listWorkspaces(fixture),
      });
    };

    it('flags undeclared imports, a workspace npm would not link, and its missing sources', () => {
      const problems = check(dockerfile('-w @fx/app', 'COPY app/ app/'), {});
      expect(problems).toEqual([
        'fx: app/src/main.ts imports @fx/lib, which app/package.json does not declare: npm will not link it into the image',
        'fx: app/src/main.ts imports multi-line, which no installed workspace declares: it is there only if npm happens to hoist it',
        'fx: app/src/main.ts imports dynamic-one, which no installed workspace declares: it is there only if npm happens to hoist it',
      ]);
    });

    it('accepts the same image once dependencies are declared and every workspace is copied', () => {
      const deps = { '@fx/lib': '*', 'multi-line': '1.0.0', 'dynamic-one': '1.0.0' };
      expect(check(dockerfile('-w @fx/app', 'COPY app/ app/'), deps)).toEqual([
        'fx: workspace lib (@fx/lib) is needed but its sources are not copied',
      ]);
      expect(check(dockerfile('-w @fx/app', 'COPY app/ app/\nCOPY lib/ lib/'), deps)).toEqual([]);
      expect(check(dockerfile('', 'COPY app/ app/\nCOPY lib/ lib/'), deps)).toEqual([
        "fx: the install names no workspace (-w); it would install every workspace's dependencies",
        'fx: CMD entry app/src/main.ts is outside the installed workspaces',
      ]);
    });
  });
});

describe('helpers', () => {
  it('reads port specs as Docker does', () => {
    expect(parsePortSpec('127.0.0.1:8080:80/udp')).toEqual({ ip: '127.0.0.1', host: '8080', container: '80', protocol: 'udp' });
    expect(parsePortSpec('[::1]:8080:80')).toMatchObject({ ip: '::1', host: '8080', container: '80' });
    expect(parsePortSpec('3000-3005')).toMatchObject({ container: '3000-3005' });
    expect(parsePortSpec('70000')).toBeNull();
    expect(parsePortSpec('1.2.3:80:80')).toBeNull();
  });

  it('matches .dockerignore patterns with ** and exceptions', () => {
    const rules = new DockerIgnore('**/node_modules\n**/*.spec.ts\ndeploy/*\n!deploy/package.json\n!deploy/nginx\n');
    expect(rules.ignores('web/node_modules/react/index.js')).toBe(true);
    expect(rules.ignores('db/src/orm.spec.ts')).toBe(true);
    expect(rules.ignores('db/src/orm.ts')).toBe(false);
    expect(rules.ignores('deploy/src/compose-file.ts')).toBe(true);
    expect(rules.ignores('deploy/package.json')).toBe(false);
    expect(rules.ignores('deploy/nginx/web.conf')).toBe(false);
  });

  it('interpolates like Compose', () => {
    const doc = { a: '${X:-d}', b: '${X-d}', c: '$$HOME', d: '${Y:+set}', e: 'pre-$Y-post', f: '${Z:?need Z}' };
    expect(interpolate(doc, { X: '', Y: 'y' })).toEqual({
      value: { a: 'd', b: '', c: '$HOME', d: 'set', e: 'pre-y-post', f: '' },
      errors: ['f: required variable Z is missing a value: need Z'],
    });
  });
});

describe('what a service reads from its environment', () => {
  it('finds names read directly, through a name constant, and built from a prefix', () => {
    const reads = envReads([
      "const a = process.env.STORAGE_DRIVER ?? env['S3_BUCKET'];",
      'if (env.UPLOAD_MAX_BYTES) x = process.env["PUBLIC_WEB_URL"];',
      "export const MASTER_KEY_ENV = 'ENSEMBLE_MASTER_KEY';",
      'const key = env[MASTER_KEY_ENV];',
      'const url = env[`OAUTH_TOKEN_URL_${code.toUpperCase()}`];',
      'const lower = process.env.notAName;',
    ].join('\n'));
    expect([...reads.names].sort()).toEqual(['ENSEMBLE_MASTER_KEY', 'PUBLIC_WEB_URL', 'S3_BUCKET', 'STORAGE_DRIVER', 'UPLOAD_MAX_BYTES']);
    expect([...reads.prefixes]).toEqual(['OAUTH_TOKEN_URL_']);
  });

  it('follows run-time imports from the entry point, across workspaces, and not type-only ones', () => {
    const files = reachableFiles(root, 'gateway/src/main.ts', workspaces);
    expect(files).toContain('gateway/src/uploads.ts');
    expect(files).toContain('packages/storage/src/signed-url.ts');
    // The gateway checks signed URLs; it never opens the storage itself.
    expect(files).not.toContain('packages/storage/src/storage.ts');
    expect(reachableFiles(root, 'workflows/src/worker.ts', workspaces)).toContain('packages/ingest/src/speech.ts');
  });
});

describe('the web front', () => {
  const conf = read('deploy/nginx/web.conf');
  const location = (pattern: string): string => {
    const start = conf.indexOf(`location ${pattern} {`);
    expect(start, pattern).toBeGreaterThanOrEqual(0);
    let depth = 0;
    for (let i = conf.indexOf('{', start + `location ${pattern}`.length); i < conf.length; i += 1) {
      if (conf[i] === '{') depth += 1;
      if (conf[i] === '}' && --depth === 0) return conf.slice(start, i + 1);
    }
    throw new Error(`unterminated location ${pattern}`);
  };

  it('forwards uploads, signed media, one-click unsubscribe and the Twilio webhook to the gateway', () => {
    for (const pattern of ['= /uploads', '~ "^/media/[0-9a-f-]{36}$"', '= /hooks/twilio/sms', '@gateway']) {
      expect(location(pattern), pattern).toMatch(/proxy_pass http:\/\/gateway:4000;/);
    }
    expect(location('= /uploads')).toMatch(/proxy_request_buffering off;/);
    expect(location('= /hooks/twilio/sms')).toMatch(/limit_except POST/);
    // GET /u/<token> is the app's page; POST goes to the gateway.
    const unsubscribe = location('~ "^/u/[A-Za-z0-9_-]{16,200}$"');
    expect(unsubscribe).toMatch(/error_page 418 = @gateway;/);
    expect(unsubscribe).toMatch(/if \(\$request_method = POST\) \{\s*return 418;/);
    expect(unsubscribe).toMatch(/try_files \/index\.html =404;/);
    // The gateway's own patterns for those routes are the ones forwarded.
    expect(read('gateway/src/public-routes.ts')).toContain("/^\\/u\\/[A-Za-z0-9_-]{16,200}$/, /^\\/hooks\\/twilio\\/sms$/");
  });

  it('limits /uploads to UPLOAD_MAX_BYTES plus the multipart framing the gateway allows', async () => {
    expect(location('= /uploads')).toMatch(/client_max_body_size \$\{UPLOAD_BODY_LIMIT\};/);
    // The only ${…} in the template: nginx's own $variables are left to nginx.
    expect([...new Set([...conf.matchAll(/\$\{([A-Za-z_]+)\}/g)].map((m) => m[1]))]).toEqual(['UPLOAD_BODY_LIMIT']);
    const constant = (name: string) => new RegExp(`const ${name} = ([\\d *]+);`).exec(read('gateway/src/uploads.ts'))![1]!
      .split('*').map(Number).reduce((a, b) => a * b, 1);
    const overhead = constant('MULTIPART_OVERHEAD');
    const gatewayDefault = constant('DEFAULT_UPLOAD_MAX_BYTES');
    expect([overhead, gatewayDefault]).toEqual([1024 * 1024, 50 * 1024 * 1024]);
    const { execFileSync } = await import('node:child_process');
    const limit = (env: Record<string, string>) =>
      execFileSync('sh', ['-c', '. ./deploy/nginx/upload-limit.envsh && printf %s "$UPLOAD_BODY_LIMIT"'], { cwd: root, env: { PATH: process.env.PATH!, ...env } }).toString();
    expect(Number(limit({}))).toBe(gatewayDefault + overhead);
    expect(Number(limit({ UPLOAD_MAX_BYTES: environmentOf(resolved.services.web!).UPLOAD_MAX_BYTES! }))).toBe(gatewayDefault + overhead);
    expect(Number(limit({ UPLOAD_MAX_BYTES: '104857600' }))).toBe(104857600 + overhead);
    expect(() => limit({ UPLOAD_MAX_BYTES: '50MB' })).toThrow();
    const dockerfile = read('web/Dockerfile');
    expect(dockerfile).toMatch(/COPY deploy\/nginx\/web\.conf \/etc\/nginx\/templates\/default\.conf\.template/);
    expect(dockerfile).toMatch(/COPY --chmod=0755 deploy\/nginx\/upload-limit\.envsh \/docker-entrypoint\.d\/1\d-upload-limit\.envsh/);
    expect(dockerfile).toMatch(/ENV NGINX_ENVSUBST_FILTER=\^UPLOAD_BODY_LIMIT/);
  });
});

describe('the worker image', () => {
  it('installs the offline speech-to-text tools the ingest package runs', () => {
    const stage = finalStage(parseDockerfile(read('workflows/Dockerfile')));
    const install = stage.instructions.find((i) => i.keyword === 'RUN' && /apt-get install/.test(i.text))?.text ?? '';
    for (const pkg of ['pocketsphinx', 'pocketsphinx-en-us', 'ffmpeg']) expect(install.split(/\s+/), pkg).toContain(pkg);
    const speech = read('packages/ingest/src/speech.ts');
    expect(speech).toContain("const POCKETSPHINX = 'pocketsphinx_continuous';");
    expect(speech).toContain("const FFMPEG = 'ffmpeg';");
    expect(speech).toContain("'/usr/share/pocketsphinx/model/en-us'");
  });
});
