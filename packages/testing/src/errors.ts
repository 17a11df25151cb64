// What a call that should fail with an AppError failed with: the error itself,
// so a test can check its code, message and extensions. Any other error is
// rethrown, and a call that succeeds fails the test.
import { isAppError, type AppError } from '@ensemble/tenancy/errors';

export async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
