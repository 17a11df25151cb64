// The built-in offline models behind the same interface as the others. The
// writer writes from the client's structured DNA and brief (the prompt's
// grounding), deterministically, and says in every result that it is the
// offline model. The transcriber is Debian's pocketsphinx (US English) via
// the ingest package.
import { isAppError } from '@ensemble/tenancy/errors';
import { transcribeOffline } from '@ensemble/ingest/speech';
import { OFFLINE_MODEL_CODE, generateOffline } from '../offline-model.ts';
import {
  ProviderCallError,
  type CompletionRequest,
  type CompletionResult,
  type ProviderAdapter,
  type ProviderConfig,
  type TranscriptionRequest,
  type TranscriptionResult,
} from './provider.ts';

export const OFFLINE_TRANSCRIBER_CODE = 'offline-transcriber';

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

    async transcribe(request: TranscriptionRequest): Promise<TranscriptionResult> {
      if (request.model !== OFFLINE_TRANSCRIBER_CODE) {
        throw new ProviderCallError('bad_request', `${config.name} (${config.code}) has no speech model "${request.model}"; it transcribes with ${OFFLINE_TRANSCRIBER_CODE}`);
      }
      try {
        const out = await transcribeOffline(request.audio, { locale: request.locale });
        return { text: out.text, language: out.language, durationSeconds: out.durationSeconds, inputTokens: 0, outputTokens: 0, engine: out.engine, offline: true };
      } catch (error) {
        // The recording's own faults (BAD_USER_INPUT) go back to the user as they are; a
        // server without the engine's tools is this model failing, which the router records and passes.
        if (isAppError(error) && error.code === 'INTERNAL_SERVER_ERROR') throw new ProviderCallError('server_error', error.message, { cause: error });
        throw error;
      }
    },
  };
}
