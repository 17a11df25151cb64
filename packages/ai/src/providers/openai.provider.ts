// OpenAI chat completions and audio transcriptions through the official
// `openai` client, which also serves any OpenAI-compatible endpoint (Ollama,
// vLLM, LM Studio, a local whisper server…) through its baseURL. Retries are the router's job (it knows the fallback chain), so the
// client's own are off.
import OpenAI, { toFile } from 'openai';
import { speechLanguage } from '@ensemble/ingest/speech';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import {
  ProviderCallError,
  errorForStatus,
  remoteAnswer,
  scrub,
  type CompletionRequest,
  type CompletionResult,
  type ProviderAdapter,
  type ProviderConfig,
  type TranscriptionRequest,
  type TranscriptionResult,
} from './provider.ts';

export function createOpenAiProvider(config: ProviderConfig): ProviderAdapter {
  if (!config.baseUrl) throw new ProviderCallError('bad_request', `${config.name} (${config.code}) has no base URL`);
  const keyless = !config.apiKey;
  const client = new OpenAI({
    // A keyless server (Ollama, vLLM: an empty key was saved for it): the client
    // insists on a key, so it gets a stand-in that the null header below keeps
    // off the wire; no Authorization header is sent at all.
    apiKey: keyless ? 'keyless' : config.apiKey,
    ...(keyless ? { defaultHeaders: { Authorization: null } } : {}),
    baseURL: config.baseUrl,
    maxRetries: 0,
    organization: null,
    project: null,
  });
  const compatible = config.kind === 'openai_compatible';

  function failure(error: unknown, signal: AbortSignal): ProviderCallError {
    if (error instanceof ProviderCallError) return error;
    if (signal.aborted || error instanceof OpenAI.APIConnectionTimeoutError) {
      return new ProviderCallError('timeout', `${config.name} (${config.code}) did not answer in time`, { cause: error });
    }
    if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
      const body = error.error as { message?: unknown } | undefined;
      const detail = typeof body?.message === 'string' ? body.message : error.message;
      return errorForStatus(config, error.status, detail, error.headers, error);
    }
    if (error instanceof OpenAI.APIConnectionError) {
      return new ProviderCallError('network', `${config.name} (${config.code}) is unreachable: ${scrub(String((error.cause as Error | undefined)?.message ?? error.message), config.apiKey)}`, { cause: error });
    }
    return new ProviderCallError('bad_response', `${config.name} (${config.code}) answered something unexpected: ${scrub((error as Error).message ?? String(error), config.apiKey)}`, { cause: error });
  }

  return {
    kind: config.kind,
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const body: ChatCompletionCreateParamsBase = {
        model: request.model,
        messages: [
          ...(request.prompt.system ? [{ role: 'system' as const, content: request.prompt.system }] : []),
          ...request.prompt.messages.map((m) => ({ role: m.role, content: m.content })),
        ],
        // OpenAI renamed the field; compatible servers still read the old one.
        ...(compatible ? { max_tokens: request.maxTokens } : { max_completion_tokens: request.maxTokens }),
      };
      const options = { signal: request.signal, timeout: request.timeoutMs, maxRetries: 0 };
      try {
        if (!request.stream) {
          const completion = await client.chat.completions.create({ ...body, stream: false }, options);
          const choice = completion.choices[0];
          const text = choice?.message?.content ?? '';
          return remoteAnswer(config, request, {
            text, inputTokens: completion.usage?.prompt_tokens, outputTokens: completion.usage?.completion_tokens, finishReason: choice?.finish_reason, streamed: false,
          });
        }
        const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, options);
        let text = '';
        let finishReason: string | null = null;
        let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          const delta = choice?.delta?.content ?? '';
          if (delta) {
            text += delta;
            request.onDelta?.(delta);
          }
          if (choice?.finish_reason) finishReason = choice.finish_reason;
          if (chunk.usage) usage = chunk.usage;
        }
        return remoteAnswer(config, request, { text, inputTokens: usage?.prompt_tokens, outputTokens: usage?.completion_tokens, finishReason, streamed: true });
      } catch (error) {
        throw failure(error, request.signal);
      }
    },

    async transcribe(request: TranscriptionRequest): Promise<TranscriptionResult> {
      const language = speechLanguage(request.locale);
      try {
        // multipart/form-data: the file (named with its container's extension), the model, the language; a JSON answer.
        const result = await client.audio.transcriptions.create({
          model: request.model,
          file: await toFile(request.audio, request.filename, { type: request.mediaType }),
          language,
          response_format: 'json',
        }, { signal: request.signal, timeout: request.timeoutMs, maxRetries: 0 });
        if (typeof result?.text !== 'string') throw new ProviderCallError('bad_response', `${config.name} (${config.code}) returned no transcript`);
        // Token-billed models (gpt-4o-transcribe) report tokens; whisper-1 reports the recording's seconds.
        const usage = result.usage;
        return {
          text: result.text.trim(),
          language,
          durationSeconds: usage?.type === 'duration' ? usage.seconds : null,
          inputTokens: usage?.type === 'tokens' ? usage.input_tokens : 0,
          outputTokens: usage?.type === 'tokens' ? usage.output_tokens : 0,
          engine: request.model,
          offline: false,
        };
      } catch (error) {
        throw failure(error, request.signal);
      }
    },
  };
}
