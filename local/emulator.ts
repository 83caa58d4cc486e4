import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';
import { loadConfig } from './config/load-config.ts';
import type { EmulatorConfig } from './config/load-config.ts';
import { createTables, startEmbeddedDynamoDb } from './dynamodb/embedded-dynamodb.ts';
import { emulatorOptions } from './emulator-options.ts';
import type { EmulatorOptions } from './emulator-options.ts';
import type { ConnectionInfo } from './gateway/connection-registry.ts';
import { WebSocketGateway } from './gateway/websocket-gateway.ts';
import type { InvocationRecord } from './gateway/websocket-gateway.ts';
import { connectionsApi } from './management-api/connections-api.ts';
import type { ManagementRecord } from './management-api/connections-api.ts';
import { startPages } from './pages/server.ts';
import { HandlerLoader } from './runtime/handler-loader.ts';
import { applyEnvironment, handlerEnvironment } from './runtime/handler-environment.ts';

export type { EmulatorOptions } from './emulator-options.ts';

/**
 * A running emulator. `events` feeds the inspector:
 * - `connection` (ConnectionInfo) once a handshake completes;
 * - `disconnect` ({ connectionId, statusCode, reason, time });
 * - `invocation` (InvocationRecord) for every handler run, and for a frame no route took (status `Forbidden`);
 * - `management` (ManagementRecord) for every @connections call.
 */
export interface Emulator {
  wsUrl: string;
  connectionsUrl: string;
  pageUrl?: string;
  stage: string;
  config: EmulatorConfig;
  dynamodbEndpoint: string;
  events: EventEmitter;
  listConnections(): ConnectionInfo[];
  /** Same path as DELETE @connections/{id}: closes the client, then $disconnect runs. */
  disconnect(connectionId: string): 'delivered' | 'gone';
  /** Same path as POST @connections/{id}. */
  post(connectionId: string, data: string): 'delivered' | 'gone';
  stop(): Promise<void>;
}

export type { ConnectionInfo, InvocationRecord, ManagementRecord };

/** Starts the emulator for a serverless.yml: resolves once it accepts connections and every handler has loaded. */
export async function startEmulator(given: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const options = emulatorOptions(given);
  const log = options.log === false ? () => {} : options.log;
  const config = loadConfig(options.configPath, { stage: options.stage });
  for (const warning of config.warnings) log(`warning: ${warning}`);

  const externalDynamo = options.dynamodbEndpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const embedded = externalDynamo ? undefined : await startEmbeddedDynamoDb({ host: '127.0.0.1', persistDir: options.persistDir });
  const dynamodbEndpoint = externalDynamo ?? embedded!.endpoint;

  const events = new EventEmitter().setMaxListeners(100);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const address = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  const connectionsUrl = `http://${address}:${port}/${config.stage}`;

  const { environment, conflicts } = handlerEnvironment(config);
  for (const conflict of conflicts) log(`warning: ${conflict}`);
  const restoreEnvironment = applyEnvironment(environment, {
    AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: connectionsUrl,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_REGION: config.region,
    AWS_ACCESS_KEY_ID: 'wsgate-local',
    AWS_SECRET_ACCESS_KEY: 'wsgate-local',
  });

  const loader = new HandlerLoader((file) => log(`reloaded after a change to ${relative(process.cwd(), file)}`));
  const gateway = new WebSocketGateway(
    config,
    { apiId: randomBytes(5).toString('hex'), stage: config.stage, domainName: `${address}:${port}` },
    loader,
    { messageBytes: 131_072, frameBytes: 32_768, idleTimeoutMs: options.idleTimeoutMs, maxDurationMs: options.maxDurationMs, integrationTimeoutMs: options.integrationTimeoutMs },
    events,
  );
  server.on('request', connectionsApi(gateway, config.stage, events));
  server.on('upgrade', (request, socket, head) => void gateway.handleUpgrade(request, socket, head));
  server.on('clientError', (_error, socket) => socket.destroy());
  events.on('invocation', (r: InvocationRecord) =>
    log(`${r.time.slice(11, 23)}  ${r.connectionId}  ${r.eventType.padEnd(10)} ${r.routeKey.padEnd(14)} ${String(r.status).padEnd(9)} ${r.durationMs.toFixed(1)} ms${r.error ? `  ${r.error}` : ''}`),
  );
  events.on('management', (r: ManagementRecord) => log(`${r.time.slice(11, 23)}  ${r.connectionId}  @connections ${r.method.padEnd(6)}    ${r.status}`));

  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step();
  };
  stops.push(() => embedded?.stop(), restoreEnvironment, () => loader.close());
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => server.closeAllConnections());
  stops.push(() => gateway.closeAll());

  const emulator: Emulator = {
    wsUrl: `ws://${address}:${port}/${config.stage}`,
    connectionsUrl,
    stage: config.stage,
    config,
    dynamodbEndpoint,
    events,
    listConnections: () => gateway.list(),
    disconnect: (connectionId) => gateway.disconnect(connectionId),
    post: (connectionId, data) => gateway.post(connectionId, data),
    stop: async () => {
      await stop();
    },
  };

  // Tables, handlers and pages get ready side by side. Every handler is loaded now: a missing export fails the
  // start, and the first event does not pay for the import.
  const handlers = [...config.routes.values()].flatMap((r) => (r.authorizer ? [r.handler, r.authorizer.handler] : [r.handler]));
  const ready = await Promise.allSettled([
    createTables(dynamodbEndpoint, config.region, config.tables),
    Promise.all(handlers.map((handler) => loader.load(handler))),
    options.httpPort === false ? undefined : startPages(emulator, { port: options.httpPort, host: options.host }),
  ]);
  const pages = ready[2].status === 'fulfilled' ? ready[2].value : undefined;
  if (pages) {
    emulator.pageUrl = pages.url;
    stops.push(() => pages.stop());
  }
  const failed = ready.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  if (options.watch) loader.watch();
  return emulator;
}
