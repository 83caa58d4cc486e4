import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../local/readers/serverless/load-config.ts';
import { createTableInput, startEmbeddedDynamoDb } from '../../../local/dynamodb/embedded-dynamodb.ts';
import { connectClient } from '../../support/ws-client.ts';
import { projectsDir, startProject } from '../fixture-projects.ts';

const root = join(import.meta.dirname, '..', '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'dynamodb-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const clientFor = (endpoint: string) => new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

describe('createTableInput', () => {
  it('keeps what CreateTable takes, drops CloudFormation-only properties, and reads throughput as numbers', async () => {
    const [notes, audit, stacked] = (await loadConfig(join(projectsDir, 'tables', 'serverless.yml'))).tables.map(createTableInput);
    expect(notes).toEqual({
      TableName: 'notes-dev',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }, { AttributeName: 'text', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'byText', KeySchema: [{ AttributeName: 'text', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
    expect(audit).toMatchObject({ TableName: 'AuditTable', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 } });
    expect(stacked).toMatchObject({ TableName: 'tables-dev-stacked', BillingMode: 'PAY_PER_REQUEST' });
  });
});

describe('embedded DynamoDB', () => {
  it("creates serverless.yml's tables with their indexes, and handlers reach them through AWS_ENDPOINT_URL_DYNAMODB", async () => {
    const emulator = await startProject('tables');
    const db = clientFor(emulator.dynamodbEndpoint);
    try {
      expect(emulator.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await db.send(new ListTablesCommand({}))).TableNames).toEqual(['AuditTable', 'notes-dev', 'tables-dev-stacked']);
      const { Table: notes } = await db.send(new DescribeTableCommand({ TableName: 'notes-dev' }));
      expect(notes?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byText']);
      const { Table: audit } = await db.send(new DescribeTableCommand({ TableName: 'AuditTable' }));
      expect(audit?.LocalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['bySk']);
      expect(audit?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 2, WriteCapacityUnits: 1 });

      const client = await connectClient(emulator.wsUrl);
      client.send({ id: 'n1', text: 'remember me' });
      expect(await client.next(() => true)).toEqual({ table: 'notes-dev', text: 'remember me' });
      client.socket.close();
    } finally {
      db.destroy();
      await emulator.stop();
    }
  });

  it('gives handlers table names and ARNs for !Ref, !GetAtt and !Sub; leaves other references unset with a warning', async () => {
    const lines: string[] = [];
    // In-process, the handlers' variables are this process's to read (the test above reads NOTES_TABLE from a handler in its environment).
    const emulator = await startProject('tables', { log: (line) => void lines.push(line), isolation: 'in-process' });
    try {
      expect(process.env).toMatchObject({
        NOTES_TABLE: 'notes-dev',
        NOTES_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/notes-dev',
        AUDIT_TABLE: 'AuditTable',
        STACK_TABLE: 'tables-dev-stacked',
      });
      expect(process.env.QUEUE_URL).toBeUndefined();
      expect(lines).toContainEqual(expect.stringMatching(/^warning: functions\.note\.environment\.QUEUE_URL is \{"Ref":"SomeQueue"\}.*left unset/));
    } finally {
      await emulator.stop();
    }
    expect(process.env.NOTES_TABLE).toBeUndefined(); // stop() gives process.env back
  });

  it('creates tables on its own dynalite without the SDK: created, then kept; a bad definition fails with what dynalite said', async () => {
    const db = await startEmbeddedDynamoDb();
    const client = clientFor(db.endpoint);
    try {
      const notes = {
        logicalId: 'Notes',
        tableName: 'notes',
        properties: { AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' },
      };
      expect(await db.createTables('eu-west-1', [notes])).toEqual(['notes']);
      expect(await db.createTables('eu-west-1', [notes])).toEqual([]); // there already: kept
      expect((await client.send(new DescribeTableCommand({ TableName: 'notes' }))).Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
      const broken = { ...notes, logicalId: 'Broken', tableName: 'broken', properties: { ...notes.properties, KeySchema: [{ AttributeName: 'missing', KeyType: 'HASH' }] } };
      await expect(db.createTables('eu-west-1', [broken])).rejects.toThrow(/^Cannot create table broken \(resources\.Resources\.Broken\): ValidationException: .+/);
    } finally {
      client.destroy();
      await db.stop();
    }
  });

  it('keeps data across restarts with persistDir', async () => {
    const persistDir = join(scratch, 'data');
    const first = await startProject('tables', { persistDir });
    const writer = await connectClient(first.wsUrl);
    writer.send({ id: 'kept', text: 'still here' });
    expect(await writer.next(() => true)).toMatchObject({ text: 'still here' });
    writer.socket.close();
    await first.stop();

    const second = await startProject('tables', { persistDir });
    try {
      const reader = await connectClient(second.wsUrl);
      reader.send({ id: 'kept' });
      expect(await reader.next(() => true)).toEqual({ table: 'notes-dev', text: 'still here' });
      reader.socket.close();
    } finally {
      await second.stop();
    }
  });
});

describe('a DynamoDB given by endpoint (DynamoDB Local, LocalStack)', () => {
  it('creates the tables there if missing, and keeps them when they exist', async () => {
    const external = await startEmbeddedDynamoDb();
    try {
      for (let start = 0; start < 2; start++) {
        const emulator = await startProject('tables', { dynamodbEndpoint: external.endpoint });
        expect(emulator.dynamodbEndpoint).toBe(external.endpoint);
        const client = await connectClient(emulator.wsUrl);
        client.send(start === 0 ? { id: 'x', text: 'written on the first start' } : { id: 'x' });
        expect(await client.next(() => true)).toEqual({ table: 'notes-dev', text: 'written on the first start' });
        client.socket.close();
        await emulator.stop();
      }
    } finally {
      await external.stop();
    }
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_DYNAMODB, as `AWS_ENDPOINT_URL_DYNAMODB=… npm start` does', async () => {
    const external = await startEmbeddedDynamoDb();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = external.endpoint;
    try {
      const emulator = await startProject('tables');
      expect(emulator.dynamodbEndpoint).toBe(external.endpoint);
      const db = clientFor(external.endpoint);
      expect((await db.send(new ListTablesCommand({}))).TableNames).toContain('notes-dev');
      db.destroy();
      await emulator.stop();
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(external.endpoint);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      await external.stop();
    }
  });
});
