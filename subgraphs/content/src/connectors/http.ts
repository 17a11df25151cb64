// One HTTP call to a provider: bounded in time, answered as JSON, refusals
// turned into ProviderError with what a caller needs to decide (retry later,
// refresh the token, give up). Response bodies are kept short in errors:
// they end up in the publication log.
import { ProviderError } from './connector.ts';

export const PROVIDER_TIMEOUT_MS = 15_000;

export interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** JSON body (object) or form body (URLSearchParams) or raw string */
  body?: unknown;
  /** decides whether a refusal means "token no longer valid" (default: 401) */
  tokenRejected?: (status: number, body: unknown) => boolean;
  timeoutMs?: number;
}

function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (text ?? '').slice(0, 300);
}

/** The provider's own message when it gives one (Graph, LinkedIn, Google and Twilio each nest it differently). */
function providerMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const error = b['error'];
  if (error && typeof error === 'object' && typeof (error as Record<string, unknown>)['message'] === 'string') return (error as Record<string, string>)['message']!;
  if (typeof error === 'string') return typeof b['error_description'] === 'string' ? `${error}: ${b['error_description'] as string}` : error;
  if (typeof b['message'] === 'string') return b['message'];
  return null;
}

export async function callProvider<T = unknown>(call: HttpCall): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let body: string | undefined;
  if (call.body instanceof URLSearchParams) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = call.body.toString();
  } else if (typeof call.body === 'string') {
    body = call.body;
  } else if (call.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(call.body);
  }
  let response: Response;
  try {
    response = await fetch(call.url, { method: call.method, headers, body, signal: AbortSignal.timeout(call.timeoutMs ?? PROVIDER_TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    // Network failure or timeout: the call may or may not have reached the provider.
    throw new ProviderError(`${call.method} ${new URL(call.url).host} failed: ${(error as Error).message}`, { retryable: true, cause: error });
  }
  const text = await response.text();
  let parsed: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    const rejected = call.tokenRejected ? call.tokenRejected(response.status, parsed) : response.status === 401;
    const message = providerMessage(parsed) ?? excerpt(parsed);
    throw new ProviderError(`${new URL(call.url).host} answered ${response.status}${message ? `: ${message}` : ''}`, {
      status: response.status,
      retryable: response.status === 429 || response.status >= 500,
      tokenRejected: rejected,
    });
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** base + path, keeping a base that has its own path prefix (local fakes, proxies). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
