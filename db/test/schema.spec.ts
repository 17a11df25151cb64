// The data model's guarantees, checked against a real, freshly migrated and
// seeded database: forced RLS everywhere, nothing visible without a tenant,
// entities and tables that cannot drift apart, tenant-scoped keys, idempotent
// seeds, locales, and the monthly partitions of the event warehouse.
// Lists of tables come from the catalogue, never from this file, so a new
// table is checked the moment its migration exists.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@ensemble/testing/database';
import { PERMISSIONS } from '@ensemble/tenancy/permissions';
import { verifyPassword } from '@ensemble/tenancy/password';
import { appUrl } from '../src/connection.ts';
import { withTenant } from '../src/orm.ts';
import { ALL_ENTITIES } from '../src/entities.ts';
import { DEMO, seed } from '../src/seed.ts';
import { Channel } from '../src/content/channel.entity.ts';
import { ContentItem } from '../src/content/content-item.entity.ts';
import { BrandDnaSnapshot } from '../src/tenants/brand-dna.entity.ts';

const SCHEMAS = ['tenants', 'content', 'analytics', 'billing'];

const db = useTestDatabase({ poolMax: 2 });
let app: pg.Client;

interface TableRow { schema: string; name: string; qualified: string; partition: boolean; tenantId: 'not null' | 'nullable' | null }
let tables: TableRow[];

const q = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

