// One adapter per provider kind (tenants.ai_provider.kind).
import { createAnthropicProvider } from './anthropic.provider.ts';
import { createMistralProvider } from './mistral.provider.ts';
import { createOfflineProvider } from './offline.provider.ts';
import { createOpenAiProvider } from './openai.provider.ts';
import type { ProviderAdapter, ProviderConfig } from './provider.ts';

export function createProvider(config: ProviderConfig): ProviderAdapter {
  switch (config.kind) {
    case 'anthropic':
      return createAnthropicProvider(config);
    case 'openai':
    case 'openai_compatible':
      return createOpenAiProvider(config);
    case 'mistral':
      return createMistralProvider(config);
    case 'offline':
      return createOfflineProvider(config);
  }
}
