import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { FunctionFacts } from '../model/app-model.ts';
import type { EnvironmentSetup } from './environment-protocol.ts';
import type { EnvironmentHooks, LogEntry } from './execution-environment.ts';
import type { Lane, LaneTicket } from './function-pool.ts';
import type { InvocationSequence, InvokeOptions } from './in-process-runtime.ts';
import type { RelaySettings } from './intercept/relayed-call.ts';
import { CpuLoad } from './cpu-load.ts';
import { FunctionPool, laneTicket } from './function-pool.ts';
import { HandlerBundler } from './handler-bundler.ts';
import { functionEnvironment } from './lambda-environment.ts';
import type { EnvironmentFacts } from './lambda-environment.ts';
import type { FunctionInitError } from './runtime-errors.ts';
import { runtimeModule } from './runtime-module.ts';
import { SourceWatcher } from './source-watcher.ts';

/** One invocation's outcome, with what Lambda's REPORT line carries. */
export interface InvokeOutcome {
  requestId: string;
  result?: unknown;
  /** What the handler threw, or a HandlerTimeoutError, FunctionInitError, EnvironmentExitError, FunctionThrottledError. */
  error?: Error;
  durationMs: number;
  /** Lambda bills by the millisecond, rounded up. */
  billedDurationMs: number;
  coldStart: boolean;
  initDurationMs?: number;
  maxMemoryUsedMb?: number;
  /** The handler's console output during this invocation. */
  logs: LogEntry[];
}

/** Where the runtime's lines go: the emulator formats them (text, colours, JSON). */
export interface RuntimeLog {
  start(fn: FunctionFacts, requestId: string): void;
  handler(fn: FunctionFacts, requestId: string | undefined, entry: LogEntry): void;
  report(fn: FunctionFacts, outcome: InvokeOutcome): void;
  /** One line naming the file and the error; the function fails until an edit. */
  initFailed(fn: FunctionFacts, error: FunctionInitError): void;
  /** An environment crashed between invocations; it is discarded. */
  crashed(fn: FunctionFacts, error: Error): void;
  reloaded(file: string): void;
  cannotWatch(folder: string, error: Error): void;
}

export interface RuntimeOptions extends EnvironmentFacts {
  /** Environments per function at most (reservedConcurrency lowers it). Default 10. */
  maxConcurrency: number;
  /** Reload a function when a file its handler imported changes. */
  watch: boolean;
  /** Keep one environment per function warm (started in the background, again after an edit). */
  warm: boolean;
  /** An idle environment is ended after this long. */
  environmentIdleMs: number;
  /** Modules every environment imports before its handler (see EnvironmentSetup.preload). */
  preload: string[];
  /** The project's tsconfig.json, for the handlers' builds (and tsx, where a handler needs it). */
  tsconfig?: string;
  /** Builds the TypeScript handlers; given when some were asked for before the runtime existed (see `prebuild`). */
  bundler?: HandlerBundler;
  /**
   * Answers the @connections calls of handlers, relayed over each environment's port instead of TCP (the interception
   * preload does it): set only with that preload.
   */
  connections?: { relay: RelaySettings; answer: NonNullable<EnvironmentHooks['connections']> };
  log: RuntimeLog;
}

/**
 * Past one environment per core, a function whose environments are all busy gets another only after its invocations
 * have waited SCALE_UP_DELAY_MS, and only while the process leaves the cores half idle (or once an invocation has
 * waited MAX_QUEUE_MS). Measured on 2 cores (bench/RESULTS.md): ten environments of one busy function cost about
 * twice the CPU per delivery of two, each paying its own init, JIT warm-up and thread switches, for no more capacity.
 */
export const SCALE_UP_DELAY_MS = 25;
export const CPU_ROOM_BELOW = 0.5;
export const MAX_QUEUE_MS = 5_000;

/** After an edit, environments start again once the editor has finished writing. */
const REWARM_AFTER_MS = 100;

