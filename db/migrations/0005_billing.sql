-- Billing subgraph, all three phases (SPEC §4, W5): subscriptions, the AI
-- credit ledger, invoices and payments, incoming payment webhooks, dunning,
-- distributor economics (retail prices, commissions, statements, MRR,
-- alerts) and price suggestions. Money is integer minor units + currency.
-- Tenant-owned tables follow 0002's conventions; the few catalogue tables say
-- who reads and writes them.

create function billing.forbid_update() returns trigger
  language plpgsql
  as $$ begin raise exception '% rows are immutable', tg_table_name using errcode = '55000'; end $$;

-- B3/B4: who pays (the payment provider's customer).
create table billing.customer (
  tenant_id uuid primary key references tenants.tenant(id),
  provider text not null default 'stripe' check (provider in ('stripe', 'manual')),
  external_customer_id text,
  billing_name text not null,
  billing_email text not null check (billing_email like '%@%'),
  address jsonb not null default '{}',
  tax_id text,
  locale text not null default 'en' check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  updated_at timestamptz not null default now()
);
select app.own_by_tenant('billing.customer');

-- B1: client ↔ plan. price_minor is the retail price agreed when subscribing
-- (upgrades/downgrades record a subscription_change with the proration).
create table billing.subscription (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  plan_id uuid not null references tenants.plan(id),
  status text not null check (status in ('trialing', 'active', 'past_due', 'paused', 'cancelled')),
  interval text not null default 'month' check (interval in ('month', 'year')),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  price_minor bigint not null check (price_minor >= 0),
  -- the distributor (or the platform's Direct distributor) that sold it
  seller_tenant_id uuid not null references tenants.tenant(id),
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  trial_ends_at timestamptz,
  cancel_at_period_end boolean not null default false,
  paused_at timestamptz,
  cancelled_at timestamptz,
  external_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  check (current_period_end > current_period_start)
);
-- one live subscription per client
create unique index subscription_live_uq on billing.subscription (tenant_id) where status <> 'cancelled';
select app.own_by_tenant('billing.subscription');

-- The plan row of a client's live subscription, even when the plan is not
-- (or no longer) visible to it; only for a client in the caller's scope.
create function app.plan_for(p_client uuid) returns setof tenants.plan
  language sql stable security definer set search_path = pg_catalog, tenants, billing
  as $$
    select p.* from billing.subscription s join tenants.plan p on p.id = s.plan_id
     where s.tenant_id = p_client and s.status <> 'cancelled' and p_client = any (app.scope())
  $$;

create table billing.subscription_change (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  subscription_id uuid not null,
  kind text not null check (kind in ('upgrade', 'downgrade', 'cancel', 'pause', 'resume', 'renew', 'interval_change')),
  from_plan_id uuid references tenants.plan(id),
  to_plan_id uuid references tenants.plan(id),
  -- positive: charged now; negative: credited on the next invoice
  proration_minor bigint not null default 0,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  effective_at timestamptz not null,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, subscription_id) references billing.subscription (tenant_id, id) on delete cascade
);
select app.own_by_tenant('billing.subscription_change');

-- ---------------------------------------------------------------------------
-- B2: AI credits, a double-entry ledger. A transfer moves credits between a
-- tenant's accounts (available, reserved, consumed, expired, and 'source' for
-- credits entering from outside: grants, top-ups); its entries sum to zero
-- (checked at commit). Balances are sums of entries, never stored.
--   grant/topup: source −n, available +n
--   reserve:     available −n, reserved +n
--   settle:      reserved −n, consumed +used, available +(n − used)
--   void:        reserved −n, available +n
--   expire:      available −n, expired +n
-- credit_account is the row a reservation locks (select … for update) so a
-- tenant's reservations are serialised and never overspend.
create table billing.credit_account (
  tenant_id uuid primary key references tenants.tenant(id),
  period_start date not null,
  monthly_budget bigint not null check (monthly_budget >= 0),
  soft_cap bigint check (soft_cap >= 0),
  hard_cap bigint check (hard_cap >= 0),
  updated_at timestamptz not null default now()
);
select app.own_by_tenant('billing.credit_account');

