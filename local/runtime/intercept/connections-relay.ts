import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type * as WorkerThreads from 'node:worker_threads';
import type { ConnectionsAnswerMessage, EnvironmentMessage, EnvironmentSetup } from '../environment-protocol.ts';
import { PostOutbox } from './post-outbox.ts';
import { readCappedBody } from './relayed-call.ts';
import type { RelaySettings } from './relayed-call.ts';
import { socketPair } from './socket-pair.ts';

const require = createRequire(import.meta.url);

/** As many connections at once as SDK v3's own agent keeps (maxSockets 50); more calls wait for one to free. */
const RELAY_SOCKETS = 50;

/**
 * Inside an execution environment: the handler's @connections calls (PostToConnection and the others, from any SDK),
 * carried to the emulator over the environment's thread port instead of loopback TCP. Each request is still HTTP (the
 * SDK's own, parsed here by node:http with the emulator's parser limits), then crosses as one message with its request
 * line, headers and body; the emulator answers it as it answers HTTP (connections-api.ts), and the answer comes back
 * as the HTTP response. What this saves is the TCP round trip between two threads and the emulator thread's HTTP
 * parsing: a post's frame is written as soon as the message arrives (bench/RESULTS.md, the echo).
 *
 * A post the emulator has delivered once (the same Host and target: the same connection) is answered here from then
 * on, while no connection has closed since (a count in shared memory the emulator moves before it would answer 410):
 * its frame goes by the outbox (post-outbox.ts) and the handler gets its 200 without waiting for the emulator's thread.
 * Everything else, and every post after a close anywhere until the emulator has delivered one again, takes the round
 * trip, so a post to a closed connection still gets its 410 (GoneException) from the emulator.
 *
 * @returns the relay's settings and the agent for its requests (in-memory connections, kept alive between calls as the
 * SDK's own agent keeps its sockets), or undefined outside an environment whose emulator answers them.
 */
export function connectionsRelay(http: typeof Http): { settings: RelaySettings; agent: Http.Agent } | undefined {
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  const data = workerData as { setup?: EnvironmentSetup; outbox?: SharedArrayBuffer } | undefined;
  const settings = data?.setup?.connectionsRelay;
  if (!parentPort || settings === undefined) return undefined;
  const port = parentPort;
  const outbox = data?.outbox ? new PostOutbox(data.outbox) : undefined;
  const delivered = deliveredPosts(settings.closings);
  /** Each call on its way, with what answering it teaches: its post's key, and the closings count when it left. */
  const waiting = new Map<number, { response: Http.ServerResponse; key: string | undefined; closings: number }>();
  let next = 0;
  port.on('message', (message: ConnectionsAnswerMessage | { type?: unknown }) => {
    if (message.type !== 'connections-answer') return;
    const { id, answer } = message as ConnectionsAnswerMessage;
    const call = waiting.get(id);
    if (call === undefined) return;
    waiting.delete(id);
    const { response } = call;
    if (answer === undefined) return void response.destroy(); // what the emulator's HTTP path does with a call it cannot answer
    if (answer.deliveredTo !== undefined && call.key !== undefined) delivered.learn(call.key, answer.deliveredTo, call.closings);
    const headers = answer.body === undefined ? answer.headers : { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
    response.writeHead(answer.status, headers).end(answer.body);
  });

  // Every message to the emulator makes it read the outbox first (execution-environment.ts), so only posts no message
  // has followed need a notice of their own: at the end of this turn of the event loop, if nothing else went out.
  let unannounced = false;
  let noticeQueued = false;
  const postMessage = port.postMessage.bind(port);
  port.postMessage = (message: unknown, transfer?: readonly WorkerThreads.Transferable[]) => {
    unannounced = false;
    postMessage(message, transfer);
  };
  const announce = () => {
    noticeQueued = false;
    if (unannounced) port.postMessage({ type: 'connections-posted' } satisfies EnvironmentMessage);
  };

  const server = http.createServer({ maxHeaderSize: settings.headerBytes }, (request, response) => {
    readCappedBody(
      request,
      settings.bodyBytes,
      (body, size) => {
        const key = postKey(request);
        // A post the emulator delivered before, to a connection that cannot have closed since: delivered again, by the
        // outbox, and answered here as the emulator answers it (bench/RESULTS.md: the answer's round trip was most of
        // what an environment added to an echo).
        const connectionId = key === undefined || size >= settings.bodyBytes ? undefined : delivered.connection(key);
        if (connectionId !== undefined && outbox?.write(connectionId, body)) {
          unannounced = true;
          if (!noticeQueued) {
            noticeQueued = true;
            setImmediate(announce);
          }
          return void response.writeHead(200, { 'x-amzn-RequestId': crypto.randomUUID() }).end();
        }
        const id = ++next;
        waiting.set(id, { response, key, closings: delivered.closings() });
        const call: EnvironmentMessage = { type: 'connections-call', id, call: { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, rawHeaders: request.rawHeaders, body, size } };
        port.postMessage(call);
      },
      () => response.destroy(),
    );
  });
  server.maxHeadersCount = settings.headers;
  // Past the parser's limits: the status the emulator's own server would give (request-limits.ts), then the end.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify({ message: http.STATUS_CODES[status] });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: RELAY_SOCKETS });
  agent.createConnection = (): Duplex => {
    const [client, served] = socketPair();
    server.emit('connection', served);
    return client;
  };
  return { settings, agent };
}

/**
 * What makes a post answerable here: the same Host and target as one the emulator delivered, signed (an
 * `Authorization` header) and not from a browser, which is all its caller checks look at besides the Host
 * (caller-checks.ts). Anything else (GET, DELETE, presigned URLs, other headers) is always relayed.
 */
function postKey(request: Http.IncomingMessage): string | undefined {
  const { headers } = request;
  if (request.method !== 'POST' || headers.authorization === undefined || headers.origin !== undefined || headers['sec-fetch-site'] !== undefined) return undefined;
  return `${headers.host ?? ''} ${request.url ?? '/'}`;
}

/** The posts the emulator delivered, by key, valid while no connection has closed since (the shared count). */
function deliveredPosts(counter: Int32Array) {
  const known = new Map<string, string>();
  let since = Atomics.load(counter, 0);
  const closings = () => Atomics.load(counter, 0);
  const current = () => {
    const now = closings();
    if (now !== since) {
      known.clear();
      since = now;
    }
  };
  return {
    closings,
    /** The connection a post with this key reaches, when nothing since its delivery can have made it 410. */
    connection(key: string): string | undefined {
      current();
      return known.get(key);
    },
    /** A post sent when the count was `closingsThen` was delivered: learnt only if no connection closed meanwhile. */
    learn(key: string, connectionId: string, closingsThen: number): void {
      current();
      if (closingsThen === since) known.set(key, connectionId);
    },
  };
}