/**
 * Runs functions as Lambda does, each in execution environments of its own (see ExecutionEnvironment); the emulator's
 * process never imports user code. `invoke` is the one way to run a function: routes, authorizers and triggers.
 */
export class LambdaRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  /** Pools of code replaced by {@link codeChanged}, closed with the runtime. */
  private readonly replaced = new Set<FunctionPool>();
  private readonly watcher?: SourceWatcher;
  private readonly bundler: HandlerBundler;
  private rewarm?: NodeJS.Timeout;
  private readonly cpu = new CpuLoad();
  /** The latest invocation of each sequence still running (see InvocationSequence): the next one follows it. */
  private readonly lanes = new Map<string, LaneTicket>();

  constructor(
    private readonly functions: ReadonlyMap<string, FunctionFacts>,
    private readonly options: RuntimeOptions,
  ) {
    this.bundler = options.bundler ?? new HandlerBundler(options.tsconfig ? { tsconfig: options.tsconfig } : {});
    if (options.watch) {
      this.watcher = new SourceWatcher(
        (file, functionKeys, repeated) => {
          this.bundler.changed(file);
          if (!repeated) options.log.reloaded(file);
          for (const key of functionKeys) this.pools.get(key)?.retire();
          if (options.warm) this.scheduleWarm();
        },
        (folder, error) => options.log.cannotWatch(folder, error),
      );
    }
  }

  /**
   * The functions' code moved (a re-read project points them at new files, as after `cdk synth`): their environments
   * are retired, so the next invocation starts one on the new code.
   */
  codeChanged(functionKeys: string[]): void {
    for (const key of functionKeys) {
      const pool = this.pools.get(key);
      if (pool === undefined) continue;
      // A pool's environments are set up with the handler it was created for: the next invocation gets a new pool;
      // the old one's environments end once their invocations do.
      pool.retire();
      this.pools.delete(key);
      this.replaced.add(pool);
    }
    if (this.options.warm && functionKeys.length > 0) this.scheduleWarm();
  }

  /**
   * Starts one environment of every function in the background: `first` (the $connect route's functions, its
   * authorizer and itself: the first handshake waits on them) together and before the others, then the rest as many at
   * a time as there are cores. Started all at once, a dozen cold starts share the cores and each takes a dozen times
   * longer; started beside $connect's, one more cold start delays the first handshake by its share of the cores.
   * Resolves when each is ready or has failed.
   */
  async warmAll(first: readonly string[] = []): Promise<void> {
    const leading = [...new Set(first)].filter((key) => this.functions.has(key));
    await Promise.all(leading.map((key) => this.pool(this.functions.get(key)!).warm()));
    const keys = [...this.functions.keys()].filter((key) => !leading.includes(key));
    let next = 0;
    const lane = async () => {
      while (next < keys.length) await this.pool(this.functions.get(keys[next++]!)!).warm();
    };
    await Promise.all(Array.from({ length: Math.min(availableParallelism(), keys.length) }, lane));
  }

  private scheduleWarm(): void {
    clearTimeout(this.rewarm);
    this.rewarm = setTimeout(() => void this.warmAll(), REWARM_AFTER_MS);
    this.rewarm.unref();
  }

  /** Runs the function with `key` (a key of the app's functions). Rejects only for an unknown key. */
  invokeFunction(key: string, event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const fn = this.functions.get(key);
    if (fn === undefined) return Promise.reject(new TypeError(`No function "${key}"; functions: ${[...this.functions.keys()].join(', ')}`));
    return this.invoke(fn, event, options);
  }

  /**
   * Runs one invocation of `fn` with its timeout (or `timeoutMs`, if lower: API Gateway's integration timeout).
   * Never rejects: a failure is the outcome's `error`.
   */
  async invoke(fn: FunctionFacts, event: unknown, options: InvokeOptions = {}): Promise<InvokeOutcome> {
    const requestId = randomUUID();
    const timeoutMs = Math.min(fn.timeoutMs, options.timeoutMs ?? Infinity);
    const { sequence } = options;
    const lane = sequence && this.lane(sequence);
    let started = performance.now();
    let outcome: InvokeOutcome;
    try {
      const pooled = await this.pool(fn).invoke(
        requestId,
        event,
        timeoutMs,
        () => {
          started = performance.now(); // Duration is the handler's, after the environment is there, as Lambda's
          this.options.log.start(fn, requestId);
        },
        lane,
      );
      const durationMs = performance.now() - started;
      outcome = { requestId, ...pooled, durationMs, billedDurationMs: Math.max(1, Math.ceil(durationMs)) };
    } catch (error) {
      const durationMs = performance.now() - started;
      outcome = { requestId, error: error as Error, durationMs, billedDurationMs: 0, coldStart: false, logs: [] };
    } finally {
      if (sequence && lane) this.leave(sequence.key, lane.ticket);
    }
    this.options.log.report(fn, outcome);
    return outcome;
  }

  /** The invocation's place in its sequence, after the sequence's latest one. */
  private lane({ key, after }: InvocationSequence): Lane {
    const ticket = laneTicket();
    const previous = this.lanes.get(key);
    this.lanes.set(key, ticket);
    return { ticket, after, ...(previous ? { previous } : {}) };
  }

  /** The invocation is over: one waiting to follow it stops waiting, and a sequence with no more is forgotten. */
  private leave(key: string, ticket: LaneTicket): void {
    ticket.start();
    if (this.lanes.get(key) === ticket) this.lanes.delete(key);
  }

  private pool(fn: FunctionFacts): FunctionPool {
    let pool = this.pools.get(fn.functionKey);
    if (pool !== undefined) return pool;
    const { log, preload, tsconfig, connections } = this.options;
    const setup = async (): Promise<EnvironmentSetup> => {
      const [load, runtime] = await Promise.all([this.bundler.load(fn.handler.file), runtimeModule(preload)]);
      if (load.kind === 'native' && this.watcher) void this.bundler.imports(fn.handler.file).then((files) => this.watcher?.add(fn.functionKey, files));
      return {
        handler: fn.handler,
        load,
        ...(runtime ? { runtime } : {}),
        functionName: fn.functionName,
        memorySize: fn.memorySize,
        region: this.options.region,
        preload,
        ...(tsconfig ? { tsconfig } : {}),
        ...(connections ? { connectionsRelay: connections.relay } : {}),
      };
    };
    pool = new FunctionPool(fn, {
      setup,
      environment: functionEnvironment(fn, this.options),
      maxEnvironments: Math.min(fn.reservedConcurrency ?? Infinity, this.options.maxConcurrency),
      ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: fn.reservedConcurrency } : {}),
      idleMs: this.options.environmentIdleMs,
      eagerEnvironments: availableParallelism(),
      scaleUpDelayMs: SCALE_UP_DELAY_MS,
      cpuLoad: () => this.cpu.read(),
      roomBelow: CPU_ROOM_BELOW,
      maxQueueMs: MAX_QUEUE_MS,
      keepOne: this.options.warm,
      hooks: {
        files: (files) => this.watcher?.add(fn.functionKey, [fn.handler.file, ...files]),
        log: (entry, requestId) => log.handler(fn, requestId, entry),
        initFailed: (error) => {
          this.watcher?.add(fn.functionKey, [fn.handler.file]); // a file that failed to load is retried after its next edit
          log.initFailed(fn, error);
        },
        crashed: (error) => log.crashed(fn, error),
        ...(connections ? { connections: connections.answer } : {}),
      },
    });
    this.pools.set(fn.functionKey, pool);
    return pool;
  }

  /** Environments of a function now (for tests and the bench). */
  environmentsOf(functionKey: string): number {
    return this.pools.get(functionKey)?.size ?? 0;
  }

  async close(): Promise<void> {
    clearTimeout(this.rewarm);
    this.watcher?.close();
    await Promise.all([...this.pools.values(), ...this.replaced].map((pool) => pool.close()));
  }
}
