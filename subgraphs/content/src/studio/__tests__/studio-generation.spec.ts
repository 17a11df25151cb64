import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrm, withTenant } from '@ensemble/db/orm';
import { appUrl } from '@ensemble/db/connection';
import { seed, DEMO } from '@ensemble/db/seed';
import { createTestDatabase } from '@ensemble/testing/database';
import { createDraft, getItem, saveDraft, type DraftInput } from '../studio.service.ts';
import { generateContent, regenerateContent, regenerationQuote, type Caller, type TenantRunner } from '../studio-generation.service.ts';
import { diffVersions, listVersions, restoreVersion } from '../content-versions.service.ts';
import { AUTO_APPROVE_MIN_SCORE } from '../review-policy.ts';
import { createCatalogue, createDbAiRouter } from '@ensemble/ai/catalogue';
import { createAiRouter, type AiRouter } from '@ensemble/ai/router';

let orm: MikroORM;
let drop: () => Promise<void>;
let admin: pg.Pool;
let router: AiRouter;
const A = DEMO.logins.clientAdmin.tenantId;
const ACTOR = DEMO.logins.clientAdmin.id;
const B = DEMO.logins.fitnessAdmin.tenantId;
const callerA: Caller = { tenantId: A, actorId: ACTOR };
const callerB: Caller = { tenantId: B, actorId: DEMO.logins.fitnessAdmin.id };
const runner = (tenantId: string, actorId: string | null = null): TenantRunner => (fn) => withTenant(orm, tenantId, actorId, ({ em }) => fn(em));
const runA = runner(A, ACTOR);
const runB = runner(B, DEMO.logins.fitnessAdmin.id);

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  await seed(db.adminUrl);
  orm = await createOrm({ url: appUrl(db.adminUrl) });
  router = createDbAiRouter(orm);
  admin = new pg.Pool({ connectionString: db.adminUrl, max: 2 });
});

afterAll(async () => {
  await orm?.close();
  await admin?.end();
  await drop?.();
});

async function q<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await admin.query(text, params)).rows as T[];
}

/** Credits the client has consumed and holds, from the ledger's entries. */
async function ledger(tenantId: string): Promise<{ consumed: number; reserved: number; available: number; open: number }> {
  const [row] = await q<{ consumed: string; reserved: string; available: string; open: string }>(
    `select coalesce(sum(amount) filter (where account = 'consumed'), 0) as consumed,
            coalesce(sum(amount) filter (where account = 'reserved'), 0) as reserved,
            coalesce(sum(amount) filter (where account = 'available'), 0) as available,
            (select count(*) from billing.credit_reservation r where r.tenant_id = $1 and r.status = 'open') as open
       from billing.credit_entry where tenant_id = $1`, [tenantId]);
  return { consumed: Number(row!.consumed), reserved: Number(row!.reserved), available: Number(row!.available), open: Number(row!.open) };
}

async function versionRows(itemId: string) {
  return q<{ version: number; author: string; title: string; body: string; meta: Record<string, any>; dna_snapshot_id: string | null; created_by: string | null }>(
    'select version, author, title, body, meta, dna_snapshot_id, created_by from content.content_version where item_id = $1 order by version', [itemId]);
}

async function approvals(itemId: string) {
  return q<{ version: number; status: string; decision_note: string | null }>('select version, status, decision_note from content.approval where item_id = $1 order by version, created_at', [itemId]);
}

const failure = (p: Promise<unknown>) => p.then(() => new Error('succeeded'), (e: Error & { code?: string; extensions?: Record<string, unknown> }) => e);
const base = { channel: 'LINKEDIN', brief: 'Our spring sourdough workshop', tone: 'warm, expert', length: 'MEDIUM', keyphrase: 'pain au levain', locale: 'fr' } as const;

beforeEach(async () => {
  await q(`update tenants.plan set limits = limits - 'regenerations_per_item' || '{"regenerations_per_item": 5}'::jsonb where code = 'growth'`);
  await q('update billing.credit_account set hard_cap = null');
});

