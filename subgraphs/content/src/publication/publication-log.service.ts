// Reading the publication log: the publications of an item (one per key),
// each with every attempt and, for e-mail / SMS, its messages by status.
// Everything runs inside the caller's tenant: another client's publication
// is NOT_FOUND, exactly like a missing one.
import type { EntityManager } from '@ensemble/db/orm';
import { badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';
import { sql, toDate, toDateOrNull } from '../pipeline/sql.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';

export interface AttemptView {
  id: string;
  attempt: number;
  trigger: string;
  connector: string;
  status: string;
  request: Record<string, unknown>;
  responseStatus: number | null;
  externalId: string | null;
  externalUrl: string | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface MessageCounts {
  total: number;
  sent: number;
  queued: number;
  failed: number;
  suppressed: number;
}

export interface PublicationView {
  id: string;
  tenantId: string;
  itemId: string;
  itemTitle: string;
  channel: ChannelKind;
  version: number | null;
  idempotencyKey: string;
  connector: string | null;
  status: string;
  externalId: string | null;
  externalUrl: string | null;
  attemptCount: number;
  lastError: string | null;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  recipients: number | null;
  messages: MessageCounts | null;
  attempts: AttemptView[];
}

interface PublicationRow {
  id: string;
  tenant_id: string;
  item_id: string;
  item_title: string;
  channel: ChannelKind;
  version: number | null;
  idempotency_key: string;
  connector: string | null;
  status: string;
  external_id: string | null;
  external_url: string | null;
  attempts: number;
  last_error: string | null;
  published_at: unknown;
  created_at: unknown;
  updated_at: unknown;
  recipients: number | null;
}

const SELECT = `select p.*, i.title as item_title from content.publication p
  join content.content_item i on i.tenant_id = p.tenant_id and i.id = p.item_id`;

async function views(em: EntityManager, rows: PublicationRow[]): Promise<PublicationView[]> {
  if (!rows.length) return [];
  const ids = JSON.stringify(rows.map((r) => r.id));
  const attempts = await sql<{ id: string; publication_id: string; attempt: number; trigger: string; connector: string; status: string; request: Record<string, unknown>;
    response_status: number | null; external_id: string | null; external_url: string | null; error: string | null; started_at: unknown; finished_at: unknown }>(em,
    `select * from content.publication_attempt where publication_id in (select value::uuid from jsonb_array_elements_text(?::jsonb)) order by attempt desc`, [ids]);
  const messages = await sql<{ publication_id: string; status: string; n: string }>(em,
    `select publication_id, status, count(*) as n from content.message_send where publication_id in (select value::uuid from jsonb_array_elements_text(?::jsonb)) group by 1, 2`, [ids]);
  return rows.map((r) => {
    const mine = messages.filter((m) => m.publication_id === r.id);
    const count = (...statuses: string[]) => mine.filter((m) => statuses.includes(m.status)).reduce((sum, m) => sum + Number(m.n), 0);
    return {
      id: r.id,
      tenantId: r.tenant_id,
      itemId: r.item_id,
      itemTitle: r.item_title,
      channel: r.channel,
      version: r.version,
      idempotencyKey: r.idempotency_key,
      connector: r.connector,
      status: r.status,
      externalId: r.external_id,
      externalUrl: r.external_url,
      attemptCount: r.attempts,
      lastError: r.last_error,
      publishedAt: toDateOrNull(r.published_at),
      createdAt: toDate(r.created_at),
      updatedAt: toDate(r.updated_at),
      recipients: r.recipients,
      messages: mine.length ? { total: count('queued', 'sent', 'delivered', 'failed', 'bounced', 'suppressed'), sent: count('sent', 'delivered'), queued: count('queued'), failed: count('failed', 'bounced'), suppressed: count('suppressed') } : null,
      attempts: attempts.filter((a) => a.publication_id === r.id).map((a) => ({
        id: a.id,
        attempt: a.attempt,
        trigger: a.trigger,
        connector: a.connector,
        status: a.status,
        request: a.request,
        responseStatus: a.response_status,
        externalId: a.external_id,
        externalUrl: a.external_url,
        error: a.error,
        startedAt: toDate(a.started_at),
        finishedAt: toDateOrNull(a.finished_at),
      })),
    };
  });
}

export async function getPublication(em: EntityManager, publicationId: string): Promise<PublicationView> {
  if (!isUuid(publicationId)) throw notFound('Publication');
  const [view] = await views(em, await sql<PublicationRow>(em, `${SELECT} where p.id = ?`, [publicationId]));
  if (!view) throw notFound('Publication');
  return view;
}

export async function publicationLog(em: EntityManager, itemId: string): Promise<PublicationView[]> {
  if (!isUuid(itemId)) throw notFound('Content item');
  const [item] = await sql(em, `select id from content.content_item where id = ?`, [itemId]);
  if (!item) throw notFound('Content item');
  return views(em, await sql<PublicationRow>(em, `${SELECT} where p.item_id = ? order by p.created_at desc`, [itemId]));
}

export async function recentPublications(em: EntityManager, options: { status?: string | null; limit: number }): Promise<PublicationView[]> {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 200) throw badInput('limit must be between 1 and 200', 'limit');
  if (options.status && !['pending', 'sent', 'failed'].includes(options.status)) throw badInput('unknown publication status', 'status');
  return views(em, await sql<PublicationRow>(em,
    `${SELECT} where (?::text is null or p.status = ?) order by p.updated_at desc, p.id desc limit ?`, [options.status ?? null, options.status ?? null, options.limit]));
}

export interface MessageView {
  id: string;
  channel: string;
  contactId: string | null;
  toAddress: string;
  status: string;
  attempts: number;
  providerMessageId: string | null;
  error: string | null;
  sentAt: Date | null;
}

export async function publicationMessages(em: EntityManager, publicationId: string, limit: number): Promise<MessageView[]> {
  const rows = await sql<{ id: string; channel: string; contact_id: string | null; to_address: string; status: string; attempts: number; provider_message_id: string | null; error: string | null; sent_at: unknown }>(em,
    `select id, channel, contact_id, to_address, status, attempts, provider_message_id, error, sent_at from content.message_send
      where publication_id = ? order by created_at, id limit ?`, [publicationId, limit]);
  return rows.map((r) => ({
    id: r.id, channel: r.channel, contactId: r.contact_id, toAddress: r.to_address, status: r.status, attempts: r.attempts,
    providerMessageId: r.provider_message_id, error: r.error, sentAt: toDateOrNull(r.sent_at),
  }));
}
