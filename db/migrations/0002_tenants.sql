-- Tenants subgraph, all three phases (SPEC §1): plans, white label, prompt
-- cascade, brand DNA, onboarding, AI catalogue and routing, connectors,
-- outgoing webhooks, GDPR, audit log, learning queue.
--
-- Conventions (see 0001): a tenant-owned table has
--   tenant_id uuid not null references tenants.tenant(id), unique (tenant_id, id)
--   (or a primary key that starts with tenant_id), forced RLS and the
--   tenant_isolation policy; app.own_by_tenant() applies exactly 0001's three
--   statements so no table can forget one. Foreign keys between tenant-owned
--   tables are composite (tenant_id, x_id), so an FK check never reveals
--   another tenant's row. Platform catalogue tables have no tenant_id: each
--   says who may read and write it.

-- Applies 0001's RLS pattern to a tenant-owned table (migration-time helper,
-- not callable by the application).
create function app.own_by_tenant(p_table regclass) returns void
  language plpgsql volatile
  as $$
  begin
    execute format('alter table %s enable row level security', p_table);
    execute format('alter table %s force row level security', p_table);
    execute format('create policy tenant_isolation on %s using (tenant_id = any (app.scope())) with check (tenant_id = any (app.scope()))', p_table);
  end $$;
revoke execute on function app.own_by_tenant(regclass) from public, ensemble_app;

-- True when the transaction entered the platform tenant (super admin or a
-- platform workflow). Catalogue writes and platform secrets check this.
create function app.is_platform() returns boolean
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$ select exists (select 1 from tenants.tenant t where t.kind = 'platform' and t.id = any (app.scope())) $$;

-- Ancestors of the entered tenant (root first, itself last). A client's scope
-- holds no ancestor, yet it may read what an ancestor published for it
-- (plans offered by its distributor).
create function app.ancestry() returns uuid[]
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select coalesce((select t.ancestry from tenants.tenant t
                      where t.id = nullif(current_setting('app.tenant_id', true), '')::uuid
                        and t.id = any (app.scope())), '{}')
  $$;

-- 0001 gave these two tables no (tenant_id, id) key; composite FKs need it.
alter table tenants.membership add constraint membership_tenant_id_id_key unique (tenant_id, id);
alter table tenants.session add constraint session_tenant_id_id_key unique (tenant_id, id);

-- A membership's role must fit the tenant: same kind, and defined by the
-- platform or by the tenant's own ancestry (never another tenant's custom role).
create function tenants.membership_role_check() returns trigger
  language plpgsql security definer set search_path = pg_catalog, tenants
  as $$
  begin
    if not exists (
      select 1 from tenants.role r join tenants.tenant t on t.id = new.tenant_id
       where r.id = new.role_id and r.applies_to = t.kind
         and (r.tenant_id is null or r.tenant_id = any (t.ancestry))) then
      raise exception 'role % does not apply to tenant %', new.role_id, new.tenant_id using errcode = '23514';
    end if;
    return new;
  end $$;
create trigger membership_role_check before insert or update of role_id, tenant_id on tenants.membership
  for each row execute function tenants.membership_role_check();

-- T4: invitations to join a tenant. Token stored hashed; looked up before the
-- invitee has a session, hence global uniqueness of the hash.
create table tenants.invitation (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  email text not null check (email = lower(email) and email like '%@%'),
  role_id uuid not null references tenants.role(id),
  token_hash text not null unique,
  invited_by uuid references tenants."user"(id),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id)
);
select app.own_by_tenant('tenants.invitation');

create function app.invitation_by_token(p_hash text)
  returns table (invitation_id uuid, tenant_id uuid, email text, role_id uuid, expires_at timestamptz)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select i.id, i.tenant_id, i.email, i.role_id, i.expires_at from tenants.invitation i
     where i.token_hash = p_hash and i.accepted_at is null and i.revoked_at is null
  $$;

