import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ConnectionInfo } from '../gateway/connection-registry.ts';
import type { Emulator } from '../emulator.ts';

/** What `connectClient` takes besides the emulator (or URL). */
export interface ConnectClientOptions {
  /** Appended to the URL's query, as `?room=lobby&name=Ann`. */
  query?: Record<string, string>;
  /** Upgrade request headers (an `Authorization` for an authorizer, …). */
  headers?: Record<string, string>;
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`). */
  protocols?: string[];
  /** How long the handshake may take. Default 5,000 ms. */
  timeoutMs?: number;
}

/** A real WebSocket client for tests: every frame is kept, and a test waits for the next one instead of sleeping. */
export interface TestClient {
  /** The id API Gateway gave it (what `post`, `disconnect` and handlers' `requestContext.connectionId` use); only when connected through an Emulator. */
  readonly connectionId: string | undefined;
  /** Every frame received so far, in order: parsed JSON, or the text when it is not JSON. */
  readonly frames: unknown[];
  /**
   * The next frame not yet returned by `nextFrame` (one that already arrived counts), optionally the next one that
   * `match`es. Rejects after `timeoutMs` (default 5,000) with the frames received so far in the message.
   */
  nextFrame<T = any>(options?: { match?: (frame: any) => boolean; timeoutMs?: number }): Promise<T>;
  /** Sends one text frame; objects are sent as JSON. */
  send(frame: unknown): void;
  /** Closes (code 1000 unless given) and resolves once the close completed. */
  close(code?: number, reason?: string): Promise<{ code: number; reason: string }>;
  /** Resolves when the connection closes, from either side, with the code and reason the client saw. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** A refused handshake: `statusCode` is the HTTP status API Gateway (and the emulator) answered. */
export class HandshakeRefusedError extends Error {
  override readonly name = 'HandshakeRefusedError';
  readonly code = 'HANDSHAKE_REFUSED';
  constructor(readonly statusCode: number) {
    super(`the handshake was refused with HTTP ${statusCode}`);
  }
}

/**
 * Opens a WebSocket to the emulator (or a URL) and resolves once the handshake completed — after the authorizer and
 * `$connect` accepted it — or rejects with a {@link HandshakeRefusedError}.
 *
 * @example
 * const client = await connectClient(emulator, { query: { room: 'lobby' } });
 * client.send({ action: 'sendmessage', data: 'hi' });
 * expect(await client.nextFrame()).toMatchObject({ type: 'message', data: 'hi' });
 */
export function connectClient(target: Emulator | string, options: ConnectClientOptions = {}): Promise<TestClient> {
  const url = new URL(typeof target === 'string' ? target : target.wsUrl);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  // A User-Agent of its own lets the client learn its connection id from the emulator's `connection` event.
  const agent = `wsgate-test-client/${randomUUID()}`;
  const headers = { 'user-agent': agent, ...options.headers };
  let connectionId: string | undefined;
  const onConnection = (info: ConnectionInfo) => {
    if (info.userAgent === headers['user-agent']) connectionId = info.connectionId;
  };
  const events = typeof target === 'string' ? undefined : target.events;
  events?.on('connection', onConnection);

  const socket = new WebSocket(url, options.protocols ?? [], { headers });
  const frames: unknown[] = [];
  /** Indexes of frames `nextFrame` returned: each frame is returned once. */
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    const text = data.toString();
    let frame: unknown = text;
    try {
      frame = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    frames.push(frame);
    for (const wake of [...waiters]) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => {
      events?.off('connection', onConnection);
      resolve({ code, reason: reason.toString() });
    }),
  );

  const client: TestClient = {
    get connectionId() {
      return connectionId;
    },
    frames,
    closed,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close(code = 1000, reason) {
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) socket.close(code, reason);
      return closed;
    },
    nextFrame({ match, timeoutMs = 5_000 } = {}) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const index = frames.findIndex((frame, i) => !taken.has(i) && (match === undefined || match(frame)));
          if (index === -1) return;
          taken.add(index);
          waiters.delete(look);
          clearTimeout(timer);
          resolve(frames[index] as never);
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          const waiting = frames.filter((_frame, i) => !taken.has(i));
          reject(new Error(`no ${match ? 'matching ' : ''}frame within ${timeoutMs} ms; not yet taken: ${JSON.stringify(waiting).slice(0, 500)}`));
        }, timeoutMs);
        waiters.add(look);
        look();
      });
    },
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no handshake with ${url.href} within ${options.timeoutMs ?? 5_000} ms`));
    }, options.timeoutMs ?? 5_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      events?.off('connection', onConnection);
      reject(error);
    };
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      fail(new HandshakeRefusedError(response.statusCode ?? 0));
    });
    socket.once('error', fail);
    socket.once('open', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      socket.on('error', () => {}); // after the handshake an error ends in a close, which `closed` reports
      resolve(client);
    });
  });
}
