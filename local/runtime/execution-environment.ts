import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ConnectionsAnswerMessage, EnvironmentMessage, EnvironmentSetup, InvokeRequest, LogLevel } from './environment-protocol.ts';
import { logStreamName } from './bootstrap/invoke.ts';
import type { RelayedAnswer, RelayedCall } from './intercept/relayed-call.ts';
import { EnvironmentExitError, FunctionInitError, HandlerTimeoutError, handlerError } from './runtime-errors.ts';

export interface LogEntry {
  time: string;
  level: LogLevel;
  message: string;
}

export interface EnvironmentOutcome {
  result?: unknown;
  error?: Error;
  maxMemoryUsedMb?: number;
}

/** What {@link ExecutionEnvironment.follow} resolves with when the environment ended before the invocation began. */
export interface Unstarted {
  unstarted: true;
}

interface Running {
  requestId: string;
  logs: LogEntry[];
  settle(outcome: EnvironmentOutcome): void;
}

export interface EnvironmentHooks {
  /** Files the handler imported, as they load. */
  files(files: string[]): void;
  /** Handler console output, with the request id of the invocation it came from (none: between invocations). */
  log(entry: LogEntry, requestId: string | undefined): void;
  /** The environment ended (terminated, crashed, exited); `error` when it crashed on its own, `during` an invocation. */
  ended(environment: ExecutionEnvironment, error: Error | undefined, during: boolean): void;
  /**
   * Answers the handler's @connections calls, relayed over the thread's port (EnvironmentSetup.connectionsRelay);
   * undefined drops the call, as a reset connection would.
   */
  connections?(call: RelayedCall): RelayedAnswer | undefined;
}

const ENTRY = new URL('./bootstrap/environment-entry.mjs', import.meta.url);

/**
 * One Lambda execution environment: a worker thread with its own `process.env`, globals and module graph, a heap
 * limit of the function's memorySize, running one invocation at a time.
 *
 * A worker thread rather than a child process: starting one costs a thread and an isolate, not a Node.js process
 * (~half the memory and start time), messages cross by structured clone without a pipe or serialization to text, and
 * `terminate()` stops even a synchronous infinite loop. What it does not isolate is the process: native addons and
 * `process.chdir` are shared (see the README's "where it is not AWS").
 */
export class ExecutionEnvironment {
  state: 'initializing' | 'idle' | 'busy' | 'ended' = 'initializing';
  /** Resolves when the handler has loaded; rejects with a FunctionInitError (or the environment's end before that). */
  readonly ready: Promise<void>;
  initDurationMs?: number;
  /** Invocations served so far. */
  served = 0;
  /** Set when an edit retired it: it ends after the invocation it is running. */
  retired = false;
  private worker?: Worker;
  private readonly started = performance.now();
  private current?: Running;
  /** The invocation sent to run right after the current one (see {@link follow}). */
  private next?: { begin(): Running; unstarted(): void };
  private resolveReady!: () => void;
  private failReady!: (error: Error) => void;