-- ---------------------------------------------------------------------------
-- T2: plans are rows. Platform catalogue (no tenant_id): the platform writes;
-- reading depends on visibility: public plans by anyone, a distributor-only
-- plan by that distributor's subtree (and its ancestors' scopes), a
-- client-specific plan by that client (and whoever has it in scope).
create table tenants.plan (
  id uuid primary key,
  code text not null unique,
  name text not null,
  description text not null default '',
  visibility text not null check (visibility in ('public', 'distributor', 'client')),
  visible_to_tenant_id uuid references tenants.tenant(id),
  monthly_credits integer not null check (monthly_credits >= 0),
  -- e.g. {"channels": 3, "posts_per_month": 20, "seats": 2, "regenerations_per_item": 3}
  limits jsonb not null default '{}',
  -- e.g. {"night_batch": true, "video_generation": false, "ab_testing": false}
  features jsonb not null default '{}',
  trial_days integer not null default 0 check (trial_days >= 0),
  position integer not null default 0,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  check ((visibility = 'public') = (visible_to_tenant_id is null))
);
alter table tenants.plan enable row level security;
alter table tenants.plan force row level security;
create policy plan_read on tenants.plan for select
  using (visibility = 'public' or app.is_platform()
         or visible_to_tenant_id = any (app.scope()) or visible_to_tenant_id = any (app.ancestry()));
create policy plan_write on tenants.plan for all
  using (app.is_platform()) with check (app.is_platform());

-- List (wholesale) price per currency and interval; distributors' retail
-- prices live in billing.retail_price. Readable whenever the plan is.
create table tenants.plan_price (
  plan_id uuid not null references tenants.plan(id) on delete cascade,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  interval text not null check (interval in ('month', 'year')),
  amount_minor bigint not null check (amount_minor >= 0),
  primary key (plan_id, currency, interval)
);
alter table tenants.plan_price enable row level security;
alter table tenants.plan_price force row level security;
create policy plan_read on tenants.plan_price for select
  using (exists (select 1 from tenants.plan p where p.id = plan_id));
create policy plan_write on tenants.plan_price for all
  using (app.is_platform()) with check (app.is_platform());

-- T9: plan names and descriptions per locale.
create table tenants.plan_text (
  plan_id uuid not null references tenants.plan(id) on delete cascade,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  name text not null,
  description text not null default '',
  primary key (plan_id, locale)
);
alter table tenants.plan_text enable row level security;
alter table tenants.plan_text force row level security;
create policy plan_read on tenants.plan_text for select
  using (exists (select 1 from tenants.plan p where p.id = plan_id));
create policy plan_write on tenants.plan_text for all
  using (app.is_platform()) with check (app.is_platform());

-- ---------------------------------------------------------------------------
-- T5: white label of a distributor (or the platform). Branding is public by
-- nature (shown on the login page), served through app.branding_for_host().
create table tenants.white_label (
  tenant_id uuid primary key references tenants.tenant(id),
  brand_name text not null,
  logo_url text,
  favicon_url text,
  primary_color text not null default '#1f2937' check (primary_color ~ '^#[0-9a-fA-F]{6}$'),
  secondary_color text not null default '#f59e0b' check (secondary_color ~ '^#[0-9a-fA-F]{6}$'),
  accent_color text not null default '#2563eb' check (accent_color ~ '^#[0-9a-fA-F]{6}$'),
  sender_name text,
  sender_email text check (sender_email is null or sender_email like '%@%'),
  support_email text check (support_email is null or support_email like '%@%'),
  default_locale text not null default 'en' check (default_locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  updated_at timestamptz not null default now()
);
select app.own_by_tenant('tenants.white_label');

-- T5/T9: translatable white-label texts (legal footer, tagline).
create table tenants.white_label_text (
  tenant_id uuid not null references tenants.tenant(id),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  tagline text not null default '',
  legal_footer text not null default '',
  primary key (tenant_id, locale),
  foreign key (tenant_id) references tenants.white_label (tenant_id) on delete cascade
);
select app.own_by_tenant('tenants.white_label_text');

-- T5: custom domains, verified by a DNS TXT record, TLS status tracked.
-- hostname is globally unique: a host maps to exactly one white label.
create table tenants.custom_domain (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  hostname text not null unique check (hostname = lower(hostname) and hostname ~ '^[a-z0-9.-]+$'),
  verification_token text not null,
  status text not null default 'pending' check (status in ('pending', 'verified', 'failed', 'removed')),
  verified_at timestamptz,
  tls_status text not null default 'pending' check (tls_status in ('pending', 'issued', 'failed', 'expired')),
  tls_expires_at timestamptz,
  last_checked_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  unique (tenant_id, id)
);
select app.own_by_tenant('tenants.custom_domain');

-- Resolves branding from the request host before anyone is signed in.
create function app.branding_for_host(p_host text)
  returns table (tenant_id uuid, brand_name text, logo_url text, favicon_url text, primary_color text,
                 secondary_color text, accent_color text, default_locale text, support_email text)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select w.tenant_id, w.brand_name, w.logo_url, w.favicon_url, w.primary_color, w.secondary_color,
           w.accent_color, w.default_locale, w.support_email
      from tenants.custom_domain d join tenants.white_label w on w.tenant_id = d.tenant_id
     where d.hostname = lower(p_host) and d.status = 'verified'
  $$;

-- T5/T9: UI string overrides per tenant and locale (the bundled i18n files
-- are the defaults). Strings of a tenant and its ancestors merge, nearest wins.
create table tenants.ui_string (
  tenant_id uuid not null references tenants.tenant(id),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  key text not null,
  value text not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, locale, key)
);
select app.own_by_tenant('tenants.ui_string');

