// The 1,000-client broadcast of bench/runtime.ts alone, one runtime per run, without waiting for the stop:
// `npx tsx bench/runtime-broadcast.ts environments|in-process [clients]`. Prints one JSON line. Not a test.
import WebSocket from 'ws';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbConnectionRepository } from '../infrastructure/dynamodb/dynamodb-connection-repository.ts';
import { startEmulator } from '../local/emulator.ts';
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
const N = Number(process.argv[3] ?? 1000);
const isolation = process.argv[2] as 'environments' | 'in-process';
const e = await startEmulator({ configPath: 'serverless.yml', port: 0, httpPort: false, log: false, watch: false, isolation });
await e.warmed();
const open = (url: string) => new Promise<WebSocket>((resolve, reject) => { const s = new WebSocket(url); s.once('open', () => resolve(s)); s.once('error', reject); s.once('unexpected-response', () => reject(new Error('refused'))); });
const table = [...e.config.routes.values()][0]!.environment.CONNECTIONS_TABLE!;
const repository = new DynamoDbConnectionRepository(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: e.dynamodbEndpoint, region: e.config.region })), table);
const sockets: WebSocket[] = [];
const t0 = performance.now();
for (let i = 0; i < N; i += 50) sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, j) => open(`${e.wsUrl}?room=solo-${i + j}&name=c${i + j}`)))));
const connectMs = performance.now() - t0;
for (const { connectionId } of e.listConnections()) await repository.join(connectionId, 'bench', { maxRooms: 20 });
const received: number[] = [];
const started = performance.now();
const all = Promise.all(sockets.map((socket) => new Promise<void>((resolve) => {
  const on = (data: WebSocket.RawData) => { const f = JSON.parse(data.toString()); if (f.type !== 'message' || f.data !== 'to everyone') return; received.push(performance.now() - started); socket.off('message', on); resolve(); };
  socket.on('message', on);
})));
sockets[0]!.send(JSON.stringify({ action: 'sendmessage', room: 'bench', data: 'to everyone' }));
await Promise.race([all, new Promise((r) => setTimeout(r, 35_000))]);
received.sort((a, b) => a - b);
console.log(JSON.stringify({ isolation, clients: N, received: received.length, firstMs: received[0], lastMs: received.at(-1), connectMs }));
process.exit(0);