create table billing.credit_reservation (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  amount bigint not null check (amount > 0),
  settled_amount bigint check (settled_amount >= 0),
  status text not null default 'open' check (status in ('open', 'settled', 'voided', 'expired')),
  task text not null,
  content_item_id uuid,
  -- night batch (W8): priced at the discounted rate
  batch boolean not null default false,
  idempotency_key text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  unique (tenant_id, idempotency_key),
  unique (tenant_id, id),
  foreign key (tenant_id, content_item_id) references content.content_item (tenant_id, id) on delete set null (content_item_id),
  check ((status = 'open') = (closed_at is null)),
  check (settled_amount is null or settled_amount <= amount)
);
create index credit_reservation_open_idx on billing.credit_reservation (expires_at) where status = 'open';
select app.own_by_tenant('billing.credit_reservation');

create table billing.credit_transfer (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  kind text not null check (kind in ('grant', 'reserve', 'settle', 'void', 'expire', 'topup', 'adjust')),
  idempotency_key text not null,
  reservation_id uuid,
  memo text,
  created_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  unique (tenant_id, idempotency_key),
  unique (tenant_id, id),
  foreign key (tenant_id, reservation_id) references billing.credit_reservation (tenant_id, id),
  check ((kind in ('reserve', 'settle', 'void')) <= (reservation_id is not null))
);
create index credit_transfer_time_idx on billing.credit_transfer (tenant_id, created_at desc);
select app.own_by_tenant('billing.credit_transfer');
create trigger credit_transfer_immutable before update on billing.credit_transfer
  for each row execute function billing.forbid_update();

create table billing.credit_entry (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  transfer_id uuid not null,
  account text not null check (account in ('available', 'reserved', 'consumed', 'expired', 'source')),
  amount bigint not null check (amount <> 0),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, transfer_id) references billing.credit_transfer (tenant_id, id)
);
create index credit_entry_account_idx on billing.credit_entry (tenant_id, account);
create index credit_entry_transfer_idx on billing.credit_entry (tenant_id, transfer_id);
select app.own_by_tenant('billing.credit_entry');
create trigger credit_entry_immutable before update on billing.credit_entry
  for each row execute function billing.forbid_update();

create function billing.check_transfer_balanced() returns trigger
  language plpgsql
  as $$
  declare
    v_tenant uuid := case when tg_op = 'DELETE' then old.tenant_id else new.tenant_id end;
    v_transfer uuid := case when tg_op = 'DELETE' then old.transfer_id else new.transfer_id end;
    v_sum numeric;
  begin
    select coalesce(sum(e.amount), 0) into v_sum from billing.credit_entry e
     where e.tenant_id = v_tenant and e.transfer_id = v_transfer;
    if v_sum <> 0 then
      raise exception 'credit transfer % does not balance (entries sum to %)', v_transfer, v_sum using errcode = '23514';
    end if;
    return null;
  end $$;
create constraint trigger credit_entry_balanced after insert or delete on billing.credit_entry
  deferrable initially deferred for each row execute function billing.check_transfer_balanced();

-- Balances per tenant, derived (RLS of the caller applies).
create view billing.credit_balance with (security_invoker = true) as
  select e.tenant_id,
         coalesce(sum(e.amount) filter (where e.account = 'available'), 0)::bigint as available,
         coalesce(sum(e.amount) filter (where e.account = 'reserved'), 0)::bigint as reserved,
         coalesce(sum(e.amount) filter (where e.account = 'consumed'), 0)::bigint as consumed,
         coalesce(sum(e.amount) filter (where e.account = 'expired'), 0)::bigint as expired
    from billing.credit_entry e group by e.tenant_id;

-- B2: credits charged per unit of AI work (no price in code). Catalogue:
-- readable by everyone, written by the platform.
create table billing.credit_rate (
  id uuid primary key,
  task text not null check (task in ('orchestration', 'generation', 'speech_to_text', 'image', 'batch', 'embeddings', 'moderation')),
  tier text not null check (tier in ('premium', 'standard')),
  unit text not null check (unit in ('mtok_input', 'mtok_output', 'image', 'video_second', 'audio_minute', 'call')),
  credits numeric(12, 4) not null check (credits >= 0),
  -- W8: the night batch runs at −50 %
  batch_discount_pct integer not null default 50 check (batch_discount_pct between 0 and 100),
  active boolean not null default true,
  unique (task, tier, unit)
);
alter table billing.credit_rate enable row level security;
alter table billing.credit_rate force row level security;
create policy catalogue_read on billing.credit_rate for select using (true);
create policy catalogue_write on billing.credit_rate for all using (app.is_platform()) with check (app.is_platform());

