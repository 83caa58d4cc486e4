import type { ConnectionInfo, DisconnectRecord, Emulator, InvocationRecord, ManagementRecord } from '../emulator.ts';

/** A payload as the inspector shows it: text (or hex for bytes that are not UTF-8), cut past a size, its full size kept. */
export interface Payload {
  bytes: number;
  text?: string;
  hex?: string;
  /** The text or hex holds only the first `PAYLOAD_CHARACTERS` characters. */
  truncated: boolean;
}

export type LogLine = NonNullable<InvocationRecord['logs']>[number];

type Common = { seq: number; time: string; connectionId: string };
export type FeedEntry =
  | (Common & { kind: 'invocation' } & Omit<InvocationRecord, 'time' | 'connectionId' | 'event' | 'result' | 'logs'> & { event?: Payload; result?: Payload; logs?: LogLine[]; logsDropped?: number })
  | (Common & { kind: 'management'; method: string; status: number; payload?: Payload })
  | (Common & { kind: 'connection' })
  | (Common & { kind: 'disconnect'; statusCode: number; reason: string });

/** A live connection as the inspector shows it: what the gateway knows plus the query and identity of its $connect. */
export interface InspectedConnection extends ConnectionInfo {
  query?: Record<string, string> | null;
  identity?: Record<string, unknown>;
}

export type FeedMessage =
  | { type: 'snapshot'; entries: FeedEntry[]; connections: InspectedConnection[] }
  | { type: 'entry'; entry: FeedEntry }
  | { type: 'connections'; connections: InspectedConnection[] };

type Listener = (message: Exclude<FeedMessage, { type: 'snapshot' }>) => void;

/** Payloads (events, results, posted data) are cut past this many characters; the full size is still shown. */
export const PAYLOAD_CHARACTERS = 8_192;
/** At most this many log lines per invocation, each cut at 1,024 characters: a chatty handler cannot fill memory. */
export const LOG_LINES = 50;
const LOG_LINE_CHARACTERS = 1_024;

/** One decoder for every payload (a TextDecoder per post showed in the delivery path's profile). */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Text for a string, UTF-8 bytes that decode, or JSON; hex for bytes that are no UTF-8. */
export function payloadOf(value: unknown): Payload {
  if (value instanceof Uint8Array) {
    try {
      const text = utf8.decode(value);
      return cut(text, value.byteLength, 'text');
    } catch {
      const hex = Buffer.from(value.subarray(0, PAYLOAD_CHARACTERS / 2)).toString('hex');
      return { bytes: value.byteLength, hex, truncated: value.byteLength > PAYLOAD_CHARACTERS / 2 };
    }
  }
  const text = typeof value === 'string' ? value : (safeJson(value) ?? String(value));
  return cut(text, Buffer.byteLength(text), 'text');
}

function cut(text: string, bytes: number, as: 'text'): Payload {
  return { bytes, [as]: text.slice(0, PAYLOAD_CHARACTERS), truncated: text.length > PAYLOAD_CHARACTERS };
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // a cycle or a BigInt: shown with String()
  }
}

/**
 * What the inspector shows: the emulator's events kept in a bounded log (the newest `limit`, replayed to a page that
 * opens later) with their payloads cut to size, pushed to every open inspector, plus the live connection list, sent at
 * most every `throttleMs`. Every @connections call and every invocation passes through here, so the log is a ring
 * (no array shifted per event once full), and while no inspector is open an entry is only shaped (payloads cut,
 * events written as JSON) when a page asks for the log.
 */
export class InspectorFeed {
  private readonly ring: (Pending | undefined)[];
  /** The slot the next entry goes in; with `size`, where the oldest is. */
  private next = 0;
  private size = 0;
  private readonly listeners = new Set<Listener>();
  private readonly connectFacts = new Map<string, { query?: Record<string, string> | null; identity?: Record<string, unknown> }>();
  private pending: NodeJS.Timeout | undefined;
  private seq = 0;
  private readonly detach: () => void;