describe('generateContent', () => {
  it('writes version 1 with the model as author, the DNA snapshot, the model and the credits, and charges once', async () => {
    const before = await ledger(A);
    const item = await generateContent(router, runA, callerA, { ...base, mode: 'SEMI', idempotencyKey: 'gen-once-0001' });
    const [v1, ...rest] = await versionRows(item.id);
    expect(rest).toEqual([]);
    expect(v1!.author).toBe('model:offline-writer');
    expect(v1!.dna_snapshot_id).toBe(DEMO.dnaSnapshots.bakery);
    expect(v1!.created_by).toBe(ACTOR);
    expect(v1!.meta).toMatchObject({ model: 'offline-writer', dnaSnapshotId: DEMO.dnaSnapshots.bakery, generation: { brief: base.brief, tone: ['warm', 'expert'], length: 'MEDIUM' } });
    const charged = v1!.meta.credits.charged as number;
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThanOrEqual(v1!.meta.credits.reserved);
    expect(item).toMatchObject({ channel: 'linkedin', mode: 'semi', status: 'in_review', currentVersion: 1, dnaSnapshotId: DEMO.dnaSnapshots.bakery, locale: 'fr' });
    expect((await ledger(A)).consumed - before.consumed).toBe(charged);
    expect(await approvals(item.id)).toEqual([{ version: 1, status: 'pending', decision_note: null }]);
    const calls = await q<{ credits: string; outcome: string; content_item_id: string }>('select credits, outcome, content_item_id from tenants.ai_call where content_item_id = $1', [item.id]);
    expect(calls).toEqual([{ credits: String(charged), outcome: 'ok', content_item_id: item.id }]);

    // A retry with the same key: the same item, no second version, no second charge.
    const again = await generateContent(router, runA, callerA, { ...base, mode: 'SEMI', idempotencyKey: 'gen-once-0001' });
    expect(again.id).toBe(item.id);
    expect(await versionRows(item.id)).toHaveLength(1);
    const after = await ledger(A);
    expect(after.consumed - before.consumed).toBe(charged);
    expect(after.open).toBe(before.open);
  });

  it('charges once when the same request arrives twice at the same time', async () => {
    const before = await ledger(A);
    const [one, two] = await Promise.all([
      generateContent(router, runA, callerA, { ...base, idempotencyKey: 'gen-race-0001' }),
      generateContent(router, runA, callerA, { ...base, idempotencyKey: 'gen-race-0001' }),
    ]);
    expect(one.id).toBe(two.id);
    const [v1] = await versionRows(one.id);
    const after = await ledger(A);
    expect(after.consumed - before.consumed).toBe(v1!.meta.credits.charged);
    expect(after.reserved).toBe(before.reserved);
  });

  it("keeps the item's AI call when the server dies right after the settlement commits", async () => {
    const catalogue = createCatalogue(orm);
    // Killed once item and charge committed, before the router's own write of the answer's call.
    const dying = createAiRouter({
      ...catalogue,
      recordCall: async (call) => {
        if (call.outcome === 'ok' || call.outcome === 'fallback') throw new Error('server killed');
        await catalogue.recordCall(call);
      },
    });
    const before = await ledger(A);
    expect(await failure(generateContent(dying, runA, callerA, { ...base, mode: 'SEMI', idempotencyKey: 'gen-killed-0001' }))).toMatchObject({ message: 'server killed' });
    // The client's retry finds the item written and paid.
    const item = await generateContent(router, runA, callerA, { ...base, mode: 'SEMI', idempotencyKey: 'gen-killed-0001' });
    const [v1] = await versionRows(item.id);
    const charged = v1!.meta.credits.charged as number;
    expect((await ledger(A)).consumed - before.consumed).toBe(charged);
    const calls = await q<{ id: string; credits: string; reservation_id: string }>('select id, credits, reservation_id from tenants.ai_call where content_item_id = $1', [item.id]);
    expect(calls).toEqual([{ id: v1!.meta.aiCallId, credits: String(charged), reservation_id: v1!.meta.reservationId }]);
  });

  it('refuses without credits and writes nothing', async () => {
    const before = await ledger(A);
    await q('update billing.credit_account set hard_cap = $2 where tenant_id = $1', [A, before.consumed + before.reserved]);
    const error = await failure(generateContent(router, runA, callerA, { ...base, idempotencyKey: 'gen-broke-0001' }));
    expect(error).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
    expect(await q(`select 1 from content.generation_job where idempotency_key = 'studio:generate:gen-broke-0001'`)).toEqual([]);
    expect(await ledger(A)).toEqual(before);
  });

  it('validates its input, naming the field', async () => {
    for (const [bad, field] of [
      [{ brief: '  ' }, 'brief'], [{ channel: 'FAX' }, 'channel'], [{ length: 'HUGE' }, 'length'], [{ mode: 'YOLO' }, 'mode'],
      [{ locale: 'de' }, 'locale'], [{ tone: 'a,b,c,d,e,f,g' }, 'tone'], [{ idempotencyKey: 'no spaces please' }, 'idempotencyKey'],
    ] as const) {
      await expect(generateContent(router, runA, callerA, { ...base, ...bad } as never)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field } });
    }
  });

  it('fits the length asked: a SHORT blog is cut to about 350 words, a LONG one is not', async () => {
    const words = async (length: 'SHORT' | 'LONG') => {
      const item = await generateContent(router, runA, callerA, { ...base, channel: 'BLOG', length, mode: 'MANUAL' });
      return (await versionRows(item.id))[0]!.body.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    };
    const [short, long] = [await words('SHORT'), await words('LONG')];
    expect(short).toBeLessThanOrEqual(385);
    expect(long).toBeGreaterThanOrEqual(400); // the offline writer's blog posts run 400–800 words
  });
});

