// C6: external approval through a signed link. Creating one needs the
// content:publish permission (it hands that decision to someone else);
// using one needs no account. The token decides everything: which tenant,
// which round. Bad, tampered, expired, used or revoked tokens all get the same
// NOT_FOUND, and a link decides once (its row is locked, then marked used, in
// the transaction that sends the decision).
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, withoutTenant, type EntityManager } from '@ensemble/db/orm';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid, newId } from '@ensemble/tenancy/ids';
import type { ApprovalActor, ApprovalStatus } from '@ensemble/workflow-contracts/approval';
import { sql, toDate, toDateOrNull } from '../pipeline/sql.ts';
import { approvalPath, approvalUrl, signLinkToken, tokenHash, verifyLinkToken } from './approval-link.ts';
import { requireApproval, type ApprovalView } from './approval.service.ts';
import { RateLimiter, rateLimited } from './rate-limit.ts';

export const MAX_LINK_HOURS = 14 * 24;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function linkNotFound(): AppError {
  return new AppError('NOT_FOUND', 'This approval link does not exist, has expired or was already used');
}

export interface CreatedLink {
  token: string;
  url: string;
  path: string;
  email: string | null;
  expiresAt: Date;
}

export async function createApprovalLink(em: EntityManager, input: { itemId: string; email?: string | null; expiresInHours: number; now: Date; secret: Buffer }): Promise<CreatedLink> {
  if (!Number.isInteger(input.expiresInHours) || input.expiresInHours < 1 || input.expiresInHours > MAX_LINK_HOURS) {
    throw badInput(`A link lasts between 1 and ${MAX_LINK_HOURS} hours`, 'expiresInHours');
  }
  const email = input.email?.trim().toLowerCase() || null;
  if (email && (email.length > 254 || !EMAIL.test(email))) throw badInput('Enter a valid e-mail address, or none', 'email');
  const [item] = isUuid(input.itemId) ? await sql<{ id: string; tenant_id: string }>(em, `select id, tenant_id from content.content_item where id = ?`, [input.itemId]) : [];
  if (!item) throw notFound('Content item');
  const [pending] = await sql<{ id: string }>(em, `select id from content.approval where item_id = ? and status = 'pending'`, [item.id]);
  if (!pending) throw new AppError('CONFLICT', 'This item is not waiting for approval: submit it for review first');
  const id = newId();
  const expiresAt = new Date(input.now.getTime() + input.expiresInHours * 3_600_000);
  const token = signLinkToken(id, expiresAt, input.secret);
  await sql(em,
    `insert into content.approval_link (id, tenant_id, approval_id, token_hash, email, expires_at) values (?, ?, ?, ?, ?, ?)`,
    [id, item.tenant_id, pending.id, tokenHash(token), email, expiresAt.toISOString()]);
  return { token, url: approvalUrl(token), path: approvalPath(token), email, expiresAt };
}

export interface LinkRef {
  linkId: string;
  tenantId: string;
  approvalId: string;
  email: string | null;
  expiresAt: Date;
}

export interface PublicLimits {
  /** every public call of the process */
  all: RateLimiter;
  /** calls with a token that fails its signature or expiry check */
  badTokens: RateLimiter;
  /** calls per (validly signed) link */
  perLink: RateLimiter;
}

export function defaultPublicLimits(): PublicLimits {
  return {
    all: new RateLimiter({ limit: 600, windowMs: 60_000 }),
    badTokens: new RateLimiter({ limit: 120, windowMs: 60_000 }),
    perLink: new RateLimiter({ limit: 30, windowMs: 60_000 }),
  };
}