  constructor(
    private readonly emulator: Pick<Emulator, 'events' | 'listConnections'>,
    private readonly limit = 500,
    private readonly throttleMs = 200,
  ) {
    this.ring = new Array<Pending | undefined>(limit);
    const handlers = {
      invocation: (r: InvocationRecord) => this.onInvocation(r),
      management: (r: ManagementRecord) => {
        // Bytes are copied (small ones): a caller of `emulator.post` may reuse its buffer before the log is read.
        const record = r.payload instanceof Uint8Array && !isLarge(r.payload) ? { ...r, payload: Uint8Array.prototype.slice.call(r.payload) } : r;
        this.add(() => managementEntry(record), isLarge(r.payload));
      },
      connection: (c: ConnectionInfo) => {
        const time = new Date().toISOString();
        this.add(() => ({ kind: 'connection', seq: 0, time, connectionId: c.connectionId }));
      },
      disconnect: (r: DisconnectRecord) => {
        this.connectFacts.delete(r.connectionId);
        this.add(() => ({ kind: 'disconnect', seq: 0, time: r.time, connectionId: r.connectionId, statusCode: r.statusCode, reason: r.reason }));
      },
    };
    for (const [event, handler] of Object.entries(handlers)) emulator.events.on(event, handler);
    this.detach = () => {
      for (const [event, handler] of Object.entries(handlers)) emulator.events.off(event, handler);
    };
  }

  /** The log, oldest first: at most `limit` entries. */
  entries(): FeedEntry[] {
    const entries: FeedEntry[] = [];
    for (let i = 0; i < this.size; i++) entries.push(shaped(this.ring[(this.next - this.size + i + this.limit) % this.limit]!));
    return entries;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connections(): InspectedConnection[] {
    return this.emulator.listConnections().map((c) => ({ ...c, ...this.connectFacts.get(c.connectionId) }));
  }

  /** Forgets the log (a page opened later starts empty); open pages clear their own view. */
  clear(): void {
    this.ring.fill(undefined);
    this.size = 0;
  }

  close(): void {
    this.detach();
    clearTimeout(this.pending);
    this.listeners.clear();
  }

  private onInvocation(record: InvocationRecord): void {
    // The $connect event (or its authorizer's) is where API Gateway tells the query and the caller's identity.
    if (record.eventType === 'CONNECT' && record.event !== undefined && !this.connectFacts.has(record.connectionId)) {
      const connect = record.event as { queryStringParameters?: Record<string, string> | null; requestContext?: { identity?: Record<string, unknown> } };
      this.connectFacts.set(record.connectionId, { query: connect.queryStringParameters ?? null, identity: connect.requestContext?.identity });
    }
    this.add(() => invocationEntry(record), isLarge((record.event as { body?: unknown } | undefined)?.body) || isLarge((record.result as { body?: unknown } | undefined)?.body ?? record.result));
  }

  /** `large`: shaped at once, so the log never holds more than the cut payloads (not 500 bodies of 128 KB). */
  private add(build: () => FeedEntry, large = false): void {
    const entry: Pending = { seq: ++this.seq, build };
    if (large) shaped(entry);
    if (this.limit > 0) {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % this.limit;
      this.size = Math.min(this.size + 1, this.limit);
    }
    if (this.listeners.size > 0) {
      const message = { type: 'entry', entry: shaped(entry) } as const;
      for (const listener of this.listeners) listener(message);
    }
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      if (this.listeners.size === 0) return;
      const connections = this.connections();
      for (const listener of this.listeners) listener({ type: 'connections', connections });
    }, this.throttleMs);
  }
}

/** An entry as it was added: shaped on first need (an open inspector, or a page asking for the log), then kept. */
interface Pending {
  seq: number;
  build?: () => FeedEntry;
  entry?: FeedEntry;
}

function shaped(pending: Pending): FeedEntry {
  if (pending.entry === undefined) {
    pending.entry = { ...pending.build!(), seq: pending.seq };
    pending.build = undefined; // the record it closed over can go
  }
  return pending.entry;
}

function isLarge(value: unknown): boolean {
  return (typeof value === 'string' || value instanceof Uint8Array) && value.length > PAYLOAD_CHARACTERS;
}

function managementEntry(record: ManagementRecord): FeedEntry {
  const { payload, ...rest } = record;
  return { ...rest, kind: 'management', seq: 0, ...(payload !== undefined ? { payload: payloadOf(payload) } : {}) };
}

function invocationEntry(record: InvocationRecord): FeedEntry {
  const { event, result, logs, ...rest } = record;
  return {
    ...rest,
    kind: 'invocation',
    seq: 0,
    ...(event !== undefined ? { event: payloadOf(event) } : {}),
    ...(result !== undefined ? { result: payloadOf(result) } : {}),
    ...(logs !== undefined
      ? {
          logs: logs.slice(0, LOG_LINES).map((line) => ({ ...line, message: line.message.slice(0, LOG_LINE_CHARACTERS) })),
          ...(logs.length > LOG_LINES ? { logsDropped: logs.length - LOG_LINES } : {}),
        }
      : {}),
  };
}
