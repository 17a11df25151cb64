import type { MikroORM } from '@mikro-orm/postgresql';
import type { EntityManager } from '@ensemble/db/orm';
import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { AppError, badInput, notFound } from '@ensemble/tenancy/errors';
import { isAnonymous } from '@ensemble/tenancy/identity';
import { FORM_CONNECTORS, connectChannel, connectedChannels, disconnectChannel, type ConnectChannelInput, type FormConnector } from '../connectors/connection.service.ts';
import type { ChannelKind } from '../planning/slot-plan.ts';
import { sql } from '../pipeline/sql.ts';
import { AttemptInProgressError } from './attempts.ts';
import { getPublication, publicationLog, publicationMessages, recentPublications, type PublicationView } from './publication-log.service.ts';
import { configuredStorage } from '@ensemble/storage/storage';
import { SITE_CHANNELS } from './publication.service.ts';
import { processConnectors, processPublisher, type PublishOutcome, type Publisher } from './publish-item.service.ts';

const publishers = new WeakMap<MikroORM, Publisher>();

type ConnectChannelArgs = Omit<ConnectChannelInput, 'channelId' | 'connector' | 'publishes' | 'createdBy'> & { connector: string };

/** The client's active channels, each with the account that publishes it, those it could be connected to, and its overdue posts. */
async function publishingChannels(em: EntityManager, channelId?: string) {
  const connected = await connectedChannels(em);
  const channels = await sql<{ id: string; tenant_id: string; kind: ChannelKind; name: string }>(em,
    `select id, tenant_id, kind, name from content.channel where active ${channelId ? 'and id = ?' : ''} order by kind, name`, channelId ? [channelId] : []);
  // Per client and kind: a distributor's scope holds several clients' channels.
  const overdue = new Map((await sql<{ tenant_id: string; channel: string; count: number }>(em,
    `select i.tenant_id, i.channel, count(*)::int as count
       from content.content_item i
       join content.calendar_slot s on s.tenant_id = i.tenant_id and s.id = i.calendar_slot_id
      where i.status in ('approved', 'scheduled') and s.scheduled_at < now()
      group by i.tenant_id, i.channel`)).map((r) => [`${r.tenant_id}:${r.channel}`, r.count]));
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
      connectable: FORM_CONNECTORS.filter((code) => processConnectors().get(code)?.channels.includes(c.kind)).map((code) => code.toUpperCase()),
      overdue: overdue.get(`${c.tenant_id}:${c.kind}`) ?? 0,
    };
  });
}

async function publishingChannel(em: EntityManager, channelId: string) {
  const [channel] = await publishingChannels(em, channelId);
  if (!channel) throw notFound('Channel');
  return channel;
}

/** One publisher per ORM (the process's), with the process's connectors (configured from the environment). */
function publisherFor(orm: MikroORM): Publisher {
  let publisher = publishers.get(orm);
  if (!publisher) {
    publisher = processPublisher(orm, configuredStorage(), () => new Date());
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
      publishingChannels: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.tx(({ em }) => publishingChannels(em)),
    },
    Mutation: {
      publishNow: (_: unknown, args: { itemId: string }, ctx: RequestContext) => run(ctx, (p, tenantId) => p.publishNow(tenantId, args.itemId)),
      replayPublication: (_: unknown, args: { id: string }, ctx: RequestContext) => run(ctx, (p, tenantId) => p.replay(tenantId, args.id)),
      connectChannel: (_: unknown, args: { channelId: string; input: ConnectChannelArgs }, ctx: RequestContext) => ctx.tx(async ({ em }) => {
        const connector = args.input.connector.toLowerCase() as FormConnector;
        const { signingSecret } = await connectChannel(em, {
          ...args.input, connector, channelId: args.channelId, publishes: processConnectors().get(connector)?.channels ?? [],
          createdBy: ctx.identity.kind === 'user' ? ctx.identity.actorId : null,
        });
        return { channel: await publishingChannel(em, args.channelId), signingSecret };
      }),
      disconnectChannel: (_: unknown, args: { channelId: string }, ctx: RequestContext) => ctx.tx(async ({ em }) => {
        await disconnectChannel(em, args.channelId);
        return publishingChannel(em, args.channelId);
      }),
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
