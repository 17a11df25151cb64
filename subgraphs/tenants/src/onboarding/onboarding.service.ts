// T8: a client's onboarding session — questionnaire answers, the sources it
// added (PDF, audio, website), their ingestion progress and the proposed DNA
// draft — and its acceptance as the next brand DNA snapshot. Callers pass an
// em inside withTenant(): RLS bounds every statement, so another client's
// session, sources or media are simply not found.
import type { EntityManager } from '@ensemble/db/orm';
import { Tenant } from '@ensemble/db/tenants/tenant.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import { describeReason, forbiddenAddressReason } from '@ensemble/ingest/address-policy';
import { parsePublicUrl, SafeFetchError, type Resolver } from '@ensemble/ingest/safe-fetch';
import type { SourceStage } from '@ensemble/workflow-contracts/onboarding';
import { brandDnaErrors, assertValidBrandDna } from '../brand/brand-dna.schema.ts';
import { updateBrandDna, latestSnapshot } from '../brand/brand-dna.service.ts';
import type { BrandDnaSnapshotRow } from '@ensemble/db/tenants/brand-dna.entity';
import { QUESTION_KEYS, answerText, answerValue, answersFromRows, emptyAnswers, validateAnswers, type OnboardingAnswers } from './questionnaire.ts';
import { snapshotProvenance, type DraftProvenance } from './provenance.ts';

export type Row = Record<string, unknown>;

export function sql<T = Row>(em: EntityManager, query: string, params: readonly unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(query, params, 'all', em.getTransactionContext());
}

/** Sources a session may hold (answers aside): enough for a brochure, a menu, a site and a voice note or two. */
export const MAX_SOURCES = 20;
/** How long the up-front SSRF check waits for DNS before leaving it to the crawl. */
const DNS_CHECK_MS = 3_000;
/** Statuses of the client's current (unfinished) session; at most one exists (0018). */
export const CURRENT_STATUSES = ['open', 'ingesting', 'proposed', 'failed'] as const;
export type SessionStatus = 'open' | 'ingesting' | 'proposed' | 'accepted' | 'abandoned' | 'failed';
export type IngestedKind = 'pdf' | 'audio' | 'url';

export interface SourceView {
  id: string;
  kind: IngestedKind;
  label: string;
  url: string | null;
  mediaId: string | null;
  filename: string | null;
  language: string;
  stage: SourceStage;
  error: string | null;
  progress: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  createdAt: Date;
  processedAt: Date | null;
}

export interface DraftView {
  document: Record<string, unknown>;
  provenance: DraftProvenance;
  issues: Array<{ field: string; message: string }>;
}

export interface SessionView {
  id: string;
  tenantId: string;
  status: SessionStatus;
  locale: string;
  workflowId: string | null;
  answers: OnboardingAnswers;
  /** the questionnaire was saved at least once */
  answered: boolean;
  sources: SourceView[];
  draft: DraftView | null;
  error: string | null;
  acceptedSnapshotId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  return new Date(String(value).replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));
}

export function sourceLabel(kind: IngestedKind, url: string | null, filename: string | null): string {
  if (kind === 'url') return `url:${url}`;
  return `${kind}:${filename ?? 'file'}`;
}

const SESSION_COLUMNS = 'id, tenant_id, status, locale, workflow_id, draft, draft_provenance, error, accepted_snapshot_id, created_at, updated_at';

async function loadView(em: EntityManager, session: Row): Promise<SessionView> {
  const rows = await sql(em,
    `select s.id, s.kind, s.question_key, s.url, s.media_id, s.locale, s.stage, s.error, s.progress, s.extracted -> 'summary' as summary,
            s.extracted -> 'value' as value, s.created_at, s.processed_at, m.filename
       from tenants.onboarding_source s
       left join content.media m on m.tenant_id = s.tenant_id and m.id = s.media_id
      where s.session_id = ? order by s.created_at, s.id`, [session.id]);
  const answerRows = rows.filter((r) => r.kind === 'answer');
  const locale = session.locale as string;
  const draft = session.draft as Record<string, unknown> | null;
  return {
    id: session.id as string,
    tenantId: session.tenant_id as string,
    status: session.status as SessionStatus,
    locale,
    workflowId: (session.workflow_id as string | null) ?? null,
    answers: answerRows.length ? answersFromRows(answerRows.map((r) => ({ questionKey: r.question_key as string | null, value: r.value })), locale) : emptyAnswers(locale),
    answered: answerRows.length > 0,
    sources: rows.filter((r) => r.kind !== 'answer').map((r) => ({
      id: r.id as string,
      kind: r.kind as IngestedKind,
      label: sourceLabel(r.kind as IngestedKind, r.url as string | null, r.filename as string | null),
      url: (r.url as string | null) ?? null,
      mediaId: (r.media_id as string | null) ?? null,
      filename: (r.filename as string | null) ?? null,
      language: r.locale as string,
      stage: r.stage as SourceStage,
      error: (r.error as string | null) ?? null,
      progress: (r.progress as Record<string, unknown> | null) ?? {},
      summary: (r.summary as Record<string, unknown> | null) ?? null,
      createdAt: toDate(r.created_at),
      processedAt: r.processed_at ? toDate(r.processed_at) : null,
    })),
    draft: draft ? { document: draft, provenance: (session.draft_provenance ?? {}) as DraftProvenance, issues: brandDnaErrors(draft) } : null,
    error: (session.error as string | null) ?? null,
    acceptedSnapshotId: (session.accepted_snapshot_id as string | null) ?? null,
    createdAt: toDate(session.created_at),
    updatedAt: toDate(session.updated_at),
  };
}

