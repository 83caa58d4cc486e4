/**
 * bench/load.ts's second reference, in a process of its own: what a fan-out costs when every delivery is one AWS SDK v3
 * PostToConnection, as API Gateway makes it (there is no batch post), and nothing else — rooms kept in memory, no
 * DynamoDB, no Lambda events, no emulator. A `ws` server takes the clients' frames; a bare `node:http` server takes the
 * posts (signed by the SDK, keep-alive) and writes each frame to its client. Handled in this one thread, at most 32
 * posts in flight per message, as our app's broadcast does. Prints its URL, then serves until killed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

const CONCURRENCY = 32;
const sockets = new Map<string, WebSocket>();
const rooms = new Map<string, Set<string>>();

const posts = createServer((request, response) => {
  const id = decodeURIComponent((request.url ?? '').split('/').pop() ?? '');
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const socket = sockets.get(id);
    if (socket === undefined) return void response.writeHead(410, { 'x-amzn-ErrorType': 'GoneException' }).end('{}');
    socket.send(Buffer.concat(chunks).toString());
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => posts.listen(0, '127.0.0.1', resolve));

const client = new ApiGatewayManagementApiClient({
  region: 'eu-west-1',
  endpoint: `http://127.0.0.1:${(posts.address() as AddressInfo).port}/dev`,
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  requestHandler: { httpAgent: { keepAlive: true, maxSockets: 64 } },
});

async function broadcast(room: string, frame: string): Promise<void> {
  const members = [...(rooms.get(room) ?? [])];
  let next = 0;
  const lane = async () => {
    while (next < members.length) await client.send(new PostToConnectionCommand({ ConnectionId: members[next++]!, Data: frame })).catch(() => undefined);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, members.length) }, lane));
}

const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
let ids = 0;
server.on('connection', (socket, request) => {
  const id = `floor-${++ids}`;
  const room = new URL(request.url ?? '/', 'http://x').searchParams.get('room') ?? 'lobby';
  sockets.set(id, socket);
  const members = rooms.get(room) ?? rooms.set(room, new Set()).get(room)!;
  members.add(id);
  socket.on('close', () => {
    sockets.delete(id);
    members.delete(id);
  });
  // One frame of a connection at a time, in order, as wsgate does by default (and as the bench checks).
  let previous = Promise.resolve();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { room: string; data: string };
    const frame = JSON.stringify({ type: 'message', room: message.room, from: id, name: id, data: message.data, sentAt: new Date().toISOString() });
    previous = previous.then(() => broadcast(message.room, frame));
  });
});
console.log(`WebSocket ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
