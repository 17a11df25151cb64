import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { targetTenant } from '../tenant/tenant.service.ts';
import { latestSnapshot, listSnapshots } from './brand-dna.service.ts';

export const brandDnaModule: SubgraphModule = {
  sdl: readSdl(new URL('./brand-dna.graphql', import.meta.url)),
  resolvers: {
    Query: {
      brandDna: (_: unknown, args: { clientId?: string | null }, ctx: RequestContext) =>
        ctx.tx((tx) => latestSnapshot(tx.em, targetTenant(tx, args.clientId, 'Client'))),
      brandDnaHistory: (_: unknown, args: { clientId?: string | null }, ctx: RequestContext) =>
        ctx.tx((tx) => listSnapshots(tx.em, targetTenant(tx, args.clientId, 'Client'))),
    },
  },
};