/** The session with this id (any status), or null: another tenant's is not found (RLS). */
export async function findSession(em: EntityManager, sessionId: string): Promise<SessionView | null> {
  if (!isUuid(sessionId)) return null;
  const [row] = await sql(em, `select ${SESSION_COLUMNS} from tenants.onboarding_session where id = ?`, [sessionId]);
  return row ? loadView(em, row) : null;
}

export async function requireSession(em: EntityManager, sessionId: string): Promise<SessionView> {
  const session = await findSession(em, sessionId);
  if (!session) throw notFound('Onboarding session');
  return session;
}

async function currentRow(em: EntityManager, tenantId: string, lock = false): Promise<Row | null> {
  const [row] = await sql(em,
    `select ${SESSION_COLUMNS} from tenants.onboarding_session
      where tenant_id = ? and status in ('open', 'ingesting', 'proposed', 'failed')${lock ? ' for update' : ''}`, [tenantId]);
  return row ?? null;
}

/** The client's current (unfinished) session, or null when it has none. */
export async function currentSession(em: EntityManager, tenantId: string): Promise<SessionView | null> {
  const row = await currentRow(em, tenantId);
  return row ? loadView(em, row) : null;
}

async function requireClient(em: EntityManager, tenantId: string): Promise<{ locale: string; currency: string }> {
  const tenant = await em.findOne(Tenant, { id: tenantId });
  if (!tenant) throw notFound('Client');
  if (tenant.kind !== 'client') throw new AppError('FORBIDDEN', 'Only a client workspace has an onboarding');
  const locale = /^[a-z]{2}(-[A-Z]{2})?$/.test(tenant.locale) ? tenant.locale : tenant.locale.slice(0, 2).toLowerCase();
  return { locale, currency: tenant.currency };
}

/** The current session, created (status open) when there is none, locked for the rest of the transaction. */
async function openSession(em: EntityManager, tenantId: string, actorId: string | null): Promise<Row> {
  const { locale } = await requireClient(em, tenantId);
  // The partial unique index (0018) keeps one current session per client, even under races.
  await sql(em,
    `insert into tenants.onboarding_session (id, tenant_id, status, locale, created_by) values (?, ?, 'open', ?, ?) on conflict do nothing`,
    [newId(), tenantId, locale, actorId]);
  const row = await currentRow(em, tenantId, true);
  if (!row) throw new AppError('INTERNAL_SERVER_ERROR', 'The onboarding session could not be opened');
  return row;
}

/** Answers and sources change only while no ingestion runs; a proposal they outdate goes back to "open". */
async function beginChange(em: EntityManager, session: Row): Promise<void> {
  if (session.status === 'ingesting') {
    throw new AppError('CONFLICT', 'Ingestion is running: wait until it finishes (the proposal is then refreshed by running it again).');
  }
  await sql(em, `update tenants.onboarding_session set status = 'open', updated_at = now() where id = ? and status in ('proposed', 'failed')`, [session.id]);
}

