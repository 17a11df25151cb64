-- Analytics subgraph, all three phases (SPEC §3): the event warehouse
-- (partitioned by month, deduplicated by event_id, rolled up for dashboards),
-- sessions, identity stitching, touchpoints, conversions, attribution,
-- conversion forwarding, business metrics, reviews, brand safety, engagement,
-- lead scoring, forecasts, CRM sync.
-- Every table is tenant-owned (see 0002's header for the conventions).

-- A1/A2: one event schema. Partitioned by month on occurred_at; partitions are
-- created by analytics.ensure_event_partitions() and carry the same forced RLS
-- as the parent (a partition read directly is a table of its own).
create table analytics.event (
  event_id uuid not null,
  tenant_id uuid not null references tenants.tenant(id),
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  name text not null check (length(name) between 1 and 100),
  source text not null check (source ~ '^[a-z][a-z0-9_]*$'),
  anonymous_id text,
  contact_id uuid,
  session_id uuid,
  properties jsonb not null default '{}',
  url text,
  referrer text,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  utm_content text,
  utm_term text,
  gclid text,
  fbclid text,
  msclkid text,
  ttclid text,
  primary key (tenant_id, occurred_at, event_id)
) partition by range (occurred_at);
create index event_tenant_name_idx on analytics.event (tenant_id, name, occurred_at);
create index event_tenant_anon_idx on analytics.event (tenant_id, anonymous_id, occurred_at);
select app.own_by_tenant('analytics.event');

-- Creates the monthly partitions (UTC months) from p_from's month, p_months
-- of them, and the default partition. Rows already caught by the default
-- partition for a new month move into it. Returns how many were created.
-- SECURITY DEFINER so a scheduled job connected as the app can call it.
create function analytics.ensure_event_partitions(p_from date, p_months integer) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, analytics
  as $$
  declare
    v_month date := make_date(extract(year from p_from)::integer, extract(month from p_from)::integer, 1);
    v_lo timestamptz;
    v_hi timestamptz;
    v_name text;
    v_created integer := 0;
  begin
    if to_regclass('analytics.event_default') is null then
      create table analytics.event_default partition of analytics.event default;
      perform app.own_by_tenant('analytics.event_default');
    end if;
    for i in 1 .. p_months loop
      v_lo := v_month::timestamp at time zone 'UTC';
      v_hi := (v_month + interval '1 month')::timestamp at time zone 'UTC';
      v_name := 'event_' || to_char(v_month, 'YYYY_MM');
      if to_regclass('analytics.' || v_name) is null then
        execute format('create table analytics.%I (like analytics.event including defaults including constraints)', v_name);
        execute format('insert into analytics.%I select * from analytics.event_default where occurred_at >= %L and occurred_at < %L', v_name, v_lo, v_hi);
        execute format('delete from analytics.event_default where occurred_at >= %L and occurred_at < %L', v_lo, v_hi);
        execute format('alter table analytics.event attach partition analytics.%I for values from (%L) to (%L)', v_name, v_lo, v_hi);
        perform app.own_by_tenant(format('analytics.%I', v_name)::regclass);
        v_created := v_created + 1;
      end if;
      v_month := (v_month + interval '1 month')::date;
    end loop;
    return v_created;
  end $$;
revoke execute on function analytics.ensure_event_partitions(date, integer) from public;

select analytics.ensure_event_partitions(current_date, 13);

-- A1: dedup by event_id. Insert here first (on conflict do nothing); only a
-- new receipt lets the event in. Not partitioned, so the key is global per tenant.
-- occurred_at, when given, finds the event's partition from its id.
create table analytics.event_receipt (
  tenant_id uuid not null references tenants.tenant(id),
  event_id uuid not null,
  occurred_at timestamptz,
  received_at timestamptz not null default now(),
  primary key (tenant_id, event_id)
);
select app.own_by_tenant('analytics.event_receipt');

-- A1: a visit.
create table analytics.session (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  anonymous_id text not null,
  contact_id uuid,
  started_at timestamptz not null,
  last_seen_at timestamptz not null,
  landing_url text,
  referrer text,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  utm_content text,
  utm_term text,
  gclid text,
  fbclid text,
  msclkid text,
  ttclid text,
  device text check (device in ('desktop', 'mobile', 'tablet', 'bot', 'other')),
  country char(2),
  event_count integer not null default 0,
  unique (tenant_id, id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete set null (contact_id)
);
create index session_anon_idx on analytics.session (tenant_id, anonymous_id, started_at desc);
select app.own_by_tenant('analytics.session');

-- A1: stitching an anonymous visitor to a known contact.
create table analytics.identity_link (
  tenant_id uuid not null references tenants.tenant(id),
  anonymous_id text not null,
  contact_id uuid not null,
  via text not null check (via in ('form', 'login', 'email_click', 'import', 'crm')),
  linked_at timestamptz not null default now(),
  primary key (tenant_id, anonymous_id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete cascade
);
create index identity_link_contact_idx on analytics.identity_link (tenant_id, contact_id);
select app.own_by_tenant('analytics.identity_link');

-- A4: a marketing touch on a journey (from events with UTM / click ids / referrers).
create table analytics.touchpoint (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  anonymous_id text,
  contact_id uuid,
  session_id uuid,
  event_id uuid,
  occurred_at timestamptz not null,
  channel text not null check (channel in ('direct', 'organic_search', 'paid_search', 'organic_social', 'paid_social', 'email', 'sms', 'referral', 'display', 'other')),
  utm_source text,
  utm_medium text,
  utm_campaign text,
  utm_content text,
  utm_term text,
  click_id text,
  -- the published content item the touch came through, when known
  item_id uuid,
  unique (tenant_id, id),
  foreign key (tenant_id, session_id) references analytics.session (tenant_id, id) on delete set null (session_id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete set null (contact_id),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id) on delete set null (item_id),
  check (anonymous_id is not null or contact_id is not null)
);
create index touchpoint_anon_idx on analytics.touchpoint (tenant_id, anonymous_id, occurred_at);
create index touchpoint_contact_idx on analytics.touchpoint (tenant_id, contact_id, occurred_at);
select app.own_by_tenant('analytics.touchpoint');

-- A3/A4/A6: a conversion, keyed by the event that recorded it (the same
-- event_id is forwarded to ad platforms for their dedup).
create table analytics.conversion (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  event_id uuid not null,
  name text not null check (name in ('lead', 'signup', 'purchase', 'booking', 'call', 'form_submit', 'deal_won')),
  occurred_at timestamptz not null,
  value_minor bigint check (value_minor >= 0),
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  anonymous_id text,
  contact_id uuid,
  session_id uuid,
  -- last non-direct touch, for revenue per campaign (A6 V1)
  utm_source text,
  utm_medium text,
  utm_campaign text,
  qualified boolean not null default false,
  source text not null default 'event' check (source in ('event', 'crm', 'manual', 'pos', 'ecommerce')),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, event_id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete set null (contact_id),
  foreign key (tenant_id, session_id) references analytics.session (tenant_id, id) on delete set null (session_id),
  check ((value_minor is null) = (currency is null))
);
create index conversion_time_idx on analytics.conversion (tenant_id, occurred_at);
select app.own_by_tenant('analytics.conversion');

-- A4: one computation of one model over a period; credits per channel/campaign.
create table analytics.attribution_run (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  model text not null check (model in ('first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov', 'shapley')),
  lookback_days integer not null check (lookback_days between 1 and 365),
  period_start date not null,
  period_end date not null,
  conversion_name text,
  parameters jsonb not null default '{}',
  conversions integer not null default 0,
  computed_at timestamptz not null default now(),
  unique (tenant_id, id),
  check (period_end >= period_start)
);
select app.own_by_tenant('analytics.attribution_run');

create table analytics.attribution_credit (
  tenant_id uuid not null references tenants.tenant(id),
  run_id uuid not null,
  channel text not null,
  utm_source text not null default '',
  utm_campaign text not null default '',
  conversions numeric(14, 4) not null,
  value_minor numeric(20, 4) not null default 0,
  currency text not null default '' check (currency = '' or currency ~ '^[A-Z]{3}$'),
  primary key (tenant_id, run_id, channel, utm_source, utm_campaign, currency),
  foreign key (tenant_id, run_id) references analytics.attribution_run (tenant_id, id) on delete cascade
);
select app.own_by_tenant('analytics.attribution_credit');

-- A3: where qualified conversions are forwarded (credentials in the connection).
create table analytics.forwarding_destination (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('ga4', 'meta_capi', 'google_ads')),
  name text not null,
  connection_id uuid,
  -- GA4 measurement id, Meta pixel id, Google Ads conversion action…
  settings jsonb not null default '{}',
  conversion_names text[] not null default '{}',
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, kind, name),
  foreign key (tenant_id, connection_id) references tenants.connector_connection (tenant_id, id)
);
select app.own_by_tenant('analytics.forwarding_destination');

-- A3/W6: each try of each forwarding; status 'dead' is a visible dead letter.
create table analytics.forwarding_attempt (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  conversion_id uuid not null,
  destination_id uuid not null,
  attempt integer not null check (attempt > 0),
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'dead')),
  -- what was sent (user data normalised and SHA-256 hashed, never raw)
  request jsonb not null default '{}',
  response_status integer,
  response_body text,
  error text,
  next_attempt_at timestamptz,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, conversion_id, destination_id, attempt),
  foreign key (tenant_id, conversion_id) references analytics.conversion (tenant_id, id) on delete cascade,
  foreign key (tenant_id, destination_id) references analytics.forwarding_destination (tenant_id, id) on delete cascade
);
create index forwarding_due_idx on analytics.forwarding_attempt (next_attempt_at) where status in ('pending', 'failed');
select app.own_by_tenant('analytics.forwarding_attempt');

