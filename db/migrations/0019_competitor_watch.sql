-- C11 / W4: competitor watch, what 0003 left to the feature.
--
-- A source carries the price change (in %) that is worth an alert and the
-- last fetch error in words. An alert carries a dedup key: the same change is
-- reported once (a feed entry once ever; a price, product or text change once
-- a day per source), whoever captures it (the schedule or "capture now"),
-- however often a retried activity runs. Alerts go by e-mail to the client's
-- administrators, one row per alert and recipient claimed before the SMTP call,
-- so a retry never sends an alert twice to a person (the Message-ID is derived
-- from the same key, for the window of one SMTP reply).

alter table content.competitor_source
  add column price_threshold_pct numeric(5, 2) not null default 5 check (price_threshold_pct between 0 and 100),
  add column last_error text;

alter table content.competitor_alert add column dedup_key text;
update content.competitor_alert set dedup_key = 'legacy:' || id::text where dedup_key is null;
alter table content.competitor_alert
  alter column dedup_key set not null,
  -- set once every administrator's e-mail of the alert is settled (sent or failed for good)
  add column emailed_at timestamptz;
create unique index competitor_alert_dedup_uq on content.competitor_alert (tenant_id, dedup_key);
create index competitor_alert_feed_idx on content.competitor_alert (tenant_id, created_at desc);
create index competitor_alert_mail_idx on content.competitor_alert (tenant_id, created_at) where emailed_at is null;

create table content.competitor_alert_email (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  alert_id uuid not null,
  user_id uuid not null references tenants."user"(id),
  address text not null,
  -- competitor-alert:<alertId>:to:<userId>; the Message-ID is derived from it
  idempotency_key text not null,
  -- sending: claimed (or crashed while sending); sent; failed: refused for good
  status text not null default 'sending' check (status in ('sending', 'sent', 'failed')),
  message_id text,
  attempts integer not null default 1 check (attempts > 0),
  error text,
  -- a sender holds the row this long; after it (a crash), another sends again
  claimed_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, idempotency_key),
  foreign key (tenant_id, alert_id) references content.competitor_alert (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.competitor_alert_email');

-- W4: the sweep finds due sources across tenants in one indexed pass.
create index competitor_source_due_idx on content.competitor_source (last_fetched_at nulls first) where active;

-- C11: who receives alert e-mails — the tenant's active members whose role
-- may manage users. tenants."user" is readable only by the user itself from a
-- tenant transaction (0001's policy), so this narrow function answers for a
-- tenant in the caller's scope only, and only these four columns.
create function app.tenant_admin_recipients(p_tenant uuid)
  returns table (user_id uuid, email text, display_name text, locale text)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select distinct u.id, u.email, u.display_name, u.locale
      from tenants.membership m
      join tenants."user" u on u.id = m.user_id and u.status = 'active'
      join tenants.role_permission rp on rp.role_id = m.role_id and rp.permission = 'users:manage'
     where m.tenant_id = p_tenant and p_tenant = any (app.scope())
  $$;
