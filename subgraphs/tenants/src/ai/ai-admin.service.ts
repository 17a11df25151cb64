// T10–T12, the super admin's side of the AI layer: providers and their keys
// (stored by envelope encryption, never returned: only whether one is set and
// its last four characters), models (tier, active, prices), the route of each
// task, and the usage of every tenant. Catalogue rows are writable by the
// platform only (RLS); every function checks it first so another caller gets a
// clear FORBIDDEN rather than a silent no-op.
import type { EntityManager } from '@ensemble/db/orm';
import { AI_TASKS, type AiTask } from '@ensemble/db/vocabulary';
import { encryptSecret, lastFour, providerKeyContext, type Keyring } from '@ensemble/ai/secrets';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId, uuidArrayLiteral } from '@ensemble/tenancy/ids';

type Row = Record<string, unknown>;

function sql<T = Row>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params as unknown[], 'all', em.getTransactionContext());
}

const num = (value: unknown): number => Number(value ?? 0) || 0;

/** Timestamps come back from raw queries as text ('2026-01-05 09:00:00.123+00'). */
function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const date = new Date(String(value).replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
  return Number.isNaN(date.getTime()) ? null : date;
}

export type ProviderKind = 'anthropic' | 'openai' | 'mistral' | 'openai_compatible' | 'offline';
export type ModelTier = 'premium' | 'standard';
export type CallOutcome = 'ok' | 'error' | 'timeout' | 'refused' | 'fallback';

/** The capability a model needs to serve a task. */
export const TASK_CAPABILITY: Record<AiTask, string> = {
  orchestration: 'text',
  generation: 'text',
  batch: 'batch',
  speech_to_text: 'speech_to_text',
  image: 'image',
  embeddings: 'embeddings',
  moderation: 'moderation',
};

export const MAX_ROUTE_LENGTH = 10;
export const MAX_PRICE_MINOR = 100_000_000;
const MAX_KEY_LENGTH = 4096;
const MAX_USAGE_DAYS = 366;

export interface ProviderView {
  id: string;
  code: string;
  kind: ProviderKind;
  name: string;
  baseUrl: string | null;
  active: boolean;
  hasKey: boolean;
  /** set to run without a key (an OpenAI-compatible server that takes none) */
  keyless: boolean;
  keyLast4: string | null;
  keySetAt: Date | null;
  lastCall: { at: Date; outcome: CallOutcome; errorKind: string | null; error: string | null } | null;
}

export interface ModelView {
  id: string;
  code: string;
  name: string;
  tier: ModelTier;
  active: boolean;
  inputPrice: number;
  outputPrice: number;
  currency: string;
  contextTokens: number;
  capabilities: string[];
  provider: ProviderView;
}

export interface RouteView {
  task: AiTask;
  models: ModelView[];
}

export interface UsageRow {
  key: string;
  label: string;
  currency: string;
  calls: number;
  failures: number;
  fallbacks: number;
  badKeys: number;
  inputTokens: number;
  outputTokens: number;
  costMinor: number;
  credits: number;
  averageLatencyMs: number;
}

export interface UsageView {
  from: Date;
  to: Date;
  groupBy: 'tenant' | 'model';
  rows: UsageRow[];
  recentFailures: Array<{ id: string; at: Date; tenantId: string; tenantName: string; model: string; providerCode: string; outcome: CallOutcome; error: string }>;
}

/** The stable prefix the router writes before a failure's explanation ("bad_key: …"). */
export function errorKindOf(error: string | null): string | null {
  const match = error ? /^([a-z_]+):/.exec(error) : null;
  return match ? match[1]! : null;
}

export async function requirePlatform(em: EntityManager): Promise<void> {
  const [row] = await sql<{ platform: boolean }>(em, 'select app.is_platform() as platform');
  if (!row?.platform) throw new AppError('FORBIDDEN', 'Only the platform manages AI providers, models and routes.');
}

function providerFrom(row: Row): ProviderView {
  const error = (row['last_error'] as string | null) ?? null;
  return {
    id: row['id'] as string,
    code: row['code'] as string,
    kind: row['kind'] as ProviderKind,
    name: row['name'] as string,
    baseUrl: (row['base_url'] as string | null) ?? null,
    active: row['active'] as boolean,
    hasKey: row['has_key'] as boolean,
    keyless: row['keyless'] === true,
    keyLast4: (row['last4'] as string | null) || null,
    keySetAt: toDate(row['rotated_at']),
    lastCall: row['last_at']
      ? { at: toDate(row['last_at'])!, outcome: row['last_outcome'] as CallOutcome, errorKind: errorKindOf(error), error }
      : null,
  };
}

