import type { Emulator, InvocationRecord } from '../../local/emulator.ts';

/** Resolves with the next `invocation` record that matches (a route key, or a test of the record); rejects after `timeoutMs`. */
export function invocationOf(emulator: Emulator, match: string | ((record: InvocationRecord) => boolean), timeoutMs = 10_000): Promise<InvocationRecord> {
  const matches = typeof match === 'string' ? (record: InvocationRecord) => record.routeKey === match : match;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emulator.events.off('invocation', listener);
      reject(new Error(`no matching invocation within ${timeoutMs} ms${typeof match === 'string' ? ` (${match})` : ''}`));
    }, timeoutMs);
    const listener = (record: InvocationRecord) => {
      if (!matches(record)) return;
      clearTimeout(timer);
      emulator.events.off('invocation', listener);
      resolve(record);
    };
    emulator.events.on('invocation', listener);
  });
}
