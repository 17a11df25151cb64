-- Content subgraph, all three phases (SPEC §2, W1, W2, W8): channels, content
-- items and versions, the monthly pipeline, calendar, approvals, publication,
-- media, templates, UTM, SEO/GEO scores and weights, competitor and market
-- watch, evergreen recycling, contacts with consent, e-mail/SMS sends and
-- sequences, landing-page experiments, generation jobs.
-- Every table is tenant-owned (see 0002's header for the conventions).

-- C1: a client's publishing channels (a connected account per channel kind).
create table content.channel (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms')),
  name text not null,
  connection_id uuid,
  settings jsonb not null default '{}',
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, kind, name),
  foreign key (tenant_id, connection_id) references tenants.connector_connection (tenant_id, id)
);
select app.own_by_tenant('content.channel');

-- W1: one monthly pipeline run per client and month (the workflow id carries both).
create table content.pipeline_run (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  month char(7) not null check (month ~ '^\d{4}-\d{2}$'),
  workflow_id text not null,
  status text not null default 'running' check (status in ('running', 'completed', 'failed')),
  brief jsonb not null default '{}',
  dna_snapshot_id uuid,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (tenant_id, month),
  unique (tenant_id, id),
  foreign key (tenant_id, dna_snapshot_id) references tenants.brand_dna_snapshot (tenant_id, id)
);
select app.own_by_tenant('content.pipeline_run');

create table content.pipeline_step (
  tenant_id uuid not null references tenants.tenant(id),
  run_id uuid not null,
  step text not null check (step in ('session', 'ingestion', 'dna_merge', 'planning', 'generation', 'publication', 'analytics')),
  position integer not null check (position between 1 and 7),
  status text not null default 'pending' check (status in ('pending', 'running', 'completed', 'failed')),
  attempts integer not null default 0,
  result jsonb,
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (tenant_id, run_id, step),
  unique (tenant_id, run_id, position),
  foreign key (tenant_id, run_id) references content.pipeline_run (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.pipeline_step');

-- C5: the editorial calendar. A slot is planned, then filled by an item.
create table content.calendar_slot (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  channel text not null check (channel in ('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms')),
  scheduled_at timestamptz not null,
  status text not null default 'planned' check (status in ('planned', 'filled', 'published', 'cancelled')),
  item_id uuid,
  reason text,
  pipeline_run_id uuid,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, pipeline_run_id) references content.pipeline_run (tenant_id, id)
);
create index calendar_slot_time_idx on content.calendar_slot (tenant_id, scheduled_at);
select app.own_by_tenant('content.calendar_slot');

-- C1: a piece of content for one channel; its text lives in versions.
create table content.content_item (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  channel text not null check (channel in ('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms')),
  channel_id uuid,
  title text not null,
  status text not null default 'draft' check (status in ('draft', 'in_review', 'approved', 'scheduled', 'published', 'rejected', 'archived')),
  mode text not null default 'semi' check (mode in ('manual', 'semi', 'auto')),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  brief text,
  keyphrase text,
  slug text,
  meta_description text,
  current_version integer not null default 0 check (current_version >= 0),
  -- B2: regenerations so far, capped per item by the plan's limits
  regenerations integer not null default 0 check (regenerations >= 0),
  calendar_slot_id uuid,
  pipeline_run_id uuid,
  dna_snapshot_id uuid,
  -- C13: the published item this one refreshes
  refreshed_from_id uuid,
  published_at timestamptz,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, channel_id) references content.channel (tenant_id, id),
  foreign key (tenant_id, calendar_slot_id) references content.calendar_slot (tenant_id, id),
  foreign key (tenant_id, pipeline_run_id) references content.pipeline_run (tenant_id, id),
  foreign key (tenant_id, dna_snapshot_id) references tenants.brand_dna_snapshot (tenant_id, id),
  foreign key (tenant_id, refreshed_from_id) references content.content_item (tenant_id, id)
);
create index content_item_tenant_status_idx on content.content_item (tenant_id, status, updated_at desc);
create unique index content_item_slug_uq on content.content_item (tenant_id, channel, locale, slug) where slug is not null;
select app.own_by_tenant('content.content_item');

