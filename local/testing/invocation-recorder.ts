import type { Emulator, InvocationRecord } from '../emulator.ts';

/** One line a handler logged (console.log/info/warn/error) during an invocation. */
export interface HandlerLogEntry {
  /** ISO-8601. */
  time: string;
  level: string;
  message: string;
}

/**
 * An invocation as recorded, with what its handler logged. `requestId` and `logs` come from the function
 * environment that ran the handler; they are absent where it records none (a frame no route took).
 */
export type RecordedInvocation = InvocationRecord & { requestId?: string; logs?: HandlerLogEntry[] };

/** Every invocation of one emulator from the moment it was made, and a way to wait for the next one that matches. */
export interface InvocationRecorder {
  /** Every invocation so far, oldest first. */
  readonly invocations: RecordedInvocation[];
  /** The first invocation (recorded already, or coming) that `match`es and was not returned before. Default timeout 5,000 ms. */
  next(match?: (invocation: RecordedInvocation) => boolean, timeoutMs?: number): Promise<RecordedInvocation>;
  /** What the handler logged in the invocation with this `requestId` (empty when none matched). */
  logsOf(requestId: string): HandlerLogEntry[];
  /** Stops recording. */
  stop(): void;
}

/**
 * Records the emulator's `invocation` events, so a test can assert on a handler's status and logs.
 *
 * @example
 * const invocations = recordInvocations(emulator);
 * client.send({ action: 'sendmessage', data: 'hi' });
 * const run = await invocations.next((i) => i.routeKey === 'sendmessage');
 * expect(run.status).toBe(200);
 * expect(run.logs?.map((l) => l.message)).toContain('sent');
 */
export function recordInvocations(emulator: Pick<Emulator, 'events'>): InvocationRecorder {
  const invocations: RecordedInvocation[] = [];
  const returned = new Set<number>();
  const waiters = new Set<() => void>();
  const onInvocation = (record: RecordedInvocation) => {
    invocations.push(record);
    for (const wake of [...waiters]) wake();
  };
  emulator.events.on('invocation', onInvocation);
  return {
    invocations,
    next(match = () => true, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const index = invocations.findIndex((record, i) => !returned.has(i) && match(record));
          if (index === -1) return;
          returned.add(index);
          waiters.delete(look);
          clearTimeout(timer);
          resolve(invocations[index]!);
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          const seen = invocations.map((r) => `${r.eventType} ${r.routeKey} ${String(r.status)}`).join('; ');
          reject(new Error(`no matching invocation within ${timeoutMs} ms; recorded: ${seen || 'none'}`));
        }, timeoutMs);
        waiters.add(look);
        look();
      });
    },
    logsOf: (requestId) => invocations.find((record) => record.requestId === requestId)?.logs ?? [],
    stop: () => void emulator.events.off('invocation', onInvocation),
  };
}
