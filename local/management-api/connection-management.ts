import type { EventEmitter } from 'node:events';
import type { ConnectionInfo } from '../gateway/connection-registry.ts';
import type { WebSocketGateway } from '../gateway/websocket-gateway.ts';

/** PostToConnection's data limit: 128 KB (the Smithy model's `Data` and the WebSocket limits table). */
export const MAX_POST_BYTES = 131_072;

/** The `management` event: one @connections call, over HTTP or through `Emulator.post`/`disconnect`. */
export interface ManagementRecord {
  /** ISO-8601. */
  time: string;
  method: string;
  connectionId: string;
  /** The HTTP status the call got: 200/204, or 410 (gone), 413 (too large), 403 (wrong stage or path). */
  status: number;
  /** What a POST carried, as it came (the inspector shows it as text, or hex when it is no UTF-8). */
  payload?: string | Uint8Array;
}

export type PostToConnectionOutcome = 'delivered' | 'gone' | 'too-large';

/**
 * The @connections operations, shared by the HTTP API (`connections-api.ts`) and the emulator's programmatic
 * `post`/`disconnect`, so both take one path: the same checks, the same outcome, one `management` event each.
 */
export class ConnectionManagement {
  constructor(
    private readonly gateway: WebSocketGateway,
    private readonly events: EventEmitter,
  ) {}

  /** PostToConnection: one text frame; `gone` (410) for an unknown, closed or still-connecting id. */
  post(connectionId: string, data: string | Uint8Array): PostToConnectionOutcome {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (bytes > MAX_POST_BYTES) return this.record('POST', connectionId, 413, 'too-large', data);
    const outcome = this.gateway.post(connectionId, data);
    return this.record('POST', connectionId, outcome === 'delivered' ? 200 : 410, outcome, data);
  }

  /** GetConnection: the connection's facts, or undefined (410). */
  get(connectionId: string): ConnectionInfo | undefined {
    const info = this.gateway.info(connectionId);
    return this.record('GET', connectionId, info ? 200 : 410, info);
  }

  /** DeleteConnection: closes the client (then $disconnect runs); `gone` (410) when there is no such open connection. */
  delete(connectionId: string): 'delivered' | 'gone' {
    const outcome = this.gateway.disconnect(connectionId);
    return this.record('DELETE', connectionId, outcome === 'delivered' ? 204 : 410, outcome);
  }

  /** A call that never reached a connection (another stage, a wrong path or method). */
  refused(method: string, connectionId: string, status: number): void {
    this.record(method, connectionId, status, undefined);
  }

  private record<T>(method: string, connectionId: string, status: number, outcome: T, payload?: string | Uint8Array): T {
    const record: ManagementRecord = { time: new Date().toISOString(), method, connectionId, status, ...(payload !== undefined ? { payload } : {}) };
    this.events.emit('management', record);
    return outcome;
  }
}
