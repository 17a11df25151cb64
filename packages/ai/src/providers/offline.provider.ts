// The built-in offline model behind the same interface as the others. It
// writes from the client's structured DNA and brief (the prompt's grounding),
// deterministically, and says in every result that it is the offline model.
import { OFFLINE_MODEL_CODE, generateOffline } from '../offline-model.ts';
import { ProviderCallError, type CompletionRequest, type CompletionResult, type ProviderAdapter, type ProviderConfig } from './provider.ts';

export function createOfflineProvider(config: ProviderConfig): ProviderAdapter {
  return {
    kind: 'offline',
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      if (request.model !== OFFLINE_MODEL_CODE) {
        throw new ProviderCallError('bad_request', `${config.name} (${config.code}) has no text model "${request.model}"; it writes with ${OFFLINE_MODEL_CODE}`);
      }
      const grounding = request.prompt.grounding;
      if (!grounding) {
        throw new ProviderCallError('bad_request', `${config.name} (${config.code}) writes from a client's brand DNA and brief; this prompt carries none`);
      }
      if (request.signal.aborted) throw new ProviderCallError('timeout', `${config.name} (${config.code}) was cancelled`);
      const out = generateOffline(grounding);
      const text = `# ${out.title}\n\n${out.body}`;
      request.onDelta?.(text);
      return {
        text,
        title: out.title,
        body: out.body,
        inputTokens: out.meta.inputTokens,
        outputTokens: out.meta.outputTokens,
        estimatedUsage: true,
        offline: true,
        finishReason: 'stop',
      };
    },
  };
}
