import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { StreamViewType } from '../model/app-model.ts';
import { readBody } from './read-body.ts';
import { eventNameOf, streamRecord } from './stream-records.ts';
import type { Item, ItemChange, StreamRecord } from './stream-records.ts';

/** The write operations that change items, by their `X-Amz-Target` (DynamoDB_20120810.PutItem). */
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** DynamoDB's request quota is 16 MB (BatchWriteItem); anything larger is the backend's to refuse. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface StreamedTable {
  tableName: string;
  viewType: StreamViewType;
  streamArn: string;
}

/** One key touched by a write: which table, which key. */
interface Touch {
  tableName: string;
  keys: Item;
}

/**
 * A thin HTTP proxy in front of the DynamoDB the handlers use (dynalite has no streams). Reads and writes to tables
 * without a stream pass straight through. A write (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
 * TransactWriteItems) touching a streamed table holds a lock on each item key it touches, reads the old images,
 * forwards the write untouched, reads the new images and reports one stream record per changed item — so records
 * of one key come out in the order the writes were applied, even under concurrent writes.
 */
export class DynamoDbStreamProxy {
  private readonly server = createServer((request, response) => void this.handle(request, response).catch(() => response.destroy()));
  private readonly client: DynamoDBClient;
  private readonly keySchemas = new Map<string, Promise<string[]>>();
  private readonly locks = new Map<string, Promise<void>>();
  private readonly sequences = new Map<string, bigint>();
  private readonly backend: URL;
  /** Kept-alive connections to the backend, as the SDK keeps them: no TCP handshake per request. */
  private readonly agent = new Agent({ keepAlive: true });
  endpoint = '';

  constructor(
    backend: string,
    private readonly region: string,
    private readonly tables: Map<string, StreamedTable>,
    private readonly onRecords: (tableName: string, records: StreamRecord[]) => void,
  ) {
    this.backend = new URL(backend);
    this.client = new DynamoDBClient({ endpoint: backend, region, credentials: { accessKeyId: 'wsgate-local', secretAccessKey: 'wsgate-local' } });
  }