const PROVIDER_SELECT = `
  select p.id, p.code, p.kind, p.name, p.base_url, p.active,
         s.provider_id is not null as has_key, s.keyless, s.last4, s.rotated_at,
         lc.created_at as last_at, lc.outcome as last_outcome, lc.error as last_error
    from tenants.ai_provider p
    left join tenants.ai_provider_secret s on s.provider_id = p.id
    left join lateral (select c.created_at, c.outcome, c.error from tenants.ai_call c
                        where c.provider_code = p.code order by c.created_at desc limit 1) lc on true`;

export async function listProviders(em: EntityManager): Promise<ProviderView[]> {
  await requirePlatform(em);
  const rows = await sql(em, `${PROVIDER_SELECT} order by p.kind = 'offline', p.name`);
  return rows.map(providerFrom);
}

async function providerById(em: EntityManager, id: string): Promise<ProviderView> {
  const [row] = isUuid(id) ? await sql(em, `${PROVIDER_SELECT} where p.id = ?`, [id]) : [];
  if (!row) throw notFound('AI provider');
  return providerFrom(row);
}

/**
 * Encrypts and stores a provider's key (replacing any previous one). An empty
 * key is accepted only for an OpenAI-compatible server (always at a base URL:
 * a table check; Ollama and vLLM take no key): the provider is then configured
 * as keyless, with no placeholder key.
 */
export async function setProviderKey(em: EntityManager, providerId: string, key: string, keyring: Keyring): Promise<ProviderView> {
  await requirePlatform(em);
  const provider = await providerById(em, providerId);
  if (provider.kind === 'offline') throw badInput('The built-in offline provider needs no key.', 'key');
  const clean = typeof key === 'string' ? key.trim() : '';
  const keyless = clean === '';
  if (keyless && provider.kind !== 'openai_compatible') {
    throw badInput('Enter the API key. Only an OpenAI-compatible server (Ollama, vLLM) may run without one.', 'key');
  }
  if (clean.length > MAX_KEY_LENGTH) throw badInput(`The API key is longer than ${MAX_KEY_LENGTH} characters.`, 'key');
  if (/\s/.test(clean) || [...clean].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) throw badInput('The API key must be one line without spaces.', 'key');
  const sealed = encryptSecret(clean, providerKeyContext(provider.id), keyring);
  await sql(em,
    `insert into tenants.ai_provider_secret (provider_id, encrypted_key, key_id, last4, keyless, rotated_at)
     values (?, ?, ?, ?, ?, clock_timestamp())
     on conflict (provider_id) do update
       set encrypted_key = excluded.encrypted_key, key_id = excluded.key_id, last4 = excluded.last4, keyless = excluded.keyless, rotated_at = excluded.rotated_at`,
    [provider.id, sealed.blob, sealed.keyId, lastFour(clean), keyless]);
  return providerById(em, provider.id);
}

export async function clearProviderKey(em: EntityManager, providerId: string): Promise<ProviderView> {
  await requirePlatform(em);
  const provider = await providerById(em, providerId);
  await sql(em, 'delete from tenants.ai_provider_secret where provider_id = ?', [provider.id]);
  return providerById(em, provider.id);
}

export interface UpdateProviderInput {
  name?: string | null;
  baseUrl?: string | null;
  active?: boolean | null;
}

