// Platform catalogue rows of the demo: plans (T2), the AI model catalogue and
// routes (T10/T11), connectors (T12), credit rates and top-up packs (B2).
// Prices are minor units; model prices are USD cents per million tokens.

export const PLAN_CODES = ['starter', 'growth', 'scale', 'atlas-pro', 'riad-saison'] as const;
export type PlanCode = (typeof PLAN_CODES)[number];

export interface PlanSeed {
  code: PlanCode;
  name: string;
  description: string;
  texts: Record<'en' | 'fr', { name: string; description: string }>;
  monthlyCredits: number;
  limits: Record<string, number>;
  features: Record<string, boolean>;
  trialDays: number;
  position: number;
  /** per currency, monthly price in minor units; yearly = 10 months */
  monthly: Record<'EUR' | 'MAD' | 'USD', number>;
  /** 'standard' plans pick standard-tier models only */
  modelTiers: Array<'premium' | 'standard'>;
}

const NONE = {
  night_batch: false, image_generation: false, video_generation: false, ab_testing: false,
  multi_touch_attribution: false, conversion_forwarding: false, crm_sync: false, premium_models: false,
  market_watch: false, lead_scoring: false, forecasting: false, email_sequences: false,
};

export const PLANS: PlanSeed[] = [
  {
    code: 'starter', name: 'Starter', description: 'For a single business getting started with AI marketing.',
    texts: {
      en: { name: 'Starter', description: 'For a single business getting started with AI marketing.' },
      fr: { name: 'Essentiel', description: 'Pour une entreprise qui démarre son marketing avec l’IA.' },
    },
    monthlyCredits: 500,
    limits: { channels: 3, posts_per_month: 20, seats: 2, regenerations_per_item: 3, competitors: 2, contacts: 1000 },
    features: { ...NONE },
    trialDays: 14, position: 1,
    monthly: { EUR: 2900, MAD: 31900, USD: 3200 },
    modelTiers: ['standard'],
  },
  {
    code: 'growth', name: 'Growth', description: 'More channels, the night batch, images and conversion forwarding.',
    texts: {
      en: { name: 'Growth', description: 'More channels, the night batch, images and conversion forwarding.' },
      fr: { name: 'Croissance', description: 'Plus de canaux, le lot de nuit, les images et le transfert des conversions.' },
    },
    monthlyCredits: 2000,
    limits: { channels: 6, posts_per_month: 60, seats: 5, regenerations_per_item: 5, competitors: 5, contacts: 10000 },
    features: { ...NONE, night_batch: true, image_generation: true, conversion_forwarding: true, crm_sync: true, premium_models: true, email_sequences: true, multi_touch_attribution: true },
    trialDays: 14, position: 2,
    monthly: { EUR: 7900, MAD: 86900, USD: 8900 },
    modelTiers: ['standard', 'premium'],
  },
  {
    code: 'scale', name: 'Scale', description: 'Every channel and feature, video, A/B tests and forecasting.',
    texts: {
      en: { name: 'Scale', description: 'Every channel and feature, video, A/B tests and forecasting.' },
      fr: { name: 'Expansion', description: 'Tous les canaux et fonctions, vidéo, tests A/B et prévisions.' },
    },
    monthlyCredits: 6000,
    limits: { channels: 10, posts_per_month: 200, seats: 15, regenerations_per_item: 10, competitors: 15, contacts: 100000 },
    features: Object.fromEntries(Object.keys(NONE).map((k) => [k, true])),
    trialDays: 0, position: 3,
    monthly: { EUR: 19900, MAD: 219000, USD: 21900 },
    modelTiers: ['standard', 'premium'],
  },
  {
    code: 'atlas-pro', name: 'Atlas Pro', description: 'Atlas Agency’s managed plan: Growth plus market watch and lead scoring.',
    texts: {
      en: { name: 'Atlas Pro', description: 'Atlas Agency’s managed plan: Growth plus market watch and lead scoring.' },
      fr: { name: 'Atlas Pro', description: 'L’offre accompagnée d’Atlas Agency : Croissance, veille marché et scoring des leads.' },
    },
    monthlyCredits: 3500,
    limits: { channels: 8, posts_per_month: 100, seats: 8, regenerations_per_item: 6, competitors: 8, contacts: 25000 },
    features: { ...NONE, night_batch: true, image_generation: true, conversion_forwarding: true, crm_sync: true, premium_models: true, email_sequences: true, multi_touch_attribution: true, market_watch: true, lead_scoring: true },
    trialDays: 0, position: 4,
    monthly: { EUR: 11900, MAD: 129000, USD: 12900 },
    modelTiers: ['standard', 'premium'],
  },
  {
    code: 'riad-saison', name: 'Riad Dar Yasmine — Saison', description: 'A plan negotiated for Riad Dar Yasmine: high-season cadence, landing pages and A/B tests.',
    texts: {
      en: { name: 'Riad Dar Yasmine — Season', description: 'Negotiated plan: high-season cadence, landing pages and A/B tests.' },
      fr: { name: 'Riad Dar Yasmine — Saison', description: 'Offre négociée : rythme de haute saison, pages d’atterrissage et tests A/B.' },
    },
    monthlyCredits: 2500,
    limits: { channels: 6, posts_per_month: 80, seats: 4, regenerations_per_item: 5, competitors: 5, contacts: 15000 },
    features: { ...NONE, night_batch: true, image_generation: true, ab_testing: true, email_sequences: true, conversion_forwarding: true },
    trialDays: 0, position: 5,
    monthly: { EUR: 13900, MAD: 149000, USD: 14900 },
    modelTiers: ['standard', 'premium'],
  },
];

