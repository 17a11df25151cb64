// Every error a caller may see carries a stable code and a human message.
// Anything else is masked as INTERNAL_SERVER_ERROR by the servers.
import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'INSUFFICIENT_CREDITS'
  | 'RATE_LIMITED'
  /** a service the operation needs (the workflow engine) cannot be reached; nothing changed */
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export class AppError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extra, code } });
    this.code = code;
  }
}

/** The one answer for "not yours" and "does not exist" alike. */
export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`);
}

export function badInput(message: string, field?: string): AppError {
  return new AppError('BAD_USER_INPUT', message, field ? { field } : {});
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