-- Strings defined by the platform or a distributor are public (white label);
-- a client's own strings only for a caller with the client in scope.
create function app.ui_strings_for(p_tenant uuid, p_locale text)
  returns table (key text, value text, tenant_id uuid)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select distinct on (s.key) s.key, s.value, s.tenant_id
      from tenants.tenant c
      cross join lateral unnest(c.ancestry) with ordinality as a(id, depth)
      join tenants.tenant o on o.id = a.id
      join tenants.ui_string s on s.tenant_id = a.id and s.locale = p_locale
     where c.id = p_tenant and (o.kind <> 'client' or p_tenant = any (app.scope()))
     order by s.key, a.depth desc
  $$;

-- ---------------------------------------------------------------------------
-- T7: prompt layers, three levels × locale × version. tenant_id is the owning
-- level's tenant (platform, a distributor at any depth, or the client).
create table tenants.prompt_layer (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  level text not null check (level in ('platform', 'distributor', 'client')),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  version integer not null check (version > 0),
  document jsonb not null check (jsonb_typeof(document) = 'object'),
  note text,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  unique (tenant_id, locale, version),
  unique (tenant_id, id)
);
select app.own_by_tenant('tenants.prompt_layer');

-- The level must be the owning tenant's kind (one source of truth for levels).
create function tenants.prompt_layer_level_check() returns trigger
  language plpgsql security definer set search_path = pg_catalog, tenants
  as $$
  begin
    if not exists (select 1 from tenants.tenant t where t.id = new.tenant_id and t.kind = new.level) then
      raise exception 'prompt layer level % does not match tenant %', new.level, new.tenant_id using errcode = '23514';
    end if;
    return new;
  end $$;
create trigger prompt_layer_level_check before insert or update on tenants.prompt_layer
  for each row execute function tenants.prompt_layer_level_check();

-- The cascade a client's prompts are built from: the latest version of each
-- ancestor's layer for the locale, root first. A client's scope holds none of
-- its ancestors, so this reads past RLS — and answers only for a tenant in the
-- caller's scope (otherwise no rows).
create function app.prompt_layers_for(p_client uuid, p_locale text)
  returns table (id uuid, tenant_id uuid, level text, depth integer, locale text, version integer,
                 document jsonb, created_at timestamptz)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select l.id, l.tenant_id, l.level, a.depth::integer, l.locale, l.version, l.document, l.created_at
      from tenants.tenant c
      cross join lateral unnest(c.ancestry) with ordinality as a(owner_id, depth)
      cross join lateral (
        select pl.* from tenants.prompt_layer pl
         where pl.tenant_id = a.owner_id and pl.locale = p_locale
         order by pl.version desc limit 1) l
     where c.id = p_client and p_client = any (app.scope())
     order by a.depth
  $$;

-- ---------------------------------------------------------------------------
-- T6: brand DNA. Every change is a new immutable snapshot; restore = a new
-- snapshot copying an old one. provenance records where each key came from.
create table tenants.brand_dna_snapshot (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  version integer not null check (version > 0),
  document jsonb not null check (jsonb_typeof(document) = 'object'),
  provenance jsonb not null default '{}',
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  note text,
  -- the snapshot this one was restored from, or the learning batch that produced it
  restored_from_id uuid,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  unique (tenant_id, version),
  unique (tenant_id, id),
  foreign key (tenant_id, restored_from_id) references tenants.brand_dna_snapshot (tenant_id, id)
);
select app.own_by_tenant('tenants.brand_dna_snapshot');

