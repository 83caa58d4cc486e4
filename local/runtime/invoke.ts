import { randomUUID } from 'node:crypto';
import type { LambdaHandler } from './handler-loader.ts';

/** The handler outlived its function's timeout (or API Gateway's 29 s integration timeout, if lower). */
export class HandlerTimeoutError extends Error {
  override readonly name = 'HandlerTimeoutError';
  readonly code = 'HANDLER_TIMEOUT';
}

export interface InvokeTarget {
  functionName: string;
  memorySize?: number;
  timeoutMs: number;
  region: string;
}

/** A Lambda `context` as the Node.js runtime passes it, with the legacy `done`/`succeed`/`fail`. */
function contextFor(target: InvokeTarget, deadline: number, settle: (error: unknown, result?: unknown) => void) {
  const awsRequestId = randomUUID();
  return {
    awsRequestId,
    functionName: target.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${target.region}:000000000000:function:${target.functionName}`,
    memoryLimitInMB: String(target.memorySize ?? 1024),
    logGroupName: `/aws/lambda/${target.functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: (error?: unknown, result?: unknown) => settle(error, result),
    succeed: (result?: unknown) => settle(undefined, result),
    fail: (error: unknown) => settle(error ?? new Error('context.fail')),
  };
}

/**
 * Runs a handler as Lambda would: async (a promise), or callback-style (the callback or the legacy
 * `context.done/succeed/fail`), with the function's timeout.
 * Resolves with the handler's result; rejects with what it threw or a HandlerTimeoutError.
 */
export function invoke(handler: LambdaHandler, event: unknown, target: InvokeTarget): Promise<unknown> {
  const deadline = Date.now() + target.timeoutMs;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown, result?: unknown) => {
      if (settled) return; // the first answer counts, as in Lambda
      settled = true;
      clearTimeout(timer);
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    const timer = setTimeout(() => settle(new HandlerTimeoutError(`${target.functionName} timed out after ${target.timeoutMs} ms`)), target.timeoutMs);
    try {
      const returned = handler(event, contextFor(target, deadline, settle), (error, result) => settle(error, result));
      if (typeof (returned as Promise<unknown> | undefined)?.then === 'function') {
        (returned as Promise<unknown>).then((result) => settle(undefined, result), (error: unknown) => settle(error ?? new Error('the handler rejected')));
      } else if (returned !== undefined) {
        settle(undefined, returned); // Lambda would ignore a plain return value; taking it is kinder and harmless
      } else if (handler.length < 2) {
        settle(undefined, undefined); // it takes no callback or context, so nothing else can answer
      }
      // Otherwise the answer comes through the callback or context.done/succeed/fail, or the timeout.
    } catch (error) {
      settle(error);
    }
  });
}