-- A6: monthly business metrics entered by the client (or from a connector).
-- Money metrics are minor units with a currency; counts have none.
create table analytics.business_metric (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  month char(7) not null check (month ~ '^\d{4}-\d{2}$'),
  metric text not null check (metric in ('revenue', 'orders', 'leads', 'bookings', 'new_customers', 'average_order_value')),
  value bigint not null check (value >= 0),
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  source text not null default 'manual' check (source in ('manual', 'connector', 'import')),
  entered_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, month, metric),
  check ((metric in ('revenue', 'average_order_value')) = (currency is not null))
);
select app.own_by_tenant('analytics.business_metric');

-- A5: reputation.
create table analytics.review (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  source text not null check (source in ('google', 'facebook', 'tripadvisor', 'trustpilot', 'booking', 'manual')),
  external_id text not null,
  author_name text,
  rating smallint check (rating between 1 and 5),
  title text,
  body text not null default '',
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  sentiment numeric(4, 3) check (sentiment between -1 and 1),
  sentiment_label text check (sentiment_label in ('positive', 'neutral', 'negative')),
  published_at timestamptz not null,
  reply text,
  replied_at timestamptz,
  captured_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, source, external_id)
);
create index review_time_idx on analytics.review (tenant_id, published_at);
select app.own_by_tenant('analytics.review');

