import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { ConnectionFacts } from './lambda-events.ts';

/** The gateway's own record of a connection, from the upgrade request until $disconnect has run. */
export interface GatewayConnection extends ConnectionFacts {
  /**
   * `connecting` while the authorizer and $connect run, `closing` once the gateway has sent its close frame: for both,
   * as for `closed`, @connections answers 410 (AWS does so during $connect).
   */
  state: 'connecting' | 'open' | 'closing' | 'closed';
  /** The raw socket during the handshake; the emulator's stop destroys it. */
  handshakeSocket?: Duplex;
  socket?: WebSocket;
  /** The raw socket under `socket`, once open: corked for the turn when frames go out (see TurnCork). */
  transport?: Duplex;
  lastActiveAt: number;
  framesIn: number;
  framesOut: number;
  /** Frames are handled one after another, in order, as they arrived. */
  queue: Promise<void>;
  idleTimer?: NodeJS.Timeout;
  timers: NodeJS.Timeout[];
  /** Set when the gateway closes the connection itself (DELETE, idle, limits), for $disconnect's status. */
  closing?: { code: number; reason: string };
  /** Resolves once the connection has closed and its $disconnect (if any) has run, or its handshake was refused. */
  finished: Promise<void>;
  finish(): void;
}

/** A connection as `listConnections()`, the inspector and the `connection` event show it. */
export interface ConnectionInfo {
  connectionId: string;
  /** ISO-8601. */
  connectedAt: string;
  /** ISO-8601: the last frame in or out. */
  lastActiveAt: string;
  sourceIp: string;
  userAgent: string;
  framesIn: number;
  framesOut: number;
  /** What the REQUEST authorizer allowed with (its stringified context, principalId, integrationLatency). */
  authorizer?: Record<string, unknown>;
}

/** The `disconnect` event: a connection closed (by the client, a limit, DELETE or the emulator's stop). */
export interface DisconnectRecord {
  /** ISO-8601. */
  time: string;
  connectionId: string;
  /** The close code $disconnect sees: the client's, 1005 when it sent none, 1006 on a drop, 1001/1009/1003 for limits. */
  statusCode: number;
  reason: string;
}

export function describeConnection(connection: GatewayConnection): ConnectionInfo {
  return {
    connectionId: connection.connectionId,
    connectedAt: new Date(connection.connectedAt).toISOString(),
    lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    sourceIp: connection.sourceIp,
    userAgent: connection.userAgent,
    framesIn: connection.framesIn,
    framesOut: connection.framesOut,
    ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
  };
}
