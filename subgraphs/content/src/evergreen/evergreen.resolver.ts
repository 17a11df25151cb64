// Transport for evergreen.graphql: the tenant from the identity, never from
// an argument; enum case mapping. The scoring lives in evergreen.service.ts.
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { readSdl, type SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { ContentItem } from '@ensemble/db/content/content-item.entity';
import { badInput } from '@ensemble/tenancy/errors';
import {
  acceptCandidate, dismissCandidate, listCandidates, policyView, proposeCandidates, updatePolicy,
  type CandidateStatus, type CandidateView, type PolicyInput,
} from './evergreen.service.ts';

const STATUSES = ['PROPOSED', 'ACCEPTED', 'DISMISSED', 'REPUBLISHED'];

function actorOf(ctx: RequestContext): string | null {
  return ctx.identity.kind === 'user' ? ctx.identity.actorId : null;
}

export function evergreenModule(options: { now?: () => Date } = {}): SubgraphModule {
  const now = options.now ?? (() => new Date());
  return {
    sdl: readSdl(new URL('./evergreen.graphql', import.meta.url)),
    resolvers: {
      Query: {
        evergreenCandidates: (_: unknown, args: { status?: string[] | null }, ctx: RequestContext) => {
          if (args.status?.some((s) => !STATUSES.includes(s))) throw badInput('Unknown status', 'status');
          const statuses = args.status?.map((s) => s.toLowerCase() as CandidateStatus) ?? null;
          return ctx.tx(({ em, tenantId }) => listCandidates(em, tenantId, statuses));
        },
        evergreenPolicy: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => policyView(em, tenantId, now())),
      },
      Mutation: {
        findEvergreenCandidates: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => proposeCandidates(em, tenantId, now())),
        acceptEvergreenCandidate: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => acceptCandidate(em, args.id, actorOf(ctx), now())),
        dismissEvergreenCandidate: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => dismissCandidate(em, args.id, actorOf(ctx), now())),
        updateEvergreenPolicy: (_: unknown, args: { input: PolicyInput }, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => updatePolicy(em, tenantId, args.input, now())),
      },
      EvergreenCandidate: {
        item: (c: CandidateView, _: unknown, ctx: RequestContext) => ctx.tx(({ em }) => em.findOneOrFail(ContentItem, { id: c.itemId })),
        refreshItem: (c: CandidateView, _: unknown, ctx: RequestContext) => (c.refreshItemId ? ctx.tx(({ em }) => em.findOne(ContentItem, { id: c.refreshItemId! })) : null),
        status: (c: CandidateView) => c.status.toUpperCase(),
        events: (c: CandidateView) => c.metrics.events,
        conversions: (c: CandidateView) => c.metrics.conversions,
        engagement: (c: CandidateView) => c.metrics.engagement,
        median: (c: CandidateView) => c.metrics.median,
        ageDays: (c: CandidateView) => c.metrics.ageDays,
        publishedItems: (c: CandidateView) => c.metrics.publishedItems,
        windowDays: (c: CandidateView) => c.metrics.windowDays,
      },
    },
  };
}
