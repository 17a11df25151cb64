// What the pipeline reads from the tenants (and billing) schemas that no
// domain service exposes yet: the prompt cascade of a client, the plan of its
// live subscription, its onboarding sources. Each goes through a SECURITY
// DEFINER function or RLS inside the client's own transaction, so it answers
// only for the entered client.
import type { EntityManager } from '@ensemble/db/orm';
import { BrandDnaSnapshot, type BrandDnaSnapshotRow } from '@ensemble/db/tenants/brand-dna.entity';

type Row = Record<string, unknown>;

function sql<T = Row>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}

export interface PromptLayerRow {
  id: string;
  tenantId: string;
  level: 'platform' | 'distributor' | 'client';
  depth: number;
  version: number;
  document: Record<string, unknown>;
}

/** T7: the latest layer of each ancestor for the locale, root first (app.prompt_layers_for). */
export async function promptLayersFor(em: EntityManager, clientId: string, locale: string): Promise<PromptLayerRow[]> {
  const rows = await sql(em, `select id, tenant_id, level, depth, version, document from app.prompt_layers_for(?, ?) order by depth`, [clientId, locale]);
  return rows.map((r) => ({
    id: r.id as string,
    tenantId: r.tenant_id as string,
    level: r.level as PromptLayerRow['level'],
    depth: r.depth as number,
    version: r.version as number,
    document: r.document as Record<string, unknown>,
  }));
}

/** T2: the plan of the client's live subscription (app.plan_for), or null without one. */
export async function planFor(em: EntityManager, clientId: string): Promise<{ code: string; limits: Record<string, unknown>; monthlyCredits: number } | null> {
  const [row] = await sql(em, `select code, limits, monthly_credits from app.plan_for(?)`, [clientId]);
  return row ? { code: row.code as string, limits: (row.limits ?? {}) as Record<string, unknown>, monthlyCredits: row.monthly_credits as number } : null;
}

/** T8: onboarding sources added since a moment (all when null), counted by kind. */
export async function onboardingSourcesSince(em: EntityManager, since: Date | null): Promise<{ total: number; byKind: Record<string, number> }> {
  const rows = await sql<{ kind: string; n: string }>(em,
    `select kind, count(*) as n from tenants.onboarding_source where (?::timestamptz is null or created_at > ?::timestamptz) group by kind order by kind`,
    [since, since]);
  const byKind = Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  return { total: rows.reduce((sum, r) => sum + Number(r.n), 0), byKind };
}

/** A snapshot by id (the one pinned on a run), within the entered tenant. */
export async function snapshotById(em: EntityManager, id: string): Promise<BrandDnaSnapshotRow | null> {
  return em.findOne(BrandDnaSnapshot, { id });
}
