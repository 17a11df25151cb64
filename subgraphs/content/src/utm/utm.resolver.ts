import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { listUtmLinks } from './utm.service.ts';

export const utmModule: SubgraphModule = {
  sdl: readSdl(new URL('./utm.graphql', import.meta.url)),
  resolvers: {
    Query: {
      utmLinks: (_: unknown, args: { itemId: string }, ctx: RequestContext) => ctx.tx(({ em }) => listUtmLinks(em, args.itemId)),
    },
  },
};