alter table content.calendar_slot
  add foreign key (tenant_id, item_id) references content.content_item (tenant_id, id);

-- C1: every edit and regeneration is a new version; author is 'human' or 'model:<model code>'.
create table content.content_version (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid not null,
  version integer not null check (version > 0),
  title text not null,
  body text not null,
  meta jsonb not null default '{}',
  author text not null check (author = 'human' or author like 'model:%'),
  -- T6: the DNA snapshot a generated version cites
  dna_snapshot_id uuid,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  unique (tenant_id, item_id, version),
  unique (tenant_id, id),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id) on delete cascade,
  foreign key (tenant_id, dna_snapshot_id) references tenants.brand_dna_snapshot (tenant_id, id)
);
select app.own_by_tenant('content.content_version');

-- Publication at the slot's time, exactly once per idempotency key.
create table content.publication (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid not null,
  version integer,
  channel text not null check (channel in ('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms')),
  channel_id uuid,
  idempotency_key text not null,
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
  external_id text,
  external_url text,
  attempts integer not null default 0,
  last_error text,
  published_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, idempotency_key),
  unique (tenant_id, id),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id),
  foreign key (tenant_id, channel_id) references content.channel (tenant_id, id)
);
select app.own_by_tenant('content.publication');

-- C6/W2: approval of one version of an item; durable workflow per approval.
create table content.approval (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid not null,
  version integer not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'changes_requested', 'regenerating', 'rejected', 'expired', 'auto_approved')),
  workflow_id text,
  requested_by uuid references tenants."user"(id),
  decided_by uuid references tenants."user"(id),
  -- an external approver (signed link, no account) decides by name/e-mail
  decided_by_external text,
  decision_note text,
  reminders_sent integer not null default 0,
  last_reminded_at timestamptz,
  expires_at timestamptz,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, item_id, version) references content.content_version (tenant_id, item_id, version)
);
create index approval_queue_idx on content.approval (tenant_id, status, created_at);
select app.own_by_tenant('content.approval');

create table content.approval_comment (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  approval_id uuid not null,
  author_user_id uuid references tenants."user"(id),
  author_name text not null,
  body text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, approval_id) references content.approval (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.approval_comment');

-- C6: signed link for an external approver. The token arrives with no
-- session: its hash is globally unique and resolved by app.approval_link().
create table content.approval_link (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  approval_id uuid not null,
  token_hash text not null unique,
  email text not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, approval_id) references content.approval (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.approval_link');

create function app.approval_link(p_token_hash text)
  returns table (approval_link_id uuid, tenant_id uuid, approval_id uuid, email text)
  language sql stable security definer set search_path = pg_catalog, content
  as $$
    select l.id, l.tenant_id, l.approval_id, l.email from content.approval_link l
     where l.token_hash = p_token_hash and l.revoked_at is null and l.used_at is null and l.expires_at > now()
  $$;

-- C1/C14/C15/W8: generation jobs: text (immediately or in the discounted
-- night batch), images and videos through the routing table.
create table content.generation_job (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('text', 'image', 'video')),
  mode text not null default 'immediate' check (mode in ('immediate', 'night_batch')),
  status text not null default 'queued' check (status in ('queued', 'submitted', 'running', 'completed', 'failed', 'cancelled')),
  item_id uuid,
  slot_id uuid,
  input jsonb not null default '{}',
  model_id uuid references tenants.ai_model(id),
  provider_batch_id text,
  -- billing.credit_reservation paying for it (other subgraph: no FK)
  reservation_id uuid,
  idempotency_key text not null,
  result jsonb,
  error text,
  attempts integer not null default 0,
  created_at timestamptz not null default now(),
  submitted_at timestamptz,
  completed_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, idempotency_key),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id),
  foreign key (tenant_id, slot_id) references content.calendar_slot (tenant_id, id)
);
create index generation_job_batch_idx on content.generation_job (mode, status) where status in ('queued', 'submitted');
select app.own_by_tenant('content.generation_job');

