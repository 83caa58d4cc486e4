import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { closeLevelIteratorsOnReturn } from '../../local/dynamodb/level-iterator-return.ts';
import { parse } from 'yaml';

export interface TestDynamo {
  endpoint: string;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  /** Creates a fresh table shaped like serverless.yml's ConnectionsTable and returns its name. */
  createConnectionsTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The ConnectionsTable as serverless.yml declares it, so tests use the deployed key design. */
function connectionsTableDefinition(): CreateTableCommandInput {
  const config = parse(readFileSync(join(import.meta.dirname, '..', '..', 'serverless.yml'), 'utf8'));
  const { AttributeDefinitions, KeySchema, BillingMode } = config.resources.Resources.ConnectionsTable.Properties;
  // dynalite has no TimeToLiveSpecification (nor UpdateTimeToLive); TTL stays declared in serverless.yml.
  return { TableName: 'unset', AttributeDefinitions, KeySchema, BillingMode };
}

let tables = 0;

/** dynalite in-process on a free loopback port: the real DynamoDB API, no Docker. */
export async function startDynalite(): Promise<TestDynamo> {
  closeLevelIteratorsOnReturn(); // as the emulator does: dynalite 4.0.0 leaks an iterator per Query and Scan without it
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    documents: DynamoDBDocumentClient.from(client),
    async createConnectionsTable(name) {
      const TableName = name ?? `connections-${process.pid}-${++tables}`;
      await client.send(new CreateTableCommand({ ...connectionsTableDefinition(), TableName }));
      return TableName;
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
