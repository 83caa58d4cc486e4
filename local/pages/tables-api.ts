import express from 'express';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A table as the DynamoDB browser lists it. */
export interface TableSummary {
  name: string;
  /** Declared in the project (`resources`), as opposed to found on the endpoint. */
  declared: boolean;
  keySchema: { name: string; keyType: 'HASH' | 'RANGE'; attributeType: string }[];
  indexes: { name: string; kind: 'GSI' | 'LSI'; keySchema: { name: string; keyType: 'HASH' | 'RANGE'; attributeType: string }[] }[];
  /** Counted with a Scan (DescribeTable's ItemCount is refreshed only every six hours on AWS); `capped` past 10,000. */
  itemCount: number;
  capped: boolean;
}

export interface ItemsPage {
  items: unknown[];
  /** The key to pass as `start` for the next page, JSON; absent on the last page. */
  next?: string;
}

const COUNT_CAP = 10_000;
const PAGE_LIMIT_MAX = 200;
const OPERATORS: Record<string, (name: string) => string> = {
  eq: (k) => `${k} = :sk`,
  lt: (k) => `${k} < :sk`,
  le: (k) => `${k} <= :sk`,
  gt: (k) => `${k} > :sk`,
  ge: (k) => `${k} >= :sk`,
  begins_with: (k) => `begins_with(${k}, :sk)`,
  between: (k) => `${k} BETWEEN :sk AND :sk2`,
};

/**
 * The DynamoDB browser's JSON API under `/tables/api`: the tables in use with their key schema and item count, a page
 * of items (Scan), a key-condition Query. It reads through the DynamoDB the handlers use (the embedded dynalite or the
 * endpoint given) with the AWS SDK v3, loaded on first use so the emulator starts without it.
 */