  /**
   * `setup` may still be in the making (the handler's build): the worker starts once it is there, and its time counts
   * in the Init Duration, as loading the code does on Lambda.
   */
  constructor(
    setup: EnvironmentSetup | Promise<EnvironmentSetup>,
    private readonly environment: Record<string, string>,
    private readonly hooks: EnvironmentHooks,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.failReady = reject;
    });
    this.ready.catch(() => {}); // the pool reads the outcome; an environment nobody waited for must not be unhandled
    Promise.resolve(setup).then(
      (ready) => {
        if (this.state === 'ended') return; // ended while its code was being built
        if (ready.load.kind === 'compiled') hooks.files(ready.load.files);
        this.worker = this.start(ready);
      },
      (error: Error) => {
        if (this.state === 'ended') return;
        this.state = 'ended';
        const failure = new EnvironmentExitError(`Runtime.ExitError: the environment could not be set up: ${error.message}`, { cause: error });
        this.failReady(failure);
        hooks.ended(this, failure, false);
      },
    );
  }

  private start(setup: EnvironmentSetup): Worker {
    const worker = new Worker(ENTRY, {
      workerData: { setup },
      // Lambda names a log stream per execution environment (the rest is the function's, see functionEnvironment).
      env: { ...this.environment, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(randomUUID()) },
      // Not the emulator's own flags (a TypeScript loader, if the handler needs one, is registered inside, for this thread).
      execArgv: [],
      name: setup.functionName,
      resourceLimits: { maxOldGenerationSizeMb: setup.memorySize },
    });
    worker.on('message', (message: EnvironmentMessage) => {
      // Ended (a timeout): what its thread posted before it stopped is dropped. Its worker may already have begun the
      // invocation sent to follow, which runs again in another environment: its posts and lines must not count twice.
      if (this.state === 'ended' && (message.type === 'connections-call' || message.type === 'log')) return;
      switch (message.type) {
        case 'ready':
          this.initDurationMs = performance.now() - this.started;
          this.state = 'idle';
          this.resolveReady();
          return;
        case 'init-error':
          this.failReady(new FunctionInitError(`${setup.handler.file}: ${message.error.name}: ${message.error.message}`, { cause: handlerError(message.error) }));
          void this.end();
          return;
        case 'files':
          return this.hooks.files(message.files);
        case 'log': {
          const entry = { time: message.time, level: message.level, message: message.message };
          if (this.current && message.requestId === this.current.requestId) this.current.logs.push(entry);
          return this.hooks.log(entry, message.requestId);
        }
        // Only the running invocation's: one that timed out may still answer while its worker is being terminated.
        case 'result':
          if (message.requestId !== this.current?.requestId) return;
          return this.settle({ result: message.result, maxMemoryUsedMb: message.maxMemoryUsedMb });
        case 'error':
          if (message.requestId !== this.current?.requestId) return;
          return this.settle({ error: handlerError(message.error), maxMemoryUsedMb: message.maxMemoryUsedMb });
        case 'connections-call': {
          // Answered at once, in this thread: a post's frame is on its way before the handler hears back.
          let answer: RelayedAnswer | undefined;
          try {
            answer = this.hooks.connections?.(message.call);
          } catch {} // unanswered: the call is dropped
          const reply: ConnectionsAnswerMessage = { type: 'connections-answer', id: message.id, ...(answer ? { answer } : {}) };
          return worker.postMessage(reply);
        }
      }
    });
    let crash: Error | undefined;
    worker.on('error', (error) => {
      // An uncaught exception, an unhandled rejection, the heap limit (ERR_WORKER_OUT_OF_MEMORY): the environment is over.
      const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      crash = new EnvironmentExitError(
        outOfMemory ? `Runtime.OutOfMemory: the environment ran out of its ${setup.memorySize} MB (memorySize)` : `Runtime.ExitError: ${error.name}: ${error.message}`,
        { cause: error },
      );
    });
    worker.on('exit', (code) => {
      const wasEnded = this.state === 'ended';
      this.state = 'ended';
      const error = crash ?? (wasEnded ? undefined : new EnvironmentExitError(`Runtime.ExitError: the runtime exited with status ${code} (process.exit?)`));
      this.failReady(error ? new FunctionInitError(`${setup.handler.file}: ${error.message}`, { cause: error }) : new EnvironmentExitError('the environment was ended before it was ready'));
      const during = this.current !== undefined;
      this.settle({ error: error ?? new EnvironmentExitError('the environment was ended') });
      this.hooks.ended(this, error, during);
    });
    return worker;
  }

  /** Runs one invocation; the environment is ended when it times out. Never rejects: a failure is the outcome's `error`. */
  invoke(requestId: string, event: unknown, timeoutMs: number): Promise<EnvironmentOutcome & { logs: LogEntry[] }> {
    if (this.state !== 'idle') throw new Error(`an environment takes one invocation at a time (it is ${this.state})`);
    this.state = 'busy';
    return new Promise((resolve) => {
      this.current = this.begin(requestId, timeoutMs, resolve);
      this.send({ type: 'invoke', requestId, event, timeoutMs });
    });
  }

  /** The running invocation is `requestId`, and none is sent to follow it yet. */
  canFollow(requestId: string): boolean {
    return this.state === 'busy' && this.current?.requestId === requestId && this.next === undefined && !this.retired && this.worker !== undefined;
  }

  /**
   * Sends an invocation to run right after the current one (see {@link canFollow}), so that it starts as soon as that
   * one returns, without waiting for the emulator to hear of it first: how a connection's next frame runs in order at
   * the speed of one that finds the environment idle. Its timeout counts from its own start (`begun`). Resolves with
   * {@link Unstarted} if the current invocation ends the environment (a timeout, a crash, process.exit).
   */
  follow(requestId: string, event: unknown, timeoutMs: number, begun: () => void): Promise<(EnvironmentOutcome & { logs: LogEntry[] }) | Unstarted> {
    if (this.state !== 'busy' || this.next !== undefined) throw new Error('an environment takes one invocation to follow the running one');
    return new Promise((resolve) => {
      this.next = {
        begin: () => {
          begun();
          return this.begin(requestId, timeoutMs, resolve);
        },
        unstarted: () => resolve({ unstarted: true }),
      };
      this.send({ type: 'invoke', requestId, event, timeoutMs });
    });
  }

  private begin(requestId: string, timeoutMs: number, resolve: (outcome: EnvironmentOutcome & { logs: LogEntry[] }) => void): Running {
    this.served += 1;
    const logs: LogEntry[] = [];
    const timer = setTimeout(() => {
      void this.end(); // the code really stops, even in a synchronous loop
      this.settle({ error: new HandlerTimeoutError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`) });
    }, timeoutMs);
    return {
      requestId,
      logs,
      settle: (outcome) => {
        clearTimeout(timer);
        resolve({ ...outcome, logs });
      },
    };
  }

  private send(request: InvokeRequest): void {
    this.worker!.postMessage(request); // idle or busy: its worker is running
  }

  /** The current invocation is over: the one sent to follow it begins (the worker has started it), or never will. */
  private settle(outcome: EnvironmentOutcome): void {
    const current = this.current;
    if (current === undefined) return;
    const next = this.next;
    this.current = undefined;
    this.next = undefined;
    if (this.state === 'busy' && next) this.current = next.begin();
    else {
      if (this.state === 'busy') this.state = 'idle';
      next?.unstarted();
    }
    current.settle(outcome);
  }

  /** Ends the environment now (whatever it runs is stopped). */
  async end(): Promise<void> {
    if (this.state === 'ended') return;
    this.state = 'ended';
    if (this.worker) return void (await this.worker.terminate());
    // Still building its code: no worker will start, so nothing else reports the end.
    this.failReady(new EnvironmentExitError('the environment was ended before it was ready'));
    this.hooks.ended(this, undefined, false);
  }
}
