-- Foundation: the tenant hierarchy, identity, and the row-level-security pattern
-- every tenant-owned table follows:
--   tenant_id uuid not null references tenants.tenant(id)
--   alter table … enable row level security; alter table … force row level security;
--   create policy tenant_isolation on … using (tenant_id = any (app.scope())) with check (tenant_id = any (app.scope()));
-- app.scope() is the set of tenants the current transaction may touch, set by
-- app.enter_tenant() (a distributor's scope is its whole subtree). With no
-- tenant entered the scope is empty, so raw SQL as ensemble_app sees nothing.

create schema if not exists app;
create schema if not exists tenants;
create schema if not exists content;
create schema if not exists analytics;
create schema if not exists billing;

grant usage on schema app, tenants, content, analytics, billing to ensemble_app;
alter default privileges in schema app, tenants, content, analytics, billing
  grant select, insert, update, delete on tables to ensemble_app;
alter default privileges in schema app, tenants, content, analytics, billing
  grant usage, select on sequences to ensemble_app;
alter default privileges in schema app, tenants, content, analytics, billing
  grant execute on functions to ensemble_app;
grant select on app.schema_migration to ensemble_app;

create function app.scope() returns uuid[]
  language sql stable parallel safe
  as $$ select coalesce(nullif(current_setting('app.tenant_scope', true), ''), '{}')::uuid[] $$;

create function app.actor() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.actor_id', true), '')::uuid $$;

-- T1: platform → distributors → sub-distributors (any depth) → clients.
-- ancestry holds every ancestor and the row itself, root first, so ancestors
-- and descendants are each one indexed query.
create table tenants.tenant (
  id uuid primary key,
  kind text not null check (kind in ('platform', 'distributor', 'client')),
  parent_id uuid references tenants.tenant(id),
  ancestry uuid[] not null,
  name text not null,
  slug text not null unique,
  locale text not null default 'en' check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  time_zone text not null default 'UTC',
  currency char(3) not null default 'EUR',
  status text not null default 'active' check (status in ('active', 'suspended', 'closed')),
  created_at timestamptz not null default now(),
  check ((kind = 'platform') = (parent_id is null)),
  check (ancestry[array_length(ancestry, 1)] = id)
);
create index tenant_ancestry_idx on tenants.tenant using gin (ancestry);
create index tenant_parent_idx on tenants.tenant (parent_id);
alter table tenants.tenant enable row level security;
alter table tenants.tenant force row level security;
create policy tenant_isolation on tenants.tenant
  using (id = any (app.scope())) with check (id = any (app.scope()));

-- Enters a tenant for the current transaction: the scope becomes its subtree.
create function app.enter_tenant(p_tenant uuid, p_actor uuid default null) returns uuid[]
  language plpgsql volatile security definer set search_path = pg_catalog, tenants
  as $$
  declare v_scope uuid[];
  begin
    select coalesce(array_agg(t.id), '{}') into v_scope
      from tenants.tenant t where p_tenant = any (t.ancestry) and t.status <> 'closed';
    perform set_config('app.tenant_scope', v_scope::text, true);
    perform set_config('app.tenant_id', coalesce(p_tenant::text, ''), true);
    perform set_config('app.actor_id', coalesce(p_actor::text, ''), true);
    return v_scope;
  end $$;

-- T3: roles are rows with permission sets. Platform-defined roles have
-- tenant_id null and are readable by everyone; a tenant may define its own.
create table tenants.role (
  id uuid primary key,
  tenant_id uuid references tenants.tenant(id),
  name text not null,
  applies_to text not null check (applies_to in ('platform', 'distributor', 'client')),
  description text not null default '',
  created_at timestamptz not null default now()
);
create unique index role_name_uq on tenants.role (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), name);
create table tenants.role_permission (
  role_id uuid not null references tenants.role(id) on delete cascade,
  permission text not null,
  primary key (role_id, permission)
);
alter table tenants.role enable row level security;
alter table tenants.role force row level security;
create policy tenant_isolation on tenants.role
  using (tenant_id is null or tenant_id = any (app.scope()))
  with check (tenant_id = any (app.scope()));