export function tablesApi(options: { endpoint: string; region: string; declared: string[] }): express.Router {
  let clients: Promise<{ raw: DynamoDBClient; doc: DynamoDBDocumentClient; sdk: typeof import('@aws-sdk/client-dynamodb'); lib: typeof import('@aws-sdk/lib-dynamodb') }> | undefined;
  const connect = () =>
    (clients ??= Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]).then(([sdk, lib]) => {
      // Local DynamoDBs (dynalite, DynamoDB Local, LocalStack) take any credentials; these never reach AWS.
      const raw = new sdk.DynamoDBClient({ endpoint: options.endpoint, region: options.region, credentials: { accessKeyId: 'wsgate-local', secretAccessKey: 'wsgate-local' } });
      return { raw, doc: lib.DynamoDBDocumentClient.from(raw), sdk, lib };
    }));

  const router = express.Router();
  const answer = (work: (req: express.Request) => Promise<unknown>) => (req: express.Request, res: express.Response) => {
    work(req).then(
      (body) => void res.type('json').send(JSON.stringify(body, plainJson)),
      (error: unknown) => {
        const name = (error as { name?: string }).name ?? 'Error';
        const status = name === 'ResourceNotFoundException' ? 404 : name === 'ValidationException' || name === 'TypeError' ? 400 : 502;
        res.status(status).json({ code: name, message: error instanceof Error ? error.message : String(error) });
      },
    );
  };

  router.get('/', answer(async () => {
    const { raw, sdk } = await connect();
    const found: string[] = [];
    let start: string | undefined;
    do {
      const page = await raw.send(new sdk.ListTablesCommand({ ExclusiveStartTableName: start }));
      found.push(...(page.TableNames ?? []));
      start = page.LastEvaluatedTableName;
    } while (start);
    const names = [...options.declared.filter((n) => found.includes(n)), ...found.filter((n) => !options.declared.includes(n)).sort()];
    return { endpoint: options.endpoint, missing: options.declared.filter((n) => !found.includes(n)), tables: await Promise.all(names.map((name) => summary(name))) };
  }));

  router.get('/:table/items', answer(async (req) => {
    const { doc, lib } = await connect();
    const page = await doc.send(new lib.ScanCommand({ TableName: String(req.params.table), Limit: limitOf(req), ExclusiveStartKey: startOf(req), ...indexOf(req) }));
    return pageOf(page.Items, page.LastEvaluatedKey);
  }));

  router.get('/:table/query', answer(async (req) => {
    const { doc, lib } = await connect();
    const table = await summary(String(req.params.table), false);
    const index = typeof req.query.index === 'string' && req.query.index !== '' ? table.indexes.find((i) => i.name === req.query.index) : undefined;
    if (req.query.index && !index) throw new TypeError(`${table.name} has no index ${String(req.query.index)}`);
    const keys = (index ?? table).keySchema;
    const hash = keys.find((k) => k.keyType === 'HASH')!;
    const range = keys.find((k) => k.keyType === 'RANGE');
    if (typeof req.query.pk !== 'string' || req.query.pk === '') throw new TypeError(`A value for the partition key ${hash.name} is needed`);
    const values: Record<string, unknown> = { ':pk': typed(req.query.pk, hash.attributeType) };
    const names: Record<string, string> = { '#pk': hash.name };
    let condition = '#pk = :pk';
    const op = typeof req.query.op === 'string' && req.query.op !== '' ? req.query.op : undefined;
    if (op && typeof req.query.sk === 'string' && req.query.sk !== '') {
      if (!range) throw new TypeError(`${index?.name ?? table.name} has no sort key`);
      const build = OPERATORS[op];
      if (!build) throw new TypeError(`Unknown sort key condition ${op}; one of ${Object.keys(OPERATORS).join(', ')}`);
      names['#sk'] = range.name;
      values[':sk'] = typed(req.query.sk, range.attributeType);
      if (op === 'between') values[':sk2'] = typed(String(req.query.sk2 ?? ''), range.attributeType);
      condition += ` AND ${build('#sk')}`;
    }
    const page = await doc.send(
      new lib.QueryCommand({ TableName: table.name, KeyConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values, Limit: limitOf(req), ExclusiveStartKey: startOf(req), ...(index ? { IndexName: index.name } : {}) }),
    );
    return pageOf(page.Items, page.LastEvaluatedKey);
  }));

  async function summary(name: string, count = true): Promise<TableSummary> {
    const { raw, sdk } = await connect();
    const { Table: table } = await raw.send(new sdk.DescribeTableCommand({ TableName: name }));
    const types = new Map((table?.AttributeDefinitions ?? []).map((d) => [d.AttributeName!, String(d.AttributeType)]));
    const schema = (keys: { AttributeName?: string; KeyType?: string }[] = []) =>
      keys.map((k) => ({ name: k.AttributeName!, keyType: k.KeyType as 'HASH' | 'RANGE', attributeType: types.get(k.AttributeName!) ?? 'S' }));
    let itemCount = 0;
    let capped = false;
    if (count) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await raw.send(new sdk.ScanCommand({ TableName: name, Select: 'COUNT', ExclusiveStartKey: start as never }));
        itemCount += page.Count ?? 0;
        start = page.LastEvaluatedKey;
        capped = itemCount >= COUNT_CAP && start !== undefined;
      } while (start && !capped);
    }
    return {
      name,
      declared: options.declared.includes(name),
      keySchema: schema(table?.KeySchema),
      indexes: [
        ...(table?.GlobalSecondaryIndexes ?? []).map((i) => ({ name: i.IndexName!, kind: 'GSI' as const, keySchema: schema(i.KeySchema) })),
        ...(table?.LocalSecondaryIndexes ?? []).map((i) => ({ name: i.IndexName!, kind: 'LSI' as const, keySchema: schema(i.KeySchema) })),
      ],
      itemCount,
      capped,
    };
  }

  return router;
}

function limitOf(req: express.Request): number {
  const limit = Number(req.query.limit ?? 25);
  return Number.isInteger(limit) && limit > 0 ? Math.min(limit, PAGE_LIMIT_MAX) : 25;
}

function startOf(req: express.Request): Record<string, unknown> | undefined {
  if (typeof req.query.start !== 'string' || req.query.start === '') return undefined;
  try {
    return JSON.parse(req.query.start) as Record<string, unknown>;
  } catch {
    throw new TypeError('start must be the JSON key a previous page gave as next');
  }
}

function indexOf(req: express.Request): { IndexName?: string } {
  return typeof req.query.index === 'string' && req.query.index !== '' ? { IndexName: req.query.index } : {};
}

function pageOf(items: unknown[] | undefined, last: Record<string, unknown> | undefined): ItemsPage {
  return { items: items ?? [], ...(last ? { next: JSON.stringify(last, plainJson) } : {}) };
}

/** A key value typed as its attribute: N as a number, B from base64, S as given. */
function typed(value: string, attributeType: string): unknown {
  if (attributeType === 'N') {
    if (value.trim() === '' || Number.isNaN(Number(value))) throw new TypeError(`"${value}" is not a number`);
    return Number(value);
  }
  return attributeType === 'B' ? Buffer.from(value, 'base64') : value;
}

/** Items as JSON: sets become arrays (DynamoDB's SS/NS/BS), binary becomes base64. */
function plainJson(_key: string, value: unknown): unknown {
  if (value instanceof Set) return [...value];
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object' && value !== null && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64');
  }
  return value;
}
