// Turns whatever Apollo, fetch or graphql-ws hand back into stable error codes,
// so screens can show a human sentence instead of a transport detail.
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

export type KnownErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'INSUFFICIENT_CREDITS'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'NETWORK'
  | 'UNKNOWN';

const KNOWN = new Set<string>(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'INSUFFICIENT_CREDITS', 'RATE_LIMITED']);
/** The gateway's words for "a service behind me did not answer". */
const UNAVAILABLE = new Set<string>(['SUBGRAPH_TIMEOUT', 'SUBGRAPH_UNAVAILABLE', 'BAD_GATEWAY', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT']);

export interface DescribedError {
  code: KnownErrorCode;
  /** The server's own message, kept only where it is meant for people (bad input, conflicts). */
  detail: string | null;
  /** The input field a BAD_USER_INPUT names, when it names one. */
  field?: string;
}

interface RawGraphQLError {
  message?: unknown;
  extensions?: { code?: unknown; field?: unknown } | null;
}

function fromList(errors: readonly RawGraphQLError[]): DescribedError | null {
  for (const error of errors) {
    const code = typeof error.extensions?.code === 'string' ? error.extensions.code : '';
    if (UNAVAILABLE.has(code)) return { code: 'UNAVAILABLE', detail: null };
    if (KNOWN.has(code)) {
      const message = typeof error.message === 'string' ? error.message : null;
      const detail = code === 'BAD_USER_INPUT' || code === 'CONFLICT' ? message : null;
      const field = typeof error.extensions?.field === 'string' ? error.extensions.field : undefined;
      return field ? { code: code as KnownErrorCode, detail, field } : { code: code as KnownErrorCode, detail };
    }
  }
  return errors.length > 0 ? { code: 'UNKNOWN', detail: null } : null;
}

function isCloseEvent(error: unknown): error is { code: number; reason: string } {
  return typeof error === 'object' && error !== null && 'code' in error && typeof (error as { code: unknown }).code === 'number' && 'reason' in error;
}

export function describeError(error: unknown): DescribedError {
  if (CombinedGraphQLErrors.is(error)) return fromList(error.errors) ?? { code: 'UNKNOWN', detail: null };
  if (ServerError.is(error)) {
    // Servers answer some failures (bad token, rate limit) with a non-2xx status and a GraphQL body.
    try {
      const body = JSON.parse(error.bodyText) as { errors?: RawGraphQLError[] };
      const found = Array.isArray(body.errors) ? fromList(body.errors) : null;
      if (found && found.code !== 'UNKNOWN') return found;
    } catch {
      // Not JSON: fall through to the status code.
    }
    if (error.statusCode === 401) return { code: 'UNAUTHENTICATED', detail: null };
    if (error.statusCode === 403) return { code: 'FORBIDDEN', detail: null };
    if (error.statusCode === 429) return { code: 'RATE_LIMITED', detail: null };
    return { code: error.statusCode >= 500 ? 'UNAVAILABLE' : 'UNKNOWN', detail: null };
  }
  // graphql-ws delivers a list of GraphQL errors, or a CloseEvent-like object.
  if (Array.isArray(error)) return fromList(error as RawGraphQLError[]) ?? { code: 'UNKNOWN', detail: null };
  if (isCloseEvent(error)) {
    if (error.code === 4401) return { code: 'UNAUTHENTICATED', detail: null };
    if (error.code === 4403) return { code: 'FORBIDDEN', detail: null };
    return { code: 'NETWORK', detail: null };
  }
  // Apollo's GraphQLWsLink turns a close into Error("Socket closed with event <code> <reason>").
  const closed = error instanceof Error ? /^Socket closed(?: with event (\d+))?/.exec(error.message) : null;
  if (closed) {
    if (closed[1] === '4401') return { code: 'UNAUTHENTICATED', detail: null };
    if (closed[1] === '4403') return { code: 'FORBIDDEN', detail: null };
    return { code: 'NETWORK', detail: null };
  }
  if (error instanceof TypeError) return { code: 'NETWORK', detail: null };
  return { code: 'UNKNOWN', detail: null };
}

export function isUnauthenticated(error: unknown): boolean {
  return describeError(error).code === 'UNAUTHENTICATED';
}
