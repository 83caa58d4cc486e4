import type { Emulator } from '../emulator.ts';

export type FeedEntry =
  | { kind: 'invocation'; time: string; connectionId: string; eventType: string; routeKey: string; status: number | string; durationMs: number; bodyPreview?: string; error?: string }
  | { kind: 'management'; time: string; connectionId: string; method: string; status: number }
  | { kind: 'connection'; time: string; connectionId: string }
  | { kind: 'disconnect'; time: string; connectionId: string; statusCode: number; reason: string };

type Listener = (message: { type: 'entry'; entry: FeedEntry } | { type: 'connections'; connections: unknown[] }) => void;

/**
 * What the inspector shows: the emulator's events kept in a bounded log (the newest `limit`, replayed to a page that
 * opens later) and pushed to every open inspector, plus the live connection list, sent at most every `throttleMs`.
 */
export class InspectorFeed {
  readonly entries: FeedEntry[] = [];
  private readonly listeners = new Set<Listener>();
  private pending: NodeJS.Timeout | undefined;
  private readonly detach: () => void;

  constructor(
    private readonly emulator: Pick<Emulator, 'events' | 'listConnections'>,
    private readonly limit = 500,
    private readonly throttleMs = 200,
  ) {
    const on = (kind: FeedEntry['kind']) => (record: Record<string, unknown>) =>
      this.add({ kind, time: new Date().toISOString(), ...record } as FeedEntry);
    const handlers = {
      invocation: on('invocation'),
      management: on('management'),
      connection: on('connection'),
      disconnect: on('disconnect'),
    };
    for (const [event, handler] of Object.entries(handlers)) emulator.events.on(event, handler);
    this.detach = () => {
      for (const [event, handler] of Object.entries(handlers)) emulator.events.off(event, handler);
    };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connections(): unknown[] {
    return this.emulator.listConnections();
  }

  /** Forgets the log (a page opened later starts empty); open pages clear their own view. */
  clear(): void {
    this.entries.length = 0;
  }

  close(): void {
    this.detach();
    clearTimeout(this.pending);
    this.listeners.clear();
  }

  private add(entry: FeedEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    for (const listener of this.listeners) listener({ type: 'entry', entry });
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      const connections = this.connections();
      for (const listener of this.listeners) listener({ type: 'connections', connections });
    }, this.throttleMs);
  }
}
