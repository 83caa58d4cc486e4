import type { SerializedError } from './environment-protocol.ts';

/**
 * How an invocation can fail besides the handler's own error. The codes are stable (tests and tools match on them):
 * HANDLER_TIMEOUT, FUNCTION_INIT_FAILED, ENVIRONMENT_EXITED, FUNCTION_THROTTLED.
 */
export type RuntimeErrorCode = 'HANDLER_TIMEOUT' | 'FUNCTION_INIT_FAILED' | 'ENVIRONMENT_EXITED' | 'FUNCTION_THROTTLED';

/** The handler outlived its function's timeout (or API Gateway's 29 s integration timeout, if lower); its environment was ended. */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
  readonly code = 'HANDLER_TIMEOUT';
}

/** Loading the handler failed: an import-time throw, a syntax error, no such export. The function fails until an edit. */
export class FunctionInitError extends Error {
  override readonly name = 'FunctionInitError';
  readonly code = 'FUNCTION_INIT_FAILED';
}

/** The environment ended during the invocation: process.exit, an uncaught exception or unhandled rejection, its heap limit. */
export class EnvironmentExitError extends Error {
  override readonly name = 'EnvironmentExitError';
  readonly code = 'ENVIRONMENT_EXITED';
}

/** Every environment the function's reservedConcurrency allows is busy: Lambda throttles (429 TooManyRequestsException). */
export class FunctionThrottledError extends Error {
  override readonly name = 'FunctionThrottledError';
  readonly code = 'FUNCTION_THROTTLED';
}

/** What the handler threw, rebuilt on the emulator's side with its name, message, stack and code. */
export function handlerError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  if (serialized.code) Object.assign(error, { code: serialized.code });
  return error;
}
