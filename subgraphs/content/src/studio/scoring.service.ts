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
  await pubsub.publish(scoreTopic(tenantId, itemId), { itemId, revision, ...result, computedAt: new Date().toISOString() });
}
