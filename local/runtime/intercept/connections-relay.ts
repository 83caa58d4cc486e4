import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type * as WorkerThreads from 'node:worker_threads';
import type { ConnectionsAnswerMessage, EnvironmentMessage, EnvironmentSetup } from '../environment-protocol.ts';
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
 * @returns the relay's settings and the agent for its requests (in-memory connections, kept alive between calls as the
 * SDK's own agent keeps its sockets), or undefined outside an environment whose emulator answers them.
 */
export function connectionsRelay(http: typeof Http): { settings: RelaySettings; agent: Http.Agent } | undefined {
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  const settings = (workerData as { setup?: EnvironmentSetup } | undefined)?.setup?.connectionsRelay;
  if (!parentPort || settings === undefined) return undefined;
  const port = parentPort;
  const waiting = new Map<number, Http.ServerResponse>();
  let next = 0;
  port.on('message', (message: ConnectionsAnswerMessage | { type?: unknown }) => {
    if (message.type !== 'connections-answer') return;
    const { id, answer } = message as ConnectionsAnswerMessage;
    const response = waiting.get(id);
    if (response === undefined) return;
    waiting.delete(id);
    if (answer === undefined) return void response.destroy(); // what the emulator's HTTP path does with a call it cannot answer
    const headers = answer.body === undefined ? answer.headers : { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
    response.writeHead(answer.status, headers).end(answer.body);
  });
  const server = http.createServer({ maxHeaderSize: settings.headerBytes }, (request, response) => {
    readCappedBody(
      request,
      settings.bodyBytes,
      (body, size) => {
        const id = ++next;
        waiting.set(id, response);
        // A copy of its own: the body is most often a view of the SDK's pooled 8 KB buffer, which a message would
        // carry whole (structured clone copies a view's entire ArrayBuffer), and the emulator would keep with the frame.
        const call: EnvironmentMessage = { type: 'connections-call', id, call: { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, rawHeaders: request.rawHeaders, body: new Uint8Array(body), size } };
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
