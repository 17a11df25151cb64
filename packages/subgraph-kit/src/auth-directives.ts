// Every root field (Query, Mutation, Subscription) must be either
// `@auth(requires: [...])` or `@public`. guardSchema() wraps each guarded
// resolver with the permission check and refuses to build a schema with an
// unguarded root field, so a forgotten guard fails at start-up and in tests.
import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLSchema, type GraphQLField } from 'graphql';
import { AppError } from '@ensemble/tenancy/errors';
import { isAnonymous } from '@ensemble/tenancy/identity';
import { isPermission } from '@ensemble/tenancy/permissions';
import type { RequestContext } from './context.ts';

export const AUTH_DIRECTIVES_SDL = /* GraphQL */ `
  "Requires an authenticated caller holding every listed permission."
  directive @auth(requires: [String!]! = []) on FIELD_DEFINITION
  "Callable without authentication (e.g. login)."
  directive @public on FIELD_DEFINITION
`;

export type FieldAccess = { kind: 'public' } | { kind: 'auth'; requires: string[] } | { kind: 'unguarded' };

export function fieldAccess(field: GraphQLField<unknown, unknown>): FieldAccess {
  const directives = field.astNode?.directives ?? [];
  if (directives.some((d) => d.name.value === 'public')) return { kind: 'public' };
  const auth = directives.find((d) => d.name.value === 'auth');
  if (!auth) return { kind: 'unguarded' };
  const arg = auth.arguments?.find((a) => a.name.value === 'requires');
  const requires = arg && arg.value.kind === 'ListValue'
    ? arg.value.values.flatMap((v) => (v.kind === 'StringValue' ? [v.value] : []))
    : [];
  return { kind: 'auth', requires };
}

/** Federation's own root fields, guarded by the entity resolvers' RLS. */
const FEDERATION_FIELDS = new Set(['_service', '_entities']);

export function authorize(ctx: RequestContext, requires: readonly string[]): void {
  if (isAnonymous(ctx.identity)) throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
  const missing = requires.filter((p) => !ctx.identity.permissions.includes(p as never));
  if (missing.length > 0) throw new AppError('FORBIDDEN', 'You do not have permission to do this');
}

export function guardSchema(schema: GraphQLSchema): GraphQLSchema {
  const unguarded: string[] = [];
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root) continue;
    for (const field of Object.values(root.getFields())) {
      if (FEDERATION_FIELDS.has(field.name)) continue;
      const access = fieldAccess(field);
      if (access.kind === 'unguarded') {
        unguarded.push(`${root.name}.${field.name}`);
        continue;
      }
      if (access.kind === 'public') continue;
      const unknown = access.requires.filter((p) => !isPermission(p));
      if (unknown.length) throw new Error(`${root.name}.${field.name} requires unknown permissions: ${unknown.join(', ')}`);
      const config = field as unknown as GraphQLFieldConfig<unknown, RequestContext>;
      const resolve = config.resolve ?? defaultFieldResolver;
      config.resolve = (source, args, ctx, info) => {
        authorize(ctx, access.requires);
        return resolve(source, args, ctx, info);
      };
      if (config.subscribe) {
        const subscribe = config.subscribe;
        config.subscribe = (source, args, ctx, info) => {
          authorize(ctx, access.requires);
          return subscribe(source, args, ctx, info);
        };
      }
    }
  }
  if (unguarded.length) throw new Error(`Unguarded GraphQL fields (add @auth or @public): ${unguarded.join(', ')}`);
  return schema;
}