function checkBaseUrl(value: string): string {
  const trimmed = value.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw badInput('The base URL is not a valid URL.', 'baseUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('The base URL must start with https:// (or http:// for a local server).', 'baseUrl');
  if (url.username || url.password) throw badInput('Put the key in the key field, not in the URL.', 'baseUrl');
  if (url.search || url.hash) throw badInput('The base URL takes no query string or fragment.', 'baseUrl');
  if (trimmed.length > 500) throw badInput('The base URL is longer than 500 characters.', 'baseUrl');
  return trimmed.replace(/\/+$/, '');
}

export async function updateProvider(em: EntityManager, id: string, input: UpdateProviderInput): Promise<ProviderView> {
  await requirePlatform(em);
  const provider = await providerById(em, id);
  let name: string | null = null;
  if (input.name !== undefined && input.name !== null) {
    name = input.name.trim();
    if (!name || name.length > 100) throw badInput('The name must have 1 to 100 characters.', 'name');
  }
  let baseUrl: string | null = null;
  if (input.baseUrl !== undefined) {
    if (provider.kind === 'offline') {
      if (input.baseUrl) throw badInput('The built-in offline provider has no URL.', 'baseUrl');
    } else if (!input.baseUrl?.trim()) {
      throw badInput('This provider needs a base URL.', 'baseUrl');
    } else {
      baseUrl = checkBaseUrl(input.baseUrl);
    }
  }
  await sql(em,
    `update tenants.ai_provider set name = coalesce(?, name), base_url = coalesce(?, base_url), active = coalesce(?, active) where id = ?`,
    [name, baseUrl, input.active ?? null, provider.id]);
  return providerById(em, provider.id);
}

function modelFrom(row: Row, providers: ReadonlyMap<string, ProviderView>): ModelView {
  return {
    id: row['id'] as string,
    code: row['code'] as string,
    name: row['name'] as string,
    tier: row['tier'] as ModelTier,
    active: row['active'] as boolean,
    inputPrice: num(row['input_price_per_mtok_minor']),
    outputPrice: num(row['output_price_per_mtok_minor']),
    currency: String(row['currency']).trim(),
    contextTokens: num(row['context_tokens']),
    capabilities: (row['capabilities'] as string[] | null) ?? [],
    provider: providers.get(row['provider_id'] as string)!,
  };
}

const MODEL_COLUMNS = 'm.id, m.provider_id, m.code, m.name, m.tier, m.active, m.input_price_per_mtok_minor, m.output_price_per_mtok_minor, m.currency, m.context_tokens, m.capabilities';

async function providerMap(em: EntityManager): Promise<Map<string, ProviderView>> {
  return new Map((await listProviders(em)).map((p) => [p.id, p]));
}

export async function listModels(em: EntityManager): Promise<ModelView[]> {
  const providers = await providerMap(em);
  const rows = await sql(em,
    `select ${MODEL_COLUMNS} from tenants.ai_model m join tenants.ai_provider p on p.id = m.provider_id
      order by p.kind = 'offline', p.name, m.tier, m.name`);
  return rows.map((r) => modelFrom(r, providers));
}

export interface UpdateModelInput {
  active?: boolean | null;
  tier?: ModelTier | null;
  inputPrice?: number | null;
  outputPrice?: number | null;
}

function checkPrice(value: number | null | undefined, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_PRICE_MINOR) {
    throw badInput(`${field} must be a whole number of minor units between 0 and ${MAX_PRICE_MINOR}.`, field);
  }
  return value;
}

export async function updateModel(em: EntityManager, id: string, input: UpdateModelInput): Promise<ModelView> {
  await requirePlatform(em);
  if (!isUuid(id)) throw notFound('AI model');
  if (input.tier != null && input.tier !== 'premium' && input.tier !== 'standard') throw badInput('tier must be premium or standard', 'tier');
  const inputPrice = checkPrice(input.inputPrice, 'inputPrice');
  const outputPrice = checkPrice(input.outputPrice, 'outputPrice');
  const updated = await sql(em,
    `update tenants.ai_model
        set active = coalesce(?, active), tier = coalesce(?, tier),
            input_price_per_mtok_minor = coalesce(?, input_price_per_mtok_minor),
            output_price_per_mtok_minor = coalesce(?, output_price_per_mtok_minor)
      where id = ? returning id`,
    [input.active ?? null, input.tier ?? null, inputPrice, outputPrice, id]);
  if (updated.length === 0) throw notFound('AI model');
  return (await listModels(em)).find((m) => m.id === id)!;
}

export async function listRoutes(em: EntityManager): Promise<RouteView[]> {
  const providers = await providerMap(em);
  const rows = await sql(em,
    `select r.task, ${MODEL_COLUMNS} from tenants.ai_route r join tenants.ai_model m on m.id = r.model_id
      where r.active order by r.task, r.position`);
  return AI_TASKS.map((task) => ({ task, models: rows.filter((r) => r['task'] === task).map((r) => modelFrom(r, providers)) }));
}