-- B2: top-up packs and their prices (catalogue).
create table billing.topup_pack (
  id uuid primary key,
  code text not null unique,
  credits integer not null check (credits > 0),
  position integer not null default 0,
  active boolean not null default true
);
alter table billing.topup_pack enable row level security;
alter table billing.topup_pack force row level security;
create policy catalogue_read on billing.topup_pack for select using (true);
create policy catalogue_write on billing.topup_pack for all using (app.is_platform()) with check (app.is_platform());

create table billing.topup_pack_price (
  pack_id uuid not null references billing.topup_pack(id) on delete cascade,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  amount_minor bigint not null check (amount_minor >= 0),
  primary key (pack_id, currency)
);
alter table billing.topup_pack_price enable row level security;
alter table billing.topup_pack_price force row level security;
create policy catalogue_read on billing.topup_pack_price for select using (true);
create policy catalogue_write on billing.topup_pack_price for all using (app.is_platform()) with check (app.is_platform());

-- ---------------------------------------------------------------------------
-- B3: invoices, created from events (renewal, top-up, deal won, booking
-- confirmed) exactly once per idempotency key; draft → finalised → paid.
-- tenant_id is the billed tenant; the issuer numbers its invoices through
-- invoice_counter (one sequence per issuer and year, row-locked).
create table billing.invoice_counter (
  tenant_id uuid not null references tenants.tenant(id),
  year integer not null check (year between 2000 and 9999),
  prefix text not null default '',
  last_number integer not null default 0,
  primary key (tenant_id, year)
);
select app.own_by_tenant('billing.invoice_counter');

create table billing.invoice (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  seller_tenant_id uuid not null references tenants.tenant(id),
  number text,
  status text not null default 'draft' check (status in ('draft', 'finalised', 'paid', 'void', 'uncollectible')),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  subtotal_minor bigint not null default 0,
  tax_rate_bp integer not null default 0 check (tax_rate_bp between 0 and 10000),
  tax_minor bigint not null default 0,
  total_minor bigint not null default 0,
  amount_paid_minor bigint not null default 0 check (amount_paid_minor >= 0),
  locale text not null check (locale ~ '^[a-z]{2}(-[A-Z]{2})?$'),
  source_kind text not null check (source_kind in ('subscription_renewal', 'subscription_change', 'topup', 'deal_won', 'booking_confirmed', 'manual')),
  source_ref text,
  idempotency_key text not null,
  subscription_id uuid,
  period_start timestamptz,
  period_end timestamptz,
  external_id text,
  finalised_at timestamptz,
  due_at timestamptz,
  paid_at timestamptz,
  voided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, idempotency_key),
  unique (tenant_id, number),
  foreign key (tenant_id, subscription_id) references billing.subscription (tenant_id, id),
  check ((status = 'draft') = (number is null)),
  check (total_minor = subtotal_minor + tax_minor)
);
create index invoice_seller_idx on billing.invoice (seller_tenant_id, created_at);
select app.own_by_tenant('billing.invoice');

create table billing.invoice_line (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  invoice_id uuid not null,
  position integer not null check (position > 0),
  kind text not null check (kind in ('subscription', 'proration', 'topup', 'usage', 'deal', 'booking', 'discount', 'other')),
  description text not null,
  quantity integer not null default 1,
  unit_amount_minor bigint not null,
  amount_minor bigint not null,
  plan_id uuid references tenants.plan(id),
  period_start timestamptz,
  period_end timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, invoice_id, position),
  foreign key (tenant_id, invoice_id) references billing.invoice (tenant_id, id) on delete cascade,
  check (amount_minor = quantity * unit_amount_minor)
);
select app.own_by_tenant('billing.invoice_line');

