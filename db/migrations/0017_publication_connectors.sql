-- C8 / W1 step 6: publication through connectors, exactly once, with a log.
--
-- content.publication (0003) stays the one row per idempotency key
-- (pending → sent | failed). Each time something acts on it an attempt row
-- is written first (status 'running') and closed afterwards, so a crash
-- leaves a 'running' attempt behind that the next attempt sees and
-- reconciles (asks the provider what the earlier attempt did) before acting.
-- E-mail and SMS publications fan out to one content.message_send per
-- recipient, each with its own key, linked to its publication.

alter table content.publication
  add column connector text,
  add column recipients integer,
  add column updated_at timestamptz not null default now();

create table content.publication_attempt (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  publication_id uuid not null,
  attempt integer not null check (attempt > 0),
  -- what started it: the monthly pipeline, a "publish now", a replay by id
  trigger text not null check (trigger in ('pipeline', 'publish_now', 'replay')),
  connector text not null,
  -- running: acting now (or crashed while acting); reconciled: an earlier
  -- attempt had succeeded, found at the provider; skipped: already sent
  status text not null default 'running' check (status in ('running', 'sent', 'reconciled', 'failed', 'interrupted', 'skipped')),
  -- what was asked, without secrets: {"method": "POST", "url": "…", "recipients": 3}
  request jsonb not null default '{}',
  response_status integer,
  external_id text,
  external_url text,
  error text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, publication_id, attempt),
  foreign key (tenant_id, publication_id) references content.publication (tenant_id, id) on delete cascade
);
create index publication_attempt_publication_idx on content.publication_attempt (tenant_id, publication_id, attempt desc);
select app.own_by_tenant('content.publication_attempt');

alter table content.message_send
  add column publication_id uuid,
  add column attempts integer not null default 0,
  add column last_attempt_at timestamptz,
  add constraint message_send_publication_fk foreign key (tenant_id, publication_id) references content.publication (tenant_id, id);
create index message_send_publication_idx on content.message_send (tenant_id, publication_id) where publication_id is not null;

-- C8: one-click unsubscribe. Each e-mail carries its own token; the link
-- arrives with no session, so the hash is globally unique and resolved by
-- app.unsubscribe_token() before any tenant is known.
create table content.unsubscribe_token (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  contact_id uuid not null,
  channel text not null check (channel in ('email', 'sms')),
  send_id uuid,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  used_at timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, contact_id) references content.contact (tenant_id, id) on delete cascade,
  foreign key (tenant_id, send_id) references content.message_send (tenant_id, id) on delete set null (send_id)
);
select app.own_by_tenant('content.unsubscribe_token');

create function app.unsubscribe_token(p_token_hash text)
  returns table (token_id uuid, tenant_id uuid, contact_id uuid, channel text, send_id uuid)
  language sql stable security definer set search_path = pg_catalog, content
  as $$
    select u.id, u.tenant_id, u.contact_id, u.channel, u.send_id from content.unsubscribe_token u
     where u.token_hash = p_token_hash
  $$;

-- C8: an inbound SMS (STOP) names the account and the number it was sent to,
-- not the tenant: this finds the one active Twilio connection it belongs to.
create function app.sms_connection_for(p_account_sid text, p_to text)
  returns table (tenant_id uuid, connection_id uuid)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select c.tenant_id, c.id from tenants.connector_connection c
      join tenants.connector k on k.id = c.connector_id and k.code = 'twilio'
     where c.external_account_id = p_account_sid and c.settings ->> 'from' = p_to and c.status = 'active'
  $$;

-- OAuth refresh needs the connector app's client secret (platform-only,
-- 0002). A tenant transaction may read it for a connection of its own scope,
-- and only the secret of that connection's connector (still encrypted).
create function app.connection_oauth_client(p_connection uuid)
  returns table (client_id text, encrypted_client_secret bytea, key_id text, token_url text)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$
    select s.client_id, s.encrypted_client_secret, s.key_id, k.oauth_token_url
      from tenants.connector_connection c
      join tenants.connector k on k.id = c.connector_id
      join tenants.connector_secret s on s.connector_id = k.id
     where c.id = p_connection and c.tenant_id = any (app.scope())
  $$;

-- Outgoing webhook as a publishing connector (Standard Webhooks signatures).
-- Same id as the seed's derivedId('connector:webhook') would give.
insert into tenants.connector (id, code, kind, name, auth)
values ('51081990-7c9d-8384-a843-65ebf30646eb', 'webhook', 'publishing', 'Outgoing webhook (Standard Webhooks)', 'api_key')
on conflict (code) do nothing;