-- C7: media library; the type is sniffed from the bytes, not the name.
create table content.media (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('image', 'pdf', 'audio', 'video', 'document')),
  filename text not null,
  mime_type text not null,
  declared_mime_type text,
  size_bytes bigint not null check (size_bytes >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  storage text not null check (storage in ('local', 's3')),
  storage_key text not null,
  width integer,
  height integer,
  duration_ms integer,
  alt_text text,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  source text not null default 'upload' check (source in ('upload', 'generated', 'onboarding', 'capture', 'export')),
  generation_job_id uuid,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, storage, storage_key),
  foreign key (tenant_id, generation_job_id) references content.generation_job (tenant_id, id)
);
create index media_sha_idx on content.media (tenant_id, sha256);
select app.own_by_tenant('content.media');

alter table tenants.onboarding_source
  add foreign key (tenant_id, media_id) references content.media (tenant_id, id);

create table content.media_tag (
  tenant_id uuid not null references tenants.tenant(id),
  media_id uuid not null,
  tag text not null check (tag = lower(tag) and length(tag) between 1 and 64),
  primary key (tenant_id, media_id, tag),
  foreign key (tenant_id, media_id) references content.media (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.media_tag');

-- C7: reuse of media in content.
create table content.content_media (
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid not null,
  media_id uuid not null,
  role text not null default 'inline' check (role in ('hero', 'inline', 'attachment', 'thumbnail')),
  position integer not null default 0,
  primary key (tenant_id, item_id, media_id),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id) on delete cascade,
  foreign key (tenant_id, media_id) references content.media (tenant_id, id)
);
select app.own_by_tenant('content.content_media');

-- T9: reusable templates per channel and locale (newsletter, e-mail, SMS…).
create table content.template (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  channel text not null check (channel in ('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms')),
  name text not null,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  subject text,
  body text not null,
  variables text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, channel, name, locale)
);
select app.own_by_tenant('content.template');

-- C10/A6: a campaign is what utm_campaign names; revenue ties back to it.
create table content.campaign (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  name text not null,
  utm_campaign text not null check (utm_campaign ~ '^[a-z0-9][a-z0-9_-]*$'),
  description text not null default '',
  starts_on date,
  ends_on date,
  budget_minor bigint check (budget_minor >= 0),
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, utm_campaign),
  check ((budget_minor is null) = (currency is null))
);
select app.own_by_tenant('content.campaign');

-- C10: every link in published content, tagged.
create table content.utm_link (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid,
  publication_id uuid,
  campaign_id uuid,
  destination_url text not null,
  utm_source text not null,
  utm_medium text not null,
  utm_campaign text not null,
  utm_content text,
  utm_term text,
  tagged_url text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, tagged_url),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id),
  foreign key (tenant_id, publication_id) references content.publication (tenant_id, id),
  foreign key (tenant_id, campaign_id) references content.campaign (tenant_id, id)
);
create index utm_link_campaign_idx on content.utm_link (tenant_id, utm_campaign);
select app.own_by_tenant('content.utm_link');

-- C2/C3: the SEO/GEO score of a saved version (live scores are not stored).
create table content.seo_score (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid not null,
  version integer not null,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  total integer not null check (total between 0 and 100),
  seo integer not null check (seo between 0 and 100),
  geo integer not null check (geo between 0 and 100),
  checks jsonb not null default '[]',
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, item_id, version),
  foreign key (tenant_id, item_id, version) references content.content_version (tenant_id, item_id, version) on delete cascade
);
select app.own_by_tenant('content.seo_score');

