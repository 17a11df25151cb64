// C2: live scoring of unsaved text. Each item keeps an incremental scorer in
// this process (only changed paragraphs are re-analysed); results are pushed
// on the item's topic, which the seoScore subscription listens to. Keystrokes
// that pile up for the same draft are scored once, the newest (latest-wins.ts).
//
// A keystroke need not carry the whole draft: after one scoreDraft, the draft
// is held here (per owner tenant and item) and scoreDraftEdit sends only the
// paragraphs it changed, against the revision it was typed on. A 2,000-word
// draft is ~13 kB that every keystroke otherwise carries through the browser's
// socket, the gateway (parsed, checked, re-serialised) and this service; an
// edit is one paragraph. The held draft lives in one process: an edit that
// reaches a replica that does not hold its base revision (other replica,
// restart, eviction, a lost keystroke) is refused with CONFLICT, and the client
// sends the whole draft again. The gateway sends a connection's mutations over
// the socket of its seoScore subscription, so edits follow their draft.
import type { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { createIncrementalScorer } from '../scoring/seo-scorer.ts';
import { validateDraft, type DraftInput, type ValidDraft } from './studio.service.ts';
import { latestWins } from './latest-wins.ts';

const MAX_SCORERS = 500;
const scorers = new Map<string, ReturnType<typeof createIncrementalScorer>>();

/** Gets or creates the entry and marks it most recently used (Map order is the LRU order). */
function lru<T>(map: Map<string, T>, key: string, create: () => T): T {
  let value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
  } else {
    value = create();
    if (map.size >= MAX_SCORERS) map.delete(map.keys().next().value!);
  }
  map.set(key, value);
  return value;
}

const scorerFor = (itemId: string) => lru(scorers, itemId, () => createIncrementalScorer());

/** Paragraphs, as edits count them: the body split at blank lines written as "\n\n". */
export const PARAGRAPH_SEPARATOR = '\n\n';
const MAX_INSERTED_PARAGRAPHS = 1000;

interface HeldDraft {
  revision: number;
  raw: DraftInput;
  paragraphs: string[];
}

/** The last draft scored here, per score topic (owner tenant and item). */
const held = new Map<string, HeldDraft>();

export interface DraftEdit {
  /** index of the first paragraph replaced */
  at: number;
  /** how many paragraphs from `at` are removed */
  remove: number;
  /** the paragraphs put in their place */
  insert: string[];
}

// Live subscriptions in this process, per (subscribing tenant, item): each was
// opened after the item was found inside that tenant's scope (RLS), so while
// one is open the same tenant's keystrokes need not ask the database again.
// Only scoreDraft uses this, and it publishes to the topic those very
// subscribers listen to.
const subscribed = new Map<string, { owner: string; count: number }>();

const subscriptionKey = (callerTenantId: string, itemId: string) => `${callerTenantId}\u0000${itemId}`;

/** The item's owner when `callerTenantId` has its score subscription open here, else null. */
export function subscribedOwner(callerTenantId: string, itemId: string): string | null {
  return subscribed.get(subscriptionKey(callerTenantId, itemId))?.owner ?? null;
}

/** Registers an open score subscription until its consumer returns or the stream ends. */
export function trackSubscription<T>(callerTenantId: string, itemId: string, ownerTenantId: string, events: AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  const key = subscriptionKey(callerTenantId, itemId);
  const entry = subscribed.get(key) ?? { owner: ownerTenantId, count: 0 };
  entry.count++;
  subscribed.set(key, entry);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (--entry.count === 0 && subscribed.get(key) === entry) subscribed.delete(key);
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const result = await events.next();
      if (result.done) release();
      return result;
    },
    async return(value?: unknown) {
      release();
      return events.return ? events.return(value) : { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      release();
      if (events.throw) return events.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export function scoreTopic(tenantId: string, itemId: string): string {
  return `score:${tenantId}:${itemId}`;
}

interface ScoreJob {
  pubsub: PgPubSub;
  tenantId: string;
  itemId: string;
  input: ValidDraft;
  revision: number;
}

function score({ pubsub, tenantId, itemId, input, revision }: ScoreJob): Promise<void> {
  const result = scorerFor(itemId).score({
    channel: input.channel,
    title: input.title,
    body: input.body,
    keyphrase: input.keyphrase,
    slug: input.slug,
    metaDescription: input.metaDescription,
    locale: input.locale,
  });
  // What SeoScore exposes, nothing more: every keystroke's event is serialised, compressed and sent to every replica.
  const { total, seo, readability, geo, explanation, checks, usage } = result;
  return pubsub.publish(scoreTopic(tenantId, itemId), { itemId, revision, total, seo, readability, geo, explanation, checks, usage, computedAt: new Date().toISOString() });
}

const keystrokes = latestWins(score);

/**
 * Scores the draft and publishes the result on the item's topic; resolves once
 * a score for this revision, or for a newer one of the same draft, is out.
 * Bad input is refused at once and nothing is queued. The draft is held for
 * the edits that follow.
 */
export async function scoreAndPublish(pubsub: PgPubSub, tenantId: string, itemId: string, raw: DraftInput, revision: number): Promise<void> {
  const input = validateDraft(raw);
  const topic = scoreTopic(tenantId, itemId);
  const draft = lru(held, topic, () => ({ revision, raw, paragraphs: [] }));
  Object.assign(draft, { revision, raw, paragraphs: raw.body.split(PARAGRAPH_SEPARATOR) });
  await keystrokes.submit(topic, { pubsub, tenantId, itemId, input, revision });
}

/**
 * Applies one edit to the draft held at revision `base` and scores the result
 * as `revision`, like scoreAndPublish. CONFLICT when this process does not
 * hold that revision of the draft; bad input changes nothing.
 */
export async function scoreEditAndPublish(pubsub: PgPubSub, tenantId: string, itemId: string, base: number, edit: DraftEdit, revision: number): Promise<void> {
  if (!Number.isInteger(revision) || revision <= base) throw badInput('revision must be greater than base', 'revision');
  const topic = scoreTopic(tenantId, itemId);
  const draft = held.get(topic);
  if (!draft || draft.revision !== base) {
    throw new AppError('CONFLICT', 'This draft revision is not held for editing any more: send the whole draft with scoreDraft');
  }
  const { at, remove, insert } = edit;
  if (!Number.isInteger(at) || at < 0 || !Number.isInteger(remove) || remove < 0 || at + remove > draft.paragraphs.length) {
    throw badInput('The edit must replace paragraphs that exist in the draft', 'edit');
  }
  if (insert.length > MAX_INSERTED_PARAGRAPHS) throw badInput(`An edit inserts at most ${MAX_INSERTED_PARAGRAPHS} paragraphs`, 'edit');
  const paragraphs = [...draft.paragraphs];
  paragraphs.splice(at, remove, ...insert);
  const raw = { ...draft.raw, body: paragraphs.join(PARAGRAPH_SEPARATOR) };
  const input = validateDraft(raw);
  lru(held, topic, () => draft);
  Object.assign(draft, { revision, raw, paragraphs });
  await keystrokes.submit(topic, { pubsub, tenantId, itemId, input, revision });
}
