import { AsyncLocalStorage } from 'node:async_hooks';
import { formatWithOptions } from 'node:util';

export type CapturedLogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';
/** One line a handler wrote with `console.*` during one invocation, as Lambda sends it to CloudWatch Logs. */
export interface CapturedLogLine {
  time: string;
  level: CapturedLogLevel;
  message: string;
}

const LEVELS: readonly CapturedLogLevel[] = ['log', 'info', 'warn', 'error', 'debug'];
/** A handler that logs in a loop keeps at most this many lines per run; the console still gets every one. */
const MAX_LINES = 1_000;

const current = new AsyncLocalStorage<CapturedLogLine[]>();
let installed = false;

/**
 * Handlers that run in the emulator's own process share its `console`: each `console.*` call is attributed to the
 * invocation whose async context made it (AsyncLocalStorage follows awaits, timers and callbacks the handler starts),
 * recorded for the inspector, and printed as before. Calls outside any invocation are only printed.
 */
function install(): void {
  if (installed) return;
  installed = true;
  for (const level of LEVELS) {
    const print = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const lines = current.getStore();
      if (lines !== undefined && lines.length < MAX_LINES) lines.push({ time: new Date().toISOString(), level, message: formatWithOptions({ colors: false }, ...args) });
      print(...args);
    };
  }
}

/**
 * Runs one invocation with its console lines collected into `lines` (the array fills as the handler logs).
 * @example const logs: CapturedLogLine[] = []; const result = await captureLogs(logs, () => invoke(handler, event, target));
 */
export function captureLogs<T>(lines: CapturedLogLine[], run: () => Promise<T>): Promise<T> {
  install();
  return current.run(lines, run);
}
