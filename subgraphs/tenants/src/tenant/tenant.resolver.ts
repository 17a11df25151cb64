import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { requestLoader } from '@ensemble/subgraph-kit/loaders';
import { Tenant, type TenantRow } from '@ensemble/db/tenants/tenant.entity';
import { isUuid } from '@ensemble/tenancy/ids';
import { ancestorsOf, childrenOf, getTenant, listTenants, type TenantKind } from './tenant.service.ts';

function tenantLoader(ctx: RequestContext) {
  return requestLoader<string, TenantRow>(ctx, 'tenant', (ids) =>
    ctx.tx(async ({ em }) => new Map((await em.find(Tenant, { id: { $in: ids.filter(isUuid) } })).map((t) => [t.id, t]))));
}

export const tenantModule: SubgraphModule = {
  sdl: readSdl(new URL('./tenant.graphql', import.meta.url)),
  resolvers: {
    Query: {
      tenant: (_: unknown, args: { id: string }, ctx: RequestContext) => ctx.tx(({ em }) => getTenant(em, args.id)),
      tenants: (_: unknown, args: { kind?: string | null }, ctx: RequestContext) =>
        ctx.tx(({ em }) => listTenants(em, args.kind ? (args.kind.toLowerCase() as TenantKind) : undefined)),
    },
    Tenant: {
      __resolveReference: (ref: { id: string }, ctx: RequestContext) => tenantLoader(ctx).load(ref.id),
      kind: (tenant: TenantRow) => tenant.kind.toUpperCase(),
      ancestors: (tenant: TenantRow, _: unknown, ctx: RequestContext) => ctx.tx(({ em }) => ancestorsOf(em, tenant)),
      children: (tenant: TenantRow, _: unknown, ctx: RequestContext) => ctx.tx(({ em }) => childrenOf(em, tenant.id)),
    },
  },
};
