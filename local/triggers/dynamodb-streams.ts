import type { FunctionFacts, StreamSubscription } from '../model/app-model.ts';
import type { LambdaIntegration } from '../gateway/lambda-integration.ts';
import type { StreamedTable } from './dynamodb-stream-proxy.ts';
import { StreamDelivery } from './stream-delivery.ts';

export interface DynamoDbStreams {
  /** The endpoint the handlers (and anyone who wants streams) should use: the proxy's. */
  endpoint: string;
  deliveries: StreamDelivery[];
  /** Resolves when every record written so far has been delivered (or dropped). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * DynamoDB Streams for the app's stream event source mappings: a proxy in front of `backend` that captures the writes
 * to streamed tables, and one poller per mapping. Returns undefined when the app has no mapping, so an app without
 * streams talks to its DynamoDB directly, with nothing in between.
 */
export async function startDynamoDbStreams(
  subscriptions: StreamSubscription[],
  deps: { backend: string; host: string; region: string; accountId: string; functions: Map<string, FunctionFacts>; integration: LambdaIntegration; log(line: string): void },
): Promise<DynamoDbStreams | undefined> {
  if (subscriptions.length === 0) return undefined;
  // Loaded only for an app with streams: the proxy reads items through the SDK, which start-up need not load otherwise.
  const { DynamoDbStreamProxy } = await import('./dynamodb-stream-proxy.ts');
  // A stream's ARN ends in its creation time (table/NAME/stream/2026-12-01T23:15:00.000).
  const label = new Date().toISOString().replace(/Z$/, '');
  const tables = new Map<string, StreamedTable>();
  for (const s of subscriptions) {
    tables.set(s.tableName, { tableName: s.tableName, viewType: s.viewType, streamArn: `arn:aws:dynamodb:${deps.region}:${deps.accountId}:table/${s.tableName}/stream/${label}` });
  }
  const deliveries = subscriptions.map((s) => new StreamDelivery(s, deps.functions.get(s.functionKey)!, deps.integration, deps.log));
  const proxy = new DynamoDbStreamProxy(deps.backend, deps.region, tables, (tableName, records) => {
    for (const delivery of deliveries) if (delivery.subscription.tableName === tableName) delivery.add(records);
  });
  const endpoint = await proxy.start(deps.host);
  return {
    endpoint,
    deliveries,
    idle: async () => {
      await Promise.all(deliveries.map((d) => d.idle()));
    },
    stop: async () => {
      for (const delivery of deliveries) delivery.stop();
      await proxy.stop();
    },
  };
}
