/**
 * The stream proxy's cost (`npx tsx bench/stream-proxy.ts`): PutItem + GetItem round trips on a table WITHOUT a stream,
 * straight to dynalite and through the proxy (pass-through), and PutItem on a streamed table through it (old image,
 * write, new image). An app without stream events has no proxy at all; this measures what one costs the other tables.
 * Not a test: it prints figures.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import { startEmbeddedDynamoDb } from '../local/dynamodb/embedded-dynamodb.ts';
import { DynamoDbStreamProxy } from '../local/triggers/dynamodb-stream-proxy.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(client: DynamoDBClient, table: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 50; i++) {
    const started = performance.now();
    await client.send(new PutItemCommand({ TableName: table, Item: { id: { S: `k${i % 100}` }, n: { N: String(i) } } }));
    await client.send(new GetItemCommand({ TableName: table, Key: { id: { S: `k${i % 100}` } } }));
    if (i >= 50) times.push(performance.now() - started); // the first 50 warm up
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

const dynamo = await startEmbeddedDynamoDb();
const setup = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
for (const name of ['plain', 'streamed']) {
  await setup.send(new CreateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] }));
}
let records = 0;
const proxy = new DynamoDbStreamProxy(dynamo.endpoint, 'us-east-1', new Map([['streamed', { tableName: 'streamed', viewType: 'NEW_AND_OLD_IMAGES', streamArn: 'arn' }]]), (_t, r) => (records += r.length));
const proxyEndpoint = await proxy.start('127.0.0.1');
const direct = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
const proxied = new DynamoDBClient({ endpoint: proxyEndpoint, region: 'us-east-1', credentials });

const plainDirect = await measure(direct, 'plain');
const plainProxied = await measure(proxied, 'plain');
const streamedProxied = await measure(proxied, 'streamed');
console.log(`PutItem+GetItem p50 over ${ROUNDS} rounds:`);
console.log(`  table without a stream, straight to dynalite: ${plainDirect.toFixed(3)} ms`);
console.log(`  table without a stream, through the proxy:     ${plainProxied.toFixed(3)} ms (${(plainProxied / plainDirect).toFixed(2)}×)`);
console.log(`  streamed table, through the proxy:            ${streamedProxied.toFixed(3)} ms (${(streamedProxied / plainDirect).toFixed(2)}×; ${records} records)`);
for (const client of [setup, direct, proxied]) client.destroy();
await proxy.stop();
await dynamo.stop();
