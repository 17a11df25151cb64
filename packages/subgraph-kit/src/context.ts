import { graphql, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withTenant, type TenantTx } from '@ensemble/db/orm';
import { AppError } from '@ensemble/tenancy/errors';
import { isAnonymous, type Identity } from '@ensemble/tenancy/identity';
import type { PgPubSub } from './pubsub.ts';

export interface RequestContext {
  identity: Identity;
  orm: MikroORM;
  pubsub: PgPubSub;
  /** Runs fn in a transaction entered as the caller's tenant (RLS + filter). */
  tx<T>(fn: (tx: TenantTx) => Promise<T>): Promise<T>;
  /** Per-request memo, e.g. for dataloaders. */
  memo: Map<string, unknown>;
}

export function createContext(identity: Identity, orm: MikroORM, pubsub: PgPubSub): RequestContext {
  return {
    identity,
    orm,
    pubsub,
    memo: new Map(),
    tx(fn) {
      if (isAnonymous(identity)) throw new AppError('UNAUTHENTICATED', 'Sign in to do this');
      return withTenant(orm, identity.tenantId, identity.kind === 'user' ? identity.actorId : null, fn);
    },
  };
}

/**
 * Runs operations against a subgraph schema in this process, as a caller with
 * `identity` (tests and tools; no gateway, no HTTP). `parts` is read at each
 * call, so it may be filled in after the executor is made (a test's beforeAll).
 */
export function executeAs(parts: () => { schema: GraphQLSchema; orm: MikroORM; pubsub: PgPubSub }) {
  const gql = <T = Record<string, any>>(identity: Identity, source: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult<T>> => {
    const { schema, orm, pubsub } = parts();
    return graphql({ schema, source, variableValues: variables, contextValue: createContext(identity, orm, pubsub) }) as Promise<ExecutionResult<T>>;
  };
  /** The data, or an error naming each GraphQL error's code and message. */
  const ok = async <T = Record<string, any>>(identity: Identity, source: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const result = await gql<T>(identity, source, variables);
    if (result.errors?.length) throw new Error(result.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
    return result.data!;
  };
  /** The first error's `extensions.code`. */
  const code = (result: ExecutionResult) => result.errors?.[0]?.extensions?.code;
  /** The first error of an operation that must fail; throws when it succeeded. */
  const fails = async (identity: Identity, source: string, variables: Record<string, unknown> = {}) => {
    const result = await gql(identity, source, variables);
    const [error] = result.errors ?? [];
    if (!error) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
    return { code: error.extensions?.code, message: error.message, extensions: (error.extensions ?? {}) as Record<string, any> };
  };
  return { gql, ok, code, fails };
}
