import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { ContentItem, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { badInput } from '@ensemble/tenancy/errors';
import { uuidArrayLiteral } from '@ensemble/tenancy/ids';
import { createDraft, currentBodies, getItem, listItems, saveDraft, type DraftInput } from './studio.service.ts';
import { scoreAndPublish, scoreTopic } from './scoring.service.ts';

function bodyLoader(ctx: RequestContext) {
  return requestLoader<string, string>(ctx, 'content-body', (ids) => ctx.tx(({ em }) => currentBodies(em, ids)));
}

function itemsByTenantLoader(ctx: RequestContext, limit: number) {
  return requestLoader<string, ContentItemRow[]>(ctx, `items-by-tenant:${limit}`, (tenantIds) =>
    ctx.tx(async ({ em }) => {
      // One statement for every tenant of the batch, at most `limit` each.
      const rows = await em.getConnection().execute<{ id: string; tenant_id: string }[]>(
        `select id, tenant_id from (select id, tenant_id, row_number() over (partition by tenant_id order by updated_at desc) as n
           from content.content_item where tenant_id = any(?::uuid[])) ranked where n <= ?`,
        [uuidArrayLiteral(tenantIds), limit], 'all', em.getTransactionContext());
      const items = rows.length ? await em.find(ContentItem, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { updatedAt: 'desc' } }) : [];
      const grouped = new Map<string, ContentItemRow[]>(tenantIds.map((t) => [t, []]));
      for (const item of items) grouped.get(item.tenantId)?.push(item);
      return grouped;
    }));
}

export const studioModule: SubgraphModule = {
  sdl: readSdl(new URL('./studio.graphql', import.meta.url)),
  resolvers: {
    Query: {
      contentItem: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getItem(em, args.id)),
      contentItems: (_: unknown, args: { limit: number }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => listItems(em, [tenantId], args.limit)),
    },
    Mutation: {
      createDraft: (_: unknown, args: { input: DraftInput }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => createDraft(em, tenantId, ctx.identity.kind === 'user' ? ctx.identity.actorId : null, args.input)),
      saveDraft: (_: unknown, args: { id: string; input: DraftInput }, ctx: RequestContext) =>
        ctx.tx(({ em }) => saveDraft(em, args.id, args.input)),
      scoreDraft: async (_: unknown, args: { id: string; input: DraftInput; revision: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.revision) || args.revision < 0) throw badInput('revision must be a non-negative integer', 'revision');
        const item = await ctx.tx(({ em }) => getItem(em, args.id));
        await scoreAndPublish(ctx.pubsub, item.tenantId, item.id, args.input, args.revision);
        return true;
      },
    },
    Subscription: {
      seoScore: {
        subscribe: async (_: unknown, args: { itemId: string }, ctx: RequestContext) => {
          // Existence check inside the caller's scope: B's items are NOT_FOUND.
          const item = await ctx.tx(({ em }) => getItem(em, args.itemId));
          return ctx.pubsub.subscribe(scoreTopic(item.tenantId, item.id));
        },
        resolve: (payload: unknown) => payload,
      },
    },
    ContentItem: {
      channel: (item: ContentItemRow) => item.channel.toUpperCase(),
      status: (item: ContentItemRow) => item.status.toUpperCase(),
      body: (item: ContentItemRow, _: unknown, ctx: RequestContext) => bodyLoader(ctx).load(item.id).then((b) => b ?? ''),
    },
    Tenant: {
      contentItems: (tenant: { id: string }, args: { limit: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 200) throw badInput('limit must be between 1 and 200', 'limit');
        return itemsByTenantLoader(ctx, args.limit).load(tenant.id).then((items) => items ?? []);
      },
    },
  },
};
