import type { EventEmitter } from 'node:events';
import type { FunctionFacts } from '../model/app-model.ts';
import type { HandlerLoader } from '../runtime/handler-loader.ts';
import { HandlerTimeoutError, invoke } from '../runtime/invoke.ts';

/** One handler run (or a frame no route took), as the inspector's log and the console line show it. */
export interface InvocationRecord {
  /** ISO-8601, when the run ended. */
  time: string;
  /** The WebSocket connection the run served; `''` for a trigger that has none (HTTP, INVOKE, SCHEDULE, STREAM). */
  connectionId: string;
  /**
   * WebSocket events, or what else ran the function: an HTTP route (`HTTP`), Lambda's Invoke API (`INVOKE`), a
   * schedule (`SCHEDULE`), a DynamoDB stream batch (`STREAM`).
   */
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT' | 'HTTP' | 'INVOKE' | 'SCHEDULE' | 'STREAM';
  /**
   * The route key; the authorizer's run is `$connect (authorizer)`. For triggers: `GET /users/{id}` (HTTP), the
   * function key (INVOKE), the rule name (SCHEDULE), the table name (STREAM).
   */
  routeKey: string;
  /**
   * The handler's `statusCode` (200 when it returned none); `Allow`/`Deny` for an authorizer; `error` when it threw,
   * `timeout` when it outlived its timeout; `Forbidden` when no route took the frame.
   */
  status: number | string;
  durationMs: number;
  /** The frame's first 200 characters (MESSAGE only). */
  bodyPreview?: string;
  /** `Name: message` of what the handler threw. */
  error?: string;
}

export interface Invocation {
  connectionId: string;
  eventType: InvocationRecord['eventType'];
  routeKey: string;
  body?: string;
  /** The record's status for a result; default its `statusCode`, or 200. */
  statusOf?(result: unknown): number | string;
}

const PREVIEW_CHARACTERS = 200;

/**
 * API Gateway's Lambda proxy integration: runs a function's handler with the Lambda timeout (capped by the 29 s
 * integration timeout) and reports every run as an `invocation` event. Never throws: a failure is the outcome's `error`.
 */
export class LambdaIntegration {
  constructor(
    private readonly loader: HandlerLoader,
    private readonly region: string,
    private readonly integrationTimeoutMs: number,
    private readonly events: EventEmitter,
  ) {}

  async run(fn: FunctionFacts, event: unknown, invocation: Invocation): Promise<{ result?: unknown; error?: unknown; durationMs: number }> {
    const started = performance.now();
    const timeoutMs = Math.min(fn.timeoutMs, this.integrationTimeoutMs);
    try {
      const handler = await this.loader.load(fn.handler);
      const result = await invoke(handler, event, { functionName: fn.functionName, memorySize: fn.memorySize, timeoutMs, region: this.region });
      const durationMs = performance.now() - started;
      this.record(invocation, (invocation.statusOf ?? statusCodeOf)(result), durationMs);
      return { result, durationMs };
    } catch (error) {
      const durationMs = performance.now() - started;
      const status = error instanceof HandlerTimeoutError ? 'timeout' : 'error';
      this.record(invocation, status, durationMs, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      return { error: error ?? new Error('the handler failed'), durationMs };
    }
  }

  /** Reports a run (or a frame no route took) to the inspector and the console. */
  record(invocation: Invocation, status: number | string, durationMs: number, error?: string): void {
    const record: InvocationRecord = {
      time: new Date().toISOString(),
      connectionId: invocation.connectionId,
      eventType: invocation.eventType,
      routeKey: invocation.routeKey,
      status,
      durationMs: Math.round(durationMs * 100) / 100,
      ...(invocation.body !== undefined ? { bodyPreview: invocation.body.slice(0, PREVIEW_CHARACTERS) } : {}),
      ...(error !== undefined ? { error } : {}),
    };
    this.events.emit('invocation', record);
  }
}

function statusCodeOf(result: unknown): number | string {
  const status = (result as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' || typeof status === 'string' ? status : 200;
}