create function tenants.forbid_update() returns trigger
  language plpgsql
  as $$ begin raise exception '% rows are immutable', tg_table_name using errcode = '55000'; end $$;
create trigger brand_dna_snapshot_immutable before update on tenants.brand_dna_snapshot
  for each row execute function tenants.forbid_update();

-- ---------------------------------------------------------------------------
-- T8: guided onboarding. A session collects sources (typed answers, audio,
-- PDFs, URLs); ingestion (W3) extracts them and proposes a DNA draft that the
-- client accepts as snapshot 1.
create table tenants.onboarding_session (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  status text not null default 'open' check (status in ('open', 'ingesting', 'proposed', 'accepted', 'abandoned', 'failed')),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  workflow_id text,
  -- {"total": 5, "done": 3, "current": "crawl https://…"}
  progress jsonb not null default '{}',
  draft jsonb,
  draft_provenance jsonb not null default '{}',
  accepted_snapshot_id uuid,
  error text,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, accepted_snapshot_id) references tenants.brand_dna_snapshot (tenant_id, id)
);
select app.own_by_tenant('tenants.onboarding_session');

create table tenants.onboarding_source (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  session_id uuid not null,
  kind text not null check (kind in ('answer', 'audio', 'pdf', 'url')),
  question_key text,
  answer text,
  url text,
  -- uploaded file (audio, PDF) in the media library; FK added in 0003
  media_id uuid,
  status text not null default 'pending' check (status in ('pending', 'processing', 'done', 'failed', 'skipped')),
  extracted_text text,
  extracted jsonb,
  error text,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  created_at timestamptz not null default now(),
  processed_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, session_id) references tenants.onboarding_session (tenant_id, id) on delete cascade,
  check ((kind = 'answer') = (answer is not null)),
  check ((kind = 'url') = (url is not null))
);
create index onboarding_source_session_idx on tenants.onboarding_source (tenant_id, session_id);
select app.own_by_tenant('tenants.onboarding_source');

-- ---------------------------------------------------------------------------
-- T15: learning queue. Facts learned from approvals, edits, rejections and
-- performance wait for a human; approved facts become a new DNA snapshot.
create table tenants.learning_batch (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  decision text not null check (decision in ('approve', 'reject')),
  size integer not null check (size between 1 and 100),
  decided_by uuid references tenants."user"(id),
  result_snapshot_id uuid,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, result_snapshot_id) references tenants.brand_dna_snapshot (tenant_id, id)
);
select app.own_by_tenant('tenants.learning_batch');

create table tenants.learning_fact (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  source text not null check (source in ('approval', 'edit', 'rejection', 'performance', 'manual')),
  -- where it came from: {"contentItemId": …, "version": 3} or {"publicationId": …}
  source_ref jsonb not null default '{}',
  -- the DNA key the fact would change, e.g. "vocabulary.avoid" or "tone.formality"
  dna_path text not null,
  proposal jsonb not null,
  final jsonb,
  rationale text not null default '',
  confidence numeric(4, 3) check (confidence between 0 and 1),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  status text not null default 'pending' check (status in ('pending', 'approved', 'modified', 'rejected', 'applied')),
  batch_id uuid,
  reviewed_by uuid references tenants."user"(id),
  reviewed_at timestamptz,
  applied_snapshot_id uuid,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, batch_id) references tenants.learning_batch (tenant_id, id),
  foreign key (tenant_id, applied_snapshot_id) references tenants.brand_dna_snapshot (tenant_id, id)
);
create index learning_fact_queue_idx on tenants.learning_fact (tenant_id, status, created_at);
select app.own_by_tenant('tenants.learning_fact');

-- ---------------------------------------------------------------------------
-- T10/T11: AI catalogue. Providers, models and routes hold no secret: every
-- signed-in tenant may read them (the API hides technical settings from
-- clients); only the platform writes. Provider API keys live apart, in
-- ai_provider_secret, readable by the platform scope only.
create table tenants.ai_provider (
  id uuid primary key,
  code text not null unique,
  kind text not null check (kind in ('anthropic', 'openai', 'mistral', 'openai_compatible', 'offline')),
  name text not null,
  base_url text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  check (kind = 'offline' or base_url is not null)
);
alter table tenants.ai_provider enable row level security;
alter table tenants.ai_provider force row level security;
create policy catalogue_read on tenants.ai_provider for select using (true);
create policy catalogue_write on tenants.ai_provider for all using (app.is_platform()) with check (app.is_platform());

