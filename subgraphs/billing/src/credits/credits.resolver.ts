import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { badInput } from '@ensemble/tenancy/errors';
import { getBalance, getBalances, listMovements } from './credit-ledger.service.ts';

type Balance = Awaited<ReturnType<typeof getBalance>>;

function balanceLoader(ctx: RequestContext) {
  return requestLoader<string, Balance>(ctx, 'credit-balance', (tenantIds) =>
    ctx.tx(({ em }) => getBalances(em, tenantIds)));
}

export const creditsModule: SubgraphModule = {
  sdl: readSdl(new URL('./credits.graphql', import.meta.url)),
  resolvers: {
    Query: {
      creditBalance: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => getBalance(em, tenantId)),
      creditMovements: (_: unknown, args: { limit: number }, ctx: RequestContext) => {
        if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 500) throw badInput('limit must be between 1 and 500', 'limit');
        return ctx.tx(({ em, tenantId }) => listMovements(em, tenantId, args.limit));
      },
    },
    Tenant: {
      creditBalance: async (tenant: { id: string }, _: unknown, ctx: RequestContext) => balanceLoader(ctx).load(tenant.id),
    },
  },
};
