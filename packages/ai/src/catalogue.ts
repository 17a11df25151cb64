// The router's view of the database: routes, models, providers and credit
// rates (platform catalogue, readable by every tenant), the client's plan and
// model choice (through its own transaction: RLS answers for it only), the
// providers' stored keys (app.ai_provider_secret: ciphertext, opened here
// with the master key of the environment), and the call log
// (tenants.ai_call, written in the client's transaction).
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant, type EntityManager } from '@ensemble/db/orm';
import type { AiTask } from '@ensemble/db/vocabulary';
import type { CreditRate } from './offline-model.ts';
import type { ProviderKind } from './providers/provider.ts';
import { createAiRouter, type AiCallRecord, type AiModelCandidate, type AiRouter, type AiRouterDeps, type RoutePlan } from './router.ts';
import { decryptSecret, keyringFromEnv, providerKeyContext, type Keyring } from './secrets.ts';

type Row = Record<string, unknown>;

function sql<T = Row>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params as unknown[], 'all', em.getTransactionContext());
}

const num = (value: unknown): number => (typeof value === 'string' ? Number(value) : (value as number)) || 0;

/** Columns of a candidate model (ai_model m joined with ai_provider p). */
export const CANDIDATE_COLUMNS = `m.id as model_id, m.code as model_code, m.name as model_name, m.tier, m.active,
  m.input_price_per_mtok_minor, m.output_price_per_mtok_minor, m.currency, m.capabilities,
  p.id as provider_id, p.code as provider_code, p.kind as provider_kind, p.name as provider_name, p.base_url, p.active as provider_active`;

export function candidateFrom(row: Row, withKey: ReadonlySet<string>, rates: ReadonlyMap<string, CreditRate>): AiModelCandidate {
  const providerId = row['provider_id'] as string;
  const tier = row['tier'] as 'premium' | 'standard';
  return {
    modelId: row['model_id'] as string,
    modelCode: row['model_code'] as string,
    modelName: row['model_name'] as string,
    tier,
    active: row['active'] as boolean,
    inputPricePerMtokMinor: num(row['input_price_per_mtok_minor']),
    outputPricePerMtokMinor: num(row['output_price_per_mtok_minor']),
    currency: String(row['currency']).trim(),
    capabilities: (row['capabilities'] as string[] | null) ?? [],
    provider: {
      id: providerId,
      code: row['provider_code'] as string,
      kind: row['provider_kind'] as ProviderKind,
      name: row['provider_name'] as string,
      baseUrl: (row['base_url'] as string | null) ?? null,
      active: row['provider_active'] as boolean,
      hasKey: withKey.has(providerId),
    },
    creditRate: rates.get(tier) ?? null,
  };
}

/** billing.credit_rate of a task per tier, per million input / output tokens and per minute of audio. */
export async function creditRates(em: EntityManager, task: AiTask): Promise<Map<string, CreditRate>> {
  const rows = await sql(em, `select tier, unit, credits, batch_discount_pct from billing.credit_rate
                               where task = ? and active and unit in ('mtok_input', 'mtok_output', 'audio_minute')`, [task]);
  const rates = new Map<string, CreditRate>();
  for (const row of rows) {
    const tier = row['tier'] as string;
    const rate = rates.get(tier) ?? { inputPerMtok: 0, outputPerMtok: 0 };
    if (row['unit'] === 'mtok_input') rate.inputPerMtok = num(row['credits']);
    else if (row['unit'] === 'mtok_output') rate.outputPerMtok = num(row['credits']);
    else rate.perAudioMinute = num(row['credits']);
    rate.batchDiscountPct = num(row['batch_discount_pct']);
    rates.set(tier, rate);
  }
  return rates;
}

export async function providersWithKey(em: EntityManager): Promise<Set<string>> {
  const rows = await sql<{ id: string }>(em, 'select id from app.ai_providers_with_key() as id');
  return new Set(rows.map((r) => r.id));
}

/**
 * The models a tenant may use: its plan's (tenants.plan_ai_model); a client
 * without a live plan keeps the built-in offline models; null for the
 * platform and distributors (their own work is not sold by plan).
 */
