import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, InvocationRecord } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let client: TestClient;
let dynamodb: DynamoDBClient;
beforeAll(async () => {
  emulator = await startProject('triggers');
  dynamodb = new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  client = await connectClient(emulator.wsUrl);
  await client.next((f) => f.type === 'greeting');
});
afterAll(async () => {
  client?.socket.close();
  dynamodb?.destroy();
  await emulator?.stop();
});

type Rec = Record<string, any>;

/** Waits for `count` stream records of `table` broadcast to the client (across frames: batches may group them). */
async function recordsOf(table: string, count: number, where: (r: Rec) => boolean = () => true): Promise<Rec[]> {
  const found: Rec[] = [];
  while (found.length < count) {
    const frame = await client.next((f) => f.type === 'records' && f.records.some((r: Rec) => r.eventSourceARN.includes(`/${table}/`) && where(r)));
    found.push(...frame.records.filter((r: Rec) => r.eventSourceARN.includes(`/${table}/`) && where(r)));
  }
  return found;
}

const key = (pk: string) => ({ pk: { S: pk }, sk: { S: '1' } });

async function putUpdateDelete(table: string, pk: string) {
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: { ...key(pk), v: { S: 'x' } } }));
  await dynamodb.send(new UpdateItemCommand({ TableName: table, Key: key(pk), UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { S: 'y' } } }));
  await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: key(pk) }));
}

describe('DynamoDB streams', () => {
  it.each([
    ['KEYS_ONLY', 'triggers-keys', [{}, {}, {}]],
    ['NEW_IMAGE', 'triggers-new', [{ NewImage: 'x' }, { NewImage: 'y' }, {}]],
    ['OLD_IMAGE', 'triggers-old', [{}, { OldImage: 'x' }, { OldImage: 'y' }]],
    ['NEW_AND_OLD_IMAGES', 'triggers-both', [{ NewImage: 'x' }, { OldImage: 'x', NewImage: 'y' }, { OldImage: 'y' }]],
  ] as const)('a %s stream carries INSERT, MODIFY and REMOVE with the images it should', async (viewType, table, images) => {
    await putUpdateDelete(table, `shape-${viewType}`);
    const records = await recordsOf(table, 3);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    records.forEach((record, i) => {
      const expected: Rec = { Keys: key(`shape-${viewType}`) };
      for (const [image, v] of Object.entries(images[i]!)) expected[image] = { ...key(`shape-${viewType}`), v: { S: v } };
      expect(record).toEqual({
        eventID: expect.stringMatching(/^[0-9a-f]{32}$/),
        eventName: record.eventName,
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          ApproximateCreationDateTime: expect.any(Number),
          ...expected,
          SequenceNumber: expect.stringMatching(/^\d{21,}$/),
          SizeBytes: expect.any(Number),
          StreamViewType: viewType,
        },
        eventSourceARN: expect.stringMatching(new RegExp(`^arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/\\d{4}-\\d{2}-\\d{2}T[\\d:.]+$`)),
      });
    });
    const sequence = records.map((r) => BigInt(r.dynamodb.SequenceNumber));
    expect(sequence[0]! < sequence[1]! && sequence[1]! < sequence[2]!).toBe(true);
    // Keys {pk,sk} = 2+ 8+… bytes; with images the size grows by each image's own size.
    expect(records[0]!.dynamodb.SizeBytes).toBeGreaterThan(0);
  });

  it('writes no record for a write that changes nothing', async () => {
    const item = { ...key('same'), v: { S: 'x' } };
    await dynamodb.send(new PutItemCommand({ TableName: 'triggers-both', Item: item }));
    await dynamodb.send(new PutItemCommand({ TableName: 'triggers-both', Item: item }));
    await dynamodb.send(new PutItemCommand({ TableName: 'triggers-both', Item: { ...key('same'), v: { S: 'z' } } }));
    const records = await recordsOf('triggers-both', 2, (r) => r.dynamodb.Keys.pk.S === 'same');
    expect(records.map((r) => [r.eventName, r.dynamodb.NewImage.v.S])).toEqual([['INSERT', 'x'], ['MODIFY', 'z']]);
  });

  it('keeps the records of one key in write order under concurrent writes, each OldImage the previous NewImage', async () => {
    const writes = 25;
    await Promise.all(
      Array.from({ length: writes }, (_, i) => [
        dynamodb.send(new UpdateItemCommand({ TableName: 'triggers-both', Key: key('counter'), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } })),
        dynamodb.send(new PutItemCommand({ TableName: 'triggers-both', Item: { ...key(`other-${i}`), v: { S: String(i) } } })),
      ]).flat(),
    );
    const all = await recordsOf('triggers-both', 2 * writes, (r) => r.dynamodb.Keys.pk.S === 'counter' || r.dynamodb.Keys.pk.S.startsWith('other-'));
    const records = all.filter((r) => r.dynamodb.Keys.pk.S === 'counter');
    expect(records.map((r) => Number(r.dynamodb.NewImage.n.N))).toEqual(Array.from({ length: writes }, (_, i) => i + 1));
    expect(records.map((r) => r.dynamodb.OldImage?.n.N ?? null)).toEqual([null, ...Array.from({ length: writes - 1 }, (_, i) => String(i + 1))]);
    expect(records[0]!.eventName).toBe('INSERT');
    expect(all.filter((r) => r.dynamodb.Keys.pk.S.startsWith('other-')).map((r) => r.eventName)).toEqual(Array(writes).fill('INSERT'));
  });

  it('retries a batch the function failed on, then delivers it', async () => {
    const outcomes: (number | string)[] = [];
    const listener = (r: InvocationRecord) => r.eventType === 'STREAM' && r.routeKey === 'triggers-new' && outcomes.push(r.status);
    emulator.events.on('invocation', listener);
    try {
      await dynamodb.send(new PutItemCommand({ TableName: 'triggers-new', Item: { ...key('flaky'), failOnce: { BOOL: true } } }));
      const [record] = await recordsOf('triggers-new', 1, (r) => r.dynamodb.Keys.pk.S === 'flaky');
      expect(record!.eventName).toBe('INSERT');
      await emulator.streamsIdle();
      expect(outcomes).toEqual(['error', 200]);
    } finally {
      emulator.events.off('invocation', listener);
    }
  });

  it('passes writes to tables without a stream straight through', async () => {
    await dynamodb.send(new PutItemCommand({ TableName: 'triggers-connections', Item: { connectionId: { S: 'not-a-connection' } } }));
    await dynamodb.send(new DeleteItemCommand({ TableName: 'triggers-connections', Key: { connectionId: { S: 'not-a-connection' } } }));
    await emulator.streamsIdle();
    expect(client.frames.filter((f) => f.type === 'records' && f.records.some((r: Rec) => r.eventSourceARN.includes('connections')))).toEqual([]);
  });
});