/** The live link a token opens, or NOT_FOUND (RATE_LIMITED past the limits). */
export async function resolveLink(orm: MikroORM, token: string, deps: { secret: Buffer; now: Date; limits: PublicLimits }): Promise<LinkRef> {
  if (!deps.limits.all.take('all')) throw rateLimited();
  const verified = verifyLinkToken(token, deps.now, deps.secret);
  if (!verified) {
    if (!deps.limits.badTokens.take('bad')) throw rateLimited();
    throw linkNotFound();
  }
  if (!deps.limits.perLink.take(verified.linkId)) throw rateLimited();
  // No tenant is known yet: the SECURITY DEFINER lookup answers for this hash only.
  const [row] = await withoutTenant(orm, (em) => sql<{ approval_link_id: string; tenant_id: string; approval_id: string; email: string | null }>(em,
    `select approval_link_id, tenant_id, approval_id, email from app.approval_link(?)`, [tokenHash(token)]));
  if (!row || row.approval_link_id !== verified.linkId) throw linkNotFound();
  return { linkId: row.approval_link_id, tenantId: row.tenant_id, approvalId: row.approval_id, email: row.email, expiresAt: verified.expiresAt };
}

export interface ExternalView {
  brandName: string;
  title: string;
  channel: string;
  body: string;
  version: number;
  status: ApprovalStatus;
  scheduledAt: Date | null;
  linkExpiresAt: Date;
  email: string | null;
}

/** The round as the external approver sees it: this item, this version, nothing else. */
export async function externalView(em: EntityManager, link: LinkRef): Promise<ExternalView> {
  const [row] = await sql(em,
    `select t.name as brand_name, v.title, i.channel, v.body, a.version, a.status,
            (select s.scheduled_at from content.calendar_slot s where s.id = i.calendar_slot_id) as scheduled_at
       from content.approval a
       join content.content_item i on i.tenant_id = a.tenant_id and i.id = a.item_id
       join content.content_version v on v.tenant_id = a.tenant_id and v.item_id = a.item_id and v.version = a.version
       join tenants.tenant t on t.id = a.tenant_id
      where a.id = ? and a.tenant_id = ?`, [link.approvalId, link.tenantId]);
  if (!row) throw linkNotFound();
  return {
    brandName: row.brand_name as string,
    title: row.title as string,
    channel: row.channel as string,
    body: row.body as string,
    version: row.version as number,
    status: row.status as ApprovalStatus,
    scheduledAt: toDateOrNull(row.scheduled_at),
    linkExpiresAt: link.expiresAt,
    email: link.email,
  };
}

export function externalActor(link: LinkRef): ApprovalActor {
  const label = link.email ?? `external approver (link ${link.linkId.slice(-8)})`;
  return { userId: null, external: label, name: link.email ?? 'External approver' };
}

/**
 * Locks the link (still unused), checks the round is pending, runs `send`
 * (the signal to the workflow), then marks the link used — all in one
 * transaction, so two concurrent uses of one link cannot both decide.
 */
export async function useLink(orm: MikroORM, link: LinkRef, send: (approval: ApprovalView) => Promise<void>): Promise<ApprovalView> {
  return withTenant(orm, link.tenantId, null, async ({ em }) => {
    const [locked] = await sql(em,
      `select id from content.approval_link where id = ? and used_at is null and revoked_at is null and expires_at > now() for update`, [link.linkId]);
    if (!locked) throw linkNotFound();
    const approval = await requireApproval(em, link.approvalId);
    if (approval.status !== 'pending') throw new AppError('CONFLICT', 'This content has already been decided');
    await send(approval);
    await sql(em, `update content.approval_link set used_at = now() where id = ?`, [link.linkId]);
    return approval;
  });
}

export async function linksOf(em: EntityManager, approvalId: string): Promise<Array<{ id: string; email: string | null; expiresAt: Date; usedAt: Date | null }>> {
  const rows = await sql(em, `select id, email, expires_at, used_at from content.approval_link where approval_id = ? order by created_at`, [approvalId]);
  return rows.map((r) => ({ id: r.id as string, email: (r.email as string | null) ?? null, expiresAt: toDate(r.expires_at), usedAt: toDateOrNull(r.used_at) }));
}
