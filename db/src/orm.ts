// One MikroORM instance per process, connected as the application role.
// Every unit of work goes through withTenant(): a transaction in which the
// database scope (row-level security) and MikroORM's default tenant filter are
// both set from the same tenant. Nothing tenant-owned is reachable otherwise.
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { ALL_ENTITIES } from './entities.ts';
import { appUrl } from './connection.ts';

export type { EntityManager };

export interface OrmOptions {
  url?: string;
  poolMax?: number;
  debug?: boolean;
}

export async function createOrm(options: OrmOptions = {}): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: options.url ?? appUrl(),
    entities: ALL_ENTITIES,
    pool: { min: 0, max: options.poolMax ?? 10 },
    debug: options.debug ?? false,
    allowGlobalContext: false,
    filters: {
      // Default-on: every entity with a tenantId column is restricted to the
      // transaction's scope. RLS enforces the same rule in the database.
      tenant: {
        name: 'tenant',
        default: true,
        cond: (args: { scope: string[] }, _type: string, em: EntityManager, _options: unknown, entityName?: string) => {
          const meta = entityName ? em.getMetadata().getByClassName(entityName, false) : undefined;
          if (!meta?.properties['tenantId']) return {};
          return { tenantId: { $in: args.scope } };
        },
      },
    },
  });
}

export interface TenantTx {
  em: EntityManager;
  tenantId: string;
  /** every tenant id this transaction may touch (the tenant and its subtree) */
  scope: string[];
}

/**
 * Runs fn in a transaction entered as `tenantId` (acting for `actorId`).
 * The scope is computed by the database from the tenant tree.
 */
export async function withTenant<T>(orm: MikroORM, tenantId: string, actorId: string | null, fn: (tx: TenantTx) => Promise<T>): Promise<T> {
  return orm.em.fork().transactional(async (em) => {
    const [row] = await em.getConnection().execute<{ scope: string[] }[]>(
      'select app.enter_tenant(?::uuid, ?::uuid) as scope', [tenantId, actorId], 'all', em.getTransactionContext());
    const scope = row?.scope ?? [];
    em.setFilterParams('tenant', { scope });
    return fn({ em, tenantId, scope });
  });
}

/** Work with no tenant entered: only the SECURITY DEFINER lookups answer. */
export async function withoutTenant<T>(orm: MikroORM, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  return orm.em.fork().transactional(async (em) => {
    em.setFilterParams('tenant', { scope: [] });
    return fn(em);
  });
}
