// Isolation (SPEC §7): what a client's prompt is built from, read inside the
// client's own transaction — its prompt cascade (app.prompt_layers_for: the
// latest layer of each ancestor and its own, root first) merged with its
// latest brand DNA snapshot. Another tenant's id finds nothing here: RLS and
// the function's own scope check answer for the entered client only.
import type { EntityManager } from '@ensemble/db/orm';
import { buildGenerationPrompt, type GenerationPromptInput } from '@ensemble/ai/prompt';
import type { AiPrompt } from '@ensemble/ai/providers/provider';
import { notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';
import { latestSnapshot } from '../brand/brand-dna.service.ts';
import { mergeCascade, type CascadeLayer } from '../brand/cascade.ts';

type Row = Record<string, unknown>;

export interface ClientPromptDna {
  clientId: string;
  locale: string;
  document: Record<string, unknown>;
  /** where each top-level key came from: platform, distributor:<id>, client, brand_dna:v<n> */
  sources: string[];
}

export async function loadClientPromptDna(em: EntityManager, clientId: string, locale?: string | null): Promise<ClientPromptDna> {
  if (!isUuid(clientId)) throw notFound('Client');
  const ctx = em.getTransactionContext();
  const [tenant] = await em.getConnection().execute<Row[]>('select kind, locale from tenants.tenant where id = ?', [clientId], 'all', ctx);
  if (!tenant || tenant['kind'] !== 'client') throw notFound('Client');
  const snapshot = await latestSnapshot(em, clientId);
  const lang = locale ?? snapshot?.locale ?? (tenant['locale'] as string);
  const layers = await em.getConnection().execute<Row[]>(
    'select tenant_id, level, document from app.prompt_layers_for(?, ?) order by depth', [clientId, lang], 'all', ctx);
  const cascade: CascadeLayer[] = layers.map((l) => ({
    source: l['level'] === 'distributor' ? `distributor:${l['tenant_id'] as string}` : (l['level'] as string),
    document: l['document'] as Record<string, unknown>,
  }));
  if (snapshot) cascade.push({ source: `brand_dna:v${snapshot.version}`, document: snapshot.document as Record<string, unknown> });
  const merged = mergeCascade(cascade);
  return { clientId, locale: lang, document: merged.document, sources: cascade.map((c) => c.source) };
}

/** The generation prompt of a client, from its own rows and the brief only. */
export async function buildClientPrompt(em: EntityManager, clientId: string, request: Omit<GenerationPromptInput, 'dna' | 'locale'> & { locale?: string | null }): Promise<AiPrompt> {
  const dna = await loadClientPromptDna(em, clientId, request.locale);
  return buildGenerationPrompt({ ...request, dna: dna.document, locale: dna.locale });
}
