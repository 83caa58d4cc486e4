import type { FunctionFacts } from '../model/app-model.ts';
import type { EnvironmentSetup } from './environment-protocol.ts';
import { ExecutionEnvironment } from './execution-environment.ts';
import type { EnvironmentHooks, EnvironmentOutcome, LogEntry } from './execution-environment.ts';
import { FunctionInitError, FunctionThrottledError } from './runtime-errors.ts';

export interface PoolSettings {
  /** What a new environment starts with (its handler's build, made once and shared until an edit). */
  setup: () => Promise<EnvironmentSetup>;
  environment: Record<string, string>;
  /** The most environments at once: reservedConcurrency, capped by the emulator's --max-concurrency. */
  maxEnvironments: number;
  /** reservedConcurrency: past it, Lambda throttles instead of queueing. */
  reservedConcurrency?: number;
  /** An environment idle this long is ended (one is kept when `keepOne`). */
  idleMs: number;
  /**
   * Up to this many environments start as soon as invocations wait for one (the machine's cores). Past it, one more
   * starts after invocations have waited `scaleUpDelayMs`, and then only while the cores have room (see `cpuLoad`).
   */
  eagerEnvironments: number;
  scaleUpDelayMs: number;
  /**
   * The process's share of the machine's cores lately (0–1, see CpuLoad). Past `eagerEnvironments`, another
   * environment starts while it is below `roomBelow`, or once the oldest waiting invocation has waited `maxQueueMs`:
   * on full cores a new environment adds its init and JIT warm-up, not capacity, and the invocations it would take
   * finish sooner in the environments running. The wait is bounded, so invocations that wait on something else than
   * the CPU (a slow API, a gate in a test) still get environments of their own.
   */
  cpuLoad: () => number;
  roomBelow: number;
  maxQueueMs: number;
  keepOne: boolean;
  hooks: {
    files(files: string[]): void;
    log(entry: LogEntry, requestId: string | undefined): void;
    /** The environment's handler failed to load; reported once per failure (the function fails until retired). */
    initFailed(error: FunctionInitError): void;
    /** An environment crashed between invocations (a stray throw from a timer, say). */
    crashed(error: Error): void;
    /** Answers the handlers' relayed @connections calls (EnvironmentHooks.connections); none: they go over TCP. */
    connections?: EnvironmentHooks['connections'];
  };
}

export interface PooledOutcome extends EnvironmentOutcome {
  logs: LogEntry[];
  /** The invocation waited for its environment's init (a cold start). */
  coldStart: boolean;
  initDurationMs?: number;
}

/**
 * An invocation's place in a sequence (a connection's frames, in order): where it runs, once it has begun. The next
 * invocation of the sequence reads it to run right after it, in the same environment.
 */
export interface LaneTicket {
  requestId?: string;
  environment?: ExecutionEnvironment;
  /** Resolves once the invocation has begun in an environment, or will not (it failed, it was throttled). */
  readonly started: Promise<void>;
  start(): void;
}

/** A ticket not yet started: the pool fills it in as the invocation begins. */
export function laneTicket(): LaneTicket {
  let start!: () => void;
  return { started: new Promise<void>((resolve) => (start = resolve)), start: () => start() };
}

/** What an invocation in a sequence runs after: the one before (`previous`), or at the latest once `after` resolves. */
export interface Lane {
  ticket: LaneTicket;
  previous?: LaneTicket;
  after: Promise<unknown>;
}

interface Waiter {
  since: number;
  resolve(lease: { environment: ExecutionEnvironment; coldStart: boolean }): void;
  reject(error: Error): void;
}

/**
 * The execution environments of one function: a cold start on first use, reuse after, one invocation per environment
 * at a time; concurrent invocations get more environments up to the limit, then queue (or are throttled past the
 * function's reservedConcurrency, as Lambda does). An import-time failure is kept until the function is retired.
 */