async function countAll(client: pg.Client, list: TableRow[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of list) {
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${t.qualified}`);
    counts[`${t.schema}.${t.name}`] = Number(rows[0]!.n);
  }
  return counts;
}

beforeAll(async () => {
  app = new pg.Client({ connectionString: appUrl(db.adminUrl) });
  await app.connect();
  // Every table of the four schemas (partitions included) from information_schema;
  // pg_class only adds whether it is a partition.
  const { rows } = await db.admin.query<{ schema: string; name: string; partition: boolean; tenant_id: string | null }>(`
    select t.table_schema as schema, t.table_name as name,
           (select c.relispartition from pg_class c where c.oid = (quote_ident(t.table_schema) || '.' || quote_ident(t.table_name))::regclass) as partition,
           (select case when col.is_nullable = 'NO' then 'not null' else 'nullable' end from information_schema.columns col
             where col.table_schema = t.table_schema and col.table_name = t.table_name and col.column_name = 'tenant_id') as tenant_id
      from information_schema.tables t
     where t.table_schema = any ($1) and t.table_type = 'BASE TABLE'
     order by 1, 2`, [SCHEMAS]);
  tables = rows.map((r) => ({ schema: r.schema, name: r.name, qualified: q(r.schema, r.name), partition: r.partition, tenantId: r.tenant_id as TableRow['tenantId'] }));
});

afterAll(async () => {
  await app?.end();
});

describe('1. row-level security', () => {
  it('every table of the four schemas has forced RLS, and every tenant_id table a policy on app.scope()', async () => {
    expect(tables.length).toBeGreaterThan(100);
    const { rows } = await db.admin.query<{ schema: string; name: string; rls: boolean; forced: boolean; policies: string[] }>(`
      select n.nspname as schema, c.relname as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
             coalesce((select array_agg(coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' / ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''))
                         from pg_policy p where p.polrelid = c.oid), '{}') as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = any ($1) and c.relkind in ('r', 'p')`, [SCHEMAS]);
    const unprotected = rows.filter((r) => !r.rls || !r.forced || r.policies.length === 0).map((r) => `${r.schema}.${r.name}`);
    expect(unprotected).toEqual([]);
    const tenantTables = new Set(tables.filter((t) => t.tenantId).map((t) => `${t.schema}.${t.name}`));
    expect(tenantTables.size).toBeGreaterThan(90);
    const notScoped = rows
      .filter((r) => tenantTables.has(`${r.schema}.${r.name}`))
      .filter((r) => !r.policies.some((p) => /tenant_id = ANY \(app\.scope\(\)\).* \/ .*tenant_id = ANY \(app\.scope\(\)\)/.test(p)))
      .map((r) => `${r.schema}.${r.name}`);
    expect(notScoped).toEqual([]);
  });

  it('every tenant-owned table references tenants.tenant and has (tenant_id, id) unique or a key led by tenant_id', async () => {
    const { rows } = await db.admin.query<{ tbl: string; fk: boolean; keyed: boolean }>(`
      select c.oid::regclass::text as tbl,
             exists (select 1 from pg_constraint f where f.conrelid = c.oid and f.contype = 'f'
                        and f.confrelid = 'tenants.tenant'::regclass
                        and f.conkey = array[(select attnum from pg_attribute where attrelid = c.oid and attname = 'tenant_id')]) as fk,
             exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisunique
                        and (i.indkey::int2[])[0] = (select attnum from pg_attribute where attrelid = c.oid and attname = 'tenant_id')
                        and (i.indisprimary or i.indnatts = 2 and (select attname from pg_attribute where attrelid = c.oid and attnum = (i.indkey::int2[])[1]) = 'id')) as keyed
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = any ($1) and c.relkind in ('r', 'p')
         and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and a.attnotnull)`, [SCHEMAS]);
    expect(rows.length).toBeGreaterThan(90);
    expect(rows.filter((r) => !r.fk).map((r) => r.tbl)).toEqual([]);
    expect(rows.filter((r) => !r.keyed).map((r) => r.tbl)).toEqual([]);
  });
});

describe('2. nothing is visible without a tenant', () => {
  it('as ensemble_app with no tenant entered, every tenant table and partition counts 0 rows', async () => {
    const tenantTables = tables.filter((t) => t.tenantId);
    expect(tenantTables.some((t) => t.partition)).toBe(true);
    // The same tables seen by the owner hold the seed: the zero below is RLS, not emptiness.
    const seeded = Object.values(await countAll(db.admin, tenantTables.filter((t) => t.tenantId === 'not null'))).filter((n) => n > 0);
    expect(seeded.length).toBeGreaterThan(25);

    const visible: Record<string, number> = {};
    for (const t of tenantTables) {
      // A nullable tenant_id marks shared rows (platform-defined roles): only the tenant rows must vanish.
      const where = t.tenantId === 'nullable' ? ' where tenant_id is not null' : '';
      const { rows } = await app.query<{ n: string }>(`select count(*) as n from ${t.qualified}${where}`);
      if (Number(rows[0]!.n) !== 0) visible[`${t.schema}.${t.name}`] = Number(rows[0]!.n);
    }
    expect(visible).toEqual({});
    const { rows: users } = await app.query<{ n: string }>('select count(*) as n from tenants."user"');
    expect(Number(users[0]!.n)).toBe(0);
  });

  it('entered as a client, every tenant table shows only that client', async () => {
    await app.query('begin');
    try {
      await app.query('select app.enter_tenant($1)', [DEMO.tenants.bakery]);
      const foreign: Record<string, number> = {};
      for (const t of tables.filter((t) => t.tenantId)) {
        const { rows } = await app.query<{ n: string }>(`select count(*) as n from ${t.qualified} where tenant_id <> $1`, [DEMO.tenants.bakery]);
        if (Number(rows[0]!.n) !== 0) foreign[`${t.schema}.${t.name}`] = Number(rows[0]!.n);
      }
      expect(foreign).toEqual({});
      const { rows } = await app.query<{ n: string }>('select count(*) as n from content.channel');
      expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    } finally {
      await app.query('rollback');
    }
  });
});

// Column type families: what a MikroORM column type and a catalogue type must share.
function family(type: string): string {
  const t = type.toLowerCase().replace(/\(.*\)/, '').trim();
  if (t.endsWith('[]')) return `${family(t.slice(0, -2))}[]`;
  if (t.startsWith('_')) return `${family(t.slice(1))}[]`;
  const map: Record<string, string> = {
    uuid: 'uuid', text: 'text', varchar: 'text', 'character varying': 'text', char: 'text', character: 'text', bpchar: 'text',
    int: 'int', int4: 'int', integer: 'int', smallint: 'int', int2: 'int', bigint: 'bigint', int8: 'bigint',
    numeric: 'numeric', decimal: 'numeric', double: 'float', 'double precision': 'float', float8: 'float', real: 'float', float4: 'float',
    boolean: 'bool', bool: 'bool', timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz', timestamp: 'timestamp',
    date: 'date', jsonb: 'json', json: 'json', bytea: 'bytea', blob: 'bytea', inet: 'inet',
  };
  return map[t] ?? `?${t}`;
}

function enumValues(def: string): [string, string[]] | null {
  const m = /^CHECK \(\(\(?"?(\w+)"?\)? = ANY \(\(?ARRAY\[(.*)\]\)?(?:::text\[\])?\)\)\)$/.exec(def);
  return m ? [m[1]!, [...m[2]!.matchAll(/'([^']*)'::(?:text|bpchar)/g)].map((x) => x[1]!)] : null;
}

describe('3. entities and tables cannot drift', () => {
  it('every entity maps to a table, every property to a column of a compatible type, nullability and enum values', async () => {
    const metas = [...db.orm.getMetadata().getAll().values()].filter((m) => !m.embeddable && !m.virtual && !m.abstract);
    expect(metas.length).toBe(ALL_ENTITIES.length);
    const { rows: columns } = await db.admin.query<{ tbl: string; col: string; udt: string; nullable: boolean }>(`
      select table_schema || '.' || table_name as tbl, column_name as col, udt_name as udt, is_nullable = 'YES' as nullable
        from information_schema.columns where table_schema = any ($1)`, [SCHEMAS]);
    const { rows: checks } = await db.admin.query<{ tbl: string; def: string }>(`
      select conrelid::regclass::text as tbl, pg_get_constraintdef(oid) as def from pg_constraint
       where contype = 'c' and connamespace = any (select oid from pg_namespace where nspname = any ($1))`, [SCHEMAS]);
    const byTable = new Map<string, Map<string, { udt: string; nullable: boolean }>>();
    for (const c of columns) {
      if (!byTable.has(c.tbl)) byTable.set(c.tbl, new Map());
      byTable.get(c.tbl)!.set(c.col, c);
    }
    const enums = new Map<string, string[]>();
    for (const c of checks) {
      const e = enumValues(c.def);
      if (e) enums.set(`${c.tbl.replace(/"/g, '')}.${e[0]}`, e[1]);
    }

    const problems: string[] = [];
    const mapped = new Set<string>();
    for (const meta of metas) {
      const table = meta.schema ? `${meta.schema}.${meta.tableName}` : meta.tableName;
      mapped.add(table);
      const cols = byTable.get(table);
      if (!cols) { problems.push(`${meta.className}: no table ${table}`); continue; }
      const seen = new Set<string>();
      for (const prop of meta.props) {
        if (prop.persist === false || prop.kind !== 'scalar') continue;
        const field = prop.fieldNames[0]!;
        seen.add(field);
        const col = cols.get(field);
        if (!col) { problems.push(`${meta.className}.${prop.name}: no column ${table}.${field}`); continue; }
        const want = family(col.udt);
        const have = family(prop.columnTypes[0]!);
        if (want !== have) problems.push(`${meta.className}.${prop.name}: entity ${prop.columnTypes[0]} vs column ${col.udt}`);
        if (!prop.primary && Boolean(prop.nullable) !== col.nullable) problems.push(`${meta.className}.${prop.name}: nullable ${Boolean(prop.nullable)} vs column ${col.nullable}`);
        const dbEnum = enums.get(`${table}.${field}`);
        if (prop.items || dbEnum) {
          const a = [...(prop.items ?? [])].map(String).sort();
          const b = [...(dbEnum ?? [])].sort();
          if (JSON.stringify(a) !== JSON.stringify(b)) problems.push(`${meta.className}.${prop.name}: enum [${a}] vs check [${b}]`);
        }
      }
      for (const col of cols.keys()) if (!seen.has(col)) problems.push(`${meta.className}: column ${table}.${col} is not mapped`);
    }
    const unmapped = tables.filter((t) => !t.partition && !mapped.has(`${t.schema}.${t.name}`)).map((t) => `${t.schema}.${t.name}`);
    expect(problems).toEqual([]);
    expect(unmapped).toEqual([]);
  });
});

