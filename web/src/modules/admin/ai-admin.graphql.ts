import { gql } from '@apollo/client';
import type { TypedDocumentNode } from '@apollo/client';

export const AI_TASKS = ['GENERATION', 'ORCHESTRATION', 'BATCH', 'SPEECH_TO_TEXT', 'IMAGE', 'EMBEDDINGS', 'MODERATION'] as const;
export type AiTask = (typeof AI_TASKS)[number];
export type AiProviderKind = 'ANTHROPIC' | 'OPENAI' | 'MISTRAL' | 'OPENAI_COMPATIBLE' | 'OFFLINE';
export type AiModelTier = 'PREMIUM' | 'STANDARD';
export type AiCallOutcome = 'OK' | 'ERROR' | 'TIMEOUT' | 'REFUSED' | 'FALLBACK';
export type AiUsageGroup = 'TENANT' | 'MODEL';

export interface AiProviderLastCall {
  at: string;
  outcome: AiCallOutcome;
  errorKind: string | null;
  error: string | null;
}

export interface AiProvider {
  id: string;
  code: string;
  kind: AiProviderKind;
  name: string;
  baseUrl: string | null;
  active: boolean;
  hasKey: boolean;
  /** runs without a key (an OpenAI-compatible server that takes none) */
  keyless: boolean;
  keyLast4: string | null;
  keySetAt: string | null;
  lastCall: AiProviderLastCall | null;
}

export interface AiModel {
  id: string;
  code: string;
  name: string;
  tier: AiModelTier;
  active: boolean;
  inputPrice: number;
  outputPrice: number;
  currency: string;
  contextTokens: number;
  capabilities: string[];
  provider: { id: string; name: string; kind: AiProviderKind; active: boolean; hasKey: boolean };
}

export interface AiRoute {
  task: AiTask;
  models: Array<{ id: string }>;
}

export interface AiUsageRow {
  key: string;
  label: string;
  currency: string;
  calls: number;
  failures: number;
  fallbacks: number;
  badKeys: number;
  inputTokens: number;
  outputTokens: number;
  costMinor: number;
  credits: number;
  averageLatencyMs: number;
}

export interface AiCallFailure {
  id: string;
  at: string;
  tenantName: string;
  model: string;
  providerCode: string;
  outcome: AiCallOutcome;
  error: string;
}

export interface AvailableModel {
  id: string;
  name: string;
  tier: AiModelTier;
  chosen: boolean;
}

const PROVIDER_FIELDS = 'id code kind name baseUrl active hasKey keyless keyLast4 keySetAt lastCall { at outcome errorKind error }';
const MODEL_FIELDS = 'id code name tier active inputPrice outputPrice currency contextTokens capabilities provider { id name kind active hasKey }';

export const AI_PROVIDERS_QUERY: TypedDocumentNode<{ aiProviders: AiProvider[] }, Record<string, never>> = gql`
  query AiProviders { aiProviders { ${PROVIDER_FIELDS} } }
`;

export const SET_PROVIDER_KEY_MUTATION: TypedDocumentNode<{ setProviderKey: AiProvider }, { providerId: string; key: string }> = gql`
  mutation SetProviderKey($providerId: ID!, $key: String!) { setProviderKey(providerId: $providerId, key: $key) { ${PROVIDER_FIELDS} } }
`;

export const CLEAR_PROVIDER_KEY_MUTATION: TypedDocumentNode<{ clearProviderKey: AiProvider }, { providerId: string }> = gql`
  mutation ClearProviderKey($providerId: ID!) { clearProviderKey(providerId: $providerId) { ${PROVIDER_FIELDS} } }
`;

export const UPDATE_PROVIDER_MUTATION: TypedDocumentNode<
  { updateProvider: AiProvider },
  { id: string; input: { name?: string; baseUrl?: string; active?: boolean } }
> = gql`
  mutation UpdateAiProvider($id: ID!, $input: UpdateAiProviderInput!) { updateProvider(id: $id, input: $input) { ${PROVIDER_FIELDS} } }
`;

export const AI_MODELS_QUERY: TypedDocumentNode<{ aiModels: AiModel[] }, Record<string, never>> = gql`
  query AiModels { aiModels { ${MODEL_FIELDS} } }
`;

export const UPDATE_MODEL_MUTATION: TypedDocumentNode<
  { updateModel: AiModel },
  { id: string; input: { active?: boolean; tier?: AiModelTier; inputPrice?: number; outputPrice?: number } }
> = gql`
  mutation UpdateAiModel($id: ID!, $input: UpdateAiModelInput!) { updateModel(id: $id, input: $input) { ${MODEL_FIELDS} } }
`;

export const AI_ROUTES_QUERY: TypedDocumentNode<{ aiRoutes: AiRoute[]; aiModels: AiModel[] }, Record<string, never>> = gql`
  query AiRoutes { aiRoutes { task models { id } } aiModels { ${MODEL_FIELDS} } }
`;

export const SET_ROUTE_MUTATION: TypedDocumentNode<{ setRoute: AiRoute }, { task: AiTask; modelIds: string[] }> = gql`
  mutation SetAiRoute($task: AiTask!, $modelIds: [ID!]!) { setRoute(task: $task, modelIds: $modelIds) { task models { id } } }
`;

export const AI_USAGE_QUERY: TypedDocumentNode<
  { byTenant: { rows: AiUsageRow[]; recentFailures: AiCallFailure[] }; byModel: { rows: AiUsageRow[] } },
  { from: string; to: string }
> = gql`
  query AiUsage($from: DateTime!, $to: DateTime!) {
    byTenant: aiUsage(from: $from, to: $to, groupBy: TENANT) {
      rows { key label currency calls failures fallbacks badKeys inputTokens outputTokens costMinor credits averageLatencyMs }
      recentFailures { id at tenantName model providerCode outcome error }
    }
    byModel: aiUsage(from: $from, to: $to, groupBy: MODEL) {
      rows { key label currency calls failures fallbacks badKeys inputTokens outputTokens costMinor credits averageLatencyMs }
    }
  }
`;

export const AVAILABLE_MODELS_QUERY: TypedDocumentNode<{ availableModels: AvailableModel[] }, { task: AiTask }> = gql`
  query AvailableModels($task: AiTask!) { availableModels(task: $task) { id name tier chosen } }
`;

export const CHOOSE_MODEL_MUTATION: TypedDocumentNode<{ chooseModel: AvailableModel[] }, { task: AiTask; modelId: string | null }> = gql`
  mutation ChooseModel($task: AiTask!, $modelId: ID) { chooseModel(task: $task, modelId: $modelId) { id name tier chosen } }
`;
