-- B2 (issue 3): what the ledger tells a client about its caps, and top-ups
-- recorded honestly (pending payment until their invoice is paid, or granted
-- by hand by a platform/distributor admin).

-- A cap reached during a period (the soft one warns; the hard one is reached
-- by the reservation that fills it, after which reservations are refused):
-- shown on the credits page. Not an analytics event on purpose (nothing learns
-- from it); once per kind and period.
create table billing.credit_notice (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('soft_cap_reached', 'hard_cap_reached')),
  period_start date not null,
  -- the cap and the period's use (consumed + reserved) when it was reached
  threshold bigint not null check (threshold >= 0),
  used bigint not null check (used >= 0),
  message text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, kind, period_start)
);
select app.own_by_tenant('billing.credit_notice');

-- A top-up: a pack bought (pending_payment, with its draft invoice, until the
-- invoice is paid) or credits granted by an admin of an ancestor (granted at
-- once). Credits enter the ledger only through the 'topup' transfer it names.
create table billing.credit_topup (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  pack_id uuid references billing.topup_pack(id),
  credits bigint not null check (credits > 0),
  status text not null check (status in ('pending_payment', 'granted', 'cancelled')),
  invoice_id uuid,
  transfer_id uuid,
  idempotency_key text not null,
  requested_by uuid references tenants."user"(id),
  memo text,
  created_at timestamptz not null default now(),
  granted_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, idempotency_key),
  foreign key (tenant_id, invoice_id) references billing.invoice (tenant_id, id),
  foreign key (tenant_id, transfer_id) references billing.credit_transfer (tenant_id, id),
  check ((status = 'granted') = (transfer_id is not null and granted_at is not null)),
  check (status <> 'pending_payment' or invoice_id is not null)
);
create index credit_topup_time_idx on billing.credit_topup (tenant_id, created_at desc);
select app.own_by_tenant('billing.credit_topup');

-- The roots of the tenant tree, for platform jobs that must find every tenant
-- (e.g. the expiry of orphaned credit reservations) before any is entered.
-- Reveals platform ids only.
create function app.platform_tenants() returns setof uuid
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$ select t.id from tenants.tenant t where t.kind = 'platform' and t.status <> 'closed' order by t.id $$;

-- Regeneration caps count an item's generation reservations.
create index credit_reservation_item_idx on billing.credit_reservation (tenant_id, content_item_id) where content_item_id is not null;