// Unique keys that must be global, with the reason each one is.
const GLOBAL_UNIQUE_ALLOWED: Record<string, string> = {
  'tenants.api_key(prefix)': 'an API key is looked up by its prefix before any tenant is known',
  'tenants.session(refresh_token_hash)': 'a refresh token is presented before any tenant is known',
  'tenants.invitation(token_hash)': 'an invitation link is opened by someone without a session',
  'tenants.custom_domain(hostname)': 'a hostname must map to exactly one white label',
  'tenants.oauth_state(state_hash)': 'an OAuth callback carries only the state',
  'content.approval_link(token_hash)': 'an external approver opens a signed link without an account',
  'content.unsubscribe_token(token_hash)': 'a one-click unsubscribe link is opened (or POSTed by a mail client) without an account',
};
// Foreign keys whose referencing tenant column is not named tenant_id.
const CROSS_TENANT_FK_ALLOWED: Record<string, string> = {
  'billing.commission(client_tenant_id,invoice_id)': 'a commission is owned by the beneficiary distributor and points at the invoice of a client in its subtree (trigger-checked)',
};

describe('4. keys never cross tenants', () => {
  it('every FK between tenant-owned tables includes tenant_id on both sides', async () => {
    const { rows } = await db.admin.query<{ tbl: string; ref: string; cols: string[]; refcols: string[] }>(`
      select c.conrelid::regclass::text as tbl, c.confrelid::regclass::text as ref,
             array(select a.attname::text from unnest(c.conkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n order by k.o) as cols,
             array(select a.attname::text from unnest(c.confkey) with ordinality k(n, o) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n order by k.o) as refcols
        from pg_constraint c
       where c.contype = 'f' and c.conparentid = 0
         and exists (select 1 from pg_attribute a where a.attrelid = c.conrelid and a.attname = 'tenant_id' and a.attnotnull)
         and exists (select 1 from pg_attribute a where a.attrelid = c.confrelid and a.attname = 'tenant_id' and a.attnotnull)`);
    expect(rows.length).toBeGreaterThan(80);
    const bad = rows.filter((r) => {
      const i = r.refcols.indexOf('tenant_id');
      if (i < 0) return true;
      return r.cols[i] !== 'tenant_id' && !CROSS_TENANT_FK_ALLOWED[`${r.tbl}(${r.cols.join(',')})`];
    }).map((r) => `${r.tbl}(${r.cols}) -> ${r.ref}(${r.refcols})`);
    expect(bad).toEqual([]);
    const present = new Set(rows.map((r) => `${r.tbl}(${r.cols.join(',')})`));
    expect(Object.keys(CROSS_TENANT_FK_ALLOWED).filter((k) => !present.has(k))).toEqual([]);
  });

  it('every unique key of a tenant-owned table includes tenant_id, except the allowlisted ones', async () => {
    const { rows } = await db.admin.query<{ tbl: string; cols: string[]; primary: boolean; udt: string }>(`
      select i.indrelid::regclass::text as tbl, i.indisprimary as primary,
             array(select coalesce(a.attname::text, '<expr>') from unnest(i.indkey::int2[]) with ordinality k(n, o)
                     left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n order by k.o) as cols,
             (select t.typname::text from pg_attribute a join pg_type t on t.oid = a.atttypid where a.attrelid = i.indrelid and a.attnum = (i.indkey::int2[])[0]) as udt
        from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       where i.indisunique and n.nspname = any ($1) and not c.relispartition
         and exists (select 1 from pg_attribute a where a.attrelid = i.indrelid and a.attname = 'tenant_id' and a.attnotnull)`, [SCHEMAS]);
    const bad = rows.filter((r) => {
      if (r.cols.includes('tenant_id')) return false;
      // A random UUID primary key is the row's identity, never a business key;
      // every such table also has unique (tenant_id, id) for composite FKs.
      if (r.primary && r.cols.length === 1 && r.cols[0] === 'id' && r.udt === 'uuid') return false;
      return !GLOBAL_UNIQUE_ALLOWED[`${r.tbl}(${r.cols.join(',')})`];
    }).map((r) => `${r.tbl}(${r.cols})`);
    expect(bad).toEqual([]);
    // The allowlist names only keys that exist, so it cannot rot.
    const present = new Set(rows.map((r) => `${r.tbl}(${r.cols.join(',')})`));
    expect(Object.keys(GLOBAL_UNIQUE_ALLOWED).filter((k) => !present.has(k))).toEqual([]);
  });
});

