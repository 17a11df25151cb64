import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { authorize } from '@ensemble/subgraph-kit/auth-directives';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { badInput, notFound } from '@ensemble/tenancy/errors';
import { isUuid } from '@ensemble/tenancy/ids';
import {
  getBalance, getBalances, getClientCredits, listClientCredits, listCreditNotices, listMovements, type ClientCredits,
} from './credit-ledger.service.ts';
import { listTopUpPacks, listTopUps, topUpCredits } from './credit-topup.service.ts';
import { creditUsage } from './credit-usage.service.ts';

type Balance = Awaited<ReturnType<typeof getBalance>>;

function balanceLoader(ctx: RequestContext) {
  return requestLoader<string, Balance>(ctx, 'credit-balance', (tenantIds) =>
    ctx.tx(({ em }) => getBalances(em, tenantIds)));
}

function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw badInput(`limit must be between 1 and ${max}`, 'limit');
  return limit;
}

const clientView = (row: ClientCredits) => ({ ...row, client: { __typename: 'Tenant', id: row.tenantId } });

export const creditsModule: SubgraphModule = {
  sdl: readSdl(new URL('./credits.graphql', import.meta.url)),
  resolvers: {
    TopUpStatus: { PENDING_PAYMENT: 'pending_payment', GRANTED: 'granted', CANCELLED: 'cancelled' },
    Query: {
      creditBalance: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => getBalance(em, tenantId)),
      creditMovements: (_: unknown, args: { limit: number }, ctx: RequestContext) => {
        checkLimit(args.limit, 500);
        return ctx.tx(({ em, tenantId }) => listMovements(em, tenantId, args.limit));
      },
      creditUsage: (_: unknown, args: { from: string; to: string }, ctx: RequestContext) =>
        ctx.tx(({ em, tenantId }) => creditUsage(em, { tenantId, from: args.from, to: args.to })),
      creditNotices: (_: unknown, args: { limit: number }, ctx: RequestContext) => {
        checkLimit(args.limit, 100);
        return ctx.tx(({ em, tenantId }) => listCreditNotices(em, tenantId, args.limit));
      },
      topUpPacks: (_: unknown, __: unknown, ctx: RequestContext) => ctx.tx(({ em, tenantId }) => listTopUpPacks(em, tenantId)),
      creditTopUps: (_: unknown, args: { limit: number }, ctx: RequestContext) => {
        checkLimit(args.limit, 100);
        return ctx.tx(({ em, tenantId }) => listTopUps(em, tenantId, args.limit));
      },
      clientCredits: async (_: unknown, __: unknown, ctx: RequestContext) =>
        (await ctx.tx(({ em }) => listClientCredits(em))).map(clientView),
      clientCredit: async (_: unknown, args: { clientId: string }, ctx: RequestContext) => {
        if (!isUuid(args.clientId)) throw notFound('client');
        return clientView(await ctx.tx(({ em }) => getClientCredits(em, args.clientId)));
      },
    },
    Mutation: {
      topUpCredits: (_: unknown, args: { packId: string; idempotencyKey: string }, ctx: RequestContext) => {
        if (!isUuid(args.packId)) throw notFound('top-up pack');
        return ctx.tx(({ em, tenantId }) => topUpCredits(em, { tenantId, packId: args.packId, idempotencyKey: args.idempotencyKey }));
      },
      grantCredits: (_: unknown, args: { clientId: string; amount: number; idempotencyKey: string }, ctx: RequestContext) => {
        // The same answer the ledger gives for a client out of scope.
        if (!isUuid(args.clientId)) throw notFound('credit account');
        return ctx.tx(({ em }) => topUpCredits(em, { tenantId: args.clientId, amount: args.amount, idempotencyKey: args.idempotencyKey }));
      },
    },
    Tenant: {
      // Entity fields have no @auth of their own: billing stays behind billing:read here too
      // (a support agent reaches tenants, never their credits).
      creditBalance: async (tenant: { id: string }, _: unknown, ctx: RequestContext) => {
        authorize(ctx, ['billing:read']);
        return balanceLoader(ctx).load(tenant.id);
      },
    },
  },
};
