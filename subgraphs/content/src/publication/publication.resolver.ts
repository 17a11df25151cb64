import type { MikroORM } from '@mikro-orm/postgresql';
import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { AppError, badInput } from '@ensemble/tenancy/errors';
import { isAnonymous } from '@ensemble/tenancy/identity';
import { connectedChannels } from '../connectors/connection.service.ts';
import { sql } from '../pipeline/sql.ts';
import { AttemptInProgressError } from './attempts.ts';
import { getPublication, publicationLog, publicationMessages, recentPublications, type PublicationView } from './publication-log.service.ts';
import { SITE_CHANNELS, storageDir } from './publication.service.ts';
import { processPublisher, type PublishOutcome, type Publisher } from './publish-item.service.ts';

const publishers = new WeakMap<MikroORM, Publisher>();

/** One publisher per ORM (the process's), with the process's connectors (configured from the environment). */
function publisherFor(orm: MikroORM): Publisher {
  let publisher = publishers.get(orm);
  if (!publisher) {
    publisher = processPublisher(orm, storageDir(), () => new Date());
    publishers.set(orm, publisher);
  }
  return publisher;
}

async function run(ctx: RequestContext, work: (publisher: Publisher, tenantId: string) => Promise<PublishOutcome>) {
  if (isAnonymous(ctx.identity)) throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
  const tenantId = ctx.identity.tenantId;
  let outcome: PublishOutcome;
  try {
    outcome = await work(publisherFor(ctx.orm), tenantId);
  } catch (error) {
    if (error instanceof AttemptInProgressError) throw new AppError('CONFLICT', 'This publication is being sent right now: look at its log in a minute');
    throw error;
  }
  if (outcome.status === 'no_connector') {
    return { outcome: 'NO_CONNECTOR', publication: null, message: `No connector publishes ${outcome.channel.replace('_', ' ')} for this client yet: connect an account first` };
  }
  const publication = await ctx.tx(({ em }) => getPublication(em, outcome.publicationId));
  if (outcome.status === 'failed') return { outcome: 'FAILED', publication, message: outcome.error };
  return { outcome: outcome.replayed ? 'ALREADY_SENT' : outcome.reconciled ? 'RECONCILED' : 'SENT', publication, message: null };
}

export const publicationModule: SubgraphModule = {
  sdl: readSdl(new URL('./publication.graphql', import.meta.url)),
  resolvers: {
    Query: {
      publicationLog: (_: unknown, args: { itemId: string }, ctx: RequestContext) => ctx.tx(({ em }) => publicationLog(em, args.itemId)),
      publication: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getPublication(em, args.id)),
      publications: (_: unknown, args: { status?: string | null; limit: number }, ctx: RequestContext) =>
        ctx.tx(({ em }) => recentPublications(em, { status: args.status?.toLowerCase() ?? null, limit: args.limit })),
      publishingChannels: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.tx(async ({ em }) => {
        const connected = await connectedChannels(em);
        const channels = await sql<{ id: string; kind: string; name: string }>(em, `select id, kind, name from content.channel where active order by kind, name`);
        return channels.map((c) => {
          const connection = connected.find((x) => x.channelId === c.id);
          const site = !connection && (SITE_CHANNELS as readonly string[]).includes(c.kind);
          return {
            channelId: c.id,
            channel: c.kind.toUpperCase(),
            name: c.name,
            connector: connection?.connector ?? (site ? 'site' : null),
            connectionName: connection?.displayName ?? null,
            connectionStatus: connection?.status ?? (site ? 'active' : null),
          };
        });
      }),
    },
    Mutation: {
      publishNow: (_: unknown, args: { itemId: string }, ctx: RequestContext) => run(ctx, (p, tenantId) => p.publishNow(tenantId, args.itemId)),
      replayPublication: (_: unknown, args: { id: string }, ctx: RequestContext) => run(ctx, (p, tenantId) => p.replay(tenantId, args.id)),
    },
    Publication: {
      channel: (p: PublicationView) => p.channel.toUpperCase(),
      status: (p: PublicationView) => p.status.toUpperCase(),
      messageList: (p: PublicationView, args: { limit: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 500) throw badInput('limit must be between 1 and 500', 'limit');
        return ctx.tx(({ em }) => publicationMessages(em, p.id, args.limit));
      },
    },
    PublicationAttempt: {
      status: (a: { status: string }) => a.status.toUpperCase(),
      trigger: (a: { trigger: string }) => a.trigger.toUpperCase(),
    },
  },
};