export async function allowedModels(em: EntityManager, tenantId: string): Promise<Set<string> | null> {
  const [tenant] = await sql<{ kind: string }>(em, 'select kind from tenants.tenant where id = ?', [tenantId]);
  if (tenant && tenant.kind !== 'client') return null;
  const [plan] = await sql<{ id: string }>(em, 'select id from app.plan_for(?)', [tenantId]);
  const rows = plan
    ? await sql<{ model_id: string }>(em, 'select model_id from tenants.plan_ai_model where plan_id = ?', [plan.id])
    : await sql<{ model_id: string }>(em, `select m.id as model_id from tenants.ai_model m join tenants.ai_provider p on p.id = m.provider_id where p.kind = 'offline'`);
  return new Set(rows.map((r) => r.model_id));
}

/** Reads a route plan inside the tenant's transaction. */
export async function loadRoutePlan(em: EntityManager, task: AiTask, tenantId: string): Promise<RoutePlan> {
  const [withKey, rates, allowedModelIds] = [await providersWithKey(em), await creditRates(em, task), await allowedModels(em, tenantId)];
  const chainRows = await sql(em,
    `select ${CANDIDATE_COLUMNS}
       from tenants.ai_route r
       join tenants.ai_model m on m.id = r.model_id
       join tenants.ai_provider p on p.id = m.provider_id
      where r.task = ? and r.active
      order by r.position`, [task]);
  const [choice] = await sql(em,
    `select ${CANDIDATE_COLUMNS}
       from tenants.ai_model_choice c
       join tenants.ai_model m on m.id = c.model_id
       join tenants.ai_provider p on p.id = m.provider_id
      where c.tenant_id = ? and c.task = ?`, [tenantId, task]);
  return {
    chain: chainRows.map((r) => candidateFrom(r, withKey, rates)),
    preferred: choice ? candidateFrom(choice, withKey, rates) : null,
    allowedModelIds,
  };
}

/** Writes a call once: the settle hook writes the answer's call with its settlement, the router writes it again after. */
export async function insertAiCall(em: EntityManager, call: AiCallRecord): Promise<void> {
  await sql(em,
    `insert into tenants.ai_call (id, tenant_id, task, model_id, provider_code, input_tokens, output_tokens, audio_seconds, cost_minor, cost_currency,
                                  credits, latency_ms, outcome, fallback_from, reservation_id, content_item_id, batch, error)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (id) do nothing`,
    [call.id, call.tenantId, call.task, call.modelId, call.providerCode, call.inputTokens, call.outputTokens, call.audioSeconds, call.costMinor, call.costCurrency,
      call.credits, call.latencyMs, call.outcome, call.fallbackFrom, call.reservationId, call.contentItemId, call.batch, call.error]);
}

export interface CatalogueOptions {
  /** the master keys (default: the environment's, read when a key is first needed) */
  keyring?: () => Keyring;
}

/** loadRoute / loadProviderKey / recordCall over the database. */
export function createCatalogue(orm: MikroORM, options: CatalogueOptions = {}): Pick<AiRouterDeps, 'loadRoute' | 'loadProviderKey' | 'recordCall'> {
  const keyring = options.keyring ?? (() => keyringFromEnv());
  return {
    loadRoute: (task, tenantId) => withTenant(orm, tenantId, null, ({ em }) => loadRoutePlan(em, task, tenantId)),
    async loadProviderKey(providerId) {
      const [row] = await withoutTenant(orm, (em) =>
        sql<{ encrypted_key: Buffer; key_id: string }>(em, 'select encrypted_key, key_id from app.ai_provider_secret(?)', [providerId]));
      if (!row) return null;
      return decryptSecret({ blob: row.encrypted_key, keyId: row.key_id }, providerKeyContext(providerId), keyring());
    },
    recordCall: (call) => withTenant(orm, call.tenantId, null, ({ em }) => insertAiCall(em, call)),
  };
}

/** A router over the database's catalogue; credits come from the caller's hooks. */
export function createDbAiRouter(orm: MikroORM, options: CatalogueOptions & Omit<AiRouterDeps, 'loadRoute' | 'loadProviderKey' | 'recordCall'> = {}): AiRouter {
  const { keyring, ...rest } = options;
  return createAiRouter({ ...rest, ...createCatalogue(orm, keyring ? { keyring } : {}) });
}