export class FunctionPool {
  private readonly environments = new Set<ExecutionEnvironment>();
  /**
   * Environments handed to an invocation that has not started it yet: still `idle` for a moment (the invocation runs
   * after an await), so without this a second invocation in the same turn would be handed the same one.
   */
  private readonly leased = new Set<ExecutionEnvironment>();
  private readonly waiters: Waiter[] = [];
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private initFailure?: FunctionInitError;
  private growTimer?: NodeJS.Timeout;
  private inFlight = 0;
  private closed = false;

  constructor(
    readonly fn: FunctionFacts,
    private readonly settings: PoolSettings,
  ) {}

  /** Environments now: initializing, idle or busy (not those being ended). */
  get size(): number {
    return [...this.environments].filter((environment) => environment.state !== 'ended').length;
  }

  /**
   * Starts one environment if there is none, so the first event does not pay the cold start. Resolves when that one
   * is ready or has failed (never rejects).
   */
  warm(): Promise<void> {
    if (this.environments.size > 0 || this.initFailure !== undefined || this.closed) return Promise.resolve();
    return this.spawn().ready.catch(() => {});
  }

  /**
   * Runs one invocation in an environment of this function. In a `lane`, it runs after the lane's previous invocation:
   * right after it in the same environment when it can (see ExecutionEnvironment.follow), else once `lane.after` resolves.
   */
  async invoke(requestId: string, event: unknown, timeoutMs: number, started: (coldStart: boolean) => void, lane?: Lane): Promise<PooledOutcome> {
    if (lane) {
      const followed = await this.follow(requestId, event, timeoutMs, started, lane);
      if (followed) return followed;
      await lane.after;
    }
    const reserved = this.settings.reservedConcurrency;
    if (reserved !== undefined && this.inFlight >= reserved) {
      throw new FunctionThrottledError(`Rate Exceeded: ${this.fn.functionName} has reservedConcurrency ${reserved} and that many invocations running`);
    }
    this.inFlight += 1;
    try {
      const { environment, coldStart } = await this.acquire();
      started(coldStart);
      let running: ReturnType<ExecutionEnvironment['invoke']>;
      try {
        running = environment.invoke(requestId, event, timeoutMs);
        if (lane) Object.assign(lane.ticket, { environment, requestId }).start();
      } finally {
        this.leased.delete(environment); // busy now, until the outcome (or it ended in the meantime)
      }
      const outcome = await running;
      this.released(environment);
      return { ...outcome, coldStart, ...(coldStart && environment.initDurationMs !== undefined ? { initDurationMs: environment.initDurationMs } : {}) };
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * Runs the invocation right after the lane's previous one, in its environment, if that one is still running there.
   * Not throttled: it waits for an environment that is already this function's, and counts as running (against
   * reservedConcurrency) only from its start, when the one before has ended. Undefined when it cannot (the previous
   * ran elsewhere, or ended its environment before this one began).
   */
  private async follow(requestId: string, event: unknown, timeoutMs: number, started: (coldStart: boolean) => void, { ticket, previous }: Lane): Promise<PooledOutcome | undefined> {
    if (previous === undefined) return undefined;
    await previous.started;
    const { environment } = previous;
    if (environment === undefined || !this.environments.has(environment) || !environment.canFollow(previous.requestId!)) return undefined;
    let began = false;
    try {
      const outcome = await environment.follow(requestId, event, timeoutMs, () => {
        began = true;
        this.inFlight += 1;
        started(false);
        Object.assign(ticket, { environment, requestId }).start();
      });
      if ('unstarted' in outcome) return undefined;
      this.released(environment);
      return { ...outcome, coldStart: false };
    } finally {
      if (began) this.inFlight -= 1;
    }
  }

  private acquire(): Promise<{ environment: ExecutionEnvironment; coldStart: boolean }> {
    if (this.closed) return Promise.reject(new Error('the emulator is stopping'));
    if (this.initFailure) return Promise.reject(this.initFailure);
    const idle = [...this.environments].find((environment) => environment.state === 'idle' && !environment.retired && !this.leased.has(environment));
    if (idle) {
      this.clearIdle(idle);
      return Promise.resolve(this.lease(idle, false));
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ since: performance.now(), resolve, reject });
      this.grow();
    });
  }

  /**
   * One more environment when invocations wait for more than those starting, within the limit: at once up to
   * `eagerEnvironments`, past it after `scaleUpDelayMs` and only with room on the cores (see PoolSettings).
   */
  private grow(): void {
    if (!this.short()) return;
    if (this.environments.size < this.settings.eagerEnvironments) return void this.spawn();
    this.growTimer ??= setTimeout(() => {
      this.growTimer = undefined;
      if (!this.short()) return;
      if (this.roomForAnother()) this.spawn();
      this.grow(); // still short: another (or another look) after the next wait
    }, this.settings.scaleUpDelayMs);
  }

  private roomForAnother(): boolean {
    const { cpuLoad, roomBelow, maxQueueMs } = this.settings;
    return cpuLoad() < roomBelow || performance.now() - this.waiters[0]!.since >= maxQueueMs;
  }

  /** More invocations wait than environments are starting, and the limit allows another. */
  private short(): boolean {
    const starting = [...this.environments].filter((environment) => environment.state === 'initializing').length;
    return this.waiters.length > starting && this.environments.size < this.settings.maxEnvironments && !this.closed;
  }

  private spawn(): ExecutionEnvironment {
    const hooks: EnvironmentHooks = {
      files: (files) => this.settings.hooks.files(files),
      log: (entry, requestId) => this.settings.hooks.log(entry, requestId),
      ...(this.settings.hooks.connections ? { connections: this.settings.hooks.connections } : {}),
      ended: (environment, error, during) => {
        this.environments.delete(environment);
        this.clearIdle(environment);
        if (error && !during && environment.served > 0 && !this.closed) this.settings.hooks.crashed(error);
        this.grow();
      },
    };
    const environment = new ExecutionEnvironment(this.settings.setup(), this.settings.environment, hooks);
    this.environments.add(environment);
    environment.ready.then(
      () => {
        const waiter = environment.retired ? undefined : this.waiters.shift();
        if (waiter) waiter.resolve(this.lease(environment, true));
        else this.released(environment);
      },
      (error: Error) => {
        this.environments.delete(environment);
        if (!(error instanceof FunctionInitError) || environment.retired || this.closed) return this.grow();
        this.initFailure = error;
        this.settings.hooks.initFailed(error);
        for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      },
    );
    return environment;
  }

  /** The environment finished an invocation (or its init): next waiter, or idle until reclaimed. */
  private released(environment: ExecutionEnvironment): void {
    // Busy: it began the invocation sent to follow; ended (timeout, crash): `ended` grows the pool if needed.
    if (environment.state !== 'idle') return;
    if (environment.retired || this.closed) return void environment.end();
    const waiter = this.waiters.shift();
    if (waiter) return waiter.resolve(this.lease(environment, false));
    const timer = setTimeout(() => {
      this.idleTimers.delete(environment);
      if (this.settings.keepOne && this.environments.size === 1) return;
      if (environment.state === 'idle' && !this.leased.has(environment)) void environment.end();
    }, this.settings.idleMs);
    timer.unref();
    this.idleTimers.set(environment, timer);
  }

  private lease(environment: ExecutionEnvironment, coldStart: boolean): { environment: ExecutionEnvironment; coldStart: boolean } {
    this.leased.add(environment);
    return { environment, coldStart };
  }

  private clearIdle(environment: ExecutionEnvironment): void {
    clearTimeout(this.idleTimers.get(environment));
    this.idleTimers.delete(environment);
  }

  /** After an edit: environments end (a busy one after its invocation), the next invocation loads the new code. */
  retire(): void {
    this.initFailure = undefined;
    for (const environment of this.environments) {
      environment.retired = true;
      // A leased one runs its invocation first (it was handed out before the edit), then ends as a busy one does.
      if (environment.state !== 'busy' && !this.leased.has(environment)) void environment.end();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.growTimer);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the emulator is stopping'));
    await Promise.all([...this.environments].map((environment) => environment.end()));
  }
}
