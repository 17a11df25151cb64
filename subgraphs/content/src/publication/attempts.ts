// The publication status machine and its log, shared by every connector.
//
//   claim    insert the publication row for the key (on conflict: it exists),
//            lock it; "sent" → log a skipped attempt and stop; otherwise
//            close attempts a crash left "running" as "interrupted", open a
//            new "running" attempt, and say whether an earlier attempt's
//            outcome is unknown (interrupted, or failed without an answer):
//            then the connector must reconcile before acting again.
//   act      the connector's call, outside any transaction.
//   record   close the attempt (sent / reconciled / failed) and move the
//            publication to sent or failed, in one transaction.
import type { EntityManager } from '@ensemble/db/orm';
import { newId } from '@ensemble/tenancy/ids';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql, toDate } from '../pipeline/sql.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';

export type Trigger = 'pipeline' | 'publish_now' | 'replay';

/** A running attempt younger than this is taken to be alive: a second one waits instead of acting twice. */
export const ATTEMPT_LEASE_MS = 90_000;

export class AttemptInProgressError extends Error {
  override name = 'AttemptInProgressError';
}

export interface ClaimInput {
  tenantId: string;
  itemId: string;
  version: number;
  channel: ChannelKind;
  channelId: string | null;
  key: string;
  connector: string;
  trigger: Trigger;
  request: Record<string, unknown>;
  now: Date;
}

export interface Claim {
  publicationId: string;
  /** the key was already sent: nothing to do (a "skipped" attempt was logged) */
  done: boolean;
  externalId: string | null;
  externalUrl: string | null;
  attemptId: string;
  attempt: number;
  /** start of the earliest attempt whose outcome is unknown; null when none */
  reconcileSince: Date | null;
}

export function publicationIdFor(key: string): string {
  return uuidV5(key);
}

export async function claimPublication(em: EntityManager, input: ClaimInput): Promise<Claim> {
  const id = publicationIdFor(input.key);
  await sql(em,
    `insert into content.publication (id, tenant_id, item_id, version, channel, channel_id, idempotency_key, status, connector)
     values (?, ?, ?, ?, ?, ?, ?, 'pending', ?) on conflict do nothing`,
    [id, input.tenantId, input.itemId, input.version, input.channel, input.channelId, input.key, input.connector]);
  const [publication] = await sql<{ id: string; status: string; external_id: string | null; external_url: string | null }>(em,
    `select id, status, external_id, external_url from content.publication where idempotency_key = ? for update`, [input.key]);
  const attempts = await sql<{ attempt: number; status: string; response_status: number | null; started_at: unknown }>(em,
    `select attempt, status, response_status, started_at from content.publication_attempt where publication_id = ? order by attempt`, [publication!.id]);
  const attempt = (attempts.at(-1)?.attempt ?? 0) + 1;
  const attemptId = newId();

  if (publication!.status === 'sent') {
    await sql(em,
      `insert into content.publication_attempt (id, tenant_id, publication_id, attempt, trigger, connector, status, request, external_id, external_url, started_at, finished_at)
       values (?, ?, ?, ?, ?, ?, 'skipped', ?::jsonb, ?, ?, ?, ?)`,
      [attemptId, input.tenantId, publication!.id, attempt, input.trigger, input.connector, JSON.stringify({ note: 'already sent under this key: not sent again' }),
        publication!.external_id, publication!.external_url, input.now, input.now]);
    return { publicationId: publication!.id, done: true, externalId: publication!.external_id, externalUrl: publication!.external_url, attemptId, attempt, reconcileSince: null };
  }

  const live = attempts.find((a) => a.status === 'running' && input.now.getTime() - toDate(a.started_at).getTime() < ATTEMPT_LEASE_MS);
  if (live) throw new AttemptInProgressError(`attempt ${live.attempt} of this publication is still running`);
  await sql(em,
    `update content.publication_attempt set status = 'interrupted', finished_at = ?,
            error = coalesce(error, 'stopped before recording an outcome (crash or timeout); the provider may have acted')
      where publication_id = ? and status = 'running'`, [input.now, publication!.id]);
  const unknown = attempts.filter((a) => a.status === 'running' || a.status === 'interrupted' || (a.status === 'failed' && a.response_status === null));
  const reconcileSince = unknown.length ? new Date(Math.min(...unknown.map((a) => toDate(a.started_at).getTime()))) : null;

  await sql(em,
    `insert into content.publication_attempt (id, tenant_id, publication_id, attempt, trigger, connector, status, request, started_at)
     values (?, ?, ?, ?, ?, ?, 'running', ?::jsonb, ?)`,
    [attemptId, input.tenantId, publication!.id, attempt, input.trigger, input.connector, JSON.stringify(input.request), input.now]);
  await sql(em,
    `update content.publication set attempts = attempts + 1, status = 'pending', connector = ?, channel_id = coalesce(channel_id, ?), updated_at = now() where id = ?`,
    [input.connector, input.channelId, publication!.id]);
  return { publicationId: publication!.id, done: false, externalId: null, externalUrl: null, attemptId, attempt, reconcileSince };
}

export interface AttemptOutcome {
  status: 'sent' | 'reconciled' | 'failed';
  responseStatus?: number | null;
  externalId?: string | null;
  externalUrl?: string | null;
  error?: string | null;
  /** extra facts for the log (recipients sent / suppressed / failed) */
  details?: Record<string, unknown>;
}

/** Closes the attempt and moves the publication to sent or failed; on sent, the item and its slot are published. */
export async function recordOutcome(em: EntityManager, claim: Claim, itemId: string, outcome: AttemptOutcome, now: Date): Promise<void> {
  const error = outcome.error ? outcome.error.slice(0, 2000) : null;
  await sql(em,
    `update content.publication_attempt set status = ?, response_status = ?, external_id = ?, external_url = ?, error = ?, finished_at = ?,
            request = request || ?::jsonb
      where id = ?`,
    [outcome.status, outcome.responseStatus ?? null, outcome.externalId ?? null, outcome.externalUrl ?? null, error, now,
      JSON.stringify(outcome.details ? { outcome: outcome.details } : {}), claim.attemptId]);
  if (outcome.status === 'failed') {
    await sql(em, `update content.publication set status = 'failed', last_error = ?, updated_at = now() where id = ?`, [error, claim.publicationId]);
    return;
  }
  await sql(em,
    `update content.publication set status = 'sent', external_id = ?, external_url = ?, last_error = null, published_at = ?, updated_at = now() where id = ?`,
    [outcome.externalId ?? null, outcome.externalUrl ?? null, now, claim.publicationId]);
  await sql(em, `update content.content_item set status = 'published', published_at = coalesce(published_at, ?), updated_at = now() where id = ?`, [now, itemId]);
  await sql(em, `update content.calendar_slot set status = 'published' where item_id = ?`, [itemId]);
}