describe('modes', () => {
  it('manual keeps a draft with no approval; semi waits for a person; auto follows the guardrails', async () => {
    const manual = await generateContent(router, runA, callerA, { ...base, mode: 'MANUAL' });
    expect(manual.status).toBe('draft');
    expect(await approvals(manual.id)).toEqual([]);

    const semi = await generateContent(router, runA, callerA, { ...base, mode: 'SEMI' });
    expect(semi.status).toBe('in_review');

    const auto = await generateContent(router, runA, callerA, { ...base, channel: 'BLOG', mode: 'AUTO' });
    const [autoApproval] = await approvals(auto.id);
    const score = Number(/score (\d+)/.exec(autoApproval!.decision_note ?? '')?.[1]);
    expect(auto.status).toBe(score >= AUTO_APPROVE_MIN_SCORE ? 'approved' : 'in_review');
    expect(autoApproval!.status).toBe(auto.status === 'approved' ? 'auto_approved' : 'pending');
  });

  it('auto mode approves a version that passes the guardrails and sends one that does not to review', async () => {
    const item = await generateContent(router, runA, callerA, { ...base, channel: 'BLOG', mode: 'AUTO' });
    const weak: DraftInput = { channel: 'BLOG', title: 'Notes', body: 'Short.', keyphrase: 'pain au levain', locale: 'fr' };
    const edited = await withTenant(orm, A, ACTOR, ({ em }) => saveDraft(em, item.id, weak, ACTOR));
    expect(edited.status).toBe('in_review');
    const notes = await approvals(item.id);
    expect(notes.at(-1)).toMatchObject({ version: 2, status: 'pending' });
    expect(notes.at(-1)!.decision_note).toMatch(/auto mode: .*(under|fixed)/);
    // only the latest version waits for a decision
    expect(notes.filter((n) => n.status === 'pending')).toHaveLength(1);

    const restored = await withTenant(orm, A, ACTOR, ({ em }) => restoreVersion(em, item.id, 1, ACTOR));
    const last = (await approvals(item.id)).at(-1)!;
    expect(last.version).toBe(3);
    expect(restored.status).toBe(last.status === 'auto_approved' ? 'approved' : 'in_review');
  });
});

