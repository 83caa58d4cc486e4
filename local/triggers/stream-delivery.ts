import type { FunctionFacts, StreamSubscription } from '../model/app-model.ts';
import type { LambdaIntegration } from '../gateway/lambda-integration.ts';
import { matchesPattern } from './event-filter.ts';
import type { StreamRecord } from './stream-records.ts';

/** Records older than this leave a DynamoDB stream (its 24-hour retention); retries stop there with -1. */
const RETENTION_MS = 24 * 60 * 60 * 1000;
/** Waits between retries of a failing batch: doubling from 1 s, at most 60 s. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

/**
 * One event source mapping's poller: records of its table's stream queue here in order (one shard), and go to the
 * function in batches of at most `batchSize`, after `maximumBatchingWindowInSeconds` unless the batch is full. One
 * batch is in flight at a time, so records of one item key arrive in the order written. A failing batch is retried
 * (doubling waits) until it succeeds, `maximumRetryAttempts` is spent or its records are 24 h old, blocking the ones
 * behind it as on a shard; `bisectBatchOnFunctionError` splits it in two first. Then its records are dropped, with a
 * log line (`onFailure` destinations are not emulated).
 */
export class StreamDelivery {
  private readonly queue: { record: StreamRecord; at: number }[] = [];
  private window: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;
  /** Resolves when the queue is empty and no batch is in flight (tests and stop wait on it). */
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly subscription: StreamSubscription,
    private readonly fn: FunctionFacts,
    private readonly integration: LambdaIntegration,
    private readonly log: (line: string) => void,
  ) {}

  add(records: StreamRecord[]): void {
    if (this.stopped || !this.subscription.enabled) return;
    const { filterPatterns } = this.subscription;
    for (const record of records) {
      // A record no filter takes is dropped before batching, as Lambda's event filtering does.
      if (filterPatterns.length > 0 && !filterPatterns.some((pattern) => matchesPattern(record, pattern))) continue;
      this.queue.push({ record, at: Date.now() });
    }
    this.schedule();
  }

  idle(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.window);
    clearTimeout(this.retry);
  }

  private schedule(): void {
    if (this.busy || this.queue.length === 0 || this.window || this.retry) return;
    const windowMs = this.subscription.maximumBatchingWindowInSeconds * 1000;
    if (this.queue.length >= this.subscription.batchSize || windowMs === 0) {
      // With no window, records written in the same turn still share a batch.
      this.window = setTimeout(() => this.deliver(), 0);
    } else {
      this.window = setTimeout(() => this.deliver(), windowMs);
    }
  }

  private deliver(): void {
    this.window = undefined;
    if (this.stopped || this.queue.length === 0) return this.wake();
    const batch = this.queue.splice(0, this.subscription.batchSize);
    this.busy = true;
    void this.attempt(batch, 0).finally(() => {
      this.busy = false;
      this.schedule();
      this.wake();
    });
  }

  private async attempt(batch: { record: StreamRecord; at: number }[], retries: number): Promise<void> {
    const records = batch.map((entry) => entry.record);
    const outcome = await this.integration.run(this.fn, { Records: records }, {
      connectionId: '',
      eventType: 'STREAM',
      routeKey: this.subscription.tableName,
      body: `${records.length} record${records.length === 1 ? '' : 's'}: ${records.map((r) => r.eventName).join(' ')}`,
      statusOf: () => 200,
    });
    if (outcome.error === undefined || this.stopped) return;
    const { maximumRetryAttempts, bisectBatchOnFunctionError } = this.subscription;
    const expired = Date.now() - batch[0]!.at > RETENTION_MS;
    if (expired || (maximumRetryAttempts !== -1 && retries >= maximumRetryAttempts)) {
      this.log(`warning: ${this.subscription.functionKey} failed on ${records.length} record(s) of ${this.subscription.tableName} after ${retries} retr${retries === 1 ? 'y' : 'ies'}; they are dropped`);
      return;
    }
    if (bisectBatchOnFunctionError && batch.length > 1) {
      const half = Math.ceil(batch.length / 2);
      await this.attempt(batch.slice(0, half), retries + 1);
      await this.attempt(batch.slice(half), retries + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        resolve();
      }, Math.min(FIRST_RETRY_MS * 2 ** retries, MAX_RETRY_MS));
    });
    if (!this.stopped) await this.attempt(batch, retries + 1);
  }

  private wake(): void {
    if (this.busy || this.queue.length > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