create table tenants.ai_provider_secret (
  provider_id uuid primary key references tenants.ai_provider(id) on delete cascade,
  -- AES-256-GCM ciphertext (nonce ‖ ciphertext ‖ tag) of the API key
  encrypted_key bytea not null,
  -- which master key encrypted it (rotation)
  key_id text not null,
  last4 text not null default '',
  rotated_at timestamptz not null default now()
);
alter table tenants.ai_provider_secret enable row level security;
alter table tenants.ai_provider_secret force row level security;
create policy platform_only on tenants.ai_provider_secret for all using (app.is_platform()) with check (app.is_platform());

create table tenants.ai_model (
  id uuid primary key,
  provider_id uuid not null references tenants.ai_provider(id),
  -- globally unique: content versions cite 'model:<code>'
  code text not null unique,
  name text not null,
  tier text not null check (tier in ('premium', 'standard')),
  active boolean not null default true,
  input_price_per_mtok_minor bigint not null check (input_price_per_mtok_minor >= 0),
  output_price_per_mtok_minor bigint not null check (output_price_per_mtok_minor >= 0),
  currency char(3) not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
  context_tokens integer not null check (context_tokens > 0),
  capabilities text[] not null default '{}',
  created_at timestamptz not null default now()
);
alter table tenants.ai_model enable row level security;
alter table tenants.ai_model force row level security;
create policy catalogue_read on tenants.ai_model for select using (true);
create policy catalogue_write on tenants.ai_model for all using (app.is_platform()) with check (app.is_platform());

-- T11: per task an ordered fallback chain (position 1 first).
create table tenants.ai_route (
  id uuid primary key,
  task text not null check (task in ('orchestration', 'generation', 'speech_to_text', 'image', 'batch', 'embeddings', 'moderation')),
  position integer not null check (position > 0),
  model_id uuid not null references tenants.ai_model(id),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (task, position),
  unique (task, model_id)
);
alter table tenants.ai_route enable row level security;
alter table tenants.ai_route force row level security;
create policy catalogue_read on tenants.ai_route for select using (true);
create policy catalogue_write on tenants.ai_route for all using (app.is_platform()) with check (app.is_platform());

-- T10: which models a plan lets a client pick (catalogue, like plans).
create table tenants.plan_ai_model (
  plan_id uuid not null references tenants.plan(id) on delete cascade,
  model_id uuid not null references tenants.ai_model(id) on delete cascade,
  primary key (plan_id, model_id)
);
alter table tenants.plan_ai_model enable row level security;
alter table tenants.plan_ai_model force row level security;
create policy plan_read on tenants.plan_ai_model for select
  using (exists (select 1 from tenants.plan p where p.id = plan_id));
create policy plan_write on tenants.plan_ai_model for all using (app.is_platform()) with check (app.is_platform());

-- T10: a client's pick of model per task (within its plan's models).
create table tenants.ai_model_choice (
  tenant_id uuid not null references tenants.tenant(id),
  task text not null check (task in ('orchestration', 'generation', 'speech_to_text', 'image', 'batch', 'embeddings', 'moderation')),
  model_id uuid not null references tenants.ai_model(id),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, task)
);
select app.own_by_tenant('tenants.ai_model_choice');

-- T11: every AI call: tenant, task, model, tokens, cost, latency, outcome.
create table tenants.ai_call (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  task text not null check (task in ('orchestration', 'generation', 'speech_to_text', 'image', 'batch', 'embeddings', 'moderation')),
  model_id uuid references tenants.ai_model(id),
  provider_code text not null,
  input_tokens integer not null default 0 check (input_tokens >= 0),
  output_tokens integer not null default 0 check (output_tokens >= 0),
  cost_minor bigint not null default 0 check (cost_minor >= 0),
  cost_currency char(3) not null default 'USD' check (cost_currency ~ '^[A-Z]{3}$'),
  credits bigint not null default 0 check (credits >= 0),
  latency_ms integer not null default 0 check (latency_ms >= 0),
  outcome text not null check (outcome in ('ok', 'error', 'timeout', 'refused', 'fallback')),
  fallback_from uuid,
  -- billing.credit_reservation the call was paid from (other subgraph: no FK)
  reservation_id uuid,
  content_item_id uuid,
  batch boolean not null default false,
  error text,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, fallback_from) references tenants.ai_call (tenant_id, id)
);
create index ai_call_tenant_time_idx on tenants.ai_call (tenant_id, created_at);
select app.own_by_tenant('tenants.ai_call');

