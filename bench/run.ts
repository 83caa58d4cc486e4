/**
 * wsgate's benchmark: `npm run bench`. Every figure is measured in this run, against a plain `ws` echo server as the
 * reference, and written with the machine and date to bench/.tmp/results.md (untracked) or `--out PATH`. Not a test: nothing here passes or fails.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import WebSocket, { WebSocketServer } from 'ws';
import { DynamoDbConnectionRepository } from '../infrastructure/dynamodb/dynamodb-connection-repository.ts';
import { startEmulator } from '../local/emulator.ts';

const root = join(import.meta.dirname, '..');
const ECHO_ROUNDS = Number(process.env.BENCH_ECHO_ROUNDS ?? 2000);
const BROADCAST_CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);

process.env.LOG_LEVEL = 'silent';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(3)} ms`;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sequential round trips: send a frame, wait for its echo. */
async function roundTrips(socket: WebSocket, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds + 50; i++) {
    const payload = `ping-${i}`;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        if (data.toString() !== payload) return;
        socket.off('message', onMessage);
        resolve();
      };
      socket.on('message', onMessage);
      socket.send(payload);
    });
    if (i >= 50) times.push(performance.now() - started); // the first 50 warm up the JIT and sockets
  }
  return times.sort((a, b) => a - b);
}

async function plainEcho(): Promise<number[]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  const socket = await open(`ws://127.0.0.1:${(server.address() as { port: number }).port}`);
  const times = await roundTrips(socket, ECHO_ROUNDS);
  socket.close();
  await new Promise((resolve) => server.close(resolve));
  return times;
}

/**
 * The second reference: the least any PostToConnection echo can cost. A bare `ws` server hands each frame to the same
 * SDK v3 call the echo handler makes, against a bare HTTP server that writes the POST body back to the socket — the
 * SDK and the HTTP round trip, without the emulator.
 */
