import type WebSocket from 'ws';
import type { ConnectionFacts } from './lambda-events.ts';

export interface GatewayConnection extends ConnectionFacts {
  state: 'connecting' | 'open' | 'closed';
  socket?: WebSocket;
  lastActiveAt: number;
  framesIn: number;
  framesOut: number;
  /** Frames are handled one after another, in order, as they arrived. */
  queue: Promise<void>;
  timers: NodeJS.Timeout[];
  /** Set when the gateway closes the connection itself (DELETE, idle, limits), for $disconnect's status. */
  closing?: { code: number; reason: string };
  /** Resolves once the connection has closed and its $disconnect (if any) has run. */
  finished: Promise<void>;
  finish(): void;
}

/** A connection as the inspector and `GET @connections` show it. */
export interface ConnectionInfo {
  connectionId: string;
  connectedAt: string;
  lastActiveAt: string;
  sourceIp: string;
  userAgent: string;
  framesIn: number;
  framesOut: number;
  authorizer?: Record<string, unknown>;
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