/** Replaces the questionnaire answers of the current session (validated first: a refused set changes nothing). */
export async function saveAnswers(em: EntityManager, tenantId: string, actorId: string | null, input: unknown): Promise<SessionView> {
  const workspace = await requireClient(em, tenantId);
  const answers = validateAnswers(input, workspace);
  const session = await openSession(em, tenantId, actorId);
  await beginChange(em, session);
  await sql(em, `delete from tenants.onboarding_source where session_id = ? and kind = 'answer'`, [session.id]);
  for (const key of QUESTION_KEYS) {
    const value = answerValue(key, answers);
    if (value === null) continue;
    await sql(em,
      `insert into tenants.onboarding_source (id, tenant_id, session_id, kind, question_key, answer, extracted, status, stage, locale, processed_at)
       values (?, ?, ?, 'answer', ?, ?, ?::jsonb, 'done', 'done', ?, now())`,
      [newId(), tenantId, session.id, key, answerText(key, answers) ?? String(value), JSON.stringify({ value }), answers.locale]);
  }
  await sql(em, `update tenants.onboarding_session set locale = ?, updated_at = now() where id = ?`, [answers.locale, session.id]);
  return (await findSession(em, session.id as string))!;
}

export interface AddSourceInput {
  kind: IngestedKind;
  mediaId?: string | null;
  url?: string | null;
  /** spoken language of a recording (default: the session's) */
  language?: string | null;
}

/**
 * The SSRF rules, before anything is written: the URL itself (scheme,
 * credentials, port, IP literals in any notation, internal names), then
 * the addresses its host resolves to now. A name that does not resolve is
 * accepted here (the crawl reports it); one that resolves to a private,
 * loopback or metadata address is refused.
 */
export async function checkSourceUrl(raw: string, resolve: Resolver): Promise<string> {
  const url = parsePublicUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!/^[\d.]+$/.test(host) && !host.includes(':')) {
    let answers: Array<{ address: string }> = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      // A slow resolver must not hold the request: the crawl checks every address again anyway.
      answers = await Promise.race([resolve(host), new Promise<never>((_r, reject) => { timer = setTimeout(() => reject(new Error('timeout')), DNS_CHECK_MS); })]);
    } catch {
      answers = [];
    } finally {
      clearTimeout(timer);
    }
    for (const answer of answers) {
      const reason = forbiddenAddressReason(answer.address);
      if (reason) {
        throw new SafeFetchError('forbidden-destination', url.href, `Refusing to fetch ${url.href}: ${host} (${answer.address}) is ${describeReason(reason)}, not a public internet address.`, reason);
      }
    }
  }
  // The crawl normalises further (tracking parameters); a fragment never names another page.
  url.hash = '';
  return url.href;
}

const LANGUAGE_RE = /^[a-z]{2}(-[A-Z]{2})?$/;

/** Adds a PDF, a recording or a website to the current session. Adding the same one again changes nothing. */
export async function addSource(em: EntityManager, tenantId: string, actorId: string | null, input: AddSourceInput & { checkedUrl?: string | null }): Promise<SessionView> {
  const language = input.language?.trim() || null;
  if (language && !LANGUAGE_RE.test(language)) throw badInput('language must be a language tag such as en or fr-FR', 'language');
  let url: string | null = null;
  let mediaId: string | null = null;
  if (input.kind === 'url') {
    if (input.mediaId) throw badInput('A website source takes a url, not a file', 'mediaId');
    if (!input.checkedUrl) throw badInput('url is required for a website', 'url');
    url = input.checkedUrl;
  } else {
    if (input.url) throw badInput(`A ${input.kind === 'pdf' ? 'PDF' : 'recording'} source takes an uploaded file (mediaId), not a url`, 'url');
    if (!isUuid(input.mediaId)) throw notFound('Media');
    const [media] = await sql<{ kind: string; deleted_at: unknown; tenant_id: string }>(em,
      `select kind, deleted_at, tenant_id from content.media where id = ?`, [input.mediaId]);
    if (!media || media.deleted_at || media.tenant_id !== tenantId) throw notFound('Media');
    if (media.kind !== input.kind) {
      const what: Record<string, string> = { image: 'an image', pdf: 'a PDF', audio: 'an audio recording', video: 'a video', document: 'a document' };
      throw badInput(`This file is ${what[media.kind] ?? media.kind}, not ${input.kind === 'pdf' ? 'a PDF' : 'an audio recording'}.`, 'mediaId');
    }
    mediaId = input.mediaId;
  }
  const session = await openSession(em, tenantId, actorId);
  const [existing] = await sql(em,
    `select id from tenants.onboarding_source where session_id = ? and kind = ? and (url = ? or media_id = ?::uuid)`,
    [session.id, input.kind, url, mediaId]);
  if (existing) return (await findSession(em, session.id as string))!;
  await beginChange(em, session);
  const [{ n }] = (await sql<{ n: string }>(em, `select count(*) as n from tenants.onboarding_source where session_id = ? and kind <> 'answer'`, [session.id])) as [{ n: string }];
  if (Number(n) >= MAX_SOURCES) throw badInput(`An onboarding takes at most ${MAX_SOURCES} files and websites; remove one first.`);
  await sql(em,
    `insert into tenants.onboarding_source (id, tenant_id, session_id, kind, url, media_id, status, stage, locale)
     values (?, ?, ?, ?, ?, ?, 'pending', 'queued', ?)`,
    [newId(), tenantId, session.id, input.kind, url, mediaId, language ?? session.locale]);
  await sql(em, `update tenants.onboarding_session set updated_at = now() where id = ?`, [session.id]);
  return (await findSession(em, session.id as string))!;
}

