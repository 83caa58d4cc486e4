import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamoDb } from '../../../local/dynamodb/embedded-dynamodb.ts';
import type { EmbeddedDynamoDb } from '../../../local/dynamodb/embedded-dynamodb.ts';
import { closeLevelIteratorsOnReturn } from '../../../local/dynamodb/level-iterator-return.ts';

// The store dynalite keeps its tables in: abstract-level, as dynalite resolves it. Every iterator attaches itself to
// its store until it is closed, so counting attached iterators counts the open ones (and their snapshots).
const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const abstractLevel = createRequire(fromDynalite.resolve('memory-level'))('abstract-level');
const store = abstractLevel.AbstractLevel.prototype;
const iteratorBase = Object.getPrototypeOf(abstractLevel.AbstractIterator.prototype);
const open = new Set<object>();
const attach = store.attachResource;
const detach = store.detachResource;

let dynamo: EmbeddedDynamoDb;
let client: DynamoDBClient;
beforeAll(async () => {
  store.attachResource = function (resource: object) {
    if (iteratorBase.isPrototypeOf(resource)) open.add(resource);
    return attach.call(this, resource);
  };
  store.detachResource = function (resource: object) {
    open.delete(resource);
    return detach.call(this, resource);
  };
  dynamo = await startEmbeddedDynamoDb();
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await client.send(
    new CreateTableCommand({
      TableName: 'rooms',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    }),
  );
  for (const sk of ['a', 'b', 'c']) await client.send(new PutItemCommand({ TableName: 'rooms', Item: { pk: { S: 'ROOM#lobby' }, sk: { S: sk } } }));
});
afterAll(async () => {
  client.destroy();
  await dynamo.stop();
  store.attachResource = attach;
  store.detachResource = detach;
});

describe('closeLevelIteratorsOnReturn', () => {
  it('gives abstract-level iterators the return() dynalite ends them with, once', () => {
    expect(typeof iteratorBase.return).toBe('function');
    expect(closeLevelIteratorsOnReturn()).toBe(0);
  });

  it('leaves no iterator of the store open after 100 Queries and Scans (each left one open before)', async () => {
    const before = open.size;
    for (let i = 0; i < 50; i++) {
      const { Items } = await client.send(new QueryCommand({ TableName: 'rooms', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'ROOM#lobby' } } }));
      expect(Items).toHaveLength(3);
      const limited = await client.send(new ScanCommand({ TableName: 'rooms', Limit: 1 }));
      expect(limited.Items).toHaveLength(1);
    }
    // An iterator is closed just after its response was sent: at most the last few may still be closing.
    expect(open.size - before).toBeLessThanOrEqual(4);
  });
});
