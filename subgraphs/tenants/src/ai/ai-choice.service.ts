// T10, the client's side: it picks, per task, among the models its plan
// allows — names and tiers only, never providers, prices or settings. The
// router tries the pick first and falls back along the platform's route.
import type { EntityManager } from '@ensemble/db/orm';
import type { AiTask } from '@ensemble/db/vocabulary';
import { CANDIDATE_COLUMNS, allowedModels, candidateFrom, providersWithKey } from '@ensemble/ai/catalogue';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';
import { TASK_CAPABILITY, type ModelTier } from './ai-admin.service.ts';

type Row = Record<string, unknown>;

function sql<T = Row>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params as unknown[], 'all', em.getTransactionContext());
}

export interface AvailableModelView {
  id: string;
  name: string;
  tier: ModelTier;
  chosen: boolean;
}

interface Usable {
  id: string;
  name: string;
  tier: ModelTier;
  allowed: boolean;
  usable: boolean;
}

/** Every model able to do the task, with whether the plan allows it and whether it can be called now. */
async function modelsFor(em: EntityManager, tenantId: string, task: AiTask): Promise<Usable[]> {
  const [allowed, withKey] = [await allowedModels(em, tenantId), await providersWithKey(em)];
  const rows = await sql(em,
    `select ${CANDIDATE_COLUMNS} from tenants.ai_model m join tenants.ai_provider p on p.id = m.provider_id
      where ? = any (m.capabilities) order by m.tier, m.name`, [TASK_CAPABILITY[task]]);
  return rows.map((row) => {
    const c = candidateFrom(row, withKey, new Map());
    return {
      id: c.modelId,
      name: c.modelName,
      tier: c.tier,
      allowed: allowed === null || allowed.has(c.modelId),
      usable: c.active && c.provider.active && (c.provider.kind === 'offline' || c.provider.hasKey),
    };
  });
}

async function choiceOf(em: EntityManager, tenantId: string, task: AiTask): Promise<string | null> {
  const [row] = await sql<{ model_id: string }>(em, 'select model_id from tenants.ai_model_choice where tenant_id = ? and task = ?', [tenantId, task]);
  return row?.model_id ?? null;
}

export async function availableModels(em: EntityManager, tenantId: string, task: AiTask): Promise<AvailableModelView[]> {
  const chosen = await choiceOf(em, tenantId, task);
  return (await modelsFor(em, tenantId, task))
    .filter((m) => m.allowed && m.usable)
    .map((m) => ({ id: m.id, name: m.name, tier: m.tier, chosen: m.id === chosen }));
}

export async function chooseModel(em: EntityManager, tenantId: string, task: AiTask, modelId: string | null): Promise<AvailableModelView[]> {
  const [tenant] = await sql<{ kind: string }>(em, 'select kind from tenants.tenant where id = ?', [tenantId]);
  if (!tenant) throw notFound('Client');
  if (tenant.kind !== 'client') throw badInput('Models are picked in a client workspace.', 'task');
  if (modelId === null) {
    await sql(em, 'delete from tenants.ai_model_choice where tenant_id = ? and task = ?', [tenantId, task]);
    return availableModels(em, tenantId, task);
  }
  const model = isUuid(modelId) ? (await modelsFor(em, tenantId, task)).find((m) => m.id === modelId) : undefined;
  if (!model) throw notFound('AI model');
  if (!model.allowed) throw new AppError('FORBIDDEN', `Your plan does not include ${model.name}.`);
  if (!model.usable) throw badInput(`${model.name} is not available at the moment.`, 'modelId');
  await sql(em,
    `insert into tenants.ai_model_choice (tenant_id, task, model_id, updated_at) values (?, ?, ?, now())
     on conflict (tenant_id, task) do update set model_id = excluded.model_id, updated_at = now()`, [tenantId, task, model.id]);
  return availableModels(em, tenantId, task);
}