-- ---------------------------------------------------------------------------
-- T12/A3/A9/C8: connectors. The catalogue is platform data readable by all;
-- an app's OAuth client secret is platform-only; a tenant's connection and
-- its tokens are tenant-owned, secrets encrypted (bytea, AES-GCM, key_id).
create table tenants.connector (
  id uuid primary key,
  code text not null unique,
  kind text not null check (kind in ('publishing', 'analytics', 'ads', 'crm', 'email', 'sms', 'payments', 'pos', 'ecommerce', 'reviews', 'storage')),
  name text not null,
  auth text not null check (auth in ('oauth2', 'api_key', 'basic', 'smtp', 'none')),
  -- JSON schema of the settings a connection takes
  settings_schema jsonb not null default '{}',
  oauth_authorize_url text,
  oauth_token_url text,
  oauth_scopes text[] not null default '{}',
  active boolean not null default true,
  created_at timestamptz not null default now()
);
alter table tenants.connector enable row level security;
alter table tenants.connector force row level security;
create policy catalogue_read on tenants.connector for select using (true);
create policy catalogue_write on tenants.connector for all using (app.is_platform()) with check (app.is_platform());

create table tenants.connector_secret (
  connector_id uuid primary key references tenants.connector(id) on delete cascade,
  client_id text not null,
  encrypted_client_secret bytea not null,
  key_id text not null,
  rotated_at timestamptz not null default now()
);
alter table tenants.connector_secret enable row level security;
alter table tenants.connector_secret force row level security;
create policy platform_only on tenants.connector_secret for all using (app.is_platform()) with check (app.is_platform());

create table tenants.connector_connection (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  connector_id uuid not null references tenants.connector(id),
  display_name text not null,
  external_account_id text,
  status text not null default 'active' check (status in ('pending', 'active', 'error', 'revoked')),
  settings jsonb not null default '{}',
  encrypted_credentials bytea,
  key_id text,
  last_error text,
  last_used_at timestamptz,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, connector_id, external_account_id),
  check ((encrypted_credentials is null) = (key_id is null))
);
select app.own_by_tenant('tenants.connector_connection');

create table tenants.oauth_token (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  connection_id uuid not null,
  encrypted_access_token bytea not null,
  encrypted_refresh_token bytea,
  key_id text not null,
  scopes text[] not null default '{}',
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, connection_id) references tenants.connector_connection (tenant_id, id) on delete cascade
);
create index oauth_token_connection_idx on tenants.oauth_token (tenant_id, connection_id, created_at desc);
select app.own_by_tenant('tenants.oauth_token');

-- OAuth authorisation in flight. The provider's callback carries only the
-- state, before any tenant is known: the hash is globally unique and read
-- through app.oauth_state().
create table tenants.oauth_state (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  connector_id uuid not null references tenants.connector(id),
  state_hash text not null unique,
  code_verifier text not null,
  redirect_uri text not null,
  created_by uuid references tenants."user"(id),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id)
);
select app.own_by_tenant('tenants.oauth_state');

create function app.oauth_state(p_state_hash text)
  returns table (oauth_state_id uuid, tenant_id uuid, connector_id uuid, created_by uuid)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select s.id, s.tenant_id, s.connector_id, s.created_by from tenants.oauth_state s
     where s.state_hash = p_state_hash and s.used_at is null and s.expires_at > now()
  $$;

-- ---------------------------------------------------------------------------
-- T13: outgoing webhooks (Standard Webhooks). An endpoint belongs to a tenant
-- (client or distributor, whose endpoint may cover its subtree). One delivery
-- per (endpoint, message); message_id is the webhook-id header, stable across
-- retries and replays. Attempts are logged one row each.
create table tenants.webhook_endpoint (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  url text not null check (url ~ '^https?://'),
  description text not null default '',
  event_types text[] not null,
  include_subtree boolean not null default false,
  -- the signing secret (whsec_…), encrypted
  encrypted_secret bytea not null,
  key_id text not null,
  status text not null default 'active' check (status in ('active', 'disabled')),
  consecutive_failures integer not null default 0,
  disabled_reason text,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id)
);
select app.own_by_tenant('tenants.webhook_endpoint');