describe('regenerateContent', () => {
  it('writes version n+1 by the model and charges it', async () => {
    const item = await generateContent(router, runA, callerA, { ...base, mode: 'SEMI' });
    const before = await ledger(A);
    const regenerated = await regenerateContent(router, runA, callerA, item.id, { tone: 'playful', idempotencyKey: 'regen-0001' });
    expect(regenerated).toMatchObject({ currentVersion: 2, regenerations: 1, status: 'in_review' });
    const [v1, v2] = await versionRows(item.id);
    expect(v2!.author).toBe('model:offline-writer');
    expect(v2!.body).not.toBe(v1!.body);
    expect(v2!.meta.generation).toMatchObject({ brief: base.brief, tone: ['playful'], length: 'MEDIUM' });
    expect((await ledger(A)).consumed - before.consumed).toBe(v2!.meta.credits.charged);
    // the retry is a replay
    await regenerateContent(router, runA, callerA, item.id, { tone: 'playful', idempotencyKey: 'regen-0001' });
    expect(await versionRows(item.id)).toHaveLength(2);
    expect((await ledger(A)).consumed - before.consumed).toBe(v2!.meta.credits.charged);
    // the previous pending approval is superseded
    expect((await approvals(item.id)).map((a) => [a.version, a.status])).toEqual([[1, 'expired'], [2, 'pending']]);
  });

  it('stops at the plan cap with a clear error, writing and charging nothing', async () => {
    await q(`update tenants.plan set limits = limits || '{"regenerations_per_item": 2}'::jsonb where code = 'growth'`);
    const item = await generateContent(router, runA, callerA, { ...base, mode: 'MANUAL' });
    await regenerateContent(router, runA, callerA, item.id);
    await regenerateContent(router, runA, callerA, item.id);
    const quote = await withTenant(orm, A, null, ({ em }) => regenerationQuote(em, item.id));
    expect(quote).toMatchObject({ used: 2, limit: 2, remaining: 0 });
    expect(quote.credits).toBeGreaterThan(0);
    const before = await ledger(A);
    const error = await failure(regenerateContent(router, runA, callerA, item.id));
    expect(error).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'REGENERATION_CAP', limit: 2 } });
    expect(error.message).toMatch(/2 regenerations/);
    expect(await versionRows(item.id)).toHaveLength(3);
    expect(await ledger(A)).toEqual(before);
    expect((await withTenant(orm, A, null, ({ em }) => getItem(em, item.id))).currentVersion).toBe(3);
  });

  it('rewrites one paragraph only (manual mode assist)', async () => {
    const item = await generateContent(router, runA, callerA, { ...base, channel: 'BLOG', mode: 'MANUAL' });
    await regenerateContent(router, runA, callerA, item.id, { paragraph: 2 });
    const [v1, v2] = await versionRows(item.id);
    const blocks = (b: string) => b.split(/\n[ \t]*\n/);
    const changed = blocks(v1!.body).map((block, i) => block !== blocks(v2!.body)[i]);
    expect(changed.filter(Boolean)).toHaveLength(1);
    expect(changed[2]).toBe(true);
    expect(v2!.title).toBe(v1!.title);
    await expect(regenerateContent(router, runA, callerA, item.id, { paragraph: 999 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'paragraph' } });
  });
});

describe('versions: list, diff, restore', () => {
  it('lists newest first with author and credits, diffs word by word and restores as a new version', async () => {
    const item = await generateContent(router, runA, callerA, { ...base, mode: 'MANUAL' });
    const [v1] = await versionRows(item.id);
    const edited = v1!.body.replace(/^(\S+)/, 'Aujourd’hui');
    await withTenant(orm, A, ACTOR, ({ em }) => saveDraft(em, item.id, { channel: 'LINKEDIN', title: v1!.title, body: `${edited}\n\nUn dernier mot.`, locale: 'fr' }, ACTOR));

    const list = await withTenant(orm, A, null, ({ em }) => listVersions(em, item.id));
    expect(list.map((v) => [v.version, v.author, v.credits > 0])).toEqual([[2, 'human', false], [1, 'model:offline-writer', true]]);
    expect(list[1]!.model).toBe('offline-writer');

    const diff = await withTenant(orm, A, null, ({ em }) => diffVersions(em, item.id, 1, 2));
    expect(diff.title).toEqual([{ kind: 'EQUAL', text: v1!.title }]);
    expect(diff.body.filter((p) => p.kind === 'DELETE').map((p) => p.text)).toEqual([v1!.body.split(/\s/)[0]]);
    expect(diff.body.filter((p) => p.kind === 'INSERT').map((p) => p.text.trim())).toEqual(['Aujourd’hui', 'Un dernier mot.']);
    expect(diff.insertedWords).toBe(4);
    expect(diff.body.filter((p) => p.kind !== 'INSERT').map((p) => p.text).join('')).toBe(v1!.body);

    const restored = await withTenant(orm, A, ACTOR, ({ em }) => restoreVersion(em, item.id, 1, ACTOR));
    expect(restored.currentVersion).toBe(3);
    const [, , v3] = await versionRows(item.id);
    expect(v3).toMatchObject({ version: 3, author: 'human', body: v1!.body, title: v1!.title, created_by: ACTOR, meta: { restoredFrom: 1 } });
    await expect(withTenant(orm, A, null, ({ em }) => restoreVersion(em, item.id, 3, null))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(withTenant(orm, A, null, ({ em }) => restoreVersion(em, item.id, 42, null))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(withTenant(orm, A, null, ({ em }) => diffVersions(em, item.id, 0, 1))).rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'from' } });
  });
});