create table billing.payment (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  invoice_id uuid not null,
  provider text not null check (provider in ('stripe', 'manual', 'bank_transfer')),
  provider_payment_id text,
  idempotency_key text not null,
  amount_minor bigint not null check (amount_minor > 0),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'refunded')),
  failure_reason text,
  created_at timestamptz not null default now(),
  succeeded_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, idempotency_key),
  unique (tenant_id, provider, provider_payment_id),
  foreign key (tenant_id, invoice_id) references billing.invoice (tenant_id, id)
);
select app.own_by_tenant('billing.payment');

-- B3: incoming payment webhooks: verified, deduplicated by the provider's
-- event id, applied in any order (occurred_at orders them). tenant_id is the
-- receiving account's owner (the platform for its Stripe account).
create table billing.inbound_webhook (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  provider text not null check (provider in ('stripe')),
  external_event_id text not null,
  event_type text not null,
  signature_valid boolean not null,
  payload jsonb not null,
  occurred_at timestamptz,
  status text not null default 'received' check (status in ('received', 'processed', 'ignored', 'failed')),
  attempts integer not null default 0,
  error text,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, provider, external_event_id)
);
select app.own_by_tenant('billing.inbound_webhook');

-- B1/W5: dunning after a failed payment, ending in a pause.
create table billing.dunning_step (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  invoice_id uuid not null,
  attempt integer not null check (attempt > 0),
  action text not null check (action in ('reminder', 'retry_charge', 'pause_subscription')),
  scheduled_at timestamptz not null,
  done_at timestamptz,
  result text,
  unique (tenant_id, id),
  unique (tenant_id, invoice_id, attempt),
  foreign key (tenant_id, invoice_id) references billing.invoice (tenant_id, id) on delete cascade
);
select app.own_by_tenant('billing.dunning_step');

-- ---------------------------------------------------------------------------
-- B5: distributor economics.
-- Retail price a distributor charges on top of the plan's wholesale price.
create table billing.retail_price (
  tenant_id uuid not null references tenants.tenant(id),
  plan_id uuid not null references tenants.plan(id),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  interval text not null check (interval in ('month', 'year')),
  amount_minor bigint not null check (amount_minor >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, plan_id, currency, interval)
);
select app.own_by_tenant('billing.retail_price');

-- The plans a client may subscribe to with the price it would pay: the
-- nearest ancestor's retail price, else the list price. Reads ancestors'
-- prices, so it answers only for a client in the caller's scope.
create function app.plan_offers_for(p_client uuid, p_currency text)
  returns table (plan_id uuid, code text, name text, "interval" text, currency char(3), amount_minor bigint,
                 monthly_credits integer, price_set_by uuid)
  language sql stable security definer set search_path = pg_catalog, tenants, billing
  as $$
    select p.id, p.code, p.name, pp.interval, pp.currency,
           coalesce(rp.amount_minor, pp.amount_minor), p.monthly_credits, rp.tenant_id
      from tenants.tenant c
      join tenants.plan p on p.active and (p.visibility = 'public' or p.visible_to_tenant_id = any (c.ancestry))
      join tenants.plan_price pp on pp.plan_id = p.id and pp.currency = p_currency
      left join lateral (
        select r.tenant_id, r.amount_minor
          from billing.retail_price r
          join unnest(c.ancestry) with ordinality as a(id, depth) on a.id = r.tenant_id
         where r.plan_id = p.id and r.currency = pp.currency and r.interval = pp.interval
         order by a.depth desc limit 1) rp on true
     where c.id = p_client and p_client = any (app.scope())
     order by p.position, p.code, pp.interval
  $$;

-- Commission rules for a distributor (tenant_id = the beneficiary; set by its
-- parent or the platform, who have it in scope). Volume tiers in commission_tier.
create table billing.commission_rule (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  set_by_tenant_id uuid not null references tenants.tenant(id),
  -- percentage of the invoiced amount, in basis points (1 % = 100)
  rate_bp integer not null check (rate_bp between 0 and 10000),
  tier_basis text check (tier_basis in ('active_clients', 'mrr_minor')),
  valid_from date not null,
  valid_to date,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  check (valid_to is null or valid_to > valid_from)
);
select app.own_by_tenant('billing.commission_rule');