describe('5. seed', () => {
  it('seeding twice changes nothing', async () => {
    const before = await countAll(db.admin, tables);
    const again = await seed(db.adminUrl);
    expect(again.total).toBe(0);
    expect(await countAll(db.admin, tables)).toEqual(before);
  });

  it('the hierarchy is queryable: ancestors and descendants in one query each', async () => {
    await app.query('begin');
    try {
      await app.query('select app.enter_tenant($1)', [DEMO.tenants.platform]);
      const { rows: ancestors } = await app.query<{ name: string }>(`
        select a.name from tenants.tenant c cross join lateral unnest(c.ancestry) with ordinality as x(id, depth)
          join tenants.tenant a on a.id = x.id where c.id = $1 order by x.depth`, [DEMO.tenants.riad]);
      expect(ancestors.map((r) => r.name)).toEqual(['Ensemble', 'Atlas Agency', 'Atlas Maroc', 'Riad Dar Yasmine']);
      const { rows: descendants } = await app.query<{ name: string }>(
        'select name from tenants.tenant where $1 = any (ancestry) order by array_length(ancestry, 1), name', [DEMO.tenants.atlasAgency]);
      expect(descendants.map((r) => r.name)).toEqual(['Atlas Agency', 'Atlas Maroc', 'Forge & Flow Studio', 'Riad Dar Yasmine']);
      const { rows: leaf } = await app.query<{ name: string }>('select name from tenants.tenant where $1 = any (ancestry)', [DEMO.tenants.riad]);
      expect(leaf.map((r) => r.name)).toEqual(['Riad Dar Yasmine']);
    } finally {
      await app.query('rollback');
    }
    // A distributor sees its own subtree only.
    await app.query('begin');
    try {
      await app.query('select app.enter_tenant($1)', [DEMO.tenants.atlasMaroc]);
      const { rows } = await app.query<{ name: string }>('select name from tenants.tenant order by name');
      expect(rows.map((r) => r.name)).toEqual(['Atlas Maroc', 'Riad Dar Yasmine']);
    } finally {
      await app.query('rollback');
    }
  });

  it('seeds one login of every role, with scrypt hashes of the demo password and permissions from the code', async () => {
    const roles = new Set(Object.values(DEMO.logins).map((l) => l.role));
    expect(roles).toEqual(new Set(['super_admin', 'support_agent', 'distributor_admin', 'distributor_member', 'client_admin', 'client_editor', 'client_viewer']));
    const { rows: perms } = await db.admin.query<{ permission: string }>('select distinct permission from tenants.role_permission');
    expect(perms.map((p) => p.permission).filter((p) => !(PERMISSIONS as readonly string[]).includes(p))).toEqual([]);
    const byRole = async (email: string) => (await app.query<{ role_name: string; permissions: string[] }>('select * from app.login_candidates($1)', [email])).rows[0]!;
    expect((await byRole(DEMO.logins.superAdmin.email)).permissions.sort()).toEqual([...PERMISSIONS].sort());
    const editor = await byRole(DEMO.logins.clientEditor.email);
    expect(editor.permissions).toContain('content:write');
    expect(editor.permissions).not.toContain('content:publish');
    const support = await byRole(DEMO.logins.supportAgent.email);
    expect(support.permissions).toContain('workspace:enter');
    expect(support.permissions.filter((p) => p.startsWith('billing:'))).toEqual([]);
    const { rows: [user] } = await db.admin.query<{ password_hash: string }>('select password_hash from tenants."user" where email = $1', [DEMO.logins.clientAdmin.email]);
    expect(user!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword(DEMO.password, user!.password_hash)).toBe(true);
    expect(await verifyPassword('not-the-password', user!.password_hash)).toBe(false);
    expect(await verifyPassword(DEMO.password, 'not-a-hash')).toBe(false);
    // A tampered cost parameter is refused instead of burning memory.
    expect(await verifyPassword(DEMO.password, user!.password_hash.replace('$16384$', '$1073741824$'))).toBe(false);
  });
});

