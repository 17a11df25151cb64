// What leaves a subgraph: AppErrors and GraphQL's own validation errors as they
// are; anything else becomes a masked INTERNAL_SERVER_ERROR, logged here with
// its stack, never sent.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isAppError } from '@ensemble/tenancy/errors';
import { logger } from './logger.ts';

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND',
  'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST',
]);

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isAppError(original)) {
    return { message: original.message, path: formatted.path, locations: formatted.locations, extensions: { ...original.extensions } };
  }
  const code = formatted.extensions?.['code'];
  if (typeof code === 'string' && PASS_THROUGH.has(code)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  if (original instanceof GraphQLError && !original.originalError && !code) {
    // graphql-js errors raised by the executor itself (e.g. variable coercion)
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT' } };
  }
  logger.error({ err: original, path: formatted.path }, 'unexpected error');
  return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
