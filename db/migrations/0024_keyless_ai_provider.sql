-- Keyless OpenAI-compatible servers (Ollama, vLLM): the super admin saves an
-- empty key for such a provider (openai_compatible only, which always has a
-- base URL: the service checks the kind), and the row records that choice. The provider then counts as
-- configured like any keyed one, and its calls carry no Authorization header;
-- the ciphertext seals the empty string, so nothing else reads differently.
alter table tenants.ai_provider_secret add column keyless boolean not null default false;
