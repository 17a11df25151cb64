// C2: live scoring of unsaved text. Each item keeps an incremental scorer in
// this process (only changed paragraphs are re-analysed); results are pushed
// on the item's topic, which the seoScore subscription listens to.
import type { PgPubSub } from '@ensemble/subgraph-kit/pubsub';
import { createIncrementalScorer } from '../scoring/seo-scorer.ts';
import { validateDraft, type DraftInput } from './studio.service.ts';

const MAX_SCORERS = 500;
const scorers = new Map<string, ReturnType<typeof createIncrementalScorer>>();

function scorerFor(itemId: string) {
  let scorer = scorers.get(itemId);
  if (scorer) {
    scorers.delete(itemId); // re-insert: Map order is the LRU order
  } else {
    scorer = createIncrementalScorer();
    if (scorers.size >= MAX_SCORERS) scorers.delete(scorers.keys().next().value!);
  }
  scorers.set(itemId, scorer);
  return scorer;
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

export async function scoreAndPublish(pubsub: PgPubSub, tenantId: string, itemId: string, raw: DraftInput, revision: number): Promise<void> {
  const input = validateDraft(raw);
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
  await pubsub.publish(scoreTopic(tenantId, itemId), { itemId, revision, total, seo, readability, geo, explanation, checks, usage, computedAt: new Date().toISOString() });
}