export interface ProviderSeed { code: string; kind: 'anthropic' | 'openai' | 'mistral' | 'openai_compatible' | 'offline'; name: string; baseUrl: string | null }

export const PROVIDERS: ProviderSeed[] = [
  { code: 'anthropic', kind: 'anthropic', name: 'Anthropic', baseUrl: 'https://api.anthropic.com' },
  { code: 'openai', kind: 'openai', name: 'OpenAI', baseUrl: 'https://api.openai.com/v1' },
  { code: 'mistral', kind: 'mistral', name: 'Mistral AI', baseUrl: 'https://api.mistral.ai/v1' },
  { code: 'ollama', kind: 'openai_compatible', name: 'Ollama (local)', baseUrl: 'http://127.0.0.1:11434/v1' },
  { code: 'offline', kind: 'offline', name: 'Ensemble offline models (built in)', baseUrl: null },
];

export interface ModelSeed {
  code: string; provider: string; name: string; tier: 'premium' | 'standard';
  input: number; output: number; context: number; capabilities: string[];
}

export const MODELS: ModelSeed[] = [
  { code: 'claude-sonnet-4-5', provider: 'anthropic', name: 'Claude Sonnet 4.5', tier: 'premium', input: 300, output: 1500, context: 200000, capabilities: ['text', 'vision', 'tools', 'batch'] },
  { code: 'claude-haiku-4-5', provider: 'anthropic', name: 'Claude Haiku 4.5', tier: 'standard', input: 100, output: 500, context: 200000, capabilities: ['text', 'vision', 'tools', 'batch'] },
  { code: 'gpt-4.1', provider: 'openai', name: 'GPT-4.1', tier: 'premium', input: 200, output: 800, context: 1047576, capabilities: ['text', 'vision', 'tools', 'batch'] },
  { code: 'gpt-4.1-mini', provider: 'openai', name: 'GPT-4.1 mini', tier: 'standard', input: 40, output: 160, context: 1047576, capabilities: ['text', 'vision', 'tools', 'batch'] },
  { code: 'whisper-1', provider: 'openai', name: 'Whisper', tier: 'standard', input: 0, output: 0, context: 1500, capabilities: ['speech_to_text'] },
  { code: 'gpt-image-1', provider: 'openai', name: 'GPT Image 1', tier: 'premium', input: 500, output: 4000, context: 32000, capabilities: ['image'] },
  { code: 'text-embedding-3-small', provider: 'openai', name: 'Text embedding 3 small', tier: 'standard', input: 2, output: 0, context: 8191, capabilities: ['embeddings'] },
  { code: 'omni-moderation-latest', provider: 'openai', name: 'Omni moderation', tier: 'standard', input: 0, output: 0, context: 32768, capabilities: ['moderation'] },
  { code: 'mistral-large-latest', provider: 'mistral', name: 'Mistral Large', tier: 'premium', input: 200, output: 600, context: 131072, capabilities: ['text', 'tools'] },
  { code: 'mistral-small-latest', provider: 'mistral', name: 'Mistral Small', tier: 'standard', input: 10, output: 30, context: 131072, capabilities: ['text', 'tools', 'batch'] },
  { code: 'mistral-embed', provider: 'mistral', name: 'Mistral Embed', tier: 'standard', input: 10, output: 0, context: 8192, capabilities: ['embeddings'] },
  { code: 'llama3.1:8b', provider: 'ollama', name: 'Llama 3.1 8B (Ollama)', tier: 'standard', input: 0, output: 0, context: 131072, capabilities: ['text'] },
  { code: 'offline-writer', provider: 'offline', name: 'Offline writer', tier: 'standard', input: 0, output: 0, context: 32768, capabilities: ['text', 'batch'] },
  { code: 'offline-transcriber', provider: 'offline', name: 'Offline transcriber', tier: 'standard', input: 0, output: 0, context: 32768, capabilities: ['speech_to_text'] },
  { code: 'offline-illustrator', provider: 'offline', name: 'Offline illustrator', tier: 'standard', input: 0, output: 0, context: 4096, capabilities: ['image'] },
  { code: 'offline-embedder', provider: 'offline', name: 'Offline embedder', tier: 'standard', input: 0, output: 0, context: 8192, capabilities: ['embeddings'] },
  { code: 'offline-moderator', provider: 'offline', name: 'Offline moderator', tier: 'standard', input: 0, output: 0, context: 32768, capabilities: ['moderation'] },
];