  async start(host: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => resolve());
    });
    this.endpoint = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${(this.server.address() as AddressInfo).port}`;
    return this.endpoint;
  }

  stop(): Promise<void> {
    this.client.destroy();
    this.agent.destroy();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    if (!WRITES.has(operation)) return this.pipe(request, response);
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === 'too-large') return void response.writeHead(413).end();
    // A write whose body names no streamed table cannot touch one: forward it without parsing.
    const text = body.toString('utf8');
    if (![...this.tables.keys()].some((name) => text.includes(JSON.stringify(name)))) return void (await this.forward(request, body, response));
    let input: Record<string, any>;
    try {
      input = JSON.parse(text);
    } catch {
      return void (await this.forward(request, body, response)); // the backend answers the malformed request
    }
    const tablesNamed = tablesOf(operation, input).filter((name) => this.tables.has(name));
    if (tablesNamed.length === 0) return void (await this.forward(request, body, response));

    const touches = await this.touches(operation, input);
    const lockKeys = [...new Set(touches.map((t) => lockKeyOf(t)))].sort(); // one order for every writer: no deadlock
    const release = await this.lock(lockKeys);
    try {
      const before = await Promise.all(touches.map((t) => this.read(t)));
      const { status } = await this.forward(request, body, response);
      if (status < 200 || status >= 300) return;
      const after = await Promise.all(touches.map((t) => this.read(t)));
      const changes: ItemChange[] = touches.map((t, i) => ({ tableName: t.tableName, keys: t.keys, oldImage: before[i], newImage: after[i] }));
      this.report(changes);
    } finally {
      release();
    }
  }

  /** Passes a request through as is, streaming both ways. */
  private pipe(request: IncomingMessage, response: ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(this.target(request), (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response).on('finish', () => resolve());
      });
      upstream.on('error', reject);
      request.pipe(upstream);
    });
  }

  /** Sends a buffered request on and its answer back; resolves once the answer is sent. */
  private forward(request: IncomingMessage, body: Buffer, response: ServerResponse): Promise<{ status: number }> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(this.target(request), (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(response).on('finish', () => resolve({ status: answer.statusCode ?? 502 }));
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  private target(request: IncomingMessage) {
    return { host: this.backend.hostname, port: this.backend.port, path: request.url, method: request.method, headers: request.headers, agent: this.agent };
  }

  /** The item keys a write touches on streamed tables (a Put's key taken from its item by the table's key schema). */
  private async touches(operation: string, input: Record<string, any>): Promise<Touch[]> {
    const found: Touch[] = [];
    const add = async (tableName: string, keys: Item | undefined, item?: Item) => {
      if (!this.tables.has(tableName)) return;
      const key = keys ?? pick(item ?? {}, await this.keySchema(tableName));
      found.push({ tableName, keys: key });
    };
    if (operation === 'PutItem') await add(input.TableName, undefined, input.Item);
    else if (operation === 'UpdateItem' || operation === 'DeleteItem') await add(input.TableName, input.Key);
    else if (operation === 'BatchWriteItem') {
      for (const [tableName, requests] of Object.entries<any[]>(input.RequestItems ?? {})) {
        for (const r of requests) await add(tableName, r.DeleteRequest?.Key, r.PutRequest?.Item);
      }
    } else {
      for (const item of input.TransactItems ?? []) {
        if (item.Put) await add(item.Put.TableName, undefined, item.Put.Item);
        else if (item.Update) await add(item.Update.TableName, item.Update.Key);
        else if (item.Delete) await add(item.Delete.TableName, item.Delete.Key);
      }
    }
    // One key written twice in one request (not allowed by DynamoDB) would be read twice: keep the first.
    const seen = new Set<string>();
    return found.filter((t) => !seen.has(lockKeyOf(t)) && seen.add(lockKeyOf(t)));
  }

  private keySchema(tableName: string): Promise<string[]> {
    let schema = this.keySchemas.get(tableName);
    if (!schema) {
      schema = this.client.send(new DescribeTableCommand({ TableName: tableName })).then((d) => (d.Table?.KeySchema ?? []).map((k) => k.AttributeName!));
      schema.catch(() => this.keySchemas.delete(tableName));
      this.keySchemas.set(tableName, schema);
    }
    return schema;
  }

  private async read(touch: Touch): Promise<Item | undefined> {
    const { Item: item } = await this.client.send(new GetItemCommand({ TableName: touch.tableName, Key: touch.keys as never, ConsistentRead: true }));
    return item as Item | undefined;
  }

  /** Waits for the writes holding any of `keys`, then holds them until the returned release is called. */
  private async lock(keys: string[]): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = keys.map((key) => this.locks.get(key) ?? Promise.resolve());
    for (const key of keys) this.locks.set(key, held);
    await Promise.all(previous);
    return () => {
      for (const key of keys) if (this.locks.get(key) === held) this.locks.delete(key);
      release();
    };
  }

  private report(changes: ItemChange[]): void {
    const byTable = new Map<string, StreamRecord[]>();
    const time = new Date();
    for (const change of changes) {
      const eventName = eventNameOf(change);
      if (eventName === undefined) continue; // nothing changed: DynamoDB writes no record
      const table = this.tables.get(change.tableName)!;
      const sequence = (this.sequences.get(change.tableName) ?? 100_000_000_000_000_000_000n) + 1n;
      this.sequences.set(change.tableName, sequence);
      const record = streamRecord(change, eventName, { region: this.region, streamArn: table.streamArn, viewType: table.viewType, sequenceNumber: sequence.toString(), time });
      byTable.set(change.tableName, [...(byTable.get(change.tableName) ?? []), record]);
    }
    for (const [tableName, records] of byTable) this.onRecords(tableName, records);
  }
}

function tablesOf(operation: string, input: Record<string, any>): string[] {
  if (operation === 'BatchWriteItem') return Object.keys(input.RequestItems ?? {});
  if (operation === 'TransactWriteItems') {
    return (input.TransactItems ?? []).map((item: Record<string, any>) => (item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck ?? {}).TableName);
  }
  return [input.TableName];
}

function pick(item: Item, names: string[]): Item {
  return Object.fromEntries(names.filter((name) => item[name] !== undefined).map((name) => [name, item[name]!]));
}

function lockKeyOf(touch: Touch): string {
  const keys = Object.keys(touch.keys).sort().map((name) => [name, touch.keys[name]]);
  return `${touch.tableName}\u0000${JSON.stringify(keys)}`;
}
