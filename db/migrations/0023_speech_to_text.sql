-- T11: a speech-to-text call records the seconds of audio it transcribed
-- (what it is charged by), beside the tokens of text calls. Null for text
-- calls and when the engine reports no duration.
alter table tenants.ai_call
  add column audio_seconds numeric(8, 1) check (audio_seconds >= 0);

-- T8: whether the built-in offline engines can run where AI work runs. The
-- offline transcriber needs Debian's pocketsphinx, its US English model and
-- ffmpeg on the worker's host, which the subgraphs cannot look at: the worker
-- reports what it is missing when it starts (one row per engine, the last
-- worker started wins: the workers of one deployment run one image), and
-- the onboarding wizard reads it. Catalogue-like: every tenant reads it;
-- only the SECURITY DEFINER report below writes it.
create table tenants.ai_engine_status (
  engine text primary key check (engine ~ '^[a-z0-9_-]+$'),
  host text not null,
  missing text[] not null default '{}',
  reported_at timestamptz not null default now()
);
alter table tenants.ai_engine_status enable row level security;
alter table tenants.ai_engine_status force row level security;
create policy catalogue_read on tenants.ai_engine_status for select using (true);

create function app.report_ai_engine(p_engine text, p_host text, p_missing text[]) returns void
  language sql volatile security definer set search_path = pg_catalog, tenants
  as $$
    insert into tenants.ai_engine_status (engine, host, missing, reported_at)
    values (p_engine, p_host, coalesce(p_missing, '{}'), now())
    on conflict (engine) do update set host = excluded.host, missing = excluded.missing, reported_at = excluded.reported_at
  $$;