alter table tenants.role_permission enable row level security;
alter table tenants.role_permission force row level security;
create policy tenant_isolation on tenants.role_permission
  using (exists (select 1 from tenants.role r where r.id = role_id))
  with check (exists (select 1 from tenants.role r where r.id = role_id and r.tenant_id = any (app.scope())));

-- T4: a person. Global (one login, possibly several memberships); visible to
-- itself and to tenants it is a member of.
create table tenants."user" (
  id uuid primary key,
  email text not null unique check (email = lower(email) and email like '%@%'),
  password_hash text not null,
  display_name text not null,
  locale text not null default 'en',
  status text not null default 'active' check (status in ('active', 'disabled')),
  created_at timestamptz not null default now()
);
create table tenants.membership (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  user_id uuid not null references tenants."user"(id),
  role_id uuid not null references tenants.role(id),
  created_at timestamptz not null default now(),
  unique (tenant_id, user_id)
);
create index membership_user_idx on tenants.membership (user_id);
alter table tenants.membership enable row level security;
alter table tenants.membership force row level security;
create policy tenant_isolation on tenants.membership
  using (tenant_id = any (app.scope()) or user_id = app.actor())
  with check (tenant_id = any (app.scope()));
alter table tenants."user" enable row level security;
alter table tenants."user" force row level security;
create policy tenant_isolation on tenants."user"
  using (id = app.actor() or exists (select 1 from tenants.membership m where m.user_id = id and m.tenant_id = any (app.scope())))
  with check (id = app.actor() or exists (select 1 from tenants.membership m where m.user_id = id and m.tenant_id = any (app.scope())));

-- Refresh tokens: opaque, stored hashed, rotated on every use.
create table tenants.session (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  user_id uuid not null references tenants."user"(id),
  refresh_token_hash text not null unique,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  replaced_by uuid,
  user_agent text,
  created_at timestamptz not null default now()
);
alter table tenants.session enable row level security;
alter table tenants.session force row level security;
create policy tenant_isolation on tenants.session
  using (tenant_id = any (app.scope())) with check (tenant_id = any (app.scope()));

-- T4: per-tenant API keys for integrators; the secret is stored hashed.
create table tenants.api_key (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  name text not null,
  prefix text not null unique,
  secret_hash text not null,
  scopes text[] not null,
  created_by uuid references tenants."user"(id),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id)
);
alter table tenants.api_key enable row level security;
alter table tenants.api_key force row level security;
create policy tenant_isolation on tenants.api_key
  using (tenant_id = any (app.scope())) with check (tenant_id = any (app.scope()));

-- Login and API-key lookups happen before any tenant is known: these two
-- functions reveal only what the caller must verify, nothing else.
create function app.login_candidates(p_email text)
  returns table (user_id uuid, password_hash text, tenant_id uuid, tenant_kind text, role_id uuid, role_name text, permissions text[])
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select u.id, u.password_hash, m.tenant_id, t.kind, r.id, r.name,
           coalesce((select array_agg(rp.permission order by rp.permission) from tenants.role_permission rp where rp.role_id = r.id), '{}')
      from tenants."user" u
      join tenants.membership m on m.user_id = u.id
      join tenants.tenant t on t.id = m.tenant_id and t.status = 'active'
      join tenants.role r on r.id = m.role_id
     where u.email = lower(p_email) and u.status = 'active'
     order by m.created_at
  $$;

create function app.api_key_candidate(p_prefix text)
  returns table (api_key_id uuid, secret_hash text, tenant_id uuid, scopes text[])
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select k.id, k.secret_hash, k.tenant_id, k.scopes
      from tenants.api_key k join tenants.tenant t on t.id = k.tenant_id and t.status = 'active'
     where k.prefix = p_prefix and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
  $$;

create function app.session_by_refresh(p_hash text)
  returns table (session_id uuid, user_id uuid, tenant_id uuid, expires_at timestamptz, revoked_at timestamptz, role_name text, permissions text[])
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select s.id, s.user_id, s.tenant_id, s.expires_at, s.revoked_at, r.name,
           coalesce((select array_agg(rp.permission order by rp.permission) from tenants.role_permission rp where rp.role_id = r.id), '{}')
      from tenants.session s
      join tenants.membership m on m.user_id = s.user_id and m.tenant_id = s.tenant_id
      join tenants.role r on r.id = m.role_id
     where s.refresh_token_hash = p_hash
  $$;
