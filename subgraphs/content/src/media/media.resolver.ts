import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { logger } from '@ensemble/subgraph-kit/logger';
import { expiryFor, mediaUrlSecret, signMediaPath, type MediaVariant } from '@ensemble/storage/signed-url';
import { configuredStorage } from '@ensemble/storage/storage';
import { mediaPublicBase, withMediaBase } from './media-url.ts';
import {
  attachMedia, deleteMedia, describeMedia, detachMedia, getMedia, listMedia, mediaTagCounts, mediaUsage, tagMedia,
  type MediaKind, type MediaRecord, type MediaRole, type MediaUsage,
} from './media.service.ts';

/** MEDIA_URL_TTL_SECONDS (3600): lifetime of the signed URLs the app shows. */
function urlTtlSeconds(): number {
  const raw = Number(process.env.MEDIA_URL_TTL_SECONDS ?? 3600);
  return Number.isInteger(raw) && raw >= 60 ? raw : 3600;
}

/** MEDIA_PUBLIC_BASE_URL: the gateway's public origin, for absolute URLs (relative when unset: the web app shares its origin). */
function withBase(path: string): string {
  return withMediaBase(path, mediaPublicBase());
}

let secret: Buffer | null = null;
function sign(media: MediaRecord, variant: MediaVariant, expires: boolean): string {
  secret ??= mediaUrlSecret();
  return withBase(signMediaPath({ tenantId: media.tenantId, mediaId: media.id, variant, expiresAt: expires ? expiryFor(urlTtlSeconds()) : null }, secret));
}

function usageLoader(ctx: RequestContext) {
  return requestLoader<string, MediaUsage[]>(ctx, 'media-usage', (ids) => ctx.tx(({ em }) => mediaUsage(em, ids)));
}

const lower = <T extends string>(value: string | null | undefined): T | null => (value ? (value.toLowerCase() as T) : null);

export const mediaModule: SubgraphModule = {
  sdl: readSdl(new URL('./media.graphql', import.meta.url)),
  resolvers: {
    Query: {
      mediaLibrary: (_: unknown, args: { search?: string | null; kind?: string | null; tag?: string | null; first?: number | null; after?: string | null }, ctx: RequestContext) =>
        ctx.tx(({ em, scope }) => listMedia(em, scope, { search: args.search ?? null, kind: lower<MediaKind>(args.kind), tag: args.tag ?? null, first: args.first ?? 30, after: args.after ?? null })),
      mediaItem: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getMedia(em, args.id)),
      mediaTags: (_: unknown, _args: unknown, ctx: RequestContext) => ctx.tx(({ em, scope }) => mediaTagCounts(em, scope)),
    },
    Mutation: {
      tagMedia: (_: unknown, args: { id: string; tags: string[] }, ctx: RequestContext) => ctx.tx(({ em }) => tagMedia(em, args.id, args.tags)),
      describeMedia: (_: unknown, args: { id: string; altText?: string | null }, ctx: RequestContext) => ctx.tx(({ em }) => describeMedia(em, args.id, args.altText ?? null)),
      deleteMedia: async (_: unknown, args: { id: string }, ctx: RequestContext) => {
        const { keys } = await ctx.tx(({ em }) => deleteMedia(em, args.id));
        // After the commit: a failed object delete leaves an orphan file, never a row pointing at nothing.
        const storage = configuredStorage();
        const results = await Promise.allSettled(keys.map((key) => storage.delete(key)));
        for (const result of results) if (result.status === 'rejected') logger.warn({ err: result.reason, keys }, 'media object not deleted');
        return true;
      },
      attachMedia: (_: unknown, args: { itemId: string; mediaId: string; role?: string | null }, ctx: RequestContext) =>
        ctx.tx(({ em }) => attachMedia(em, args.itemId, args.mediaId, lower<MediaRole>(args.role) ?? 'inline')),
      detachMedia: (_: unknown, args: { itemId: string; mediaId: string }, ctx: RequestContext) => ctx.tx(({ em }) => detachMedia(em, args.itemId, args.mediaId)),
    },
    Media: {
      __resolveReference: (ref: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getMedia(em, ref.id)),
      kind: (media: MediaRecord) => media.kind.toUpperCase(),
      size: (media: MediaRecord) => media.sizeBytes,
      url: (media: MediaRecord) => sign(media, 'original', true),
      thumbnailUrl: (media: MediaRecord) => (media.kind === 'image' ? sign(media, 'thumbnail', true) : null),
      embedUrl: (media: MediaRecord) => sign(media, 'original', false),
      usage: (media: MediaRecord, _: unknown, ctx: RequestContext) => usageLoader(ctx).load(media.id).then((u) => u ?? []),
    },
    MediaUsage: {
      status: (usage: MediaUsage) => usage.status.toUpperCase(),
      role: (usage: MediaUsage) => usage.role.toUpperCase(),
    },
  },
};