describe('6. a key check reveals nothing about another tenant', () => {
  it('a per-tenant unique key equal to another tenant’s is accepted', async () => {
    const fitnessChannel = await withTenant(db.orm, DEMO.tenants.fitness, null, ({ em }) => em.findOneOrFail(Channel, { kind: 'instagram' }));
    const created = await withTenant(db.orm, DEMO.tenants.bakery, null, async ({ em }) => {
      const channel = em.create(Channel, { tenantId: DEMO.tenants.bakery, kind: 'instagram', name: fitnessChannel.name, locale: 'fr' });
      await em.flush();
      return channel.id;
    });
    expect(created).toBeTruthy();
    // Snapshot versions too: the fitness studio's version 2 does not block the bakery's.
    for (const tenant of [DEMO.tenants.fitness, DEMO.tenants.bakery]) {
      await withTenant(db.orm, tenant, null, async ({ em }) => {
        em.create(BrandDnaSnapshot, { tenantId: tenant, version: 2, document: { note: 'probe' }, locale: 'en' });
        await em.flush();
      });
    }
  });

  it('an FK to another tenant’s row fails exactly like an FK to a row that does not exist', async () => {
    const attempt = async (snapshotId: string) => {
      try {
        await withTenant(db.orm, DEMO.tenants.bakery, null, async ({ em }) => {
          em.create(ContentItem, { tenantId: DEMO.tenants.bakery, channel: 'blog', title: 'Probe', locale: 'fr', dnaSnapshotId: snapshotId });
          await em.flush();
        });
      } catch (error) {
        const e = error as { name: string; code?: string; constraint?: string; detail?: string; message: string };
        const mask = (s?: string) => s?.split(snapshotId).join('<id>');
        return { name: e.name, code: e.code, constraint: e.constraint, detail: mask(e.detail), message: mask(e.message) };
      }
      throw new Error('insert unexpectedly succeeded');
    };
    const foreign = await attempt(DEMO.dnaSnapshots.fitness);
    const missing = await attempt(randomUUID());
    expect(foreign.code).toBe('23503');
    expect(foreign).toEqual(missing);
  });
});