-- A5: brand safety flags raised by the moderation task.
create table analytics.moderation_flag (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  subject_kind text not null check (subject_kind in ('content_version', 'review', 'comment', 'message')),
  subject_id uuid not null,
  category text not null,
  severity text not null check (severity in ('low', 'medium', 'high')),
  score numeric(4, 3) check (score between 0 and 1),
  model_code text,
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by uuid references tenants."user"(id),
  unique (tenant_id, id)
);
select app.own_by_tenant('analytics.moderation_flag');

-- A5/C5: engagement per published item and day, collected from the channels.
create table analytics.engagement_metric (
  tenant_id uuid not null references tenants.tenant(id),
  publication_id uuid not null,
  channel text not null check (channel in ('blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms')),
  day date not null,
  impressions bigint not null default 0,
  reach bigint not null default 0,
  clicks bigint not null default 0,
  likes bigint not null default 0,
  comments bigint not null default 0,
  shares bigint not null default 0,
  saves bigint not null default 0,
  video_views bigint not null default 0,
  collected_at timestamptz not null default now(),
  primary key (tenant_id, publication_id, day),
  foreign key (tenant_id, publication_id) references content.publication (tenant_id, id) on delete cascade
);
select app.own_by_tenant('analytics.engagement_metric');

-- A9: a form or landing-page submission (synced to CRMs).
create table analytics.form_submission (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  form_key text not null,
  page_url text,
  item_id uuid,
  contact_id uuid,
  event_id uuid,
  fields jsonb not null,
  submitted_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, item_id) references content.content_item (tenant_id, id) on delete set null (item_id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete set null (contact_id)
);
select app.own_by_tenant('analytics.form_submission');

