// W1 step 5 (generation), content side: one generation job per calendar slot,
// keyed `<workflowId>:generation:<slotId>`. The job row remembers the credit
// reservation and the outcome; the item, its first version, its approval and
// the slot update are written in one transaction with ids derived from the
// key, so a retry after a crash finds them instead of writing them twice.
import type { EntityManager } from '@ensemble/db/orm';
import { uuidV5 } from '../pipeline/deterministic-id.ts';
import { sql } from '../pipeline/sql.ts';
import { slugify } from '../publication/site-render.ts';
import type { RunSlot } from '../planning/planning.service.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';

export type ContentMode = 'manual' | 'semi' | 'auto';

/** Upper bound of a channel's output, used to size the credit reservation before the call. */
export const MAX_OUTPUT_TOKENS: Record<ChannelKind, number> = {
  blog: 1800,
  landing_page: 1400,
  newsletter: 1100,
  email: 700,
  linkedin: 450,
  facebook: 350,
  instagram: 350,
  google_business: 300,
  x: 120,
  sms: 80,
};

/** Rough prompt size (≈ 4 characters a token) of a DNA document and a brief. */
export function estimateInputTokens(dna: unknown, brief: unknown): number {
  return Math.ceil((JSON.stringify(dna ?? {}).length + JSON.stringify(brief ?? {}).length) / 4) + 200;
}

/**
 * The client's content mode, from the merged DNA (publishing.mode, contentMode
 * or mode): 'auto' drafts are approved within guardrails, the others wait for
 * a person. Anything unknown falls back to 'semi' (never publish unasked).
 */
export function contentModeOf(dna: Record<string, unknown>): ContentMode {
  const publishing = dna.publishing && typeof dna.publishing === 'object' ? (dna.publishing as Record<string, unknown>) : {};
  const raw = publishing.mode ?? dna.contentMode ?? dna.content_mode ?? dna.mode;
  return raw === 'auto' || raw === 'manual' || raw === 'semi' ? raw : 'semi';
}