// T9: tables holding text a person reads in a language, and why.
const TRANSLATABLE: Record<string, string> = {
  'tenants.tenant': 'the active language of a client',
  'tenants.user': 'the UI language of a person',
  'tenants.prompt_layer': 'prompts per locale (T7)',
  'tenants.brand_dna_snapshot': 'brand DNA is written in a language (T6)',
  'tenants.plan_text': 'plan names and descriptions',
  'tenants.white_label_text': 'legal footer and tagline of a white label',
  'tenants.ui_string': 'UI strings',
  'tenants.onboarding_session': 'answers and the draft DNA are in a language',
  'tenants.onboarding_source': 'speech-to-text and extraction need the language',
  'tenants.learning_fact': 'facts are phrased in the DNA’s language',
  'tenants.legal_document': 'legal texts per language',
  'tenants.gdpr_audit': 'the audit report',
  'content.content_item': 'content (its versions share the item’s locale)',
  'content.channel': 'the language a channel publishes in',
  'content.template': 'templates per locale',
  'content.media': 'alt text',
  'content.seo_score': 'readability is computed per language',
  'content.market_watch': 'keywords are in a language',
  'content.market_signal': 'captured articles',
  'content.contact': 'the language to write to a contact in',
  'content.contact_list': 'lists are addressed in one language',
  'content.email_sequence': 'sequence e-mails',
  'content.message_send': 'the e-mail or SMS sent',
  'analytics.review': 'reviews and sentiment',
  'billing.invoice': 'invoice lines and legal mentions',
  'billing.customer': 'billing e-mails',
};