-- A7: lead qualification (BANT) and predictive scoring per client.
create table analytics.lead (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  contact_id uuid not null,
  status text not null default 'new' check (status in ('new', 'qualified', 'disqualified', 'won', 'lost')),
  budget_minor bigint check (budget_minor >= 0),
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  authority text not null default 'unknown' check (authority in ('decision_maker', 'influencer', 'user', 'unknown')),
  need text,
  timeline text not null default 'unknown' check (timeline in ('now', 'this_month', 'this_quarter', 'later', 'unknown')),
  source text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, contact_id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete cascade,
  check ((budget_minor is null) = (currency is null))
);
select app.own_by_tenant('analytics.lead');

create table analytics.lead_model (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('propensity', 'ltv')),
  version integer not null check (version > 0),
  algorithm text not null,
  parameters jsonb not null,
  metrics jsonb not null default '{}',
  sample_size integer not null,
  trained_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, kind, version)
);
select app.own_by_tenant('analytics.lead_model');

create table analytics.lead_score (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  lead_id uuid not null,
  model_id uuid not null,
  propensity numeric(5, 4) check (propensity between 0 and 1),
  predicted_ltv_minor bigint,
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  features jsonb not null default '{}',
  scored_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, lead_id) references analytics.lead (tenant_id, id) on delete cascade,
  foreign key (tenant_id, model_id) references analytics.lead_model (tenant_id, id)
);
create index lead_score_lead_idx on analytics.lead_score (tenant_id, lead_id, scored_at desc);
select app.own_by_tenant('analytics.lead_score');

-- A8: forecasts with intervals.
create table analytics.forecast (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  metric text not null check (metric in ('traffic', 'conversions', 'revenue')),
  granularity text not null check (granularity in ('day', 'week', 'month')),
  model text not null,
  horizon integer not null check (horizon > 0),
  interval_level numeric(4, 3) not null default 0.8 check (interval_level > 0 and interval_level < 1),
  currency char(3) check (currency ~ '^[A-Z]{3}$'),
  training_from date not null,
  training_to date not null,
  metrics jsonb not null default '{}',
  generated_at timestamptz not null default now(),
  unique (tenant_id, id)
);
select app.own_by_tenant('analytics.forecast');

create table analytics.forecast_point (
  tenant_id uuid not null references tenants.tenant(id),
  forecast_id uuid not null,
  period_start date not null,
  value numeric(20, 4) not null,
  lower numeric(20, 4) not null,
  upper numeric(20, 4) not null,
  primary key (tenant_id, forecast_id, period_start),
  foreign key (tenant_id, forecast_id) references analytics.forecast (tenant_id, id) on delete cascade,
  check (lower <= value and value <= upper)
);
select app.own_by_tenant('analytics.forecast_point');