-- C4: per client, weight of each check learned from measured performance.
create table content.seo_weight (
  tenant_id uuid not null references tenants.tenant(id),
  check_id text not null,
  weight numeric(6, 3) not null check (weight >= 0),
  sample_size integer not null default 0,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, check_id)
);
select app.own_by_tenant('content.seo_weight');

-- C5: engagement by channel, weekday and hour (client's time zone), from
-- which optimal slots are learned.
create table content.posting_time_stat (
  tenant_id uuid not null references tenants.tenant(id),
  channel text not null check (channel in ('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms')),
  weekday smallint not null check (weekday between 0 and 6),
  hour smallint not null check (hour between 0 and 23),
  publications integer not null default 0,
  impressions bigint not null default 0,
  engagements bigint not null default 0,
  score numeric(8, 4) not null default 0,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, channel, weekday, hour)
);
select app.own_by_tenant('content.posting_time_stat');

-- C11: competitor watch: sources (feeds, pages with selectors), captures with
-- diffs of text, prices and products, alerts.
create table content.competitor (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  name text not null,
  website text,
  notes text not null default '',
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, name)
);
select app.own_by_tenant('content.competitor');

create table content.competitor_source (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  competitor_id uuid not null,
  kind text not null check (kind in ('rss', 'atom', 'page')),
  url text not null check (url ~ '^https?://'),
  -- for pages: {"product": ".card h3", "price": ".card .price", "text": "main"}
  selectors jsonb not null default '{}',
  interval_minutes integer not null default 1440 check (interval_minutes >= 15),
  active boolean not null default true,
  etag text,
  last_modified text,
  last_fetched_at timestamptz,
  last_status text check (last_status in ('ok', 'not_modified', 'error', 'blocked')),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, url),
  foreign key (tenant_id, competitor_id) references content.competitor (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.competitor_source');

create table content.competitor_capture (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  source_id uuid not null,
  previous_id uuid,
  fetched_at timestamptz not null default now(),
  http_status integer,
  content_hash text,
  text text,
  -- feed entries [{id, title, url, published_at}]
  entries jsonb not null default '[]',
  -- [{name, price_minor, currency}]
  products jsonb not null default '[]',
  diff jsonb not null default '{}',
  error text,
  unique (tenant_id, id),
  foreign key (tenant_id, source_id) references content.competitor_source (tenant_id, id) on delete cascade,
  foreign key (tenant_id, previous_id) references content.competitor_capture (tenant_id, id)
);
create index competitor_capture_source_idx on content.competitor_capture (tenant_id, source_id, fetched_at desc);
select app.own_by_tenant('content.competitor_capture');

create table content.competitor_alert (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  source_id uuid not null,
  capture_id uuid not null,
  kind text not null check (kind in ('new_entry', 'text_changed', 'price_changed', 'product_added', 'product_removed', 'fetch_failed')),
  severity text not null default 'info' check (severity in ('info', 'warning', 'important')),
  summary text not null,
  details jsonb not null default '{}',
  read_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, source_id) references content.competitor_source (tenant_id, id) on delete cascade,
  foreign key (tenant_id, capture_id) references content.competitor_capture (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.competitor_alert');

-- C12: market watch: keywords and topics beyond direct competitors.
create table content.market_watch (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('keyword', 'topic')),
  query text not null,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  -- feeds or search endpoints to scan
  sources text[] not null default '{}',
  interval_minutes integer not null default 1440 check (interval_minutes >= 60),
  active boolean not null default true,
  last_run_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, kind, query, locale)
);
select app.own_by_tenant('content.market_watch');

