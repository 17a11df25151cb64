// What leaves the gateway, over HTTP and WebSocket alike: errors with a known
// code keep their message (AppErrors from subgraphs, GraphQL parse and
// validation errors, the gateway's own subgraph failures); anything else is
// logged and sent as a bare INTERNAL_SERVER_ERROR, so no URL, address, stack
// or driver message ever reaches a caller.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { logger } from './logger.ts';

export const SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE';
export const SUBGRAPH_TIMEOUT = 'SUBGRAPH_TIMEOUT';

const PASS_THROUGH = new Set([
  // AppError codes (packages/tenancy/src/errors.ts)
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'INSUFFICIENT_CREDITS', 'RATE_LIMITED',
  // GraphQL request errors
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST',
  // the gateway's own
  SUBGRAPH_UNAVAILABLE, SUBGRAPH_TIMEOUT,
]);

/** Extensions that would reveal internals (addresses, stack, raw subgraph responses). */
const HIDDEN_EXTENSIONS = new Set(['serviceName', 'exception', 'stacktrace', 'http', 'response']);

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export interface FormatOptions {
  /** hide "Did you mean …?" suggestions, which reveal the schema */
  hideSuggestions: boolean;
}

export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown, options: FormatOptions): GraphQLFormattedError {
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && PASS_THROUGH.has(code)) {
    const extensions = Object.fromEntries(Object.entries(formatted.extensions ?? {}).filter(([key]) => !HIDDEN_EXTENSIONS.has(key)));
    const message = options.hideSuggestions ? formatted.message.replace(SUGGESTION, '') : formatted.message;
    return {
      message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions,
    };
  }
  const service = formatted.extensions?.['serviceName'];
  if (typeof service === 'string' || error === undefined) {
    // From a subgraph: HTTP subgraphs have logged it already; graphql-ws events are not masked there.
    logger.warn({ service, code, message: formatted.message, path: formatted.path }, 'subgraph error masked');
  } else {
    logger.error({ err: unwrapResolverError(error), code, path: formatted.path }, 'masked error');
  }
  return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** For errors raised by the gateway itself (not yet formatted). */
export function formatGraphQLError(error: GraphQLError, options: FormatOptions): GraphQLFormattedError {
  return formatGatewayError(error.toJSON(), error, options);
}

export function gatewayError(code: string, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extra, code } });
}

/** A subgraph that did not answer within the gateway's subgraph timeout (HTTP or socket route). */
export function subgraphTimedOut(service: string): GraphQLError {
  return gatewayError(SUBGRAPH_TIMEOUT, `The ${service} service did not answer in time`, { service });
}

/** A subgraph that could not be reached; the cause is logged, never returned. */
export function subgraphUnavailable(service: string): GraphQLError {
  return gatewayError(SUBGRAPH_UNAVAILABLE, `The ${service} service is unavailable`, { service });
}