-- A9: CRM integrations (HubSpot, Salesforce, Pipedrive).
create table analytics.crm_sync (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  crm text not null check (crm in ('hubspot', 'salesforce', 'pipedrive')),
  connection_id uuid not null,
  field_mapping jsonb not null default '{}',
  sync_forms boolean not null default true,
  sync_leads boolean not null default true,
  active boolean not null default true,
  last_synced_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, crm),
  foreign key (tenant_id, connection_id) references tenants.connector_connection (tenant_id, id)
);
select app.own_by_tenant('analytics.crm_sync');

create table analytics.crm_sync_record (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  crm_sync_id uuid not null,
  subject_kind text not null check (subject_kind in ('contact', 'form_submission', 'lead')),
  subject_id uuid not null,
  external_id text,
  status text not null default 'pending' check (status in ('pending', 'synced', 'failed', 'dead')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  synced_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, crm_sync_id, subject_kind, subject_id),
  foreign key (tenant_id, crm_sync_id) references analytics.crm_sync (tenant_id, id) on delete cascade
);
select app.own_by_tenant('analytics.crm_sync_record');

-- A2: daily rollups for the dashboards, in each client's own time zone.
create table analytics.event_daily (
  tenant_id uuid not null references tenants.tenant(id),
  day date not null,
  name text not null,
  source text not null,
  utm_source text not null default '',
  utm_medium text not null default '',
  utm_campaign text not null default '',
  events bigint not null,
  visitors bigint not null,
  primary key (tenant_id, day, name, source, utm_source, utm_medium, utm_campaign)
);
select app.own_by_tenant('analytics.event_daily');

create table analytics.conversion_daily (
  tenant_id uuid not null references tenants.tenant(id),
  day date not null,
  name text not null,
  utm_campaign text not null default '',
  currency text not null default '' check (currency = '' or currency ~ '^[A-Z]{3}$'),
  conversions bigint not null,
  value_minor bigint not null,
  primary key (tenant_id, day, name, utm_campaign, currency)
);
select app.own_by_tenant('analytics.conversion_daily');

-- Recomputes the rollups of [p_from, p_to] (local days) for every tenant in
-- the caller's scope. SECURITY INVOKER: RLS limits it to that scope.
create function analytics.refresh_rollups(p_from date, p_to date) returns void
  language sql volatile
  as $$
    delete from analytics.event_daily where day between p_from and p_to;
    insert into analytics.event_daily (tenant_id, day, name, source, utm_source, utm_medium, utm_campaign, events, visitors)
    select e.tenant_id, (e.occurred_at at time zone t.time_zone)::date, e.name, e.source,
           coalesce(e.utm_source, ''), coalesce(e.utm_medium, ''), coalesce(e.utm_campaign, ''),
           count(*), count(distinct coalesce(e.anonymous_id, e.contact_id::text))
      from analytics.event e join tenants.tenant t on t.id = e.tenant_id
     where e.occurred_at >= (p_from - 1)::timestamp at time zone 'UTC'
       and e.occurred_at < (p_to + 2)::timestamp at time zone 'UTC'
       and (e.occurred_at at time zone t.time_zone)::date between p_from and p_to
     group by 1, 2, 3, 4, 5, 6, 7;
    delete from analytics.conversion_daily where day between p_from and p_to;
    insert into analytics.conversion_daily (tenant_id, day, name, utm_campaign, currency, conversions, value_minor)
    select c.tenant_id, (c.occurred_at at time zone t.time_zone)::date, c.name, coalesce(c.utm_campaign, ''),
           coalesce(c.currency, ''), count(*), coalesce(sum(c.value_minor), 0)
      from analytics.conversion c join tenants.tenant t on t.id = c.tenant_id
     where (c.occurred_at at time zone t.time_zone)::date between p_from and p_to
     group by 1, 2, 3, 4, 5;
  $$;
