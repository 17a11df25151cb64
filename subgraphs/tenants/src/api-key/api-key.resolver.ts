import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { createApiKey, listApiKeys, revokeApiKey, type CreateApiKeyInput } from './api-key.service.ts';

export const apiKeyModule: SubgraphModule = {
  sdl: readSdl(new URL('./api-key.graphql', import.meta.url)),
  resolvers: {
    Query: {
      apiKeys: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => listApiKeys(em, tenantId)),
    },
    Mutation: {
      createApiKey: (_: unknown, args: { input: CreateApiKeyInput }, ctx: RequestContext) =>
        ctx.tx(({ em }) => createApiKey(em, ctx.identity, args.input)),
      revokeApiKey: (_: unknown, args: { id: string }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => revokeApiKey(em, tenantId, args.id)),
    },
  },
};
