import { defineEntity, p } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { AI_TASKS } from '../vocabulary.ts';

/**
 * T10/T11: AI catalogue. Providers, models and routes hold no secret: every
 * signed-in tenant may read them (the API hides technical settings from
 * clients); only the platform writes. Provider API keys live apart, in
 * ai_provider_secret, readable by the platform scope only.
 */
export const AiProvider = defineEntity({
  name: 'AiProvider',
  tableName: 'tenants.ai_provider',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    code: p.text(),
    kind: p.enum(['anthropic', 'openai', 'mistral', 'openai_compatible', 'offline'] as const),
    name: p.text(),
    baseUrl: p.text().nullable(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AiProviderRow = InstanceType<typeof AiProvider.class>;

/**
 * T12: a provider API key, encrypted (AES-GCM, key_id names the master key); platform scope only,
 * never returned by the API.
 */
export const AiProviderSecret = defineEntity({
  name: 'AiProviderSecret',
  tableName: 'tenants.ai_provider_secret',
  properties: {
    providerId: p.uuid().primary(),
    encryptedKey: p.blob().hidden(),
    keyId: p.text(),
    last4: p.text().default(''),
    /** an OpenAI-compatible server that takes no key: the sealed key is empty on purpose */
    keyless: p.boolean().default(false),
    rotatedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AiProviderSecretRow = InstanceType<typeof AiProviderSecret.class>;

/**
 * T10: a model with tier, active flag, prices per million input/output tokens, context size and
 * capabilities. Catalogue: readable by all, written by the platform.
 */
export const AiModel = defineEntity({
  name: 'AiModel',
  tableName: 'tenants.ai_model',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    providerId: p.uuid(),
    code: p.text(),
    name: p.text(),
    tier: p.enum(['premium', 'standard'] as const),
    active: p.boolean().default(true),
    inputPricePerMtokMinor: p.bigint('number'),
    outputPricePerMtokMinor: p.bigint('number'),
    currency: p.character().length(3).default('USD'),
    contextTokens: p.integer(),
    capabilities: p.array().columnType('text[]').onCreate(() => []),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AiModelRow = InstanceType<typeof AiModel.class>;

/** T11: per task an ordered fallback chain (position 1 first). */
export const AiRoute = defineEntity({
  name: 'AiRoute',
  tableName: 'tenants.ai_route',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    task: p.enum(AI_TASKS),
    position: p.integer(),
    modelId: p.uuid(),
    active: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AiRouteRow = InstanceType<typeof AiRoute.class>;

/** T10: a client's pick of model per task (within its plan's models). */
export const AiModelChoice = defineEntity({
  name: 'AiModelChoice',
  tableName: 'tenants.ai_model_choice',
  properties: {
    tenantId: p.uuid().primary(),
    task: p.enum(AI_TASKS).primary(),
    modelId: p.uuid(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type AiModelChoiceRow = InstanceType<typeof AiModelChoice.class>;

/** T8: what a built-in offline engine misses where AI work runs, as the worker last reported it. */
export const AiEngineStatus = defineEntity({
  name: 'AiEngineStatus',
  tableName: 'tenants.ai_engine_status',
  properties: {
    engine: p.text().primary(),
    host: p.text(),
    missing: p.array().columnType('text[]').onCreate(() => []),
    reportedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AiEngineStatusRow = InstanceType<typeof AiEngineStatus.class>;

/** T11: every AI call: tenant, task, model, tokens (or audio seconds), cost, latency, outcome. */
export const AiCall = defineEntity({
  name: 'AiCall',
  tableName: 'tenants.ai_call',
  properties: {
    id: p.uuid().primary().onCreate(() => uuidv7()),
    tenantId: p.uuid(),
    task: p.enum(AI_TASKS),
    modelId: p.uuid().nullable(),
    providerCode: p.text(),
    inputTokens: p.integer().default(0),
    outputTokens: p.integer().default(0),
    /** speech to text: seconds of audio transcribed */
    audioSeconds: p.decimal('number').nullable(),
    costMinor: p.bigint('number').default(0),
    costCurrency: p.character().length(3).default('USD'),
    credits: p.bigint('number').default(0),
    latencyMs: p.integer().default(0),
    outcome: p.enum(['ok', 'error', 'timeout', 'refused', 'fallback'] as const),
    fallbackFrom: p.uuid().nullable(),
    reservationId: p.uuid().nullable(),
    contentItemId: p.uuid().nullable(),
    batch: p.boolean().default(false),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type AiCallRow = InstanceType<typeof AiCall.class>;
