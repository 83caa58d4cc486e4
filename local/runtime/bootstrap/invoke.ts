export type LambdaHandler = (event: unknown, context: unknown, callback?: (error?: unknown, result?: unknown) => void) => unknown;

export interface InvokeTarget {
  functionName: string;
  memorySize: number;
  region: string;
  awsRequestId: string;
  /** Epoch ms when the function times out. */
  deadline: number;
  /** The environment's log stream (`AWS_LAMBDA_LOG_STREAM_NAME`): one per environment, as on Lambda. */
  logStreamName?: string;
}

/** A Lambda `context` as the Node.js runtime passes it, with the legacy `done`/`succeed`/`fail`. */
export function lambdaContext(target: InvokeTarget, settle: (error: unknown, result?: unknown) => void) {
  const { awsRequestId, functionName } = target;
  return {
    awsRequestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${target.region}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(target.memorySize),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: target.logStreamName ?? logStreamName(awsRequestId),
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, target.deadline - Date.now()),
    done: (error?: unknown, result?: unknown) => settle(error, result),
    succeed: (result?: unknown) => settle(undefined, result),
    fail: (error: unknown) => settle(error ?? new Error('context.fail')),
  };
}

/** `2026/12/01/[$LATEST]<32 hex>`, the shape of Lambda's log stream names. */
export function logStreamName(seed: string): string {
  return `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${seed.replaceAll('-', '').padEnd(32, '0').slice(0, 32)}`;
}

/**
 * Runs a handler as Lambda's Node.js runtime does: async (a promise), or callback-style (the callback or the legacy
 * `context.done/succeed/fail`); the first answer counts. Resolves with the handler's result; rejects with what it
 * threw or reported. The timeout is not kept here: the emulator ends the whole environment when it passes.
 */
export function invoke(handler: LambdaHandler, event: unknown, target: InvokeTarget): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    try {
      const returned = handler(event, lambdaContext(target, settle), (error, result) => settle(error, result));
      if (typeof (returned as Promise<unknown> | undefined)?.then === 'function') {
        (returned as Promise<unknown>).then((result) => settle(undefined, result), (error: unknown) => settle(error ?? new Error('the handler rejected')));
      } else if (returned !== undefined) {
        settle(undefined, returned); // Lambda would ignore a plain return value; taking it is kinder and harmless
      } else if (handler.length < 2) {
        settle(undefined, undefined); // it takes no callback or context, so nothing else can answer
      }
      // Otherwise the answer comes through the callback or context.done/succeed/fail, or the emulator's timeout.
    } catch (error) {
      settle(error);
    }
  });
}
