import type { EventEmitter } from 'node:events';
import type { FunctionFacts } from '../model/app-model.ts';
import type { LogEntry } from '../runtime/execution-environment.ts';
import type { FunctionRunner, InvocationSequence } from '../runtime/in-process-runtime.ts';
import type { InvokeOutcome } from '../runtime/lambda-runtime.ts';

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
   * The handler's `statusCode` (200 when it returned none); `Allow`/`Deny` for an authorizer; `error` when it threw
   * or could not run, `timeout` when it outlived its timeout, `throttled` past its reservedConcurrency; `Forbidden`
   * when no route took the frame.
   */
  status: number | string;
  durationMs: number;
  /** The frame's first 200 characters (MESSAGE only). */
  bodyPreview?: string;
  /** `Name: message` of what the handler threw. */
  error?: string;
  /** Lambda's request id of the run (`context.awsRequestId`, the START/REPORT lines'). */
  requestId?: string;
  /** The function's Lambda name (`service-stage-function`). */
  functionName?: string;
  /** The event the handler received. */
  event?: unknown;
  /** What the handler returned. */
  result?: unknown;
  /** The handler's console output during the run. */
  logs?: LogEntry[];
  /** The run waited for a new execution environment. */
  coldStart?: boolean;
  /** The environment's init (loading the handler), on a cold start. */
  initDurationMs?: number;
  billedDurationMs?: number;
  maxMemoryUsedMb?: number;
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
 * API Gateway's Lambda proxy integration: runs a function in the runtime with the Lambda timeout (capped by the 29 s
 * integration timeout) and reports every run as an `invocation` event. Never throws: a failure is the outcome's `error`.
 */
export class LambdaIntegration {
  constructor(
    private readonly runtime: FunctionRunner,
    private readonly integrationTimeoutMs: number,
    private readonly events: EventEmitter,
  ) {}

  /** `sequence`: run after the sequence's previous invocation (a connection's frames, in order). */
  async run(fn: FunctionFacts, event: unknown, invocation: Invocation, sequence?: InvocationSequence): Promise<{ result?: unknown; error?: unknown; durationMs: number }> {
    const outcome = await this.runtime.invoke(fn, event, { timeoutMs: this.integrationTimeoutMs, ...(sequence ? { sequence } : {}) });
    const { result, error, durationMs } = outcome;
    const status = error === undefined ? (invocation.statusOf ?? statusCodeOf)(result) : statusOfError(error);
    this.record(invocation, status, durationMs, error === undefined ? undefined : `${error.name}: ${error.message}`, details(fn, event, outcome));
    return error === undefined ? { result, durationMs } : { error, durationMs };
  }

  /** Reports a run (or a frame no route took) to the inspector and the console. */
  record(invocation: Invocation, status: number | string, durationMs: number, error?: string, more: Partial<InvocationRecord> = {}): void {
    const record: InvocationRecord = {
      time: new Date().toISOString(),
      connectionId: invocation.connectionId,
      eventType: invocation.eventType,
      routeKey: invocation.routeKey,
      status,
      durationMs: Math.round(durationMs * 100) / 100,
      ...(invocation.body !== undefined ? { bodyPreview: invocation.body.slice(0, PREVIEW_CHARACTERS) } : {}),
      ...(error !== undefined ? { error } : {}),
      ...more,
    };
    this.events.emit('invocation', record);
  }
}

function details(fn: FunctionFacts, event: unknown, outcome: InvokeOutcome): Partial<InvocationRecord> {
  return {
    requestId: outcome.requestId,
    functionName: fn.functionName,
    event,
    ...(outcome.result !== undefined ? { result: outcome.result } : {}),
    logs: outcome.logs,
    coldStart: outcome.coldStart,
    ...(outcome.initDurationMs !== undefined ? { initDurationMs: Math.round(outcome.initDurationMs * 100) / 100 } : {}),
    billedDurationMs: outcome.billedDurationMs,
    ...(outcome.maxMemoryUsedMb !== undefined ? { maxMemoryUsedMb: outcome.maxMemoryUsedMb } : {}),
  };
}

function statusOfError(error: Error): string {
  const code = (error as { code?: string }).code;
  return code === 'HANDLER_TIMEOUT' ? 'timeout' : code === 'FUNCTION_THROTTLED' ? 'throttled' : 'error';
}

function statusCodeOf(result: unknown): number | string {
  const status = (result as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' || typeof status === 'string' ? status : 200;
}