describe('7. locales', () => {
  it('every translatable table has a non-null locale column', async () => {
    const { rows } = await db.admin.query<{ tbl: string; nullable: string }>(`
      select table_schema || '.' || table_name as tbl, is_nullable as nullable from information_schema.columns
       where column_name = 'locale' and table_schema = any ($1)`, [SCHEMAS]);
    const withLocale = new Map(rows.map((r) => [r.tbl, r.nullable]));
    const missing = Object.keys(TRANSLATABLE).filter((t) => withLocale.get(t) !== 'NO');
    expect(missing).toEqual([]);
  });
});

describe('8. the event warehouse', () => {
  it('analytics.event is range-partitioned by month on occurred_at, with this month’s partition and the next twelve', async () => {
    const { rows: [part] } = await db.admin.query<{ strategy: string; key: string }>(`
      select p.partstrat as strategy, a.attname as key from pg_partitioned_table p
        join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
       where p.partrelid = 'analytics.event'::regclass`);
    expect(part).toEqual({ strategy: 'r', key: 'occurred_at' });
    const { rows: parts } = await db.admin.query<{ name: string; bound: string }>(`
      select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'analytics.event'::regclass`);
    const names = new Set(parts.map((p) => p.name));
    expect(names.has('event_default')).toBe(true);
    const now = new Date();
    for (let m = 0; m <= 12; m++) {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + m, 1));
      expect(names).toContain(`event_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
    }
    await db.admin.query('begin');
    try {
      const { rows: [row] } = await db.admin.query<{ partition: string }>(`
        insert into analytics.event (event_id, tenant_id, occurred_at, name, source)
        values ($1, $2, now(), 'page_view', 'server') returning tableoid::regclass::text as partition`, [randomUUID(), DEMO.tenants.bakery]);
      const ym = `${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      expect(row!.partition).toBe(`analytics.event_${ym}`);
    } finally {
      await db.admin.query('rollback');
    }
  });

  it('a new month’s partition takes over rows caught by the default one and gets the same forced RLS', async () => {
    await db.admin.query('begin');
    try {
      const far = new Date(Date.UTC(new Date().getUTCFullYear() + 3, 4, 15));
      const { rows: [before] } = await db.admin.query<{ partition: string }>(`
        insert into analytics.event (event_id, tenant_id, occurred_at, name, source)
        values ($1, $2, $3, 'page_view', 'server') returning tableoid::regclass::text as partition`, [randomUUID(), DEMO.tenants.bakery, far]);
      expect(before!.partition).toBe('analytics.event_default');
      const { rows: [made] } = await db.admin.query<{ n: number }>('select analytics.ensure_event_partitions($1::date, 1) as n', [far.toISOString().slice(0, 10)]);
      expect(made!.n).toBe(1);
      const name = `event_${far.getUTCFullYear()}_05`;
      const { rows: [moved] } = await db.admin.query<{ n: string }>(`select count(*) as n from analytics.${name}`);
      expect(Number(moved!.n)).toBe(1);
      const { rows: [sec] } = await db.admin.query<{ rls: boolean; forced: boolean; policies: string }>(`
        select relrowsecurity as rls, relforcerowsecurity as forced, (select count(*) from pg_policy where polrelid = c.oid)::text as policies
          from pg_class c where c.oid = $1::regclass`, [`analytics.${name}`]);
      expect(sec).toEqual({ rls: true, forced: true, policies: '1' });
    } finally {
      await db.admin.query('rollback');
    }
  });
});

