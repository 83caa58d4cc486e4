import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../model/app-model.ts';
import { closeLevelIteratorsOnReturn } from './level-iterator-return.ts';

export interface EmbeddedDynamoDb {
  endpoint: string;
  /** {@link createTables} on this dynalite, without loading the SDK (see {@link createTableOnDynalite}). */
  createTables(region: string, tables: TableDefinition[]): Promise<string[]>;
  stop(): Promise<void>;
}

/** dynalite in-process on a free loopback port: the real DynamoDB API, in memory or kept in `persistDir`. */
export async function startEmbeddedDynamoDb(options: { host?: string; persistDir?: string } = {}): Promise<EmbeddedDynamoDb> {
  closeLevelIteratorsOnReturn(); // or every Query and Scan leaks its iterator (see there)
  if (options.persistDir) mkdirSync(options.persistDir, { recursive: true });
  // Loaded when first needed, as the SDK below: neither is on the path of --help, a bad config, or an external DynamoDB.
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.persistDir ? { path: options.persistDir } : {}) });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const endpoint = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    async createTables(region, tables) {
      const created: string[] = [];
      for (const table of tables) {
        const outcome = await createTableOnDynalite(endpoint, region, createTableInput(table)).catch((error: unknown) => {
          throw new Error(`Cannot create table ${table.tableName} (resources.Resources.${table.logicalId}): ${(error as Error).message}`, { cause: error });
        });
        if (outcome === 'created') created.push(table.tableName);
      }
      return created;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The properties CreateTable takes; the rest (TTL, PITR, SSE, streams, tags, …) are CloudFormation-only. */
const CREATE_TABLE_KEYS = ['AttributeDefinitions', 'KeySchema', 'BillingMode', 'ProvisionedThroughput', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes'] as const;
const INDEX_KEYS = ['IndexName', 'KeySchema', 'Projection', 'ProvisionedThroughput'] as const;

/** serverless.yml's table as a CreateTable input: CloudFormation-only properties dropped, throughput as numbers. */
export function createTableInput(table: TableDefinition): CreateTableCommandInput {
  const pick = (source: Record<string, unknown>, keys: readonly string[]) =>
    Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
  const input = { ...pick(table.properties, CREATE_TABLE_KEYS), TableName: table.tableName } as Record<string, unknown>;
  // dynalite (like DynamoDB) requires throughput unless the table is on demand; CloudFormation's default is PROVISIONED,
  // but a template without throughput can only mean on demand.
  if (input.BillingMode === undefined && input.ProvisionedThroughput === undefined) input.BillingMode = 'PAY_PER_REQUEST';
  const onDemand = input.BillingMode === 'PAY_PER_REQUEST';
  const throughput = (value: unknown) => {
    if (onDemand || value === undefined) return undefined;
    const { ReadCapacityUnits, WriteCapacityUnits } = value as Record<string, unknown>;
    return { ReadCapacityUnits: Number(ReadCapacityUnits), WriteCapacityUnits: Number(WriteCapacityUnits) };
  };
  if (onDemand) delete input.ProvisionedThroughput;
  else input.ProvisionedThroughput = throughput(input.ProvisionedThroughput);
  for (const kind of ['GlobalSecondaryIndexes', 'LocalSecondaryIndexes'] as const) {
    if (!Array.isArray(input[kind])) continue;
    input[kind] = (input[kind] as Record<string, unknown>[]).map((index) => {
      const picked = pick(index, kind === 'LocalSecondaryIndexes' ? INDEX_KEYS.slice(0, 3) : INDEX_KEYS);
      const indexThroughput = throughput(picked.ProvisionedThroughput);
      if (indexThroughput) picked.ProvisionedThroughput = indexThroughput;
      else delete picked.ProvisionedThroughput;
      return picked;
    });
  }
  return input as unknown as CreateTableCommandInput;
}

/**
 * One CreateTable on our own dynalite, as a plain DynamoDB JSON request: the SDK's DynamoDB client costs start-up
 * ~140 ms to load for a few calls, and the emulator's own process needs it for nothing else. dynalite checks that a
 * request carries a well-formed SigV4 `Authorization` header, never its signature (it holds no secret to check it
 * against), so a fixed header serves. External DynamoDBs get the SDK ({@link createTables}): they may check.
 */
export function createTableOnDynalite(endpoint: string, region: string, input: CreateTableCommandInput): Promise<'created' | 'exists'> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const call = request(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(body),
        'x-amz-target': 'DynamoDB_20120810.CreateTable',
        'x-amz-date': '20260101T000000Z',
        authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/${region}/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
      },
    });
    call.once('error', reject);
    call.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.once('end', () => {
        if (response.statusCode === 200) return resolve('created');
        const error = JSON.parse(text || '{}') as { __type?: string; message?: string; Message?: string };
        const type = error.__type?.split('#').pop();
        if (type === 'ResourceInUseException') return resolve('exists');
        reject(new Error(`${type ?? `HTTP ${response.statusCode}`}: ${error.message ?? error.Message ?? text}`));
      });
    });
    call.end(body);
  });
}

/**
 * Creates serverless.yml's tables at `endpoint` (dynalite, DynamoDB Local, LocalStack); a table that is already there
 * (persisted, or shared with another run) is kept. Returns the names it created.
 */
export async function createTables(endpoint: string, region: string, tables: TableDefinition[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const { CreateTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const created: string[] = [];
    for (const table of tables) {
      try {
        await client.send(new CreateTableCommand(createTableInput(table)));
        created.push(table.tableName);
      } catch (error) {
        // Matched by name, not instanceof: the error may come from another copy of the SDK.
        if ((error as { name?: string }).name !== 'ResourceInUseException') {
          throw new Error(`Cannot create table ${table.tableName} (resources.Resources.${table.logicalId}) at ${endpoint}: ${(error as Error).message}`, { cause: error });
        }
      }
    }
    return created;
  } finally {
    client.destroy();
  }
}