describe('channel constraints', () => {
  const cases: Array<[string, DraftInput, string]> = [
    ['length', { channel: 'X', title: 'Post', body: 'a'.repeat(281), locale: 'en' }, '280 weighted characters'],
    ['hashtags', { channel: 'INSTAGRAM', title: 'Post', body: `Spring menu! ${Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ')}`, locale: 'en' }, 'at most 30 hashtags'],
    ['links', { channel: 'INSTAGRAM', title: 'Post', body: 'Book now at https://example.com/book', locale: 'en' }, 'cannot carry links'],
    ['length', { channel: 'SMS', title: 'SMS', body: 'a'.repeat(160 * 4), locale: 'en' }, '3 SMS parts'],
  ];

  it.each(cases)('refuses a save that breaks the %s constraint, naming it, and writes nothing', async (constraint, draft, message) => {
    const item = await withTenant(orm, A, null, ({ em }) => createDraft(em, A, null, { ...draft, body: 'Hello.' }));
    const error = await failure(withTenant(orm, A, null, ({ em }) => saveDraft(em, item.id, draft)));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'body', constraint } });
    expect(error.message).toContain(message);
    expect(await versionRows(item.id)).toHaveLength(1);
    await expect(withTenant(orm, A, null, ({ em }) => createDraft(em, A, null, draft))).rejects.toMatchObject({ code: 'BAD_USER_INPUT', extensions: { constraint } });
  });

  it('generated posts respect their channel', async () => {
    for (const channel of ['X', 'SMS', 'INSTAGRAM', 'GOOGLE_BUSINESS'] as const) {
      const item = await generateContent(router, runA, callerA, { ...base, channel, length: 'LONG', mode: 'MANUAL' });
      expect(item.currentVersion).toBe(1);
    }
  });
});

describe('isolation', () => {
  it("another client can neither regenerate, restore, diff, list nor price A's item: NOT_FOUND, nothing charged", async () => {
    const item = await generateContent(router, runA, callerA, { ...base, mode: 'MANUAL' });
    await withTenant(orm, A, ACTOR, ({ em }) => saveDraft(em, item.id, { channel: 'LINKEDIN', title: 'Edited', body: 'Edited by hand.', locale: 'fr' }, ACTOR));
    const [beforeA, beforeB] = [await ledger(A), await ledger(B)];
    const missing = await failure(withTenant(orm, B, null, ({ em }) => listVersions(em, '01900000-0000-7000-8000-00000000dead')));
    const errors = await Promise.all([
      regenerateContent(router, runB, callerB, item.id),
      regenerateContent(router, runB, callerB, item.id, { paragraph: 0 }),
      withTenant(orm, B, null, ({ em }) => restoreVersion(em, item.id, 1, null)),
      withTenant(orm, B, null, ({ em }) => diffVersions(em, item.id, 1, 2)),
      withTenant(orm, B, null, ({ em }) => listVersions(em, item.id)),
      withTenant(orm, B, null, ({ em }) => regenerationQuote(em, item.id)),
    ].map(failure));
    for (const error of errors) {
      expect(error).toMatchObject({ code: 'NOT_FOUND' });
      expect(error.message).toBe(missing.message);
    }
    expect(await versionRows(item.id)).toHaveLength(2);
    expect([await ledger(A), await ledger(B)]).toEqual([beforeA, beforeB]);
    expect(await q('select 1 from content.generation_job where tenant_id = $1 and item_id = $2', [B, item.id])).toEqual([]);
  });
});
