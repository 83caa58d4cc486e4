import { relative } from 'node:path';
import type { FunctionFacts } from '../model/app-model.ts';
import type { LogEntry } from '../runtime/execution-environment.ts';
import type { InvokeOutcome, RuntimeLog } from '../runtime/lambda-runtime.ts';
import type { FunctionInitError } from '../runtime/runtime-errors.ts';

export interface LogSettings {
  write: (line: string) => void;
  /** `text` for people, `json` (one object per line) for machines. */
  format: 'text' | 'json';
  /** ANSI colours (text only): on a terminal, off with NO_COLOR or when piped. */
  color: boolean;
  /** False (`log: false`): nothing is written, and no line is even formatted (they are built on the delivery path). Default true. */
  enabled?: boolean;
}

const LEVELS: Record<LogEntry['level'], string> = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG' };
const PAINT = { dim: '2', cyan: '36', yellow: '33', red: '31' } as const;

/**
 * Every line the emulator prints: Lambda's START / END / REPORT per invocation and the handler's console output
 * attributed to function and request id (as CloudWatch shows them), the gateway's one line per event, warnings
 * (each distinct one once).
 */
export class EmulatorLog implements RuntimeLog {
  private readonly warned = new Set<string>();
  readonly enabled: boolean;

  constructor(private readonly settings: LogSettings) {
    this.enabled = settings.enabled ?? true;
  }

  private paint(colour: keyof typeof PAINT, text: string): string {
    return this.settings.color ? `\x1b[${PAINT[colour]}m${text}\x1b[0m` : text;
  }

  private emit(type: string, text: () => string, fields: Record<string, unknown>): void {
    if (!this.enabled) return;
    const time = new Date().toISOString();
    this.settings.write(this.settings.format === 'json' ? JSON.stringify({ time, type, ...fields }) : `${time.slice(11, 23)}  ${text()}`);
  }

  private fnLabel(fn: FunctionFacts): string {
    return this.paint('cyan', fn.functionKey);
  }

  /** A line of the emulator's own (URLs, @connections calls, the gateway's event lines). */
  info(type: string, message: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled) return;
    if (this.settings.format === 'json') this.settings.write(JSON.stringify({ time: new Date().toISOString(), type, message, ...fields }));
    else this.settings.write(message);
  }

  warning(message: string): void {
    if (!this.enabled || this.warned.has(message)) return;
    this.warned.add(message);
    if (this.settings.format === 'json') this.settings.write(JSON.stringify({ time: new Date().toISOString(), type: 'warning', message }));
    else this.settings.write(this.paint('yellow', `warning: ${message}`));
  }

  start(fn: FunctionFacts, requestId: string): void {
    if (!this.enabled) return;
    this.emit('platform.start', () => `${this.fnLabel(fn)}  ${this.paint('dim', `START RequestId: ${requestId} Version: $LATEST`)}`, { function: fn.functionKey, requestId, version: '$LATEST' });
  }

  handler(fn: FunctionFacts, requestId: string | undefined, entry: LogEntry): void {
    if (!this.enabled) return;
    // Node's own process warnings (`(node:PID) Warning: …`) come from every environment alike: once each.
    const warning = /^\(node:\d+\) (\[\w+\] )?(\w*Warning: [\s\S]*)$/.exec(entry.message);
    if (warning) return this.warning(warning[2]!.replace(/\n\(Use `node --trace-warnings[^\n]*/, '').replace(/\s*\n\s*/g, ' ').trim());
    const level = LEVELS[entry.level];
    const painted = level === 'ERROR' ? this.paint('red', level) : level === 'WARN' ? this.paint('yellow', level) : level;
    this.settings.write(
      this.settings.format === 'json'
        ? JSON.stringify({ time: entry.time, type: 'function', function: fn.functionKey, requestId, level, message: entry.message })
        : `${entry.time.slice(11, 23)}  ${this.fnLabel(fn)}  ${requestId ?? '(between invocations)'}  ${painted}  ${entry.message}`,
    );
  }

  report(fn: FunctionFacts, outcome: InvokeOutcome): void {
    if (!this.enabled) return;
    const { requestId, error } = outcome;
    const ran = outcome.billedDurationMs > 0;
    if (error && (!ran || (error as { code?: string }).code === 'FUNCTION_INIT_FAILED')) {
      // It never ran: an init failure was logged when it happened; a throttle is said here.
      if ((error as { code?: string }).code === 'FUNCTION_THROTTLED') this.emit('platform.throttle', () => `${this.fnLabel(fn)}  ${this.paint('red', error.message)}`, { function: fn.functionKey, requestId, message: error.message });
      return;
    }
    if (error) {
      this.emit('function', () => `${this.fnLabel(fn)}  ${requestId}  ${this.paint('red', 'ERROR')}  Invoke Error  ${error.name}: ${error.message}`, {
        function: fn.functionKey,
        requestId,
        level: 'ERROR',
        message: `Invoke Error ${error.name}: ${error.message}`,
      });
    }
    this.emit('platform.end', () => `${this.fnLabel(fn)}  ${this.paint('dim', `END RequestId: ${requestId}`)}`, { function: fn.functionKey, requestId });
    const metrics = {
      durationMs: round(outcome.durationMs),
      billedDurationMs: outcome.billedDurationMs,
      memorySizeMB: fn.memorySize,
      ...(outcome.maxMemoryUsedMb !== undefined ? { maxMemoryUsedMB: outcome.maxMemoryUsedMb } : {}),
      ...(outcome.initDurationMs !== undefined ? { initDurationMs: round(outcome.initDurationMs) } : {}),
    };
    const text = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${metrics.durationMs.toFixed(2)} ms`,
      `Billed Duration: ${metrics.billedDurationMs} ms`,
      `Memory Size: ${fn.memorySize} MB`,
      ...(metrics.maxMemoryUsedMB !== undefined ? [`Max Memory Used: ${metrics.maxMemoryUsedMB} MB`] : []),
      ...(metrics.initDurationMs !== undefined ? [`Init Duration: ${metrics.initDurationMs.toFixed(2)} ms`] : []),
    ].join('\t');
    this.emit('platform.report', () => `${this.fnLabel(fn)}  ${text}`, { function: fn.functionKey, requestId, status: error ? ((error as { code?: string }).code === 'HANDLER_TIMEOUT' ? 'timeout' : 'error') : 'success', metrics });
  }

  initFailed(fn: FunctionFacts, error: FunctionInitError): void {
    this.emit('platform.initError', () => `${this.fnLabel(fn)}  ${this.paint('red', `could not load its handler: ${error.message}`)}; its events fail until the file is edited`, {
      function: fn.functionKey,
      file: fn.handler.file,
      error: error.message,
    });
  }

  crashed(fn: FunctionFacts, error: Error): void {
    this.emit('platform.crash', () => `${this.fnLabel(fn)}  ${this.paint('red', `an environment crashed between invocations and was discarded: ${error.message}`)}`, { function: fn.functionKey, error: error.message });
  }

  reloaded(file: string): void {
    this.info('reload', `reloaded after a change to ${relative(process.cwd(), file)}`, { file });
  }

  cannotWatch(folder: string, error: Error): void {
    this.warning(`cannot watch ${folder} (${error.message}); edits there need a restart`);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