create table billing.commission_tier (
  tenant_id uuid not null references tenants.tenant(id),
  rule_id uuid not null,
  threshold bigint not null check (threshold >= 0),
  rate_bp integer not null check (rate_bp between 0 and 10000),
  primary key (tenant_id, rule_id, threshold),
  foreign key (tenant_id, rule_id) references billing.commission_rule (tenant_id, id) on delete cascade
);
select app.own_by_tenant('billing.commission_tier');

create table billing.commission_statement (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  month char(7) not null check (month ~ '^\d{4}-\d{2}$'),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  commission_total_minor bigint not null default 0,
  -- what the commissions were computed on; reconciles to the invoices
  invoiced_total_minor bigint not null default 0,
  commissions_count integer not null default 0,
  status text not null default 'draft' check (status in ('draft', 'final', 'paid')),
  created_at timestamptz not null default now(),
  finalised_at timestamptz,
  unique (tenant_id, id),
  unique (tenant_id, month, currency)
);
select app.own_by_tenant('billing.commission_statement');

-- One commission per beneficiary and invoice, split along the chain (depth 1
-- = the client's own distributor). Owned by the beneficiary so a
-- sub-distributor never sees its parent's margin. The invoice belongs to the
-- client: (client_tenant_id, invoice_id) is the composite key into it.
create table billing.commission (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  client_tenant_id uuid not null references tenants.tenant(id),
  invoice_id uuid not null,
  statement_id uuid,
  rule_id uuid,
  depth integer not null check (depth > 0),
  base_minor bigint not null,
  rate_bp integer not null check (rate_bp between 0 and 10000),
  amount_minor bigint not null,
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  status text not null default 'pending' check (status in ('pending', 'included', 'paid', 'reversed')),
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, invoice_id),
  foreign key (client_tenant_id, invoice_id) references billing.invoice (tenant_id, id),
  foreign key (tenant_id, statement_id) references billing.commission_statement (tenant_id, id),
  foreign key (tenant_id, rule_id) references billing.commission_rule (tenant_id, id)
);
select app.own_by_tenant('billing.commission');

-- A commission's client must lie in the beneficiary's subtree.
create function billing.commission_subtree_check() returns trigger
  language plpgsql security definer set search_path = pg_catalog, tenants
  as $$
  begin
    if not exists (select 1 from tenants.tenant c where c.id = new.client_tenant_id and new.tenant_id = any (c.ancestry) and c.id <> new.tenant_id) then
      raise exception 'tenant % is not in the subtree of %', new.client_tenant_id, new.tenant_id using errcode = '23514';
    end if;
    return new;
  end $$;
create trigger commission_subtree_check before insert or update of tenant_id, client_tenant_id on billing.commission
  for each row execute function billing.commission_subtree_check();

-- B5: MRR and client counts per month for a distributor's subtree (or the platform).
create table billing.mrr_snapshot (
  tenant_id uuid not null references tenants.tenant(id),
  month char(7) not null check (month ~ '^\d{4}-\d{2}$'),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  mrr_minor bigint not null,
  active_clients integer not null,
  new_clients integer not null default 0,
  churned_clients integer not null default 0,
  computed_at timestamptz not null default now(),
  primary key (tenant_id, month, currency)
);
select app.own_by_tenant('billing.mrr_snapshot');

create table billing.distributor_alert (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  client_tenant_id uuid references tenants.tenant(id),
  kind text not null check (kind in ('churn_risk', 'payment_failed', 'credits_exhausted', 'mrr_drop', 'trial_ending', 'downgrade')),
  severity text not null default 'warning' check (severity in ('info', 'warning', 'critical')),
  message text not null,
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  unique (tenant_id, id)
);
select app.own_by_tenant('billing.distributor_alert');

-- B6: dynamic pricing suggestions, never below the AI cost of goods.
create table billing.price_suggestion (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  plan_id uuid not null references tenants.plan(id),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  interval text not null check (interval in ('month', 'year')),
  current_minor bigint not null,
  suggested_minor bigint not null,
  floor_minor bigint not null,
  -- demand and capacity signals the suggestion came from
  inputs jsonb not null default '{}',
  rationale text not null,
  status text not null default 'proposed' check (status in ('proposed', 'accepted', 'rejected', 'expired')),
  decided_by uuid references tenants."user"(id),
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  unique (tenant_id, id),
  check (suggested_minor >= floor_minor)
);
select app.own_by_tenant('billing.price_suggestion');
