import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { targetTenant } from '../tenant/tenant.service.ts';
import { diffBrandDna, latestSnapshot, listSnapshots, restoreBrandDna, updateBrandDna } from './brand-dna.service.ts';
import { BRAND_DNA_SCHEMA } from './brand-dna.schema.ts';
import type { DnaChange } from './brand-dna.diff.ts';

type ClientArgs = { clientId?: string | null };

const actorOf = (ctx: RequestContext) => (ctx.identity.kind === 'user' ? ctx.identity.actorId : null);

export const brandDnaModule: SubgraphModule = {
  sdl: readSdl(new URL('./brand-dna.graphql', import.meta.url)),
  resolvers: {
    Query: {
      brandDna: (_: unknown, args: ClientArgs, ctx: RequestContext) =>
        ctx.tx((tx) => latestSnapshot(tx.em, targetTenant(tx, args.clientId, 'Client'))),
      brandDnaHistory: (_: unknown, args: ClientArgs, ctx: RequestContext) =>
        ctx.tx((tx) => listSnapshots(tx.em, targetTenant(tx, args.clientId, 'Client'))),
      brandDnaDiff: (_: unknown, args: ClientArgs & { fromVersion: number; toVersion: number }, ctx: RequestContext) =>
        ctx.tx((tx) => diffBrandDna(tx.em, targetTenant(tx, args.clientId, 'Client'), args.fromVersion, args.toVersion)),
      brandDnaSchema: () => BRAND_DNA_SCHEMA,
    },
    Mutation: {
      updateBrandDna: (_: unknown, args: ClientArgs & { document: unknown; note?: string | null; baseVersion: number }, ctx: RequestContext) =>
        ctx.tx((tx) => updateBrandDna(tx.em, targetTenant(tx, args.clientId, 'Client'), actorOf(ctx), args)),
      restoreBrandDna: (_: unknown, args: ClientArgs & { version: number }, ctx: RequestContext) =>
        ctx.tx((tx) => restoreBrandDna(tx.em, targetTenant(tx, args.clientId, 'Client'), actorOf(ctx), args.version)),
    },
    DnaChange: {
      kind: (change: DnaChange) => change.kind.toUpperCase(),
      before: (change: DnaChange) => change.before ?? null,
      after: (change: DnaChange) => change.after ?? null,
    },
  },
};