/** T11: fallback chains, first choice first; each ends with a built-in offline model. */
export const ROUTES: Record<'orchestration' | 'generation' | 'speech_to_text' | 'image' | 'batch' | 'embeddings' | 'moderation', string[]> = {
  orchestration: ['claude-sonnet-4-5', 'gpt-4.1', 'mistral-large-latest', 'offline-writer'],
  generation: ['claude-sonnet-4-5', 'gpt-4.1', 'mistral-large-latest', 'llama3.1:8b', 'offline-writer'],
  batch: ['claude-haiku-4-5', 'gpt-4.1-mini', 'mistral-small-latest', 'offline-writer'],
  speech_to_text: ['whisper-1', 'offline-transcriber'],
  image: ['gpt-image-1', 'offline-illustrator'],
  embeddings: ['text-embedding-3-small', 'mistral-embed', 'offline-embedder'],
  moderation: ['omni-moderation-latest', 'offline-moderator'],
};

export const CONNECTORS: Array<{ code: string; kind: string; name: string; auth: string; scopes?: string[]; authorize?: string; token?: string }> = [
  { code: 'smtp', kind: 'email', name: 'SMTP', auth: 'smtp' },
  { code: 'twilio', kind: 'sms', name: 'Twilio SMS', auth: 'basic' },
  { code: 'stripe', kind: 'payments', name: 'Stripe', auth: 'api_key' },
  { code: 'ga4', kind: 'analytics', name: 'Google Analytics 4 (Measurement Protocol)', auth: 'api_key' },
  { code: 'meta_capi', kind: 'ads', name: 'Meta Conversions API', auth: 'api_key' },
  { code: 'google_ads', kind: 'ads', name: 'Google Ads (Data Manager API)', auth: 'oauth2', scopes: ['https://www.googleapis.com/auth/datamanager'], authorize: 'https://accounts.google.com/o/oauth2/v2/auth', token: 'https://oauth2.googleapis.com/token' },
  { code: 'hubspot', kind: 'crm', name: 'HubSpot', auth: 'oauth2', scopes: ['crm.objects.contacts.write'], authorize: 'https://app.hubspot.com/oauth/authorize', token: 'https://api.hubapi.com/oauth/v1/token' },
  { code: 'salesforce', kind: 'crm', name: 'Salesforce', auth: 'oauth2', scopes: ['api', 'refresh_token'], authorize: 'https://login.salesforce.com/services/oauth2/authorize', token: 'https://login.salesforce.com/services/oauth2/token' },
  { code: 'pipedrive', kind: 'crm', name: 'Pipedrive', auth: 'oauth2', scopes: ['contacts:full'], authorize: 'https://oauth.pipedrive.com/oauth/authorize', token: 'https://oauth.pipedrive.com/oauth/token' },
  { code: 'linkedin', kind: 'publishing', name: 'LinkedIn', auth: 'oauth2', scopes: ['w_member_social', 'w_organization_social'], authorize: 'https://www.linkedin.com/oauth/v2/authorization', token: 'https://www.linkedin.com/oauth/v2/accessToken' },
  { code: 'meta_pages', kind: 'publishing', name: 'Facebook & Instagram', auth: 'oauth2', scopes: ['pages_manage_posts', 'instagram_content_publish'], authorize: 'https://www.facebook.com/v19.0/dialog/oauth', token: 'https://graph.facebook.com/v19.0/oauth/access_token' },
  { code: 'x', kind: 'publishing', name: 'X', auth: 'oauth2', scopes: ['tweet.write', 'offline.access'], authorize: 'https://x.com/i/oauth2/authorize', token: 'https://api.x.com/2/oauth2/token' },
  { code: 'google_business', kind: 'publishing', name: 'Google Business Profile', auth: 'oauth2', scopes: ['https://www.googleapis.com/auth/business.manage'], authorize: 'https://accounts.google.com/o/oauth2/v2/auth', token: 'https://oauth2.googleapis.com/token' },
  { code: 'wordpress', kind: 'publishing', name: 'WordPress (application password)', auth: 'basic' },
  { code: 's3', kind: 'storage', name: 'S3-compatible storage', auth: 'api_key' },
];

