import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { TableDefinition } from '../config/load-config.ts';

export interface EmbeddedDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/** dynalite in-process on a free loopback port: the real DynamoDB API, in memory or kept in `persistDir`. */
export async function startEmbeddedDynamoDb(options: { host?: string; persistDir?: string } = {}): Promise<EmbeddedDynamoDb> {
  if (options.persistDir) mkdirSync(options.persistDir, { recursive: true });
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.persistDir ? { path: options.persistDir } : {}) });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    endpoint: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The properties CreateTable takes; the rest (TTL, PITR, SSE, streams, tags, …) are CloudFormation-only. */
const CREATE_TABLE_KEYS = ['TableName', 'AttributeDefinitions', 'KeySchema', 'BillingMode', 'ProvisionedThroughput', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes'] as const;

/** Creates serverless.yml's tables at `endpoint`; an existing table (a persisted or shared DynamoDB) is kept. */
export async function createTables(endpoint: string, region: string, tables: TableDefinition[]): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const created: string[] = [];
    for (const table of tables) {
      const input = Object.fromEntries(
        CREATE_TABLE_KEYS.filter((key) => table.properties[key] !== undefined).map((key) => [key, table.properties[key]]),
      ) as unknown as CreateTableCommandInput;
      input.TableName ??= table.logicalId;
      // dynalite requires throughput unless the table is on demand.
      if (input.BillingMode === undefined && input.ProvisionedThroughput === undefined) input.BillingMode = 'PAY_PER_REQUEST';
      try {
        await client.send(new CreateTableCommand(input));
        created.push(input.TableName);
      } catch (error) {
        if (!(error instanceof ResourceInUseException) && (error as { name?: string }).name !== 'ResourceInUseException') throw error;
      }
    }
    return created;
  } finally {
    client.destroy();
  }
}