describe('catalogue visibility and SECURITY DEFINER lookups', () => {
  async function as<T>(tenant: string | null, fn: () => Promise<T>): Promise<T> {
    await app.query('begin');
    try {
      if (tenant) await app.query('select app.enter_tenant($1)', [tenant]);
      return await fn();
    } finally {
      await app.query('rollback');
    }
  }
  const planCodes = async () => (await app.query<{ code: string }>('select code from tenants.plan order by position')).rows.map((r) => r.code);

  it('plans are visible by visibility: public, a distributor’s subtree, one client', async () => {
    expect(await as(null, planCodes)).toEqual(['starter', 'growth', 'scale']);
    expect(await as(DEMO.tenants.bakery, planCodes)).toEqual(['starter', 'growth', 'scale']);
    expect(await as(DEMO.tenants.fitness, planCodes)).toEqual(['starter', 'growth', 'scale', 'atlas-pro']);
    expect(await as(DEMO.tenants.riad, planCodes)).toEqual(['starter', 'growth', 'scale', 'atlas-pro', 'riad-saison']);
    expect(await as(DEMO.tenants.platform, planCodes)).toHaveLength(5);
    const own = await as(DEMO.tenants.riad, async () => (await app.query<{ code: string }>('select code from app.plan_for($1)', [DEMO.tenants.riad])).rows);
    expect(own).toEqual([{ code: 'riad-saison' }]);
    const other = await as(DEMO.tenants.bakery, async () => (await app.query('select code from app.plan_for($1)', [DEMO.tenants.riad])).rows);
    expect(other).toEqual([]);
  });

  it('only the platform writes the catalogue and reads provider secrets', async () => {
    await expect(as(DEMO.tenants.bakery, () => app.query(`update tenants.ai_model set active = false where code = 'offline-writer'`)))
      .resolves.toMatchObject({ rowCount: 0 });
    await db.admin.query('begin');
    try {
      await db.admin.query(`insert into tenants.ai_provider_secret (provider_id, encrypted_key, key_id) values ($1, '\\x00', 'k1')`, [DEMO.providers.openai]);
      await db.admin.query('commit');
    } catch (error) {
      await db.admin.query('rollback');
      throw error;
    }
    const count = async () => Number((await app.query<{ n: string }>('select count(*) as n from tenants.ai_provider_secret')).rows[0]!.n);
    expect(await as(DEMO.tenants.atlasAgency, count)).toBe(0);
    expect(await as(DEMO.tenants.platform, count)).toBe(1);
    expect(await as(DEMO.tenants.bakery, async () => (await app.query('select count(*)::int as n from tenants.ai_model')).rows[0])).toEqual({ n: 17 });
  });

  it('prompt layers cascade root first, and only for a client in scope', async () => {
    const layers = await as(DEMO.tenants.riad, async () =>
      (await app.query<{ level: string; tenant_id: string }>('select level, tenant_id from app.prompt_layers_for($1, $2)', [DEMO.tenants.riad, 'fr'])).rows);
    expect(layers).toEqual([
      { level: 'platform', tenant_id: DEMO.tenants.platform },
      { level: 'distributor', tenant_id: DEMO.tenants.atlasAgency },
      { level: 'distributor', tenant_id: DEMO.tenants.atlasMaroc },
      { level: 'client', tenant_id: DEMO.tenants.riad },
    ]);
    const stolen = await as(DEMO.tenants.fitness, async () => (await app.query('select * from app.prompt_layers_for($1, $2)', [DEMO.tenants.riad, 'fr'])).rows);
    expect(stolen).toEqual([]);
    const none = await as(null, async () => (await app.query('select * from app.prompt_layers_for($1, $2)', [DEMO.tenants.riad, 'fr'])).rows);
    expect(none).toEqual([]);
  });

  it('credit transfers must balance at commit, and brand DNA snapshots are immutable', async () => {
    const transfer = randomUUID();
    const unbalanced = as(DEMO.tenants.bakery, async () => {
      await app.query(`insert into billing.credit_transfer (id, tenant_id, kind, idempotency_key) values ($1, $2, 'adjust', $3)`, [transfer, DEMO.tenants.bakery, `probe:${transfer}`]);
      await app.query(`insert into billing.credit_entry (id, tenant_id, transfer_id, account, amount) values ($1, $2, $3, 'available', 5)`, [randomUUID(), DEMO.tenants.bakery, transfer]);
      await app.query('set constraints all immediate');
    });
    await expect(unbalanced).rejects.toThrow(/does not balance/);
    await expect(as(DEMO.tenants.bakery, () => app.query(`update tenants.brand_dna_snapshot set note = 'x' where tenant_id = $1`, [DEMO.tenants.bakery])))
      .rejects.toThrow(/immutable/);
  });
});