async function bareSdkEcho(): Promise<number[]> {
  const sockets = new Map<string, WebSocket>();
  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      sockets.get(decodeURIComponent(req.url!.split('/').pop()!))?.send(Buffer.concat(chunks).toString());
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = new ApiGatewayManagementApiClient({
    endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}/bench`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    sockets.set('c', socket);
    socket.on('message', (data) => {
      client.send(new PostToConnectionCommand({ ConnectionId: 'c', Data: data.toString() })).catch((error: Error) => console.error(`bare echo: ${error.message}`));
    });
  });
  const socket = await open(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const times = await roundTrips(socket, ECHO_ROUNDS);
  socket.close();
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => http.close(resolve));
  return times;
}

async function emulatorEcho(): Promise<number[]> {
  const emulator = await startEmulator({ configPath: join(import.meta.dirname, 'fixtures', 'echo', 'serverless.yml'), port: 0, log: false });
  const socket = await open(emulator.wsUrl);
  const times = await roundTrips(socket, ECHO_ROUNDS);
  socket.close();
  await emulator.stop();
  return times;
}

/** In-process: from calling startEmulator to a client's handshake completing. */
async function inProcessStarts(configPath: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const started = performance.now();
    const emulator = await startEmulator({ configPath, port: 0, httpPort: 0, log: false });
    const socket = await open(emulator.wsUrl);
    times.push(performance.now() - started);
    socket.close();
    await emulator.stop();
  }
  return times.sort((a, b) => a - b);
}

/** The whole command `npm start` runs, from spawn until a client's handshake completes. */
async function cliStart(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', '--port', '0', '--http-port', '0'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /ws:\/\/127\.0\.0\.1:\d+\S*/.exec(out);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`cli exited ${code}: ${out}`)));
  });
  const socket = await open(url);
  const elapsed = performance.now() - started;
  socket.close();
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  return elapsed;
}

async function broadcastToMany(): Promise<{ clients: number; connectMs: number; lastReceivedMs: number; firstReceivedMs: number }> {
  const emulator = await startEmulator({ configPath: join(root, 'serverless.yml'), port: 0, httpPort: 0, log: false });
  const repository = new DynamoDbConnectionRepository(
    DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint })),
    process.env.CONNECTIONS_TABLE!,
  );
  // Each client connects alone in its own room (so connecting sends no presence fan-out), then the repository puts
  // every one of them into room `bench`: the set-up is not what is measured.
  const connectStarted = performance.now();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < BROADCAST_CLIENTS; i += 50) {
    const batch = Array.from({ length: Math.min(50, BROADCAST_CLIENTS - i) }, (_, j) => open(`${emulator.wsUrl}?room=solo-${i + j}&name=c${i + j}`));
    sockets.push(...(await Promise.all(batch)));
  }
  const connectMs = performance.now() - connectStarted;
  const ids = emulator.listConnections().map((c) => c.connectionId);
  for (const id of ids) await repository.join(id, 'bench', { maxRooms: 20 });

  const sender = sockets[0]!;
  const received: number[] = [];
  const started = performance.now();
  const all = Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          const onMessage = (data: WebSocket.RawData) => {
            const frame = JSON.parse(data.toString()) as { type: string; data?: string };
            if (frame.type !== 'message' || frame.data !== 'to everyone') return;
            received.push(performance.now() - started);
            socket.off('message', onMessage);
            resolve();
          };
          socket.on('message', onMessage);
        }),
    ),
  );
  sender.send(JSON.stringify({ action: 'sendmessage', room: 'bench', data: 'to everyone' }));
  await all;
  received.sort((a, b) => a - b);
  for (const socket of sockets) socket.terminate();
  await emulator.stop();
  return { clients: sockets.length, connectMs, firstReceivedMs: received[0]!, lastReceivedMs: received.at(-1)! };
}

const plain = await plainEcho();
const bare = await bareSdkEcho();
const ours = await emulatorEcho();
const starts = await inProcessStarts(join(root, 'serverless.yml'));
const cli = await cliStart();
const fanout = await broadcastToMany();

const p50Ratio = percentile(ours, 50) / percentile(plain, 50);
const lines = [
  '# wsgate benchmark results',
  '',
  `Measured ${new Date().toISOString()} by \`npm run bench\` on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. A shared, noisy machine: compare the ratios, not the absolute times.`,
  '',
  '## Echo round trip (one client, sequential, after 50 warm-up rounds)',
  '',
  `| path | rounds | p50 | p95 | p99 |`,
  `|---|---|---|---|---|`,
  `| plain \`ws\` echo server (reference) | ${plain.length} | ${ms(percentile(plain, 50))} | ${ms(percentile(plain, 95))} | ${ms(percentile(plain, 99))} |`,
  `| bare \`ws\` server + the SDK's PostToConnection to a bare HTTP server (reference) | ${bare.length} | ${ms(percentile(bare, 50))} | ${ms(percentile(bare, 95))} | ${ms(percentile(bare, 99))} |`,
  `| wsgate: frame -> $default handler -> PostToConnection -> frame | ${ours.length} | ${ms(percentile(ours, 50))} | ${ms(percentile(ours, 95))} | ${ms(percentile(ours, 99))} |`,
  '',
  `p50 ratio wsgate / plain ws: **${p50Ratio.toFixed(1)}×** (target ≤ 3×, not met). p50 ratio wsgate / bare ws + SDK post: **${(percentile(ours, 50) / percentile(bare, 50)).toFixed(1)}×**.`,
  'Every echo through API Gateway is a PostToConnection, an HTTP request signed by the SDK: the second reference is that',
  'cost alone, so the second ratio is what the emulator adds (routing, the Lambda event and context, the @connections API).',
  '',
  '## Start to accepting (our serverless.yml, embedded DynamoDB, pages)',
  '',
  `- in-process \`startEmulator\` until a client's handshake completes, ${starts.length} starts: median ${ms(percentile(starts, 50))}, min ${ms(starts[0]!)}, max ${ms(starts.at(-1)!)} (target ≤ 500 ms)`,
  `- the whole command, spawning \`node --import tsx local/cli.ts\` (what \`npm start\` runs) until a client's handshake completes: ${ms(cli)}`,
  '',
  `## Broadcast to ${fanout.clients} clients (our app + embedded DynamoDB)`,
  '',
  `- one \`sendmessage\` to a room of ${fanout.clients}: first client had it after ${ms(fanout.firstReceivedMs)}, the last after **${ms(fanout.lastReceivedMs)}**`,
  `- (set-up, not the figure: connecting ${fanout.clients} clients took ${ms(fanout.connectMs)})`,
  '',
];
// bench/RESULTS.md is the committed record, updated by hand from runs like this one: a run writes an untracked file.
const { values: flags } = parseArgs({ options: { out: { type: 'string', default: join(import.meta.dirname, '.tmp', 'results.md') } } });
mkdirSync(dirname(flags.out!), { recursive: true });
writeFileSync(flags.out!, lines.join('\n'));
console.log(lines.join('\n'));
process.exit(0);
