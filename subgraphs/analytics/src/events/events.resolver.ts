import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { badInput } from '@ensemble/tenancy/errors';
import { countEventsByTenant, listEvents, recordEvent } from './event.service.ts';

function eventCountLoader(ctx: RequestContext) {
  return requestLoader<string, number>(ctx, 'event-count', (tenantIds) =>
    ctx.tx(({ em }) => countEventsByTenant(em, tenantIds)));
}

interface TrackEventArgs {
  input: { eventId: string; name: string; occurredAt?: Date | null; anonymousId?: string | null; properties?: Record<string, unknown> | null; url?: string | null };
}

export const eventsModule: SubgraphModule = {
  sdl: readSdl(new URL('./events.graphql', import.meta.url)),
  resolvers: {
    Query: {
      analyticsEvents: (_: unknown, args: { limit: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 500) throw badInput('limit must be between 1 and 500', 'limit');
        return ctx.tx(({ em, tenantId }) => listEvents(em, tenantId, args.limit));
      },
    },
    Mutation: {
      trackEvent: (_: unknown, { input }: TrackEventArgs, ctx: RequestContext) =>
        ctx.tx(async ({ em, tenantId }) => (await recordEvent(em, tenantId, {
          eventId: input.eventId,
          name: input.name,
          occurredAt: input.occurredAt ?? undefined,
          source: ctx.identity.kind === 'api_key' ? 'api' : 'app',
          anonymousId: input.anonymousId ?? undefined,
          properties: input.properties ?? undefined,
          url: input.url ?? undefined,
        })).event),
    },
    Tenant: {
      // A tenant outside the caller's scope counts nothing: RLS hides its rows.
      eventCount: (tenant: { id: string }, _: unknown, ctx: RequestContext) => eventCountLoader(ctx).load(tenant.id).then((n) => n ?? 0),
    },
  },
};