/** Removes a source from the current session (its file stays in the media library). */
export async function removeSource(em: EntityManager, tenantId: string, sourceId: string): Promise<SessionView> {
  if (!isUuid(sourceId)) throw notFound('Onboarding source');
  const session = await currentRow(em, tenantId, true);
  const [source] = session
    ? await sql(em, `select id from tenants.onboarding_source where id = ? and session_id = ? and kind <> 'answer'`, [sourceId, session.id])
    : [];
  if (!session || !source) throw notFound('Onboarding source');
  await beginChange(em, session);
  await sql(em, `delete from tenants.onboarding_source where id = ?`, [sourceId]);
  await sql(em, `update tenants.onboarding_session set updated_at = now() where id = ?`, [session.id]);
  return (await findSession(em, session.id as string))!;
}

/**
 * Prepares the current session for ingestion: something to work from,
 * status ingesting, sources still to read queued again. Returns the session
 * and whether the workflow must be started (false when it already runs).
 */
export async function prepareIngestion(em: EntityManager, tenantId: string, workflowIdOf: (sessionId: string) => string): Promise<{ session: SessionView; start: boolean }> {
  await requireClient(em, tenantId);
  const row = await currentRow(em, tenantId, true);
  if (!row) throw new AppError('BAD_USER_INPUT', 'Answer the questionnaire or add a file or website first.');
  const session = await loadView(em, row);
  if (session.status === 'ingesting') return { session, start: true };
  if (!session.answered && session.sources.length === 0) throw new AppError('BAD_USER_INPUT', 'Answer the questionnaire or add a file or website first.');
  const workflowId = workflowIdOf(session.id);
  await sql(em, `update tenants.onboarding_source set status = 'pending', stage = 'queued', error = null, progress = '{}' where session_id = ? and kind <> 'answer' and status <> 'done'`, [session.id]);
  await sql(em, `update tenants.onboarding_session set status = 'ingesting', workflow_id = ?, error = null, updated_at = now() where id = ?`, [workflowId, session.id]);
  return { session: (await findSession(em, session.id))!, start: true };
}

/** Undoes prepareIngestion when the workflow could not be started. */
export async function abortIngestion(em: EntityManager, sessionId: string, reason: string): Promise<void> {
  await sql(em, `update tenants.onboarding_session set status = 'open', error = ?, updated_at = now() where id = ? and status = 'ingesting'`, [reason.slice(0, 2000), sessionId]);
}

/**
 * Accepts the reviewed draft as the client's next brand DNA snapshot
 * (version 1 for a new client): validated by the DNA schema, every key
 * with its provenance (the draft's origin where the client kept the
 * value, an edit where it changed it). The session is then accepted.
 */
export async function acceptDraft(em: EntityManager, tenantId: string, actorId: string | null, document: unknown): Promise<{ snapshot: BrandDnaSnapshotRow; sessionId: string }> {
  await requireClient(em, tenantId);
  const row = await currentRow(em, tenantId, true);
  if (!row || row.status !== 'proposed' || !row.draft) {
    throw new AppError('CONFLICT', row?.status === 'ingesting'
      ? 'Ingestion is still running: wait for the proposal.'
      : 'There is no proposal to accept: run the ingestion first (again, if you changed answers or sources since).');
  }
  assertValidBrandDna(document);
  const draft = row.draft as Record<string, unknown>;
  const provenance = (row.draft_provenance ?? {}) as DraftProvenance;
  const latest = await latestSnapshot(em, tenantId);
  const locale = document.locale as string;
  const snapshot = await updateBrandDna(em, tenantId, actorId, {
    document,
    baseVersion: latest?.version ?? 0,
    note: locale.startsWith('fr') ? 'ADN validé à la fin de l’onboarding' : 'Accepted at the end of onboarding',
    provenance: (version) => snapshotProvenance(document, draft, provenance, version, actorId),
  });
  await sql(em, `update tenants.onboarding_session set status = 'accepted', accepted_snapshot_id = ?, updated_at = now() where id = ?`, [snapshot.id, row.id]);
  return { snapshot, sessionId: row.id as string };
}
