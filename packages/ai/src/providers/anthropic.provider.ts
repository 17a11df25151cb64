// Anthropic Messages API through the official `@anthropic-ai/sdk` client.
// The key is passed explicitly, so the client never falls back to the
// process's environment or to credential files of the machine.
import Anthropic from '@anthropic-ai/sdk';
import {
  ProviderCallError,
  errorForStatus,
  remoteAnswer,
  scrub,
  type CompletionRequest,
  type CompletionResult,
  type ProviderAdapter,
  type ProviderConfig,
} from './provider.ts';

export function createAnthropicProvider(config: ProviderConfig): ProviderAdapter {
  if (!config.baseUrl) throw new ProviderCallError('bad_request', `${config.name} (${config.code}) has no base URL`);
  if (!config.apiKey) throw new ProviderCallError('bad_key', `${config.name} (${config.code}) has no API key; set one for this provider`);
  const client = new Anthropic({ apiKey: config.apiKey, baseURL: config.baseUrl, maxRetries: 0 });

  function failure(error: unknown, signal: AbortSignal): ProviderCallError {
    if (error instanceof ProviderCallError) return error;
    if (signal.aborted || error instanceof Anthropic.APIConnectionTimeoutError) {
      return new ProviderCallError('timeout', `${config.name} (${config.code}) did not answer in time`, { cause: error });
    }
    if (error instanceof Anthropic.APIError && typeof error.status === 'number') {
      const body = error.error as { error?: { message?: unknown } } | undefined;
      const detail = typeof body?.error?.message === 'string' ? body.error.message : error.message;
      return errorForStatus(config, error.status, detail, error.headers, error);
    }
    if (error instanceof Anthropic.APIConnectionError) {
      return new ProviderCallError('network', `${config.name} (${config.code}) is unreachable: ${scrub(String((error.cause as Error | undefined)?.message ?? error.message), config.apiKey)}`, { cause: error });
    }
    return new ProviderCallError('bad_response', `${config.name} (${config.code}) answered something unexpected: ${scrub((error as Error).message ?? String(error), config.apiKey)}`, { cause: error });
  }

  return {
    kind: config.kind,
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      const params = {
        model: request.model,
        max_tokens: request.maxTokens,
        ...(request.prompt.system ? { system: request.prompt.system } : {}),
        messages: request.prompt.messages.map((m) => ({ role: m.role, content: m.content })),
      };
      const options = { signal: request.signal, timeout: request.timeoutMs, maxRetries: 0 };
      try {
        if (!request.stream) {
          const message = await client.messages.create({ ...params, stream: false }, options);
          const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
          return remoteAnswer(config, request, { text, inputTokens: message.usage?.input_tokens, outputTokens: message.usage?.output_tokens, finishReason: message.stop_reason, streamed: false });
        }
        const stream = await client.messages.create({ ...params, stream: true }, options);
        let text = '';
        let inputTokens: number | null = null;
        let outputTokens: number | null = null;
        let finishReason: string | null = null;
        for await (const event of stream) {
          if (event.type === 'message_start') {
            inputTokens = event.message.usage?.input_tokens ?? null;
            outputTokens = event.message.usage?.output_tokens ?? null;
          } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
            text += event.delta.text;
            request.onDelta?.(event.delta.text);
          } else if (event.type === 'message_delta') {
            // message_delta carries the running (final) output count.
            if (typeof event.usage?.output_tokens === 'number') outputTokens = event.usage.output_tokens;
            if (typeof event.usage?.input_tokens === 'number') inputTokens = event.usage.input_tokens;
            finishReason = event.delta.stop_reason ?? finishReason;
          }
        }
        return remoteAnswer(config, request, { text, inputTokens, outputTokens, finishReason, streamed: true });
      } catch (error) {
        throw failure(error, request.signal);
      }
    },
  };
}
