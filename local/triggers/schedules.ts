import type { FunctionFacts, ScheduleConfig } from '../model/app-model.ts';
import type { LambdaIntegration } from '../gateway/lambda-integration.ts';
import { ConfigError } from '../model/config-error.ts';
import { parseSchedule, ScheduleExpressionError } from './schedule-expression.ts';
import type { Schedule } from './schedule-expression.ts';

/** Node's timers take at most 2^31-1 ms; a later fire is reached in hops. */
const MAX_TIMER_MS = 2_147_483_647;

interface Rule {
  config: ScheduleConfig;
  schedule: Schedule;
  timer?: NodeJS.Timeout;
}

/**
 * EventBridge schedule rules targeting the app's functions. Each enabled rule fires on its schedule, in UTC; `speed`
 * runs the emulator's schedule clock faster (60: a `rate(1 minute)` fires every second, `cron` times come 60× sooner).
 * `fire` runs a function's rules now, whatever their schedule or `enabled`.
 */
export class Schedules {
  private readonly rules: Rule[];
  private readonly started = Date.now();
  private stopped = false;
  /** Runs still going, so a stop can wait for them. */
  readonly running = new Set<Promise<unknown>>();

  constructor(
    configs: ScheduleConfig[],
    private readonly functions: Map<string, FunctionFacts>,
    private readonly integration: LambdaIntegration,
    private readonly facts: { region: string; accountId: string; speed: number },
  ) {
    this.rules = configs.map((config) => {
      try {
        return { config, schedule: parseSchedule(config.expression) };
      } catch (error) {
        if (!(error instanceof ScheduleExpressionError)) throw error;
        throw new ConfigError('CONFIG_INVALID', `functions.${config.functionKey}: schedule ${error.message}`, { cause: error });
      }
    });
  }

  /** The schedule clock: real time, sped up by `speed` from the moment the emulator started. */
  now(): Date {
    return new Date(this.started + (Date.now() - this.started) * this.facts.speed);
  }

  start(): void {
    for (const rule of this.rules) if (rule.config.enabled) this.arm(rule, this.now());
  }

  /** The function keys that have a schedule rule. */
  functionKeys(): string[] {
    return [...new Set(this.rules.map((rule) => rule.config.functionKey))];
  }

  /** Fires every rule of `functionKey` now; resolves when the runs have ended. Unknown function: a TypeError. */
  async fire(functionKey: string): Promise<void> {
    const rules = this.rules.filter((rule) => rule.config.functionKey === functionKey);
    if (rules.length === 0) throw new TypeError(`functions.${functionKey} has no schedule event; scheduled: ${this.functionKeys().join(', ') || 'none'}`);
    await Promise.all(rules.map((rule) => this.run(rule, this.now())));
  }

  stop(): void {
    this.stopped = true;
    for (const rule of this.rules) clearTimeout(rule.timer);
  }

  /** The Scheduled Event EventBridge sends (or the rule's constant `input` instead). */
  event(rule: ScheduleConfig, time: Date): unknown {
    if (rule.input !== undefined) return rule.input;
    return {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.facts.accountId,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.facts.region,
      resources: [`arn:aws:events:${this.facts.region}:${this.facts.accountId}:rule/${rule.name}`],
      detail: {},
    };
  }

  private arm(rule: Rule, from: Date): void {
    if (this.stopped) return;
    // A rate rule first fires one period after it is created, as EventBridge's do.
    const next = rule.schedule.kind === 'rate' ? new Date(from.getTime() + rule.schedule.periodMs) : rule.schedule.next(from);
    if (next === undefined) return;
    const wait = (next.getTime() - this.now().getTime()) / this.facts.speed;
    const hop = Math.min(Math.max(0, wait), MAX_TIMER_MS);
    rule.timer = setTimeout(() => {
      if (hop < wait) return this.arm(rule, from); // not there yet: one more hop
      void this.run(rule, next);
      this.arm(rule, next);
    }, hop);
    rule.timer.unref();
  }

  private run(rule: Rule, time: Date): Promise<unknown> {
    const fn = this.functions.get(rule.config.functionKey)!;
    const running = this.integration.run(fn, this.event(rule.config, time), { connectionId: '', eventType: 'SCHEDULE', routeKey: rule.config.name, statusOf: () => 200 });
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
    return running;
  }
}
