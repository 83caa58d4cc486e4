import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionFacts } from '../model/app-model.ts';
import type { LambdaIntegration } from '../gateway/lambda-integration.ts';
import { HandlerTimeoutError } from '../runtime/invoke.ts';
import { readBody } from './read-body.ts';

/** Lambda's payload quotas (gettingstarted-limits): 6 MB for a synchronous invoke, 1 MB for an asynchronous one. */
const SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_BYTES = 1024 * 1024;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** Lambda's error payload for an unhandled error (`X-Amz-Function-Error: Unhandled`), as the Node.js runtime writes it. */
export function lambdaErrorPayload(error: unknown, fn: FunctionFacts): { errorType: string; errorMessage: string; trace: string[] } {
  if (error instanceof HandlerTimeoutError) {
    // Lambda reports a timeout as Sandbox.Timedout, without a trace.
    return { errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${(fn.timeoutMs / 1000).toFixed(2)} seconds`, trace: [] };
  }
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? `${error.name}: ${error.message}`).split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`), what `AWS_ENDPOINT_URL_LAMBDA` points
 * the SDK's LambdaClient at. FunctionName is a name, a function key, or a full or partial ARN; `X-Amz-Invocation-Type`
 * is `RequestResponse` (default: the result, or the error payload with `X-Amz-Function-Error: Unhandled`), `Event`
 * (202 at once, run in the background) or `DryRun` (204). Returns false for a request that is not an invoke.
 *
 * @example new LambdaClient({ endpoint: emulator.lambdaUrl }).send(new InvokeCommand({ FunctionName: 'add', Payload: '{"a":1}' }))
 */
export class LambdaInvokeApi {
  /** Background (`Event`) runs still going, so a stop can wait for them. */
  readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly functions: Map<string, FunctionFacts>,
    private readonly integration: LambdaIntegration,
    private readonly facts: { region: string; accountId: string },
  ) {}

  handles(request: IncomingMessage): boolean {
    // Asked of every request to the API's port, PostToConnection's too: no URL object unless it may be an Invoke.
    const url = request.url ?? '/';
    if (!url.includes('2015-03-31')) return false;
    return INVOKE_PATH.test(new URL(url, 'http://localhost').pathname);
  }

  /** The function a FunctionName names: `name`, `key`, `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`, `ACCOUNT:function:NAME`. */
  resolve(functionName: string): FunctionFacts | undefined {
    const parts = functionName.split(':');
    const name = functionName.startsWith('arn:') ? parts[6] : parts[1] === 'function' ? parts[2] : parts[0];
    for (const fn of this.functions.values()) if (fn.functionName === name) return fn;
    return name === undefined ? undefined : this.functions.get(name);
  }

  async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      response.writeHead(status, { 'x-amzn-RequestId': crypto.randomUUID(), ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }).end(text);
    };
    const fail = (status: number, type: string, message: string) => answer(status, { Type: 'User', message }, { 'x-amzn-ErrorType': type });

    const requested = decodeURIComponent(INVOKE_PATH.exec(url.pathname)?.[1] ?? '');
    if (request.method !== 'POST') {
      request.resume();
      return fail(405, 'MethodNotAllowedException', `${request.method} is not allowed; Invoke is a POST`);
    }
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      request.resume();
      return fail(400, 'InvalidParameterValueException', `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun; got ${type}`);
    }
    const fn = this.resolve(requested);
    if (!fn) {
      request.resume();
      return fail(404, 'ResourceNotFoundException', `Function not found: arn:aws:lambda:${this.facts.region}:${this.facts.accountId}:function:${requested}`);
    }
    const limit = type === 'Event' ? ASYNC_PAYLOAD_BYTES : SYNC_PAYLOAD_BYTES;
    const body = await readBody(request, limit);
    if (body === 'too-large') return fail(413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
    let event: unknown = {};
    if (body.length > 0) {
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        return fail(400, 'InvalidRequestContentException', 'Could not parse request body into json: Unexpected character');
      }
    }
    if (type === 'DryRun') return answer(204);

    const run = () => this.integration.run(fn, event, { connectionId: '', eventType: 'INVOKE', routeKey: fn.functionKey, statusOf: () => 200 });
    if (type === 'Event') {
      // Lambda queues the event and answers at once; the run's outcome only shows in the inspector and the log.
      const running = run();
      this.running.add(running);
      void running.finally(() => this.running.delete(running));
      return answer(202);
    }
    const outcome = await run();
    const version = { 'X-Amz-Executed-Version': '$LATEST' };
    if (outcome.error !== undefined) return answer(200, lambdaErrorPayload(outcome.error, fn), { ...version, 'X-Amz-Function-Error': 'Unhandled' });
    // A handler that returns nothing answers `null`, as Lambda's JSON serialisation of undefined.
    return answer(200, JSON.stringify(outcome.result === undefined ? null : outcome.result), version);
  }
}
