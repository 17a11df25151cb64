// C1 modes: what a new version does to the item's status.
//   manual — a person writes; the status is theirs to change.
//   semi   — every new version waits for a person: in_review, a pending approval.
//   auto   — approved when the version passes the guardrails (score threshold,
//            no keyword stuffing, length within the channel's rules), else it
//            waits for a person like semi.
// Scheduled, published and archived items keep their status: those moves
// belong to publication and the approval queue.
import type { EntityManager } from '@ensemble/db/orm';
import type { ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { newId } from '@ensemble/tenancy/ids';
import { scoreContent } from '../scoring/seo-scorer.ts';
import { sql } from '../pipeline/sql.ts';

/** The auto mode approves a version whose total score reaches this. */
export const AUTO_APPROVE_MIN_SCORE = 50;
/** Checks that must not be a PROBLEM for the auto mode to approve. */
const BLOCKING_CHECKS = ['keyword-stuffing', 'text-length', 'hashtags', 'links'];
const FROZEN = new Set(['scheduled', 'published', 'archived']);

export const CONTENT_MODES = ['MANUAL', 'SEMI', 'AUTO'] as const;
export type ContentModeName = (typeof CONTENT_MODES)[number];

export interface ReviewOutcome {
  status: ContentItemRow['status'];
  /** the auto mode's verdict, when it ran */
  guardrail: { score: number; passed: boolean; reason: string } | null;
}

/** The auto mode's guardrails on one version of the item. */
export function autoGuardrail(item: Pick<ContentItemRow, 'channel' | 'keyphrase' | 'slug' | 'metaDescription' | 'locale'>, text: { title: string; body: string }): { score: number; passed: boolean; reason: string } {
  const result = scoreContent({
    channel: item.channel.toUpperCase(),
    title: text.title,
    body: text.body,
    keyphrase: item.keyphrase,
    slug: item.slug,
    metaDescription: item.metaDescription,
    locale: item.locale,
  });
  const blocking = result.checks.filter((c) => c.status === 'PROBLEM' && BLOCKING_CHECKS.includes(c.id)).map((c) => c.label);
  if (blocking.length > 0) return { score: result.total, passed: false, reason: `auto mode: ${blocking.join(', ')} must be fixed first` };
  if (result.total < AUTO_APPROVE_MIN_SCORE) return { score: result.total, passed: false, reason: `auto mode: score ${result.total} is under ${AUTO_APPROVE_MIN_SCORE}` };
  return { score: result.total, passed: true, reason: `auto mode: score ${result.total} ≥ ${AUTO_APPROVE_MIN_SCORE}` };
}

/**
 * Applies the item's mode to its new version `version` (already flushed) and
 * records the approval it needs. Older pending approvals of the item are
 * superseded: only the latest version waits for a decision.
 */
export async function applyReviewPolicy(em: EntityManager, item: ContentItemRow, version: number, text: { title: string; body: string }, actorId: string | null): Promise<ReviewOutcome> {
  if (item.mode === 'manual' || FROZEN.has(item.status)) return { status: item.status, guardrail: null };
  await sql(em,
    `update content.approval set status = 'expired', decided_at = now(), decision_note = ?
      where tenant_id = ? and item_id = ? and status = 'pending' and version < ?`,
    [`superseded by version ${version}`, item.tenantId, item.id, version]);
  const guardrail = item.mode === 'auto' ? autoGuardrail(item, text) : null;
  const approved = guardrail?.passed === true;
  await sql(em,
    `insert into content.approval (id, tenant_id, item_id, version, status, requested_by, decided_at, decision_note)
     values (?, ?, ?, ?, ?, (select u.id from tenants."user" u where u.id = ?::uuid), ?, ?)`,
    [newId(), item.tenantId, item.id, version, approved ? 'auto_approved' : 'pending', actorId, approved ? new Date() : null, guardrail?.reason ?? null]);
  item.status = approved ? 'approved' : 'in_review';
  await em.flush();
  return { status: item.status, guardrail };
}
