// OpenAI chat completions through the official `openai` client, which also
// serves any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio…) through its
// baseURL. Retries are the router's job (it knows the fallback chain), so the
// client's own are off.
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import {
  ProviderCallError,
  errorForStatus,
  estimateTokenCount,
  promptText,
  scrub,
  type CompletionRequest,
  type CompletionResult,
  type ProviderAdapter,
  type ProviderConfig,
} from './provider.ts';

export function createOpenAiProvider(config: ProviderConfig): ProviderAdapter {
  if (!config.baseUrl) throw new ProviderCallError('bad_request', `${config.name} (${config.code}) has no base URL`);
  const client = new OpenAI({
    // Local OpenAI-compatible servers often take no key; the client insists on a string.
    apiKey: config.apiKey ?? 'none',
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
          if (!text.trim()) throw new ProviderCallError('bad_response', `${config.name} (${config.code}) returned no text`);
          const usage = completion.usage;
          return {
            text,
            inputTokens: usage?.prompt_tokens ?? estimateTokenCount(promptText(request.prompt)),
            outputTokens: usage?.completion_tokens ?? estimateTokenCount(text),
            estimatedUsage: !usage,
            offline: false,
            finishReason: choice?.finish_reason ?? null,
          };
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
        // The clients end an aborted stream quietly: a cut-off answer is a timeout, not a success.
        if (request.signal.aborted) throw new ProviderCallError('timeout', `${config.name} (${config.code}) stopped answering mid-stream`);
        if (!text.trim()) throw new ProviderCallError('bad_response', `${config.name} (${config.code}) streamed no text`);
        return {
          text,
          inputTokens: usage?.prompt_tokens ?? estimateTokenCount(promptText(request.prompt)),
          outputTokens: usage?.completion_tokens ?? estimateTokenCount(text),
          estimatedUsage: !usage,
          offline: false,
          finishReason,
        };
      } catch (error) {
        throw failure(error, request.signal);
      }
    },
  };
}
