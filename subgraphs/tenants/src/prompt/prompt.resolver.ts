import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { targetTenant } from '../tenant/tenant.service.ts';
import { mergedPrompt, promptLayers, savePromptLayer, type PromptLayerView, type PromptProvenance } from './prompt-layer.service.ts';

const upper = (level: string) => level.toUpperCase();

export const promptModule: SubgraphModule = {
  sdl: readSdl(new URL('./prompt.graphql', import.meta.url)),
  resolvers: {
    Query: {
      promptLayers: (_: unknown, args: { tenantId?: string | null; locale: string }, ctx: RequestContext) =>
        ctx.tx((tx) => promptLayers(tx.em, ctx.identity, targetTenant(tx, args.tenantId), args.locale)),
      mergedPrompt: (_: unknown, args: { clientId?: string | null; locale: string }, ctx: RequestContext) =>
        ctx.tx((tx) => mergedPrompt(tx.em, ctx.identity, targetTenant(tx, args.clientId), args.locale)),
    },
    Mutation: {
      // Ownership of the level (not a permission alone) decides: see savePromptLayer.
      savePromptLayer: (_: unknown, args: { tenantId?: string | null; locale: string; document: unknown; baseVersion: number; note?: string | null }, ctx: RequestContext) =>
        ctx.tx((tx) => savePromptLayer(tx.em, ctx.identity, args.tenantId ?? tx.tenantId, args)),
    },
    PromptLayer: { level: (layer: PromptLayerView) => upper(layer.level) },
    PromptProvenance: { level: (p: PromptProvenance) => upper(p.level) },
  },
};
