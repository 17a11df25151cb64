-- T8 / W3: what each onboarding source is doing while ingestion runs, and at
-- most one unfinished onboarding session per client.
--
-- status (0002) stays the coarse state (pending → processing → done | failed);
-- stage says which step a source is in, for the wizard's live progress.
alter table tenants.onboarding_source
  add column stage text not null default 'queued'
    check (stage in ('queued', 'fetching', 'parsing', 'transcribing', 'done', 'failed')),
  -- what the running step reports: {"pagesRead": 3, "url": "…"}
  add column progress jsonb not null default '{}';

update tenants.onboarding_source set stage = status where status in ('done', 'failed');

-- The wizard works on "the client's current session": two cannot be open at once.
create unique index onboarding_session_current_idx on tenants.onboarding_session (tenant_id)
  where status in ('open', 'ingesting', 'proposed', 'failed');