/** B2: credits per unit; the night batch runs at −50 %. */
export const CREDIT_RATES: Array<{ task: string; tier: 'premium' | 'standard'; unit: string; credits: number }> = [
  ...(['orchestration', 'generation', 'batch'] as const).flatMap((task) => [
    { task, tier: 'premium' as const, unit: 'mtok_input', credits: 300 },
    { task, tier: 'premium' as const, unit: 'mtok_output', credits: 1500 },
    { task, tier: 'standard' as const, unit: 'mtok_input', credits: 60 },
    { task, tier: 'standard' as const, unit: 'mtok_output', credits: 300 },
  ]),
  { task: 'image', tier: 'premium', unit: 'image', credits: 8 },
  { task: 'image', tier: 'standard', unit: 'image', credits: 2 },
  { task: 'speech_to_text', tier: 'standard', unit: 'audio_minute', credits: 1 },
  { task: 'embeddings', tier: 'standard', unit: 'mtok_input', credits: 5 },
  { task: 'moderation', tier: 'standard', unit: 'call', credits: 0 },
];

export const TOPUP_PACKS: Array<{ code: string; credits: number; prices: Record<'EUR' | 'MAD' | 'USD', number> }> = [
  { code: 'topup-500', credits: 500, prices: { EUR: 1500, MAD: 16500, USD: 1700 } },
  { code: 'topup-2000', credits: 2000, prices: { EUR: 4900, MAD: 53900, USD: 5500 } },
];
