import type { SubgraphModule } from '@ensemble/subgraph-kit/schema';
import { readSdl } from '@ensemble/subgraph-kit/schema';
import type { RequestContext } from '@ensemble/subgraph-kit/context';
import { withTenant } from '@ensemble/db/orm';
import { User } from '@ensemble/db/tenants/identity.entity';
import type { Identity } from '@ensemble/tenancy/identity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { getTenant } from '../tenant/tenant.service.ts';
import { login, logout, refresh, type IssuedTokens } from './auth.service.ts';

async function viewerOf(orm: MikroORM, identity: Identity) {
  return withTenant(orm, identity.tenantId, identity.kind === 'user' ? identity.actorId : null, async ({ em }) => ({
    user: identity.kind === 'user' ? await em.findOne(User, { id: identity.actorId }) : null,
    tenant: await getTenant(em, identity.tenantId),
    role: identity.role,
    permissions: identity.permissions,
  }));
}

async function payload(orm: MikroORM, tokens: IssuedTokens) {
  return { ...tokens, viewer: await viewerOf(orm, tokens.identity) };
}

export const authModule: SubgraphModule = {
  sdl: readSdl(new URL('./auth.graphql', import.meta.url)),
  resolvers: {
    Query: {
      viewer: (_: unknown, __: unknown, ctx: RequestContext) => viewerOf(ctx.orm, ctx.identity),
    },
    Mutation: {
      login: async (_: unknown, args: { email: string; password: string }, ctx: RequestContext) =>
        payload(ctx.orm, await login(ctx.orm, args.email, args.password)),
      refreshSession: async (_: unknown, args: { refreshToken: string }, ctx: RequestContext) =>
        payload(ctx.orm, await refresh(ctx.orm, args.refreshToken)),
      logout: (_: unknown, args: { refreshToken: string }, ctx: RequestContext) => logout(ctx.orm, args.refreshToken),
    },
  },
};
