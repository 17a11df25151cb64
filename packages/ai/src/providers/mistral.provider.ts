// Mistral chat completions and audio transcriptions (Voxtral) through the
// official `@mistralai/mistralai` client.
// The catalogue stores base URLs with their API version ("…/v1", as for
// OpenAI); this client adds "/v1/…" itself, so the suffix is dropped here.
import { Mistral } from '@mistralai/mistralai';
import { speechLanguage } from '@ensemble/ingest/speech';
import { ConnectionError, MistralError, RequestAbortedError, RequestTimeoutError } from '@mistralai/mistralai/models/errors';
import type { ContentChunk } from '@mistralai/mistralai/models/components';
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

export function mistralServerUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

function textOf(content: string | ContentChunk[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((chunk) => (chunk.type === 'text' ? chunk.text : '')).join('');
}

export function createMistralProvider(config: ProviderConfig): ProviderAdapter {
  if (!config.baseUrl) throw new ProviderCallError('bad_request', `${config.name} (${config.code}) has no base URL`);
  if (!config.apiKey) throw new ProviderCallError('bad_key', `${config.name} (${config.code}) has no API key; set one for this provider`);
  const client = new Mistral({ apiKey: config.apiKey, serverURL: mistralServerUrl(config.baseUrl), retryConfig: { strategy: 'none' } });

  function failure(error: unknown, signal: AbortSignal): ProviderCallError {
    if (error instanceof ProviderCallError) return error;
    if (signal.aborted || error instanceof RequestTimeoutError || error instanceof RequestAbortedError) {
      return new ProviderCallError('timeout', `${config.name} (${config.code}) did not answer in time`, { cause: error });
    }
    if (error instanceof MistralError && error.statusCode >= 400) {
      let detail = error.body;
      try {
        const parsed = JSON.parse(error.body) as { message?: unknown; detail?: unknown };
        if (typeof parsed.message === 'string') detail = parsed.message;
        else if (typeof parsed.detail === 'string') detail = parsed.detail;
      } catch {
        // not JSON: keep the body as it is
      }
      return errorForStatus(config, error.statusCode, detail, error.headers, error);
    }
    if (error instanceof ConnectionError) {
      return new ProviderCallError('network', `${config.name} (${config.code}) is unreachable: ${scrub(error.message, config.apiKey)}`, { cause: error });
    }
    return new ProviderCallError('bad_response', `${config.name} (${config.code}) answered something unexpected: ${scrub((error as Error).message ?? String(error), config.apiKey)}`, { cause: error });
  }

  return {
    kind: config.kind,
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const messages = [
        ...(request.prompt.system ? [{ role: 'system' as const, content: request.prompt.system }] : []),
        ...request.prompt.messages.map((m) => ({ role: m.role, content: m.content })),
      ];
      const options = { signal: request.signal, timeoutMs: request.timeoutMs, retries: { strategy: 'none' as const } };
      try {
        if (!request.stream) {
          const response = await client.chat.complete({ model: request.model, messages, maxTokens: request.maxTokens }, options);
          const choice = response.choices?.[0];
          const text = textOf(choice?.message?.content);
          return remoteAnswer(config, request, {
            text, inputTokens: response.usage?.promptTokens, outputTokens: response.usage?.completionTokens, finishReason: choice?.finishReason, streamed: false,
          });
        }
        const stream = await client.chat.stream({ model: request.model, messages, maxTokens: request.maxTokens }, options);
        let text = '';
        let finishReason: string | null = null;
        let usage: { promptTokens?: number | undefined; completionTokens?: number | undefined } | null = null;
        for await (const event of stream) {
          const choice = event.data.choices[0];
          const delta = textOf(choice?.delta?.content);
          if (delta) {
            text += delta;
            request.onDelta?.(delta);
          }
          if (choice?.finishReason) finishReason = choice.finishReason;
          if (event.data.usage) usage = event.data.usage;
        }
        return remoteAnswer(config, request, { text, inputTokens: usage?.promptTokens, outputTokens: usage?.completionTokens, finishReason, streamed: true });
      } catch (error) {
        throw failure(error, request.signal);
      }
    },

    async transcribe(request: TranscriptionRequest): Promise<TranscriptionResult> {
      const language = speechLanguage(request.locale);
      const options = { signal: request.signal, timeoutMs: request.timeoutMs, retries: { strategy: 'none' as const } };
      try {
        const response = await client.audio.transcriptions.complete({
          model: request.model,
          file: { fileName: request.filename, content: new Blob([new Uint8Array(request.audio)], { type: request.mediaType }) },
          language,
        }, options);
        if (typeof response?.text !== 'string') throw new ProviderCallError('bad_response', `${config.name} (${config.code}) returned no transcript`);
        return {
          text: response.text.trim(),
          language: response.language || language,
          durationSeconds: response.usage?.promptAudioSeconds ?? null,
          inputTokens: response.usage?.promptTokens ?? 0,
          outputTokens: response.usage?.completionTokens ?? 0,
          engine: request.model,
          offline: false,
        };
      } catch (error) {
        throw failure(error, request.signal);
      }
    },
  };
}
