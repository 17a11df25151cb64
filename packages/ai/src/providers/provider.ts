// What every provider adapter speaks: one chat completion (streamed or not)
// in, text and token usage out, and a ProviderCallError that says what went
// wrong in terms the router acts on (fall through, wait, report a bad key).
// Adapters call the providers through their official client libraries; the
// base URL comes from the provider's catalogue row, so switching to a local
// server (tests, Ollama, vLLM) is configuration.
import type { OfflineBrief } from '../offline-model.ts';

export const PROVIDER_KINDS = ['anthropic', 'openai', 'mistral', 'openai_compatible', 'offline'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * The client's own facts, for the built-in offline model, which writes from
 * structured DNA rather than from prose. Built by prompt.ts from the same
 * merged DNA and brief as the text prompt.
 */
export interface OfflineGrounding {
  dna: object;
  brief: OfflineBrief;
  channel: string;
  locale: string;
  /** same seed, same text (idempotent regeneration) */
  seed: string;
}

export interface AiPrompt {
  system: string;
  messages: ChatMessage[];
  grounding?: OfflineGrounding;
}

export type StreamEvent =
  | { type: 'delta'; text: string }
  /** a model failed mid-stream and the router moved on: drop what was streamed so far */
  | { type: 'restart'; modelCode: string };

export interface CompletionRequest {
  /** the provider's own model name (tenants.ai_model.code) */
  model: string;
  prompt: AiPrompt;
  maxTokens: number;
  stream: boolean;
  onDelta?: (text: string) => void;
  signal: AbortSignal;
  /** the SDK's own timeout, a safety net behind the router's deadline */
  timeoutMs: number;
}

export interface CompletionResult {
  text: string;
  /** set by the offline model, which writes a title apart */
  title?: string;
  body?: string;
  inputTokens: number;
  outputTokens: number;
  /** true when the provider reported no usage and the counts are estimates */
  estimatedUsage: boolean;
  offline: boolean;
  finishReason: string | null;
}

export interface TranscriptionRequest {
  /** the provider's own model name (tenants.ai_model.code) */
  model: string;
  audio: Buffer;
  /** a name with the container's extension: the APIs tell the format by it */
  filename: string;
  mediaType: string;
  /** BCP 47 tag of the spoken language */
  locale: string;
  signal: AbortSignal;
  /** the SDK's own timeout, a safety net behind the router's deadline */
  timeoutMs: number;
}

export interface TranscriptionResult {
  text: string;
  /** BCP 47 tag of the transcript's language */
  language: string;
  /** length of the recording, when the engine reports it */
  durationSeconds: number | null;
  /** token usage, for models billed by token (0 when billed by duration) */
  inputTokens: number;
  outputTokens: number;
  /** the recognition engine (pocketsphinx for the offline one, else the model) */
  engine: string;
  offline: boolean;
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  complete(request: CompletionRequest): Promise<CompletionResult>;
  /** speech to text; absent for providers without it */
  transcribe?(request: TranscriptionRequest): Promise<TranscriptionResult>;
}

export interface ProviderConfig {
  kind: ProviderKind;
  code: string;
  name: string;
  baseUrl: string | null;
  apiKey: string | null;
}

export type ProviderErrorKind = 'bad_key' | 'rate_limited' | 'server_error' | 'timeout' | 'network' | 'bad_request' | 'bad_response';

/** A failed provider call, classified. `message` is safe to record: it never holds the key. */
export class ProviderCallError extends Error {
  override name = 'ProviderCallError';
  readonly kind: ProviderErrorKind;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  constructor(kind: ProviderErrorKind, message: string, options: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.status = options.status ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/** Milliseconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date), or null. */
export function retryAfterMs(headers: { get(name: string): string | null } | null | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Strips anything that looks like a credential from a provider's message before it is stored. */
export function scrub(message: string, apiKey: string | null): string {
  let out = message.replace(/\s+/g, ' ').trim();
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('***');
  out = out.replace(/\b(sk|key|pk|api)[-_][A-Za-z0-9_-]{8,}/gi, '***');
  return out.length > 300 ? `${out.slice(0, 297)}...` : out;
}

/** Maps an HTTP status from a provider to what the router does with it. */
export function errorForStatus(provider: ProviderConfig, status: number, detail: string, headers?: { get(name: string): string | null } | null, cause?: unknown): ProviderCallError {
  const what = `${provider.name} (${provider.code})`;
  const text = scrub(detail, provider.apiKey);
  if (status === 401 || status === 403) {
    return new ProviderCallError('bad_key', `${what} rejected the API key (HTTP ${status}${text ? `: ${text}` : ''}); set a valid key for this provider`, { status, cause });
  }
  if (status === 429) {
    const wait = retryAfterMs(headers);
    return new ProviderCallError('rate_limited', `${what} is rate limiting (HTTP 429${wait !== null ? `, retry after ${wait} ms` : ''})${text ? `: ${text}` : ''}`, { status, retryAfterMs: wait, cause });
  }
  if (status === 408) return new ProviderCallError('timeout', `${what} timed out (HTTP 408)`, { status, cause });
  if (status >= 500) return new ProviderCallError('server_error', `${what} failed (HTTP ${status})${text ? `: ${text}` : ''}`, { status, cause });
  return new ProviderCallError('bad_request', `${what} refused the request (HTTP ${status})${text ? `: ${text}` : ''}`, { status, cause });
}

/** Rough token count when a provider reports none: one token per four characters. */
export function estimateTokenCount(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function promptText(prompt: AiPrompt): string {
  return [prompt.system, ...prompt.messages.map((m) => m.content)].join('\n\n');
}

export interface RemoteAnswer {
  text: string;
  /** token counts as the provider reported them; null or undefined when it did not */
  inputTokens: number | null | undefined;
  outputTokens: number | null | undefined;
  finishReason: string | null | undefined;
  streamed: boolean;
}

/**
 * A remote model's answer as a result. No text is a bad response; a stream cut
 * short by the signal is a timeout (the clients end an aborted stream quietly,
 * so it would otherwise pass for a success); counts the provider did not
 * report are estimated, and the result says so.
 */
export function remoteAnswer(config: ProviderConfig, request: CompletionRequest, answer: RemoteAnswer): CompletionResult {
  const who = `${config.name} (${config.code})`;
  if (answer.streamed && request.signal.aborted) throw new ProviderCallError('timeout', `${who} stopped answering mid-stream`);
  if (!answer.text.trim()) throw new ProviderCallError('bad_response', `${who} ${answer.streamed ? 'streamed' : 'returned'} no text`);
  const { inputTokens, outputTokens } = answer;
  return {
    text: answer.text,
    inputTokens: inputTokens ?? estimateTokenCount(promptText(request.prompt)),
    outputTokens: outputTokens ?? estimateTokenCount(answer.text),
    estimatedUsage: inputTokens == null || outputTokens == null,
    offline: false,
    finishReason: answer.finishReason ?? null,
  };
}
