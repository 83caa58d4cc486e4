import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';
import type * as WorkerThreads from 'node:worker_threads';
import { readBody } from '../../management-api/connections-api.ts';
import type { ConnectionsAnswerMessage, EnvironmentMessage } from '../environment-protocol.ts';
import { socketPair } from './socket-pair.ts';

const require = createRequire(import.meta.url);

/**
 * Inside an execution environment: the handler's @connections calls (PostToConnection and the others, from any SDK),
 * carried to the emulator over the environment's thread port instead of loopback TCP. Each request is still HTTP (the
 * SDK's own, parsed here by node:http as the emulator would), then crosses as one message with its request line,
 * headers and body; the emulator answers it as it answers HTTP (connections-api.ts), and the answer comes back as the
 * HTTP response. What this saves is the TCP round trip between two threads and the emulator thread's HTTP parsing:
 * a post's frame is written as soon as the message arrives (bench/RESULTS.md, the echo).
 *
 * @returns the agent for such requests (its connections are in-memory ones, kept alive between calls as the SDK's
 * own agent keeps its sockets), or undefined outside an environment whose emulator answers them.
 */
export function connectionsRelay(http: typeof Http): Http.Agent | undefined {
  const { parentPort, workerData } = require('node:worker_threads') as typeof WorkerThreads;
  if (!parentPort || (workerData as { setup?: { connectionsRelay?: boolean } } | undefined)?.setup?.connectionsRelay !== true) return undefined;
  const port = parentPort;
  const waiting = new Map<number, Http.ServerResponse>();
  let next = 0;
  port.on('message', (message: ConnectionsAnswerMessage | { type?: unknown }) => {
    if (message.type !== 'connections-answer') return;
    const { id, answer } = message as ConnectionsAnswerMessage;
    const response = waiting.get(id);
    if (response === undefined) return;
    waiting.delete(id);
    const headers = answer.body === undefined ? answer.headers : { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
    response.writeHead(answer.status, headers).end(answer.body);
  });
  const server = http.createServer((request, response) => {
    readBody(
      request,
      (body, size) => {
        const id = ++next;
        waiting.set(id, response);
        const call: EnvironmentMessage = { type: 'connections-call', id, call: { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, rawHeaders: request.rawHeaders, body, size } };
        port.postMessage(call);
      },
      () => response.destroy(),
    );
  });
  const agent = new http.Agent({ keepAlive: true });
  agent.createConnection = (): Duplex => {
    const [client, served] = socketPair();
    server.emit('connection', served);
    return client;
  };
  return agent;
}
