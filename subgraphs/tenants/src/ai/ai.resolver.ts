import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import type { AiTask } from '@ensemble/db/vocabulary';
import { keyringFromEnv } from '@ensemble/ai/secrets';
import {
  clearProviderKey,
  listModels,
  listProviders,
  listRoutes,
  setProviderKey,
  setRoute,
  updateModel,
  updateProvider,
  usage,
  type ModelTier,
  type ModelView,
  type ProviderView,
  type RouteView,
  type UpdateModelInput,
  type UpdateProviderInput,
  type UsageView,
} from './ai-admin.service.ts';
import { availableModels, chooseModel, type AvailableModelView } from './ai-choice.service.ts';

const upper = (value: string) => value.toUpperCase();
const task = (value: string) => value.toLowerCase() as AiTask;
const tier = (value: string | null | undefined) => (value ? (value.toLowerCase() as ModelTier) : value);

export const aiModule: SubgraphModule = {
  sdl: readSdl(new URL('./ai.graphql', import.meta.url)),
  resolvers: {
    Query: {
      aiProviders: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em }) => listProviders(em)),
      aiModels: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em }) => listModels(em)),
      aiRoutes: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em }) => listRoutes(em)),
      aiUsage: (_: unknown, args: { from: Date; to: Date; groupBy: string }, ctx: RequestContext) =>
        ctx.tx(({ em }) => usage(em, { from: args.from, to: args.to, groupBy: args.groupBy === 'MODEL' ? 'model' : 'tenant' })),
      availableModels: (_: unknown, args: { task: string }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => availableModels(em, tenantId, task(args.task))),
    },
    Mutation: {
      // The master key is read before the transaction: without it nothing is written.
      setProviderKey: (_: unknown, args: { providerId: string; key: string }, ctx: RequestContext) => {
        const keyring = keyringFromEnv();
        return ctx.tx(({ em }) => setProviderKey(em, args.providerId, args.key, keyring));
      },
      clearProviderKey: (_: unknown, args: { providerId: string }, ctx: RequestContext) => ctx.tx(({ em }) => clearProviderKey(em, args.providerId)),
      updateProvider: (_: unknown, args: { id: string; input: UpdateProviderInput }, ctx: RequestContext) =>
        ctx.tx(({ em }) => updateProvider(em, args.id, args.input)),
      updateModel: (_: unknown, args: { id: string; input: UpdateModelInput & { tier?: string | null } }, ctx: RequestContext) =>
        ctx.tx(({ em }) => updateModel(em, args.id, { ...args.input, tier: tier(args.input.tier) as ModelTier | null | undefined })),
      setRoute: (_: unknown, args: { task: string; modelIds: string[] }, ctx: RequestContext) =>
        ctx.tx(({ em }) => setRoute(em, task(args.task), args.modelIds)),
      chooseModel: (_: unknown, args: { task: string; modelId?: string | null }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => chooseModel(em, tenantId, task(args.task), args.modelId ?? null)),
    },
    AiProvider: { kind: (p: ProviderView) => upper(p.kind) },
    AiProviderLastCall: { outcome: (c: NonNullable<ProviderView['lastCall']>) => upper(c.outcome) },
    AiModel: { tier: (m: ModelView) => upper(m.tier) },
    AiRoute: { task: (r: RouteView) => upper(r.task) },
    AiUsage: { groupBy: (u: UsageView) => upper(u.groupBy) },
    AiCallFailure: { outcome: (f: UsageView['recentFailures'][number]) => upper(f.outcome) },
    AvailableModel: { tier: (m: AvailableModelView) => upper(m.tier) },
  },
};
