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
