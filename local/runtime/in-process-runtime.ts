import { randomUUID } from 'node:crypto';
import type { FunctionFacts } from '../model/app-model.ts';
import type { HandlerLoader } from './handler-loader.ts';
import { invoke } from './invoke.ts';
import { type CapturedLogLine, captureLogs } from './log-capture.ts';
import type { InvokeOutcome } from './lambda-runtime.ts';

/**
 * Invocations that run one after the other (a connection's frames, in order): each runs after the previous one with
 * the same `key`, and at the latest once `after` (what the caller does with the previous one's outcome) resolves.
 */
export interface InvocationSequence {
  key: string;
  after: Promise<unknown>;
}

export interface InvokeOptions {
  /** Lower than the function's timeout: API Gateway's integration timeout. */
  timeoutMs?: number;
  sequence?: InvocationSequence;
}

/** What runs a function for the gateway and the triggers: the worker environments, or this in-process runtime. */
export interface FunctionRunner {
  invoke(fn: FunctionFacts, event: unknown, options?: InvokeOptions): Promise<InvokeOutcome>;
  invokeFunction(key: string, event: unknown, options?: InvokeOptions): Promise<InvokeOutcome>;
  environmentsOf(functionKey: string): number;
}

/**
 * The default runtime for now (`isolation: 'in-process'`): handlers imported into the emulator's process, sharing its
 * `process.env` and globals. `isolation: 'environments'` runs each function in execution environments of its own
 * (LambdaRuntime); see the README for why that is not the default yet.
 */
export class InProcessRuntime implements FunctionRunner {
  constructor(
    private readonly functions: ReadonlyMap<string, FunctionFacts>,
    private readonly loader: HandlerLoader,
    private readonly region: string,
  ) {}

  async invoke(fn: FunctionFacts, event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    await options.sequence?.after; // one handler at a time here: the next in a sequence starts once the caller is done
    const started = performance.now();
    const timeoutMs = Math.min(fn.timeoutMs, options.timeoutMs ?? Infinity);
    // The handler's console lines of this run, for the inspector and recordInvocations (the environments report theirs).
    const logs: CapturedLogLine[] = [];
    const base = { requestId: randomUUID(), coldStart: false, logs };
    try {
      const handler = await this.loader.load(fn.handler);
      const result = await captureLogs(logs, () => invoke(handler, event, { functionName: fn.functionName, memorySize: fn.memorySize, timeoutMs, region: this.region }));
      const durationMs = performance.now() - started;
      return { ...base, result, durationMs, billedDurationMs: Math.max(1, Math.ceil(durationMs)) };
    } catch (error) {
      const durationMs = performance.now() - started;
      return { ...base, error: error instanceof Error ? error : new Error(String(error)), durationMs, billedDurationMs: Math.max(1, Math.ceil(durationMs)) };
    }
  }

  invokeFunction(key: string, event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const fn = this.functions.get(key);
    if (fn === undefined) return Promise.reject(new TypeError(`No function "${key}"; functions: ${[...this.functions.keys()].join(', ')}`));
    return this.invoke(fn, event, options);
  }

  environmentsOf(): number {
    return 0;
  }
}
