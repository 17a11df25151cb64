-- C5 / C6 / W2: the calendar explains its times; approvals remember reminders.

-- C5: why a slot sits at its time (learned from the client's engagement, a
-- channel default, or moved by hand): {kind, weekday, hour, minute, lift,
-- posts, totalPosts, weeks, text}. Separate from `reason`, which says why a
-- slot is not filled (e.g. insufficient_credits) and is cleared on fill.
alter table content.calendar_slot add column timing jsonb;

-- C6: the creator of an external link may name the approver's e-mail, or not.
alter table content.approval_link alter column email drop not null;

-- W2: at most one open review round per item (the workflow per item relies on it).
create unique index approval_open_uq on content.approval (tenant_id, item_id) where status = 'pending';
create index approval_item_idx on content.approval (tenant_id, item_id, created_at desc);

-- W2: a reminder of a pending approval, recorded in the app (no e-mail outbox
-- exists yet): one row per approval and ordinal, so a retried activity
-- records it once. `channel` says how the reminder reached people ('email'
-- once an e-mail outbox exists; only 'in_app' is written today).
create table content.approval_reminder (
  id uuid primary key,
  tenant_id uuid not null references tenants.tenant(id),
  approval_id uuid not null,
  ordinal integer not null check (ordinal > 0),
  channel text not null default 'in_app' check (channel in ('in_app', 'email')),
  due_at timestamptz not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, id),
  unique (tenant_id, approval_id, ordinal),
  foreign key (tenant_id, approval_id) references content.approval (tenant_id, id) on delete cascade
);
select app.own_by_tenant('content.approval_reminder');
