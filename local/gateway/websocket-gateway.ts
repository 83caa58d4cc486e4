import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { EmulatorConfig } from '../model/app-model.ts';
import type { FunctionRunner } from '../runtime/in-process-runtime.ts';
import { describeConnection } from './connection-registry.ts';
import type { ConnectionInfo, DisconnectRecord, GatewayConnection } from './connection-registry.ts';
import { ConnectionRateLimit } from './connection-rate-limit.ts';
import { assertFrameLimitSupported, limitFrameSize } from './frame-limits.ts';
import { runHandshake } from './handshake.ts';
import { refuse } from './http-refusal.ts';
import { awsStyleId } from './ids.ts';
import { LambdaIntegration } from './lambda-integration.ts';
import { disconnectEvent, messageEvent, upgradeHeaders } from './lambda-events.ts';
import type { ApiFacts } from './lambda-events.ts';
import { selectRoute } from './route-selection.ts';
import { TurnCork } from './turn-cork.ts';

export type { InvocationRecord } from './lambda-integration.ts';

/** API Gateway's WebSocket quotas (apigateway-execution-service-websocket-limits-table). */
export interface GatewayLimits {
  messageBytes: number;
  frameBytes: number;
  idleTimeoutMs: number;
  maxDurationMs: number;
  integrationTimeoutMs: number;
  connectionsPerSecond: number;
  /**
   * Not a quota: run a connection's frames one after the other (true), or as they come (false), as API Gateway does —
   * it gives no order between the integrations of one connection.
   */
  orderedFrames: boolean;
}

export type PostOutcome = 'delivered' | 'gone';

/** Route keys a frame can never select: they belong to the connection's lifecycle. */
const LIFECYCLE_ROUTES = new Set(['$connect', '$disconnect']);
/** How long a client gets to answer the gateway's close frame before its socket is cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The WebSocket half of the emulator: handshakes through the authorizer and $connect, routes frames by the
 * selection expression to handlers, enforces the limits, and runs $disconnect — as API Gateway does.
 */
export class WebSocketGateway {
  private readonly connections = new Map<string, GatewayConnection>();
  private readonly protocols = new WeakMap<IncomingMessage, string>();
  private readonly server: WebSocketServer;
  private readonly integration: LambdaIntegration;
  private readonly rateLimit: ConnectionRateLimit;
  /** Connections closed whose $disconnect may still run: stopping waits for them too. */
  private readonly finishing = new Set<Promise<void>>();
  private readonly cork = new TurnCork();
  private stopping = false;

