import { createDbAiRouter } from '@ensemble/ai/catalogue';
import type { AiRouter } from '@ensemble/ai/router';
import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { ContentItem, type ContentItemRow } from '@ensemble/db/content/content-item.entity';
import { badInput } from '@ensemble/tenancy/errors';
import { uuidArrayLiteral } from '@ensemble/tenancy/ids';
import { createDraft, currentBodies, getItem, listItems, saveDraft, slotTimes, type DraftInput } from './studio.service.ts';
import { scoreAndPublish, scoreEditAndPublish, scoreTopic, subscribedOwner, trackSubscription, type DraftEdit } from './scoring.service.ts';
import { diffVersions, listVersions, restoreVersion } from './content-versions.service.ts';
import {
  generateContent, regenerateContent, regenerationQuote, type Caller, type GenerateInput, type RegenerateInput, type TenantRunner,
} from './studio-generation.service.ts';

/**
 * The item a keystroke scores, inside the caller's scope. While this tenant has
 * the item's score subscription open here (checked in the database when it
 * opened), its owner is known; otherwise the database is asked (NOT_FOUND).
 */
async function scoredItem(ctx: RequestContext, id: string): Promise<{ id: string; tenantId: string }> {
  const owner = subscribedOwner(ctx.identity.tenantId, id);
  return owner ? { id, tenantId: owner } : ctx.tx(({ em }) => getItem(em, id));
}

// One router per process (it holds nothing between requests): the client's route, the fallbacks, the call log.
const routers = new WeakMap<RequestContext['orm'], AiRouter>();
function routerFor(ctx: RequestContext): AiRouter {
  let router = routers.get(ctx.orm);
  if (!router) {
    router = createDbAiRouter(ctx.orm);
    routers.set(ctx.orm, router);
  }
  return router;
}

function actorOf(ctx: RequestContext): string | null {
  return ctx.identity.kind === 'user' ? ctx.identity.actorId : null;
}

function callerOf(ctx: RequestContext): { run: TenantRunner; caller: Caller } {
  const run: TenantRunner = (fn) => ctx.tx(({ em }) => fn(em));
  return { run, caller: { tenantId: ctx.identity.tenantId, actorId: actorOf(ctx) } };
}

function bodyLoader(ctx: RequestContext) {
  return requestLoader<string, string>(ctx, 'content-body', (ids) => ctx.tx(({ em }) => currentBodies(em, ids)));
}

function slotTimeLoader(ctx: RequestContext) {
  return requestLoader<string, Date>(ctx, 'content-slot-time', (ids) => ctx.tx(({ em }) => slotTimes(em, ids)));
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
      contentVersions: (_: unknown, args: { itemId: string }, ctx: RequestContext) => ctx.tx(({ em }) => listVersions(em, args.itemId)),
      contentVersionDiff: (_: unknown, args: { itemId: string; from: number; to: number }, ctx: RequestContext) =>
        ctx.tx(({ em }) => diffVersions(em, args.itemId, args.from, args.to)),
      regenerationQuote: (_: unknown, args: { itemId: string }, ctx: RequestContext) => ctx.tx(({ em }) => regenerationQuote(em, args.itemId)),
    },
    Mutation: {
      createDraft: (_: unknown, args: { input: DraftInput }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => createDraft(em, tenantId, actorOf(ctx), args.input)),
      saveDraft: (_: unknown, args: { id: string; input: DraftInput }, ctx: RequestContext) =>
        ctx.tx(({ em }) => saveDraft(em, args.id, args.input, actorOf(ctx))),
      scoreDraft: async (_: unknown, args: { id: string; input: DraftInput; revision: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.revision) || args.revision < 0) throw badInput('revision must be a non-negative integer', 'revision');
        const item = await scoredItem(ctx, args.id);
        await scoreAndPublish(ctx.pubsub, item.tenantId, item.id, args.input, args.revision);
        return true;
      },
      scoreDraftEdit: async (_: unknown, args: { id: string; base: number; edit: DraftEdit; revision: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.base) || args.base < 0) throw badInput('base must be a non-negative integer', 'base');
        const item = await scoredItem(ctx, args.id);
        await scoreEditAndPublish(ctx.pubsub, item.tenantId, item.id, args.base, args.edit, args.revision);
        return true;
      },
      generateContent: (_: unknown, args: { input: GenerateInput }, ctx: RequestContext) => {
        const { run, caller } = callerOf(ctx);
        return generateContent(routerFor(ctx), run, caller, args.input);
      },
      regenerateContent: (_: unknown, args: { itemId: string; input?: RegenerateInput | null }, ctx: RequestContext) => {
        const { run, caller } = callerOf(ctx);
        return regenerateContent(routerFor(ctx), run, caller, args.itemId, args.input ?? {});
      },
      restoreContentVersion: (_: unknown, args: { itemId: string; version: number }, ctx: RequestContext) =>
        ctx.tx(({ em }) => restoreVersion(em, args.itemId, args.version, actorOf(ctx))),
    },
    Subscription: {
      seoScore: {
        subscribe: async (_: unknown, args: { itemId: string }, ctx: RequestContext) => {
          // Existence check inside the caller's scope: B's items are NOT_FOUND.
          const item = await ctx.tx(({ em }) => getItem(em, args.itemId));
          const events = ctx.pubsub.subscribe(scoreTopic(item.tenantId, item.id));
          return trackSubscription(ctx.identity.tenantId, item.id, item.tenantId, events);
        },
        resolve: (payload: unknown) => payload,
      },
    },
    ContentItem: {
      channel: (item: ContentItemRow) => item.channel.toUpperCase(),
      status: (item: ContentItemRow) => item.status.toUpperCase(),
      mode: (item: ContentItemRow) => item.mode.toUpperCase(),
      body: (item: ContentItemRow, _: unknown, ctx: RequestContext) => bodyLoader(ctx).load(item.id).then((b) => b ?? ''),
      scheduledAt: (item: ContentItemRow, _: unknown, ctx: RequestContext) =>
        item.calendarSlotId ? slotTimeLoader(ctx).load(item.id) : null,
    },
    Tenant: {
      contentItems: (tenant: { id: string }, args: { limit: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 200) throw badInput('limit must be between 1 and 200', 'limit');
        return itemsByTenantLoader(ctx, args.limit).load(tenant.id).then((items) => items ?? []);
      },
    },
  },
};
