import type { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { EmulatorConfig, RouteConfig } from '../config/load-config.ts';
import type { HandlerLoader } from '../runtime/handler-loader.ts';
import { HandlerTimeoutError, invoke } from '../runtime/invoke.ts';
import { identityPresent, verdictOf } from './authorizer.ts';
import { describeConnection } from './connection-registry.ts';
import type { ConnectionInfo, GatewayConnection } from './connection-registry.ts';
import { awsStyleId } from './ids.ts';
import { authorizerEvent, connectEvent, disconnectEvent, messageEvent, upgradeHeaders } from './lambda-events.ts';
import type { ApiFacts } from './lambda-events.ts';
import { selectRoute } from './route-selection.ts';

/** API Gateway's WebSocket quotas (apigateway-execution-service-websocket-limits-table). */
export interface GatewayLimits {
  messageBytes: number;
  frameBytes: number;
  idleTimeoutMs: number;
  maxDurationMs: number;
  integrationTimeoutMs: number;
}

/** One handler run, as the inspector's log and the console line show it. */
export interface InvocationRecord {
  time: string;
  connectionId: string;
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
  routeKey: string;
  /** The handler's statusCode, or `error` / `timeout`; `-` when no route matched. */
  status: number | string;
  durationMs: number;
  bodyPreview?: string;
  error?: string;
}

export type PostOutcome = 'delivered' | 'gone';

const PREVIEW = 200;

/**
 * The WebSocket half of the emulator: handshakes through the authorizer and $connect, routes frames by the
 * selection expression to handlers, enforces the limits, and runs $disconnect — as API Gateway does.
 */
export class WebSocketGateway {
  private readonly connections = new Map<string, GatewayConnection>();
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: 0, // enforced per frame and per message in `limitFrames`
    handleProtocols: (_offered, request) => (request as IncomingMessage & { selectedProtocol?: string }).selectedProtocol ?? false,
  });

  constructor(
    private readonly config: EmulatorConfig,
    private readonly api: ApiFacts,
    private readonly loader: HandlerLoader,
    private readonly limits: GatewayLimits,
    private readonly events: EventEmitter,
  ) {}

  list(): ConnectionInfo[] {
    return [...this.connections.values()].filter((c) => c.state === 'open').map(describeConnection);
  }

  info(connectionId: string): ConnectionInfo | undefined {
    const connection = this.connections.get(connectionId);
    return connection?.state === 'open' ? describeConnection(connection) : undefined;
  }

  /** PostToConnection: one text frame. A connection still in $connect, closing or unknown is gone (410). */
  post(connectionId: string, data: string): PostOutcome {
    const connection = this.connections.get(connectionId);
    if (connection?.state !== 'open' || connection.socket?.readyState !== WebSocket.OPEN) return 'gone';
    this.sendFrame(connection, data);
    return 'delivered';
  }

  /** DeleteConnection: closes the client; $disconnect follows from the close. */
  disconnect(connectionId: string): PostOutcome {
    const connection = this.connections.get(connectionId);
    if (connection?.state !== 'open') return 'gone';
    this.close(connection, 1000, 'Connection deleted');
    return 'delivered';
  }

  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => {}); // a client that vanishes mid-handshake must not take the emulator down
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '' && path !== `/${this.api.stage}`) return refuse(socket, 403, `No WebSocket API at ${url.pathname}; connect to / or /${this.api.stage}`);

    const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const connection: GatewayConnection = {
      finished,
      finish,
      connectionId: awsStyleId(),
      connectedAt: Date.now(),
      sourceIp,
      userAgent: request.headers['user-agent'] ?? '',
      state: 'connecting',
      lastActiveAt: Date.now(),
      framesIn: 0,
      framesOut: 0,
      queue: Promise.resolve(),
      timers: [],
    };
    this.connections.set(connection.connectionId, connection);
    const upgrade = { ...upgradeHeaders(request, sourceIp), url };

    const route = this.config.routes.get('$connect');
    if (route?.authorizer) {
      const { authorizer } = route;
      if (!identityPresent(authorizer, upgrade.headers, url)) return this.refuseConnecting(connection, socket, 401, 'Unauthorized');
      const outcome = await this.run(
        { ...route, functionName: authorizer.functionName, handler: authorizer.handler, timeoutMs: authorizer.timeoutMs, routeKey: '$connect' },
        authorizerEvent({ ...this.api, region: this.config.region }, connection, upgrade),
        connection,
        'CONNECT',
        'authorizer',
      );
      const verdict = verdictOf(outcome);
      if (!verdict.allow) return this.refuseConnecting(connection, socket, verdict.status, verdict.reason);
      connection.authorizer = verdict.authorizer;
    }

    let protocol: string | undefined;
    if (route) {
      const outcome = await this.run(route, connectEvent(this.api, connection, upgrade), connection, 'CONNECT');
      if (outcome.error !== undefined) return this.refuseConnecting(connection, socket, 500, 'Internal server error');
      const result = outcome.result as { statusCode?: number; headers?: Record<string, string>; body?: string } | undefined;
      const status = Number(result?.statusCode ?? 200);
      // A statusCode that is no HTTP status is a malformed proxy response: API Gateway answers 502.
      if (!Number.isInteger(status) || status < 100 || status > 599) return this.refuseConnecting(connection, socket, 502, 'Malformed Lambda proxy response');
      if (status < 200 || status > 299) return this.refuseConnecting(connection, socket, status, result?.body ?? '');
      // Subprotocols are never echoed: only one the handler returns is selected.
      protocol = Object.entries(result?.headers ?? {}).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1];
    }
    if (socket.destroyed) return this.closed(connection, 1006, 'Client went away during $connect', route !== undefined);

    (request as IncomingMessage & { selectedProtocol?: string }).selectedProtocol = protocol;
    this.server.handleUpgrade(request, socket, head, (ws) => this.opened(connection, ws));
  }

  /** Closes every connection (the emulator is stopping); $disconnect runs for each. */
  async closeAll(): Promise<void> {
    const open = [...this.connections.values()].filter((c) => c.state === 'open');
    for (const connection of open) this.close(connection, 1001, 'Going away');
    await Promise.all(open.map((c) => c.finished));
    for (const connection of this.connections.values()) connection.socket?.terminate();
    this.server.close();
  }

  private opened(connection: GatewayConnection, socket: WebSocket): void {
    connection.socket = socket;
    connection.state = 'open';
    connection.lastActiveAt = Date.now();
    this.limitFrames(connection, socket);
    socket.on('error', () => {}); // the close event that follows does the cleanup
    socket.on('message', (data, isBinary) => {
      connection.framesIn += 1;
      this.touch(connection);
      // Binary frames need binary media types, which a Lambda proxy WebSocket API does not have.
      if (isBinary) return this.close(connection, 1003, 'Binary frames are not supported');
      const body = (data as Buffer).toString('utf8');
      connection.queue = connection.queue.then(() => this.routeMessage(connection, body));
    });
    socket.on('close', (code, reason) => {
      const closing = connection.closing ?? { code, reason: reason.toString() };
      this.closed(connection, closing.code, closing.reason, true);
    });
    const idle = setTimeout(() => this.close(connection, 1001, 'Going away: idle timeout'), this.limits.idleTimeoutMs);
    const lifetime = setTimeout(() => this.close(connection, 1001, 'Going away: maximum connection duration'), this.limits.maxDurationMs);
    connection.timers.push(idle, lifetime);
    this.events.emit('connection', describeConnection(connection));
  }

  /**
   * API Gateway closes with 1009 past 32 KB in one frame or 128 KB in one message. `ws` checks only a total, so the
   * per-frame check hooks its receiver's length step (ws 8's `Receiver#haveLength`).
   */
  private limitFrames(connection: GatewayConnection, socket: WebSocket): void {
    const receiver = (socket as unknown as { _receiver?: Record<string, any> })._receiver;
    if (!receiver || typeof receiver.haveLength !== 'function') return;
    const original = receiver.haveLength;
    const { frameBytes, messageBytes } = this.limits;
    receiver.haveLength = function haveLength(this: Record<string, any>, cb: (error?: Error) => void) {
      const data = this._opcode < 0x08;
      if (data && (this._payloadLength > frameBytes || this._totalPayloadLength + this._payloadLength > messageBytes)) {
        connection.closing = { code: 1009, reason: 'Message too big' };
        const error = this.createError(RangeError, 'Max frame size exceeded', false, 1009, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH');
        return cb(error);
      }
      return original.call(this, cb);
    };
  }

  private async routeMessage(connection: GatewayConnection, body: string): Promise<void> {
    if (connection.state !== 'open') return;
    const selected = selectRoute(this.config.routeSelectionExpression, body);
    const route = (selected !== undefined ? this.config.routes.get(selected) : undefined) ?? this.config.routes.get('$default');
    if (route === undefined || route.routeKey === '$connect' || route.routeKey === '$disconnect') {
      const requestId = awsStyleId();
      this.record({ connectionId: connection.connectionId, eventType: 'MESSAGE', routeKey: selected ?? '(none)', status: 'Forbidden', durationMs: 0, bodyPreview: body.slice(0, PREVIEW) });
      this.sendFrame(connection, JSON.stringify({ message: 'Forbidden', connectionId: connection.connectionId, requestId }));
      return;
    }
    const event = messageEvent(this.api, connection, route.routeKey, body);
    const outcome = await this.run(route, event, connection, 'MESSAGE', undefined, body);
    if (outcome.error !== undefined) {
      this.sendFrame(connection, JSON.stringify({ message: 'Internal server error', connectionId: connection.connectionId, requestId: event.requestContext.requestId }));
      return;
    }
    if (route.routeResponse && outcome.result !== undefined && connection.state === 'open') {
      const result = outcome.result as { body?: unknown } | string;
      const reply = typeof result === 'string' ? result : result?.body;
      if (reply !== undefined && reply !== null) this.sendFrame(connection, typeof reply === 'string' ? reply : JSON.stringify(reply));
    }
  }

  /** Runs a handler and records it; never throws (a failing handler is the client's Internal server error). */
  private async run(
    route: RouteConfig,
    event: unknown,
    connection: GatewayConnection,
    eventType: InvocationRecord['eventType'],
    label?: string,
    body?: string,
  ): Promise<{ result?: unknown; error?: unknown }> {
    const started = performance.now();
    const routeKey = label ? `${route.routeKey} (${label})` : route.routeKey;
    const timeoutMs = Math.min(route.timeoutMs, this.limits.integrationTimeoutMs);
    try {
      const handler = await this.loader.load(route.handler);
      const result = await invoke(handler, event, { functionName: route.functionName, memorySize: route.memorySize, timeoutMs, region: this.config.region });
      const status = (result as { statusCode?: unknown } | undefined)?.statusCode;
      this.record({ connectionId: connection.connectionId, eventType, routeKey, status: typeof status === 'number' ? status : 200, durationMs: performance.now() - started, bodyPreview: body?.slice(0, PREVIEW) });
      return { result };
    } catch (error) {
      const timedOut = error instanceof HandlerTimeoutError;
      this.record({
        connectionId: connection.connectionId,
        eventType,
        routeKey,
        status: timedOut ? 'timeout' : 'error',
        durationMs: performance.now() - started,
        bodyPreview: body?.slice(0, PREVIEW),
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return { error: error ?? new Error('handler failed') };
    }
  }

  private record(entry: Omit<InvocationRecord, 'time'>): void {
    this.events.emit('invocation', { time: new Date().toISOString(), ...entry, durationMs: Math.round(entry.durationMs * 100) / 100 });
  }

  private sendFrame(connection: GatewayConnection, data: string): void {
    connection.framesOut += 1;
    this.touch(connection);
    connection.socket?.send(data);
  }

  private touch(connection: GatewayConnection): void {
    connection.lastActiveAt = Date.now();
    connection.timers[0]?.refresh(); // the idle timer
  }

  private close(connection: GatewayConnection, code: number, reason: string): void {
    if (connection.state !== 'open') return;
    connection.closing ??= { code, reason };
    connection.socket?.close(code, reason);
    // A client that never answers the close frame is cut off, as API Gateway would.
    connection.timers.push(setTimeout(() => connection.socket?.terminate(), 2_000).unref());
  }

  private closed(connection: GatewayConnection, code: number, reason: string, runDisconnect: boolean): void {
    if (connection.state === 'closed') return;
    connection.state = 'closed';
    for (const timer of connection.timers) clearTimeout(timer);
    this.connections.delete(connection.connectionId);
    this.events.emit('disconnect', { connectionId: connection.connectionId, statusCode: code, reason, time: new Date().toISOString() });
    const route = this.config.routes.get('$disconnect');
    if (!runDisconnect || route === undefined) return connection.finish();
    // After the frames already queued, like a last message; best-effort, as on AWS.
    connection.queue = connection.queue.then(async () => {
      await this.run(route, disconnectEvent(this.api, connection, code, reason), connection, 'DISCONNECT');
      connection.finish();
    });
  }

  private refuseConnecting(connection: GatewayConnection, socket: Duplex, status: number, body: string): void {
    connection.state = 'closed';
    connection.finish();
    this.connections.delete(connection.connectionId);
    refuse(socket, status, body);
  }
}

/** Refuses a handshake with an HTTP status, as API Gateway does when $connect or the authorizer says no. */
function refuse(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return;
  const payload = JSON.stringify({ message: body || STATUS_CODES[status] || 'Error' });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
  );
}