  constructor(
    private readonly config: EmulatorConfig,
    private readonly api: ApiFacts,
    runtime: FunctionRunner,
    private readonly limits: GatewayLimits,
    private readonly events: EventEmitter,
  ) {
    assertFrameLimitSupported();
    this.integration = new LambdaIntegration(runtime, limits.integrationTimeoutMs, events);
    this.rateLimit = new ConnectionRateLimit(limits.connectionsPerSecond);
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: limits.messageBytes,
      perMessageDeflate: false,
      // Subprotocols are never echoed: only the one $connect returned is selected (false sends none).
      handleProtocols: (_offered, request) => this.protocols.get(request) ?? false,
    });
  }

  /** Open connections (not those still in their handshake). */
  list(): ConnectionInfo[] {
    return [...this.connections.values()].filter((c) => c.state === 'open').map(describeConnection);
  }

  info(connectionId: string): ConnectionInfo | undefined {
    const connection = this.connections.get(connectionId);
    return connection?.state === 'open' ? describeConnection(connection) : undefined;
  }

  /** PostToConnection: one text frame. A connection still in $connect, closing or unknown is gone (410). */
  post(connectionId: string, data: string | Uint8Array): PostOutcome {
    const connection = this.connections.get(connectionId);
    if (connection?.state !== 'open' || connection.socket?.readyState !== WebSocket.OPEN) return 'gone';
    this.sendFrame(connection, data);
    return 'delivered';
  }

  /** DeleteConnection: closes the client; $disconnect follows from the close. */
  disconnect(connectionId: string): PostOutcome {
    const connection = this.connections.get(connectionId);
    if (connection?.state !== 'open') return 'gone';
    // The reason a captured $disconnect after DeleteConnection carries (AWS-BEHAVIOUR.md).
    this.close(connection, 1000, 'Connection Closed Normally');
    return 'delivered';
  }

  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => {}); // a client that vanishes mid-handshake must not take the emulator down
    if (this.stopping) return refuse(socket, 503, 'The emulator is stopping');
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    if (path !== '' && path !== `/${this.api.stage}`) return refuse(socket, 403, `No WebSocket API at ${url.pathname}; connect to / or /${this.api.stage}`);
    if (!this.rateLimit.tryAcquire()) return refuse(socket, 429, 'Limit Exceeded');

    // ws would refuse these itself, after $connect had run: refuse them first, as API Gateway's edge does.
    const key = request.headers['sec-websocket-key'];
    const version = request.headers['sec-websocket-version'];
    if (request.method !== 'GET' || request.headers.upgrade?.toLowerCase() !== 'websocket' || !/^[+/0-9A-Za-z]{22}==$/.test(key ?? '') || (version !== '13' && version !== '8')) {
      return refuse(socket, 400, 'Bad Request: not a WebSocket handshake');
    }

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
      handshakeSocket: socket,
      lastActiveAt: Date.now(),
      framesIn: 0,
      framesOut: 0,
      queue: Promise.resolve(),
      timers: [],
    };
    this.connections.set(connection.connectionId, connection);
    let handedOver = false;
    socket.once('close', () => {
      // ws drops a socket it cannot upgrade without calling back: the connection ends here.
      if (handedOver && connection.state === 'connecting') this.closed(connection, 1006, 'Client went away during the handshake');
    });

    const outcome = await runHandshake(connection, { ...upgradeHeaders(request, sourceIp), url }, { config: this.config, api: this.api, integration: this.integration });
    if (!outcome.accept) return this.refuseConnecting(connection, socket, outcome.status, outcome.body);
    connection.handshakeSocket = undefined;
    if (socket.destroyed || !socket.readable || !socket.writable || this.stopping) {
      socket.destroy();
      // A $connect that succeeded is followed by $disconnect, even for a client gone in the meantime.
      if (this.config.routes.has('$connect')) return this.closed(connection, 1006, 'Client went away during $connect');
      return this.refuseConnecting(connection, socket, 410, 'Gone');
    }

    if (outcome.protocol !== undefined) this.protocols.set(request, outcome.protocol);
    handedOver = true;
    this.server.handleUpgrade(request, socket, head, (ws) => {
      connection.transport = socket;
      this.opened(connection, ws);
    });
  }

  /**
   * Stops: refuses new handshakes, aborts those in progress, closes every open connection with 1001 and waits for
   * every $connect and $disconnect still running, so no handler runs after the emulator has stopped.
   */
  async closeAll(): Promise<void> {
    this.stopping = true;
    const all = [...this.connections.values()];
    for (const connection of all) {
      if (connection.state === 'connecting') connection.handshakeSocket?.destroy();
      else this.close(connection, 1001, 'Going away');
    }
    await Promise.all([...all.map((c) => c.finished), ...this.finishing]);
    for (const connection of all) connection.socket?.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private opened(connection: GatewayConnection, socket: WebSocket): void {
    connection.socket = socket;
    connection.state = 'open';
    connection.lastActiveAt = Date.now();
    limitFrameSize(socket, this.limits, () => (connection.closing ??= { code: 1009, reason: 'Message too big' }));
    // A frame that breaks the protocol ends the connection; the close event that follows does the cleanup, and
    // $disconnect hears why (ws's receiver drops the socket before the client's close frame could say it).
    socket.on('error', (error: Error & { code?: string }) => {
      if (!error.code?.startsWith('WS_ERR_')) return;
      const code = error.code === 'WS_ERR_INVALID_UTF8' ? 1007 : error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 1009 : 1002;
      connection.closing ??= { code, reason: error.message };
    });
    socket.on('message', (data, isBinary) => {
      connection.framesIn += 1;
      this.touch(connection);
      // Binary frames need binary media types, which a Lambda proxy WebSocket API does not have.
      if (isBinary) return this.close(connection, 1003, 'Binary frames are not supported');
      const body = (data as Buffer).toString('utf8');
      if (this.limits.orderedFrames) this.enqueueFrame(connection, body);
      else this.routeMessage(connection, body).catch((error: unknown) => console.error(`wsgate: internal error on connection ${connection.connectionId}:`, error));
    });
    socket.on('close', (code, reason) => {
      // A close frame without a status code: API Gateway's $disconnect says so in words (captured events, 1005).
      const closing = connection.closing ?? { code, reason: code === 1005 ? 'Client-side close frame status not set' : reason.toString() };
      this.closed(connection, closing.code, closing.reason);
    });
    // Both limits close with 1001 `Going away`, the reason AWS's captured $disconnect events carry for either.
    connection.idleTimer = setTimeout(() => this.close(connection, 1001, 'Going away'), this.limits.idleTimeoutMs);
    connection.timers.push(
      connection.idleTimer,
      setTimeout(() => this.close(connection, 1001, 'Going away'), this.limits.maxDurationMs),
    );
    this.events.emit('connection', describeConnection(connection));
  }

  /**
   * A connection's frames in order: each goes to its function as it arrives, to run after the frame before (in the
   * same environment as soon as that one returns, see LambdaRuntime), and its outcome is acted on after that one's.
   * What the next invocation posts comes after this one's reply because the environment's port delivers the outcome
   * first and the reply is sent in the promise callbacks Node runs before the port's next message: keep the path from
   * the outcome to sendFrame free of I/O and timers.
   */
  private enqueueFrame(connection: GatewayConnection, body: string): void {
    const previous = connection.queue;
    connection.queue = this.routeMessage(connection, body, previous).catch((error: unknown) => {
      console.error(`wsgate: internal error on connection ${connection.connectionId}:`, error);
    });
  }

  /** Runs the frame's route; with `previous` (ordered frames), after the frame before and acting after it. */
  private async routeMessage(connection: GatewayConnection, body: string, previous?: Promise<void>): Promise<void> {
    // Not run (ws still reads frames while the close handshake runs), but the queue still ends after the frames
    // before: $disconnect and the emulator's stop wait on it.
    if (connection.state !== 'open') return previous;
    const selected = selectRoute(this.config.routeSelectionExpression, body);
    const matched = selected !== undefined && !LIFECYCLE_ROUTES.has(selected) ? this.config.routes.get(selected) : undefined;
    const route = matched ?? this.config.routes.get('$default');
    const { connectionId } = connection;
    if (route === undefined) {
      await previous;
      this.integration.record({ connectionId, eventType: 'MESSAGE', routeKey: selected ?? '$default', body }, 'Forbidden', 0);
      if (connection.state === 'open') this.sendFrame(connection, JSON.stringify({ message: 'Forbidden', connectionId, requestId: awsStyleId() }));
      return;
    }
    const event = messageEvent(this.api, connection, route.routeKey, body);
    const sequence = previous && { key: connectionId, after: previous };
    const outcome = await this.integration.run(route, event, { connectionId, eventType: 'MESSAGE', routeKey: route.routeKey, body }, sequence);
    await previous;
    if (connection.state !== 'open') return;
    if (outcome.error !== undefined) {
      this.sendFrame(connection, JSON.stringify({ message: 'Internal server error', connectionId, requestId: event.requestContext.requestId }));
      return;
    }
    // Without a route response, API Gateway drops what the integration returns.
    if (!route.routeResponse || outcome.result === undefined || outcome.result === null) return;
    const reply = typeof outcome.result === 'string' ? outcome.result : (outcome.result as { body?: unknown }).body;
    if (reply !== undefined && reply !== null) this.sendFrame(connection, typeof reply === 'string' ? reply : JSON.stringify(reply));
  }

  /**
   * Runs a task after the connection's earlier ones. Handler failures are outcomes, not errors, so anything that
   * rejects here is the emulator's own bug: it is printed, and the connection's later frames still run.
   */
  private enqueue(connection: GatewayConnection, task: () => Promise<void>): Promise<void> {
    connection.queue = connection.queue.then(task).catch((error: unknown) => {
      console.error(`wsgate: internal error on connection ${connection.connectionId}:`, error);
    });
    return connection.queue;
  }

  private sendFrame(connection: GatewayConnection, data: string | Uint8Array): void {
    connection.framesOut += 1;
    this.touch(connection);
    if (connection.transport !== undefined) this.cork.hold(connection.transport);
    connection.socket?.send(data, { binary: false });
  }

  private touch(connection: GatewayConnection): void {
    connection.lastActiveAt = Date.now();
    connection.idleTimer?.refresh();
  }

  private close(connection: GatewayConnection, code: number, reason: string): void {
    if (connection.state !== 'open') return;
    connection.state = 'closing';
    connection.closing ??= { code, reason };
    connection.socket?.close(code, reason);
    // A client that never answers the close frame is cut off, as API Gateway would.
    connection.timers.push(setTimeout(() => connection.socket?.terminate(), CLOSE_GRACE_MS));
  }

  /** The connection is gone: report it, then run $disconnect after the frames already queued (best-effort, as on AWS). */
  private closed(connection: GatewayConnection, code: number, reason: string): void {
    if (connection.state === 'closed') return;
    connection.state = 'closed';
    for (const timer of connection.timers) clearTimeout(timer);
    this.connections.delete(connection.connectionId);
    this.finishing.add(connection.finished);
    void connection.finished.then(() => this.finishing.delete(connection.finished));
    this.events.emit('disconnect', { time: new Date().toISOString(), connectionId: connection.connectionId, statusCode: code, reason } satisfies DisconnectRecord);
    const route = this.config.routes.get('$disconnect');
    if (route === undefined) return connection.finish();
    this.enqueue(connection, async () => {
      const event = disconnectEvent(this.api, connection, code, reason);
      await this.integration.run(route, event, { connectionId: connection.connectionId, eventType: 'DISCONNECT', routeKey: '$disconnect' });
    }).finally(() => connection.finish());
  }

  private refuseConnecting(connection: GatewayConnection, socket: Duplex, status: number, body: string): void {
    connection.state = 'closed';
    this.connections.delete(connection.connectionId);
    refuse(socket, status, body);
    connection.finish();
  }
}