create table content.market_signal (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  watch_id uuid not null,
  url text not null,
  title text not null,
  excerpt text not null default '',
  source text not null,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  relevance numeric(4, 3) check (relevance between 0 and 1),
  content_hash text not null,
  published_at timestamptz,
  captured_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, watch_id, content_hash),
  foreign key (tenant_id, watch_id) references content.market_watch (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.market_signal');

-- C13: evergreen recycling with cooldowns and caps.
create table content.evergreen_policy (
  tenant_id uuid primary key references tenants.tenant(id),
  min_age_days integer not null default 90,
  cooldown_days integer not null default 120,
  max_per_month integer not null default 4,
  min_score numeric(6, 3) not null default 0.5,
  updated_at timestamptz not null default now()
);
select app.own_by_tenant('content.evergreen_policy');

create table content.evergreen_candidate (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid not null,
  score numeric(8, 4) not null,
  metrics jsonb not null default '{}',
  status text not null default 'proposed' check (status in ('proposed', 'accepted', 'dismissed', 'republished')),
  refresh_item_id uuid,
  cooldown_until timestamptz,
  proposed_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by uuid references tenants."user"(id),
  unique (tenant_id, id),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id) on delete cascade,
  foreign key (tenant_id, refresh_item_id) references content.content_item (tenant_id, id)
);
create unique index evergreen_open_uq on content.evergreen_candidate (tenant_id, item_id) where status in ('proposed', 'accepted');
select app.own_by_tenant('content.evergreen_candidate');

-- C8: contacts, with consent. A contact's address is unique per tenant.
create table content.contact (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  email text check (email = lower(email) and email like '%@%'),
  phone text check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  first_name text,
  last_name text,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  attributes jsonb not null default '{}',
  source text not null default 'manual' check (source in ('manual', 'import', 'form', 'crm', 'api', 'event')),
  status text not null default 'active' check (status in ('active', 'unsubscribed', 'bounced', 'erased')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  erased_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, email),
  unique (tenant_id, phone),
  check (status = 'erased' or email is not null or phone is not null)
);
select app.own_by_tenant('content.contact');

create table content.contact_list (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  name text not null,
  description text not null default '',
  kind text not null default 'static' check (kind in ('static', 'segment')),
  -- C9: segmentation rule for kind 'segment', e.g. {"all": [{"attr": "city", "eq": "Paris"}]}
  segment_rule jsonb,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, name),
  check ((kind = 'segment') = (segment_rule is not null))
);
select app.own_by_tenant('content.contact_list');

create table content.contact_list_member (
  tenant_id uuid not null references tenants.tenant(id),
  list_id uuid not null,
  contact_id uuid not null,
  added_at timestamptz not null default now(),
  primary key (tenant_id, list_id, contact_id),
  foreign key (tenant_id, list_id) references content.contact_list (tenant_id, id) on delete cascade,
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.contact_list_member');

-- C8: consent log, append-only; a contact's current consent is its latest row
-- per channel and purpose.
create table content.consent (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  contact_id uuid not null,
  channel text not null check (channel in ('email', 'sms')),
  purpose text not null default 'marketing' check (purpose in ('marketing', 'transactional')),
  status text not null check (status in ('granted', 'withdrawn')),
  source text not null check (source in ('form', 'import', 'unsubscribe_link', 'manual', 'api', 'double_opt_in')),
  -- what was shown and where: {"text": "…", "url": "…", "ip": "…"}
  proof jsonb not null default '{}',
  occurred_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete cascade
);
create index consent_contact_idx on content.consent (tenant_id, contact_id, channel, occurred_at desc);
select app.own_by_tenant('content.consent');

-- C9: drip sequences with A/B subject lines.
create table content.email_sequence (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  name text not null,
  status text not null default 'draft' check (status in ('draft', 'active', 'paused', 'archived')),
  trigger text not null check (trigger in ('list_join', 'event', 'manual')),
  trigger_config jsonb not null default '{}',
  list_id uuid,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, name),
  foreign key (tenant_id, list_id) references content.contact_list (tenant_id, id)
);
select app.own_by_tenant('content.email_sequence');

create table content.email_sequence_step (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  sequence_id uuid not null,
  position integer not null check (position > 0),
  delay_minutes integer not null default 0 check (delay_minutes >= 0),
  subject text not null,
  -- C9: the B subject line; sends split evenly and record the variant
  subject_b text,
  body text not null,
  item_id uuid,
  unique (tenant_id, id),
  unique (tenant_id, sequence_id, position),
  foreign key (tenant_id, sequence_id) references content.email_sequence (tenant_id, id) on delete cascade,
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id)
);
select app.own_by_tenant('content.email_sequence_step');