create table tenants.webhook_delivery (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  endpoint_id uuid not null,
  message_id uuid not null,
  event_type text not null,
  -- the tenant the event is about (the endpoint's tenant or one in its subtree)
  source_tenant_id uuid not null references tenants.tenant(id),
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, endpoint_id, message_id),
  foreign key (tenant_id, endpoint_id) references tenants.webhook_endpoint (tenant_id, id) on delete cascade
);
create index webhook_delivery_due_idx on tenants.webhook_delivery (next_attempt_at) where status in ('pending', 'failed');
select app.own_by_tenant('tenants.webhook_delivery');

create table tenants.webhook_attempt (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  delivery_id uuid not null,
  attempt integer not null check (attempt > 0),
  status_code integer,
  response_body text,
  duration_ms integer,
  error text,
  attempted_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, delivery_id, attempt),
  foreign key (tenant_id, delivery_id) references tenants.webhook_delivery (tenant_id, id) on delete cascade
);
select app.own_by_tenant('tenants.webhook_attempt');

-- ---------------------------------------------------------------------------
-- T14: GDPR. Export and erasure requests (whole client or one contact),
-- retention rules, monthly audits with a report, and an append-only audit log.
create table tenants.gdpr_request (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('export', 'erasure')),
  subject text not null check (subject in ('tenant', 'contact')),
  -- content.contact of this tenant (other subgraph)
  contact_id uuid,
  -- SHA-256 of the subject's e-mail: survives erasure as proof
  subject_email_hash text,
  status text not null default 'pending' check (status in ('pending', 'running', 'completed', 'failed', 'cancelled')),
  workflow_id text,
  -- where the export archive is (media storage key), and what was done
  result_location text,
  result jsonb not null default '{}',
  error text,
  requested_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  unique (tenant_id, id),
  check ((subject = 'contact') = (contact_id is not null or subject_email_hash is not null))
);
select app.own_by_tenant('tenants.gdpr_request');

create table tenants.retention_rule (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  -- a class of data, e.g. 'analytics.event', 'content.message_send', 'tenants.audit_log'
  data_class text not null,
  retention_days integer not null check (retention_days > 0),
  action text not null check (action in ('delete', 'anonymise')),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, data_class)
);
select app.own_by_tenant('tenants.retention_rule');

create table tenants.gdpr_audit (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  month char(7) not null check (month ~ '^\d{4}-\d{2}$'),
  status text not null default 'running' check (status in ('running', 'completed', 'failed')),
  workflow_id text,
  findings_count integer not null default 0,
  report jsonb not null default '{}',
  locale text not null default 'en' check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, month)
);
select app.own_by_tenant('tenants.gdpr_audit');

create table tenants.audit_log (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  actor_kind text not null check (actor_kind in ('user', 'api_key', 'system')),
  actor_id uuid,
  action text not null check (action in ('read', 'create', 'update', 'delete', 'export', 'erase', 'login', 'enter_workspace', 'grant', 'revoke')),
  entity text not null,
  entity_id text,
  changes jsonb,
  ip inet,
  user_agent text,
  request_id text,
  occurred_at timestamptz not null default now(),
  unique (tenant_id, id)
);
create index audit_log_tenant_time_idx on tenants.audit_log (tenant_id, occurred_at);
select app.own_by_tenant('tenants.audit_log');
create trigger audit_log_append_only before update on tenants.audit_log
  for each row execute function tenants.forbid_update();

-- ---------------------------------------------------------------------------
-- B4: legal documents (terms, privacy, DPA) per locale and version, published
-- by the platform or a distributor (publisher_tenant_id); public to read.
create table tenants.legal_document (
  id uuid primary key,
  publisher_tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('terms', 'privacy', 'dpa', 'acceptable_use')),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  version integer not null check (version > 0),
  title text not null,
  body text not null,
  sha256 text not null,
  published_at timestamptz not null default now(),
  unique (publisher_tenant_id, kind, locale, version)
);
alter table tenants.legal_document enable row level security;
alter table tenants.legal_document force row level security;
create policy public_read on tenants.legal_document for select using (true);
create policy publisher_write on tenants.legal_document for all
  using (publisher_tenant_id = any (app.scope())) with check (publisher_tenant_id = any (app.scope()));

create table tenants.legal_acceptance (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  document_id uuid not null references tenants.legal_document(id),
  user_id uuid references tenants."user"(id),
  ip inet,
  accepted_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, document_id, user_id)
);
select app.own_by_tenant('tenants.legal_acceptance');
