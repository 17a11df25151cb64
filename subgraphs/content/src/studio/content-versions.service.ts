// C1: an item's version history — list, word diff between two versions,
// restore (a restore is a new version: history is never rewritten).
import type { EntityManager } from '@ensemble/db/orm';
import { ContentVersion, type ContentItemRow, type ContentVersionRow } from '@ensemble/db/content/content-item.entity';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { newId } from '@ensemble/tenancy/ids';
import { applyReviewPolicy } from './review-policy.ts';
import { assertChannelConstraints, getItem, lockItem, type Channel } from './studio.service.ts';
import { diffStats, wordDiff, type DiffPart } from './word-diff.ts';

export interface VersionSummary {
  version: number;
  title: string;
  body: string;
  author: string;
  model: string | null;
  createdAt: Date;
  createdBy: string | null;
  /** credits charged for this version (0 for a person's edit) */
  credits: number;
  restoredFrom: number | null;
  words: number;
}

const MAX_VERSIONS = 500;

function words(text: string): number {
  return text.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

function summary(row: ContentVersionRow): VersionSummary {
  const meta = row.meta ?? {};
  const credits = meta.credits && typeof meta.credits === 'object' ? Number((meta.credits as { charged?: unknown }).charged ?? 0) : 0;
  return {
    version: row.version,
    title: row.title,
    body: row.body,
    author: row.author,
    model: row.author.startsWith('model:') ? row.author.slice('model:'.length) : null,
    createdAt: row.createdAt,
    createdBy: row.createdBy ?? null,
    credits: Number.isFinite(credits) ? credits : 0,
    restoredFrom: typeof meta.restoredFrom === 'number' ? meta.restoredFrom : null,
    words: words(row.body),
  };
}

/** Newest first. */
export async function listVersions(em: EntityManager, itemId: string): Promise<VersionSummary[]> {
  const item = await getItem(em, itemId);
  const rows = await em.find(ContentVersion, { tenantId: item.tenantId, itemId: item.id }, { orderBy: { version: 'desc' }, limit: MAX_VERSIONS });
  return rows.map(summary);
}

function checkVersionNumber(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) throw badInput(`${field} must be a version number (1 or more)`, field);
  return value;
}

async function versionOf(em: EntityManager, item: ContentItemRow, version: number): Promise<ContentVersionRow> {
  const row = await em.findOne(ContentVersion, { tenantId: item.tenantId, itemId: item.id, version });
  if (!row) throw notFound(`Version ${version}`);
  return row;
}

export interface VersionDiff {
  itemId: string;
  from: number;
  to: number;
  title: DiffPart[];
  body: DiffPart[];
  insertedWords: number;
  deletedWords: number;
}

export async function diffVersions(em: EntityManager, itemId: string, from: number, to: number): Promise<VersionDiff> {
  checkVersionNumber(from, 'from');
  checkVersionNumber(to, 'to');
  const item = await getItem(em, itemId);
  const [a, b] = await Promise.all([versionOf(em, item, from), versionOf(em, item, to)]);
  const title = wordDiff(a.title, b.title);
  const body = wordDiff(a.body, b.body);
  const t = diffStats(title);
  const d = diffStats(body);
  return { itemId: item.id, from, to, title, body, insertedWords: t.insertedWords + d.insertedWords, deletedWords: t.deletedWords + d.deletedWords };
}

/** Copies version `version` into a new version; the item's mode applies to it as to any edit. */
export async function restoreVersion(em: EntityManager, itemId: string, version: number, actorId: string | null): Promise<ContentItemRow> {
  checkVersionNumber(version, 'version');
  const item = await lockItem(em, await getItem(em, itemId));
  if (item.status === 'published' || item.status === 'archived') {
    throw new AppError('CONFLICT', `A ${item.status} item cannot be restored to an older version.`, { status: item.status });
  }
  const source = await versionOf(em, item, version);
  if (version === item.currentVersion) throw badInput(`Version ${version} is already the current version`, 'version');
  // The channel's rules hold for every version that becomes current.
  assertChannelConstraints({ channel: item.channel.toUpperCase() as Channel, title: source.title, body: source.body, locale: item.locale });
  const next = item.currentVersion + 1;
  item.currentVersion = next;
  item.title = source.title;
  item.updatedAt = new Date();
  em.create(ContentVersion, {
    id: newId(), tenantId: item.tenantId, itemId: item.id, version: next, title: source.title, body: source.body,
    meta: { restoredFrom: version }, author: 'human', dnaSnapshotId: source.dnaSnapshotId ?? null, createdBy: actorId,
  });
  await em.flush();
  await applyReviewPolicy(em, item, next, source, actorId);
  return item;
}