/** A meta description: the first sentences of the plain text, at most 155 characters. */
export function metaDescriptionOf(markdown: string): string | null {
  const plain = markdown
    .split('\n')
    .filter((l) => l.trim() && !/^\s*#/.test(l))
    .join(' ')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, '$1')
    .replace(/[*_`>#]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!plain) return null;
  if (plain.length <= 155) return plain;
  const cut = plain.slice(0, 155);
  const sentence = cut.lastIndexOf('. ');
  return sentence > 60 ? cut.slice(0, sentence + 1) : `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

export interface GenerationJobState {
  id: string;
  status: 'queued' | 'submitted' | 'running' | 'completed' | 'failed' | 'cancelled';
  reservationId: string | null;
  itemId: string | null;
  result: Record<string, unknown> | null;
  attempts: number;
}

function jobFrom(row: Record<string, unknown>): GenerationJobState {
  return {
    id: row.id as string,
    status: row.status as GenerationJobState['status'],
    reservationId: (row.reservation_id as string | null) ?? null,
    itemId: (row.item_id as string | null) ?? null,
    result: (row.result as Record<string, unknown> | null) ?? null,
    attempts: row.attempts as number,
  };
}

export async function findJob(em: EntityManager, key: string): Promise<GenerationJobState | null> {
  const [row] = await sql(em, `select id, status, reservation_id, item_id, result, attempts from content.generation_job where idempotency_key = ?`, [key]);
  return row ? jobFrom(row) : null;
}

/** Creates the slot's job (or finds it) and counts one more attempt unless it is already done. */
export async function openJob(em: EntityManager, input: { tenantId: string; key: string; slotId: string; input: Record<string, unknown> }): Promise<GenerationJobState> {
  await sql(em,
    `insert into content.generation_job (id, tenant_id, kind, mode, status, slot_id, input, idempotency_key)
     values (?, ?, 'text', 'immediate', 'queued', ?, ?::jsonb, ?)
     on conflict do nothing`,
    [uuidV5(`${input.key}:job`), input.tenantId, input.slotId, JSON.stringify(input.input), input.key]);
  const [row] = await sql(em,
    `update content.generation_job
        set attempts = attempts + case when status = 'completed' then 0 else 1 end,
            status = case when status = 'completed' then status else 'running' end,
            error = case when status = 'completed' then error else null end,
            submitted_at = coalesce(submitted_at, now())
      where idempotency_key = ?
      returning id, status, reservation_id, item_id, result, attempts`, [input.key]);
  return jobFrom(row!);
}

/**
 * Locks the slot's job row for the rest of the transaction. Every transaction
 * of a slot takes this lock first (then, if at all, the credit account), so
 * two attempts racing on one slot queue up instead of deadlocking.
 */
export async function lockJob(em: EntityManager, key: string): Promise<GenerationJobState> {
  const [row] = await sql(em, `select id, status, reservation_id, item_id, result, attempts from content.generation_job where idempotency_key = ? for update`, [key]);
  if (!row) throw new Error(`generation job ${key} does not exist`);
  return jobFrom(row);
}

export async function setJobReservation(em: EntityManager, jobId: string, reservationId: string): Promise<void> {
  await sql(em, `update content.generation_job set reservation_id = ? where id = ?`, [reservationId, jobId]);
}

/** A slot that cannot be filled (e.g. no credits left): the job fails, the slot says why. */
export async function failJob(em: EntityManager, input: { jobId: string; slotId: string; error: string; slotReason: string }): Promise<void> {
  await sql(em, `update content.generation_job set status = 'failed', error = ?, completed_at = now() where id = ?`, [input.error.slice(0, 2000), input.jobId]);
  await sql(em, `update content.calendar_slot set reason = ? where id = ? and item_id is null`, [input.slotReason, input.slotId]);
}

export interface GeneratedContent {
  title: string;
  body: string;
  meta: Record<string, unknown>;
}

export interface SaveGeneratedInput {
  tenantId: string;
  key: string;
  runId: string;
  snapshotId: string | null;
  slot: RunSlot;
  jobId: string;
  mode: ContentMode;
  locale: string;
  topic: { topic: string; keyphrase: string } | null;
  modelCode: string;
  output: GeneratedContent;
  credits: { reserved: number; charged: number };
}

/**
 * Writes the generated item (version 1, approval, slot filled, job completed)
 * in the caller's transaction. Ids come from the key: a second call for the
 * same slot writes nothing and returns the same item.
 */
export async function saveGeneratedContent(em: EntityManager, input: SaveGeneratedInput): Promise<{ itemId: string; created: boolean; status: string }> {
  const itemId = uuidV5(`${input.key}:item`);
  const status = input.mode === 'auto' ? 'approved' : 'in_review';
  const slug = `${slugify(input.output.title, 60)}-${itemId.slice(0, 8)}`;
  const inserted = await sql(em,
    `insert into content.content_item (id, tenant_id, channel, title, status, mode, locale, brief, keyphrase, slug,
                                       meta_description, current_version, calendar_slot_id, pipeline_run_id, dna_snapshot_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)
     on conflict do nothing returning id`,
    [itemId, input.tenantId, input.slot.channel, input.output.title.slice(0, 300), status, input.mode, input.locale,
      input.topic?.topic ?? null, input.topic?.keyphrase ?? null, slug, metaDescriptionOf(input.output.body),
      input.slot.id, input.runId, input.snapshotId]);
  const created = inserted.length === 1;
  if (created) {
    const meta = {
      ...input.output.meta,
      dnaSnapshotId: input.snapshotId,
      pipelineRunId: input.runId,
      slotId: input.slot.id,
      idempotencyKey: input.key,
      credits: input.credits,
    };
    await sql(em,
      `insert into content.content_version (id, tenant_id, item_id, version, title, body, meta, author, dna_snapshot_id)
       values (?, ?, ?, 1, ?, ?, ?::jsonb, ?, ?)`,
      [uuidV5(`${input.key}:v1`), input.tenantId, itemId, input.output.title.slice(0, 300), input.output.body, JSON.stringify(meta),
        `model:${input.modelCode}`, input.snapshotId]);
    // C6: the item enters the approval queue, or is approved by the auto mode's guardrails.
    await sql(em,
      `insert into content.approval (id, tenant_id, item_id, version, status, decided_at, decision_note)
       values (?, ?, ?, 1, ?, ?, ?)`,
      [uuidV5(`${input.key}:approval`), input.tenantId, itemId, input.mode === 'auto' ? 'auto_approved' : 'pending',
        input.mode === 'auto' ? new Date() : null, input.mode === 'auto' ? 'auto mode' : null]);
  }
  await sql(em, `update content.calendar_slot set status = 'filled', item_id = ?, reason = null where id = ? and status = 'planned'`, [itemId, input.slot.id]);
  await sql(em,
    `update content.generation_job set status = 'completed', item_id = ?, result = ?::jsonb, completed_at = coalesce(completed_at, now())
      where id = ?`,
    [itemId, JSON.stringify({ itemId, credits: input.credits, model: input.modelCode }), input.jobId]);
  const [row] = await sql<{ status: string }>(em, `select status from content.content_item where id = ?`, [itemId]);
  return { itemId, created, status: row!.status };
}
