// W3 bookkeeping, used by the onboarding workflow's activities: which
// sources a run reads, each source's stage and result, and the proposed
// draft. Callers pass an em inside withTenant() (RLS). Every write is
// idempotent: a retried or replayed activity finds what the first did.
import type { EntityManager } from '@ensemble/db/orm';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { notFound } from '@ensemble/tenancy/errors';
import type { IngestedSourceKind, SourceStage } from '@ensemble/workflow-contracts/onboarding';
import { answersFromRows } from './questionnaire.ts';
import { buildDraft, type DraftResult, type SourceDocument, type SourceSection } from './extraction.ts';
import { sql } from './onboarding.service.ts';

export interface IngestionSource {
  sourceId: string;
  sessionId: string;
  kind: IngestedSourceKind;
  status: string;
  url: string | null;
  mediaId: string | null;
  filename: string | null;
  language: string;
}

/** What a source yields: its sections (pages, PDF pages, a transcript) and a summary for the wizard. */
export interface SourceExtraction {
  document: Omit<SourceDocument, 'sourceId' | 'kind'>;
  summary: Record<string, unknown>;
}

/** Stored text is bounded: a few hundred thousand characters say all a draft needs. */
export const MAX_SECTION_CHARS = 60_000;
export const MAX_SOURCE_CHARS = 400_000;

export async function beginIngestion(em: EntityManager, sessionId: string, workflowId: string): Promise<{ status: string; sources: Array<{ sourceId: string; kind: IngestedSourceKind }> }> {
  const [session] = await sql<{ status: string }>(em, `select status from tenants.onboarding_session where id = ? for update`, [sessionId]);
  if (!session) throw notFound('Onboarding session');
  // An accepted (or abandoned) session is history: a late run must not reopen it.
  if (session.status === 'accepted' || session.status === 'abandoned') return { status: session.status, sources: [] };
  await sql(em, `update tenants.onboarding_session set status = 'ingesting', workflow_id = ?, error = null, updated_at = now() where id = ?`, [workflowId, sessionId]);
  const rows = await sql<{ id: string; kind: IngestedSourceKind }>(em,
    `select id, kind from tenants.onboarding_source where session_id = ? and kind <> 'answer' and status <> 'done' order by created_at, id`, [sessionId]);
  await sql(em, `update tenants.onboarding_source set status = 'pending', stage = 'queued', error = null where session_id = ? and kind <> 'answer' and status <> 'done'`, [sessionId]);
  return { status: 'ingesting', sources: rows.map((r) => ({ sourceId: r.id, kind: r.kind })) };
}

export async function loadSource(em: EntityManager, sourceId: string): Promise<IngestionSource> {
  const [row] = await sql(em,
    `select s.id, s.session_id, s.kind, s.status, s.url, s.media_id, s.locale, m.filename
       from tenants.onboarding_source s left join content.media m on m.tenant_id = s.tenant_id and m.id = s.media_id
      where s.id = ? and s.kind <> 'answer'`, [sourceId]);
  if (!row) throw notFound('Onboarding source');
  return {
    sourceId: row.id as string,
    sessionId: row.session_id as string,
    kind: row.kind as IngestedSourceKind,
    status: row.status as string,
    url: (row.url as string | null) ?? null,
    mediaId: (row.media_id as string | null) ?? null,
    filename: (row.filename as string | null) ?? null,
    language: row.locale as string,
  };
}

export async function setStage(em: EntityManager, sourceId: string, stage: SourceStage, progress: Record<string, unknown> = {}): Promise<void> {
  const status = stage === 'queued' ? 'pending' : stage === 'done' || stage === 'failed' ? stage : 'processing';
  await sql(em, `update tenants.onboarding_source set stage = ?, status = ?, progress = ?::jsonb where id = ? and status <> 'done'`, [stage, status, JSON.stringify(progress), sourceId]);
}

function boundSections(sections: SourceSection[]): SourceSection[] {
  let left = MAX_SOURCE_CHARS;
  const out: SourceSection[] = [];
  for (const section of sections) {
    if (left <= 0) break;
    const text = section.text.slice(0, Math.min(MAX_SECTION_CHARS, left));
    left -= text.length;
    out.push({ ...section, text });
  }
  return out;
}

export async function completeSource(em: EntityManager, sourceId: string, result: SourceExtraction): Promise<void> {
  const sections = boundSections(result.document.sections);
  const text = sections.map((s) => s.text).join('\n\n');
  await sql(em,
    `update tenants.onboarding_source set status = 'done', stage = 'done', error = null, extracted_text = ?, extracted = ?::jsonb,
            progress = '{}', processed_at = now()
      where id = ? and status <> 'done'`,
    [text, JSON.stringify({ summary: result.summary, document: { ...result.document, sections } }), sourceId]);
}

export async function failSource(em: EntityManager, sourceId: string, reason: string): Promise<void> {
  await sql(em,
    `update tenants.onboarding_source set status = 'failed', stage = 'failed', error = ?, progress = '{}', processed_at = now()
      where id = ? and status <> 'done'`, [reason.slice(0, 2000), sourceId]);
}

/** The draft from the session's answers and every source read so far; saved, the session becomes "proposed". */
export async function proposeDraft(em: EntityManager, sessionId: string): Promise<DraftResult | null> {
  const [session] = await sql<{ tenant_id: string; status: string; locale: string }>(em,
    `select tenant_id, status, locale from tenants.onboarding_session where id = ? for update`, [sessionId]);
  if (!session) throw notFound('Onboarding session');
  if (session.status !== 'ingesting') return null;
  const tenant = await em.findOne(Tenant, { id: session.tenant_id });
  const rows = await sql<{ id: string; kind: string; question_key: string | null; value: unknown; document: Record<string, unknown> | null }>(em,
    `select id, kind, question_key, extracted -> 'value' as value, extracted -> 'document' as document
       from tenants.onboarding_source where session_id = ? and status = 'done' order by created_at, id`, [sessionId]);
  const answerRows = rows.filter((r) => r.kind === 'answer');
  const answers = answerRows.length ? answersFromRows(answerRows.map((r) => ({ questionKey: r.question_key, value: r.value })), session.locale) : null;
  const documents: SourceDocument[] = rows
    .filter((r) => r.kind !== 'answer' && r.document)
    .map((r) => ({ ...(r.document as unknown as Omit<SourceDocument, 'sourceId' | 'kind'>), sourceId: r.id, kind: r.kind as SourceDocument['kind'] }));
  const result = buildDraft({ locale: answers?.locale ?? session.locale, currency: tenant?.currency ?? 'EUR', answers, documents });
  await sql(em,
    `update tenants.onboarding_session set status = 'proposed', draft = ?::jsonb, draft_provenance = ?::jsonb, error = null, updated_at = now() where id = ?`,
    [JSON.stringify(result.document), JSON.stringify(result.provenance), sessionId]);
  return result;
}

export async function failSession(em: EntityManager, sessionId: string, reason: string): Promise<void> {
  await sql(em, `update tenants.onboarding_session set status = 'failed', error = ?, updated_at = now() where id = ? and status = 'ingesting'`, [reason.slice(0, 2000), sessionId]);
}