create table content.email_sequence_enrollment (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  sequence_id uuid not null,
  contact_id uuid not null,
  next_position integer not null default 1,
  status text not null default 'active' check (status in ('active', 'completed', 'exited')),
  next_run_at timestamptz,
  enrolled_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, sequence_id, contact_id),
  foreign key (tenant_id, sequence_id) references content.email_sequence (tenant_id, id) on delete cascade,
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete cascade
);
create index email_enrollment_due_idx on content.email_sequence_enrollment (next_run_at) where status = 'active';
select app.own_by_tenant('content.email_sequence_enrollment');

-- C8/C9: one e-mail or SMS to one recipient, sent exactly once per key.
create table content.message_send (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  channel text not null check (channel in ('email', 'sms')),
  contact_id uuid,
  to_address text not null,
  item_id uuid,
  list_id uuid,
  sequence_step_id uuid,
  variant text check (variant in ('a', 'b')),
  subject text,
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  provider text not null,
  provider_message_id text,
  idempotency_key text not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'delivered', 'failed', 'bounced', 'suppressed')),
  error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, idempotency_key),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete set null (contact_id),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id),
  foreign key (tenant_id, list_id) references content.contact_list (tenant_id, id),
  foreign key (tenant_id, sequence_step_id) references content.email_sequence_step (tenant_id, id)
);
create index message_send_provider_idx on content.message_send (tenant_id, provider, provider_message_id);
select app.own_by_tenant('content.message_send');

create table content.message_event (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  send_id uuid not null,
  kind text not null check (kind in ('delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed', 'failed')),
  url text,
  data jsonb not null default '{}',
  occurred_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, send_id) references content.message_send (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.message_event');

-- C16: A/B tests of landing pages: variants are versions of the page item;
-- a winner is declared only when significant.
create table content.experiment (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  item_id uuid not null,
  name text not null,
  status text not null default 'draft' check (status in ('draft', 'running', 'stopped', 'completed')),
  -- the conversion name counted as success (analytics.conversion.name)
  goal text not null,
  min_sample_per_variant integer not null default 100 check (min_sample_per_variant > 0),
  confidence_level numeric(4, 3) not null default 0.95 check (confidence_level > 0 and confidence_level < 1),
  winner_variant_id uuid,
  result jsonb not null default '{}',
  started_at timestamptz,
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, name),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id)
);
select app.own_by_tenant('content.experiment');

create table content.experiment_variant (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  experiment_id uuid not null,
  key text not null check (key ~ '^[A-Z]$'),
  item_id uuid not null,
  version integer not null,
  weight integer not null check (weight between 0 and 100),
  is_control boolean not null default false,
  unique (tenant_id, id),
  unique (tenant_id, experiment_id, key),
  foreign key (tenant_id, experiment_id) references content.experiment (tenant_id, id) on delete cascade,
  foreign key (tenant_id, item_id, version) references content.content_version (tenant_id, item_id, version)
);
select app.own_by_tenant('content.experiment_variant');

alter table content.experiment
  add foreign key (tenant_id, winner_variant_id) references content.experiment_variant (tenant_id, id);

-- Sticky assignment of a visitor to a variant.
create table content.experiment_assignment (
  tenant_id uuid not null references tenants.tenant(id),
  experiment_id uuid not null,
  anonymous_id text not null,
  variant_id uuid not null,
  assigned_at timestamptz not null default now(),
  primary key (tenant_id, experiment_id, anonymous_id),
  foreign key (tenant_id, experiment_id) references content.experiment (tenant_id, id) on delete cascade,
  foreign key (tenant_id, variant_id) references content.experiment_variant (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.experiment_assignment');
