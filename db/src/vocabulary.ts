// Enumerations shared by several tables, mirroring the SQL check constraints
// (db/test/schema.spec.ts fails if an entity and its table disagree).

/** C1: the channels content is generated for and published to. */
export const CHANNELS = ['blog', 'landing_page', 'linkedin', 'facebook', 'instagram', 'x', 'google_business', 'newsletter', 'email', 'sms'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

/** T11: the tasks AI calls are routed by. */
export const AI_TASKS = ['orchestration', 'generation', 'speech_to_text', 'image', 'batch', 'embeddings', 'moderation'] as const;
export type AiTask = (typeof AI_TASKS)[number];

/** W1: the seven steps of a monthly pipeline, in order. */
export const PIPELINE_STEPS = ['session', 'ingestion', 'dna_merge', 'planning', 'generation', 'publication', 'analytics'] as const;
export type PipelineStepName = (typeof PIPELINE_STEPS)[number];

/** Locales the product ships with (T9); the column accepts any xx or xx-YY tag. */
export const LOCALES = ['en', 'fr'] as const;
export const LOCALE_PATTERN = /^[a-z]{2}(-[A-Z]{2})?$/;