/** Replaces a task's chain, validated: known models, no repeats, each able to do the task, one usable at least. */
export async function setRoute(em: EntityManager, task: AiTask, modelIds: readonly string[]): Promise<RouteView> {
  await requirePlatform(em);
  if (!(AI_TASKS as readonly string[]).includes(task)) throw badInput(`unknown AI task "${task}"`, 'task');
  if (!Array.isArray(modelIds) || modelIds.length === 0) throw badInput('A route needs at least one model.', 'modelIds');
  if (modelIds.length > MAX_ROUTE_LENGTH) throw badInput(`A route holds at most ${MAX_ROUTE_LENGTH} models.`, 'modelIds');
  if (new Set(modelIds).size !== modelIds.length) throw badInput('A model appears twice in the route.', 'modelIds');
  const unknown = modelIds.find((id) => !isUuid(id));
  if (unknown !== undefined) throw notFound('AI model');
  const rows = await sql(em,
    `select m.id, m.name, m.active, m.capabilities, p.active as provider_active
       from tenants.ai_model m join tenants.ai_provider p on p.id = m.provider_id where m.id = any(?::uuid[])`, [uuidArrayLiteral(modelIds)]);
  if (rows.length !== modelIds.length) throw notFound('AI model');
  const capability = TASK_CAPABILITY[task];
  const unable = rows.filter((r) => !((r['capabilities'] as string[] | null) ?? []).includes(capability));
  if (unable.length) {
    throw badInput(`${unable.map((r) => r['name']).join(', ')} cannot do ${task.replace(/_/g, ' ')} (needs the "${capability}" capability).`, 'modelIds');
  }
  if (!rows.some((r) => r['active'] && r['provider_active'])) throw badInput('The route would have no active model.', 'modelIds');
  // One writer at a time per task: positions are unique.
  await sql(em, 'select pg_advisory_xact_lock(hashtextextended(?, 0))', [`ai_route:${task}`]);
  await sql(em, 'delete from tenants.ai_route where task = ?', [task]);
  for (const [i, modelId] of modelIds.entries()) {
    await sql(em, 'insert into tenants.ai_route (id, task, position, model_id, active) values (?, ?, ?, ?, true)', [newId(), task, i + 1, modelId]);
  }
  return (await listRoutes(em)).find((r) => r.task === task)!;
}

export async function usage(em: EntityManager, input: { from: Date; to: Date; groupBy: 'tenant' | 'model' }): Promise<UsageView> {
  await requirePlatform(em);
  const { from, to } = input;
  if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw badInput('from and to must be dates', 'from');
  if (from >= to) throw badInput('from must be before to', 'from');
  if (to.getTime() - from.getTime() > MAX_USAGE_DAYS * 86_400_000) throw badInput(`The period is limited to ${MAX_USAGE_DAYS} days.`, 'to');
  const [key, label, join] = input.groupBy === 'tenant'
    ? ['c.tenant_id::text', 't.name', 'join tenants.tenant t on t.id = c.tenant_id']
    : ["coalesce(m.id::text, c.provider_code)", 'coalesce(m.name, c.provider_code)', 'left join tenants.ai_model m on m.id = c.model_id'];
  const rows = await sql(em,
    `select ${key} as key, ${label} as label, c.cost_currency as currency,
            count(*) as calls,
            count(*) filter (where c.outcome in ('error', 'timeout', 'refused')) as failures,
            count(*) filter (where c.outcome = 'fallback') as fallbacks,
            count(*) filter (where c.error like 'bad\\_key:%') as bad_keys,
            coalesce(sum(c.input_tokens), 0) as input_tokens, coalesce(sum(c.output_tokens), 0) as output_tokens,
            coalesce(sum(c.cost_minor), 0) as cost_minor, coalesce(sum(c.credits), 0) as credits,
            coalesce(round(avg(c.latency_ms)), 0) as latency
       from tenants.ai_call c ${join}
      where c.created_at >= ? and c.created_at < ?
      group by 1, 2, 3
      order by sum(c.cost_minor) desc, count(*) desc, 2`, [from, to]);
  const failures = await sql(em,
    `select c.id, c.created_at, c.tenant_id, t.name as tenant_name, coalesce(m.name, c.provider_code) as model, c.provider_code, c.outcome, coalesce(c.error, '') as error
       from tenants.ai_call c join tenants.tenant t on t.id = c.tenant_id left join tenants.ai_model m on m.id = c.model_id
      where c.created_at >= ? and c.created_at < ? and c.outcome in ('error', 'timeout', 'refused')
      order by c.created_at desc limit 20`, [from, to]);
  return {
    from,
    to,
    groupBy: input.groupBy,
    rows: rows.map((r) => ({
      key: r['key'] as string,
      label: r['label'] as string,
      currency: String(r['currency']).trim(),
      calls: num(r['calls']),
      failures: num(r['failures']),
      fallbacks: num(r['fallbacks']),
      badKeys: num(r['bad_keys']),
      inputTokens: num(r['input_tokens']),
      outputTokens: num(r['output_tokens']),
      costMinor: num(r['cost_minor']),
      credits: num(r['credits']),
      averageLatencyMs: num(r['latency']),
    })),
    recentFailures: failures.map((r) => ({
      id: r['id'] as string,
      at: toDate(r['created_at'])!,
      tenantId: r['tenant_id'] as string,
      tenantName: r['tenant_name'] as string,
      model: r['model'] as string,
      providerCode: r['provider_code'] as string,
      outcome: r['outcome'] as CallOutcome,
      error: r['error'] as string,
    })),
  };
}
