-- T11/T12: the AI router runs inside a client's transaction (or a workflow
-- entered as the client), where the platform-only ai_provider_secret is
-- invisible. These two narrow lookups give it what it needs and nothing else:
-- which providers have a key, and one provider's key as stored — envelope
-- ciphertext, which opens only with the master key held in the services'
-- environment, never in the database. last4 and rotation dates stay
-- platform-only.
create function app.ai_providers_with_key() returns setof uuid
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$ select s.provider_id from tenants.ai_provider_secret s $$;

create function app.ai_provider_secret(p_provider uuid)
  returns table (encrypted_key bytea, key_id text)
  language sql stable security definer set search_path = pg_catalog, tenants
  as $$ select s.encrypted_key, s.key_id from tenants.ai_provider_secret s where s.provider_id = p_provider $$;

-- The super admin's usage view reads every tenant's calls of a period.
create index ai_call_time_idx on tenants.ai_call (created_at);
