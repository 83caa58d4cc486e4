import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { apiIdFor, executeApiDomain } from './model/api-id.ts';
import { ConfigError } from './model/config-error.ts';
import { readProject } from './readers/read-project.ts';
import type { EmulatorConfig } from './model/app-model.ts';
import { createTables, startEmbeddedDynamoDb } from './dynamodb/embedded-dynamodb.ts';
import { EMULATOR_DEFAULTS, emulatorOptions } from './emulator-options.ts';
import { withEnvironmentOverrides } from './environment-overrides.ts';
import { projectOptions } from './project-options.ts';
import { reloadOnChange } from './project-reload.ts';
import type { EmulatorOptions } from './emulator-options.ts';
import type { ConnectionInfo, DisconnectRecord } from './gateway/connection-registry.ts';
import { refuse } from './gateway/http-refusal.ts';
import type { InvocationRecord } from './gateway/lambda-integration.ts';
import { answerClientError, oversizeMessage, oversizeStatus, PARSED_HEADER_BYTES, PARSED_HEADERS } from './gateway/request-limits.ts';
import { WebSocketGateway } from './gateway/websocket-gateway.ts';
import { ConnectionManagement } from './management-api/connection-management.ts';
import type { ManagementRecord, PostToConnectionOutcome } from './management-api/connection-management.ts';
import { connectionsAnswerer, connectionsApi, isConnectionsPath, MAX_POST_BYTES } from './management-api/connections-api.ts';
import type { ConnectionsAnswer, ConnectionsCall } from './management-api/connections-api.ts';
import { startPages } from './pages/server.ts';
import { hostCheck } from './security/allowed-hosts.ts';
import { EmulatorLog } from './log/emulator-log.ts';
import { applyEnvironment, handlerEnvironment, userEnvironmentValue } from './runtime/handler-environment.ts';
import { InProcessRuntime } from './runtime/in-process-runtime.ts';
import type { FunctionRunner } from './runtime/in-process-runtime.ts';
import { HandlerBundler } from './runtime/handler-bundler.ts';
import { LambdaRuntime } from './runtime/lambda-runtime.ts';
import { INTERCEPT_PRELOAD } from './runtime/intercept/preload-path.ts';
import type { InvokeOutcome } from './runtime/lambda-runtime.ts';
import { LambdaIntegration } from './gateway/lambda-integration.ts';
import { HttpEvents } from './triggers/http-events.ts';
import { LambdaInvokeApi } from './triggers/lambda-invoke-api.ts';
import { Schedules } from './triggers/schedules.ts';
import { startDynamoDbStreams } from './triggers/dynamodb-streams.ts';
import { scheduleRoutes } from './triggers/trigger-routes.ts';

/** The account id every ARN of the emulator carries (as in the readers' CloudFormation values). */
const ACCOUNT_ID = '000000000000';

export { EMULATOR_DEFAULTS } from './emulator-options.ts';
export type { EmulatorOptions } from './emulator-options.ts';
export type { ConnectionInfo, DisconnectRecord, InvocationRecord, InvokeOutcome, ManagementRecord, PostToConnectionOutcome };

/**
 * What `Emulator.events` emits, event name -> listener arguments:
 * - `connection`: a handshake completed (after the authorizer and $connect accepted it);
 * - `disconnect`: a connection closed, with the code $disconnect sees (emitted before $disconnect runs);
 * - `invocation`: a handler ran (authorizer, $connect, a route, $disconnect), or a frame no route took (`Forbidden`);
 * - `management`: an @connections call, over HTTP or through `post`/`disconnect`.
 *
 * @example emulator.events.on('invocation', (r: InvocationRecord) => console.log(r.routeKey, r.status, r.durationMs));
 */
export interface EmulatorEvents {
  connection: [ConnectionInfo];
  disconnect: [DisconnectRecord];
  invocation: [InvocationRecord];
  management: [ManagementRecord];
}

/** A running emulator: API Gateway's WebSocket API and @connections API in front of a serverless.yml's handlers. */
export interface Emulator {
  /** `ws://HOST:PORT/STAGE` (the same API also answers at `ws://HOST:PORT/`). */
  wsUrl: string;
  /** `http://HOST:PORT/STAGE`: the endpoint for `ApiGatewayManagementApiClient` (and `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI`). */
  connectionsUrl: string;
  /** `http://HOST:PORT/` of the browser pages, when `httpPort` was given. */
  pageUrl?: string;
  /**
   * Where the app's `http`/`httpApi` events are served: the pages' server when `httpPort` was given, else the
   * WebSocket port's (which always serves them too). REST API routes are under `/{stage}`, HTTP API routes at the root.
   */
  httpUrl: string;
  /** Lambda's Invoke API (`AWS_ENDPOINT_URL_LAMBDA` in the handlers' environment): `http://HOST:PORT`. */
  lambdaUrl: string;
  stage: string;
  /** The project as the emulator read it (serverless.yml, a template or a CDK assembly): routes, functions, tables. */
  config: EmulatorConfig;
  /**
   * The DynamoDB the handlers use: the embedded dynalite's URL, or the endpoint given — or, when the app has DynamoDB
   * stream events, the stream proxy in front of it (write there to produce stream records).
   */
  dynamodbEndpoint: string;
  /** Resolves once every stream record written so far has reached its function (or been dropped after retries). */
  streamsIdle(): Promise<void>;
  /** The inspector's feed; see {@link EmulatorEvents} for each event's payload. */
  events: EventEmitter;
  /** The open connections (not those still in their handshake), oldest first. */
  listConnections(): ConnectionInfo[];
  /** Same path as `DELETE @connections/{id}`: closes the client, then $disconnect runs. `gone` when it is not open. */
  disconnect(connectionId: string): 'delivered' | 'gone';
  /** Same path as `POST @connections/{id}`: one text frame; `too-large` past 128 KB; `gone` when it is not open. */
  post(connectionId: string, data: string | Uint8Array): PostToConnectionOutcome;
  /**
   * Fires the schedule rules of a function now (the Scheduled Event, or the rule's `input`), whatever their schedule
   * or `enabled`; resolves when the runs have ended. A function without a schedule event rejects with a TypeError.
   */
  trigger(functionKey: string): Promise<void>;
  /**
   * The project's other WebSocket APIs (a template or CDK assembly may declare several), each on its own port — the
   * next ports after `port`, or free ones when `port` is 0 — sharing this one's DynamoDB. Empty for one API.
   */
  additionalApis: Emulator[];
  /**
   * Runs any function of the app by its key (`config.functions`), as Lambda's Invoke would: in its own environment,
   * with its timeout. Resolves with the outcome (a handler failure is its `error`); rejects only for an unknown key.
   */
  invoke(functionKey: string, event: unknown, options?: { timeoutMs?: number }): Promise<InvokeOutcome>;
  /** The execution environments a function has now (initializing, idle or busy). */
  environmentsOf(functionKey: string): number;
  /** Resolves when the background warm-up has one environment of every function ready (or failed); at once without `warm`. */
  warmed(): Promise<void>;
  /** Closes every connection (running $disconnect), the servers, the environments, the embedded DynamoDB and the watchers. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the emulator for a serverless.yml; resolves once it accepts connections and its tables exist. Handlers are
 * not imported here (nor ever in this process): one environment per function starts in the background (unless
 * `warm: false`), and a handler that fails to load fails only its function's events. Bad configuration rejects with a
 * ConfigError (`code` says which), bad options with a TypeError.
 *
 * @example
 * const emulator = await startEmulator({ configPath: 'serverless.yml', port: 0, log: false });
 * const socket = new WebSocket(emulator.wsUrl);
 * // …
 * await emulator.stop();
 */
export async function startEmulator(given: Partial<EmulatorOptions> = {}, callerDefaults: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const asGiven = emulatorOptions(given); // bad options fail before the config is read
  const selection = {
    // Nothing chosen: the project is found in the working folder (a serverless config first, as before).
    configPath: given.configPath,
    serverlessConfig: given.serverlessConfig,
    templatePath: asGiven.templatePath,
    cdkOut: asGiven.cdkOut,
    parameterOverrides: asGiven.parameterOverrides,
    stage: asGiven.stage,
  };
  const read = await readProject(selection);
  // Layers, lowest first: the defaults, the caller's own defaults (the CLI serves pages on 3000), the project's
  // custom.wsgate, then what was given (flags). Environment values merge key by key in the same order.
  const project = projectOptions(read.localSettings);
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as Partial<EmulatorOptions>;
  const options = emulatorOptions({
    ...callerDefaults,
    ...project,
    ...defined,
    environment: { ...callerDefaults.environment, ...project.environment, ...given.environment },
  });
  const write = options.log === false ? () => {} : options.log;
  const color = options.color ?? (options.log === EMULATOR_DEFAULTS.log && process.stdout.isTTY === true && !process.env.NO_COLOR);
  const log = new EmulatorLog({ write, format: options.logFormat, color, enabled: options.log !== false });
  const config = withEnvironmentOverrides(read, options.environment);
  for (const warning of config.warnings) log.warning(warning);
  const emulator = await serveApi(config, options, log, true);
  try {
    for (const [index, extra] of (config.additionalApis ?? []).entries()) {
      const port = options.port === 0 ? 0 : options.port + index + 1;
      emulator.additionalApis.push(await serveApi(withEnvironmentOverrides(extra, options.environment), { ...options, port, httpPort: false, dynamodbEndpoint: emulator.dynamodbEndpoint }, log, false));
    }
  } catch (error) {
    await emulator.stop();
    throw error;
  }
  if (options.watch && config.rereadOn) {
    const stopWatching = reloadOnChange(
      config.rereadOn,
      async () => {
        const fresh = await readProject(selection);
        return [fresh, ...(fresh.additionalApis ?? [])];
      },
      () => [emulator.config, ...emulator.additionalApis.map((api) => api.config)],
      log,
      (keys) => {
        for (const api of [emulator, ...emulator.additionalApis]) codeChangeHooks.get(api)?.(keys);
      },
    );
    const stopServing = emulator.stop;
    emulator.stop = () => {
      stopWatching();
      return stopServing();
    };
  }
  return emulator;
}

/** In environments, what a re-read project's new code needs: the functions' environments retired (in-process loads by file). */
const codeChangeHooks = new WeakMap<Emulator, (functionKeys: string[]) => void>();

/**
 * Serves one WebSocket API. In-process handlers share one process, so only the first API sets
 * `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` (a second would take it over for every handler); in environments each
 * API's functions get their own.
 */
async function serveApi(config: EmulatorConfig, options: EmulatorOptions, log: EmulatorLog, first: boolean): Promise<Emulator> {
  const cleanup: (() => Promise<void> | void)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    })());

  try {
    const events = new EventEmitter().setMaxListeners(100);
    // In environments the first handshake waits on $connect's cold start: its build (esbuild, a process of its own)
    // starts now, beside the DynamoDB's.
    const bundler = options.isolation === 'environments' ? new HandlerBundler(config.tsconfig ? { tsconfig: config.tsconfig } : {}) : undefined;
    for (const key of connectFunctions(config)) {
      const fn = config.functions.get(key);
      if (fn && bundler) void bundler.load(fn.handler.file);
    }
    const externalDynamo = options.dynamodbEndpoint ?? userEnvironmentValue('AWS_ENDPOINT_URL_DYNAMODB');
    const embedded = externalDynamo ? undefined : await startEmbeddedDynamoDb({ host: '127.0.0.1', persistDir: options.persistDir });
    if (embedded) cleanup.push(() => embedded.stop());
    const dynamodbEndpoint = externalDynamo ?? embedded!.endpoint;

    const server = createServer({ maxHeaderSize: PARSED_HEADER_BYTES });
    server.maxHeadersCount = PARSED_HEADERS;
    await listen(server, options.port, options.host, '--port');
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => server.closeAllConnections());
    const origin = `${urlHost(options.host)}:${(server.address() as AddressInfo).port}`;
    const connectionsUrl = `http://${origin}/${config.stage}`;

    const apiId = config.apiId ?? apiIdFor(config.service, config.stage, config.region);
    // The triggers' integration runs through whichever runtime is chosen below (it needs the streams' endpoint first).
    let runtime: FunctionRunner | undefined;
    const runner: FunctionRunner = {
      invoke: (fn, event, o) => runtime!.invoke(fn, event, o),
      invokeFunction: (key, event, o) => runtime!.invokeFunction(key, event, o),
      environmentsOf: (key) => runtime!.environmentsOf(key),
    };
    // Lambda's invokes, schedules and streams are not API Gateway's: only the function's own timeout bounds them.
    const lambda = new LambdaIntegration(runner, Number.POSITIVE_INFINITY, events);
    const streams = await startDynamoDbStreams(config.streams, { backend: dynamodbEndpoint, host: '127.0.0.1', region: config.region, accountId: ACCOUNT_ID, functions: config.functions, integration: lambda, log: (line) => log.info('streams', line) });
    if (streams) cleanup.push(() => streams.stop());
    const handlersDynamo = streams?.endpoint ?? dynamodbEndpoint;

    const defaults = {
      AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: connectionsUrl,
      AWS_ENDPOINT_URL_LAMBDA: `http://${origin}`,
      AWS_ENDPOINT_URL_DYNAMODB: handlersDynamo,
      AWS_ACCESS_KEY_ID: 'wsgate-local',
      AWS_SECRET_ACCESS_KEY: 'wsgate-local',
      // serverless-offline sets it, and code written for it switches on it.
      IS_OFFLINE: 'true',
    };
    // With streams, the handlers must write through the proxy even when the user chose the DynamoDB.
    const overrides: Record<string, string> = streams ? { AWS_ENDPOINT_URL_DYNAMODB: handlersDynamo } : {};
    // In environments, every function's cold start begins now, beside the tables and the pages ($connect's first).
    let warming = Promise.resolve();
    // The environments' relayed @connections calls, answered once the gateway below exists (no handler runs before).
    let answerRelayed = (_call: ConnectionsCall): ConnectionsAnswer | undefined => undefined;
    let loadAll = () => Promise.resolve();
    let watch = () => {};
    if (options.isolation === 'environments') {
      // Each function gets its own environment variables in its own environments: nothing is set in this process.
      const environments = new LambdaRuntime(config.functions, {
        region: config.region,
        taskRoot: config.dir,
        host: process.env,
        defaults,
        overrides,
        maxConcurrency: options.maxConcurrency,
        watch: options.watch,
        warm: options.warm,
        environmentIdleMs: options.environmentIdleMs,
        // Requests for AWS's own hostnames reach the emulator from inside each environment, never from this process.
        preload: options.intercept ? [INTERCEPT_PRELOAD, ...options.preload] : options.preload,
        // That preload also carries the handlers' @connections calls over each environment's port, answered here.
        ...(options.intercept
          ? {
              connections: {
                relay: { origin: new URL(connectionsUrl).origin, bodyBytes: MAX_POST_BYTES + 1, headerBytes: PARSED_HEADER_BYTES, headers: PARSED_HEADERS },
                answer: (call: ConnectionsCall) => answerRelayed(call),
              },
            }
          : {}),
        ...(config.tsconfig ? { tsconfig: config.tsconfig } : {}),
        ...(bundler ? { bundler } : {}),
        log,
      });
      cleanup.push(() => environments.close());
      runtime = environments;
      if (options.warm) warming = environments.warmAll(connectFunctions(config));
    } else {
      // In-process: handlers share this process's env (the union of every function's; conflicts are reported).
      const { environment, conflicts } = handlerEnvironment(config);
      for (const conflict of conflicts) log.warning(conflict);
      // Handlers share this process, so only the first API sets the endpoints (a second would take them over).
      const { AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: _connections, AWS_ENDPOINT_URL_LAMBDA: _lambda, ...shared } = defaults;
      cleanup.push(applyEnvironment({ ...environment, ...overrides }, { ...(first ? defaults : shared), AWS_REGION: config.region }));
      // tsx is loaded only for the in-process runtime: environments load it themselves, in their own threads.
      const { HandlerLoader } = await import('./runtime/handler-loader.ts');
      const loader = new HandlerLoader((file) => log.reloaded(file), { tsconfig: config.tsconfig });
      cleanup.push(() => loader.close());
      runtime = new InProcessRuntime(config.functions, loader, config.region);
      // Every handler is loaded at the start: a missing export fails it, and the first event does not pay the import.
      const handlers = [...config.functions.values()].map((fn) => fn.handler);
      loadAll = () => Promise.all(handlers.map((handler) => loader.load(handler))).then(() => {});
      if (options.watch) watch = () => loader.watch();
    }
    const gateway = new WebSocketGateway(
      config,
      // What AWS puts in every event: handlers build `https://{domainName}/{stage}` from it (AWS's own examples do).
      { apiId, stage: config.stage, domainName: executeApiDomain(apiId, config.region) },
      runner,
      {
        messageBytes: 131_072,
        frameBytes: 32_768,
        idleTimeoutMs: options.idleTimeoutMs,
        maxDurationMs: options.maxDurationMs,
        integrationTimeoutMs: options.integrationTimeoutMs,
        connectionsPerSecond: options.connectionsPerSecond,
        orderedFrames: options.orderedFrames,
      },
      events,
    );
    cleanup.push(() => gateway.closeAll());
    const management = new ConnectionManagement(gateway, events);
    const invokeApi = new LambdaInvokeApi(config.functions, lambda, { region: config.region, accountId: ACCOUNT_ID });
    const httpEvents = new HttpEvents(config.httpRoutes, config.functions, new LambdaIntegration(runner, options.integrationTimeoutMs, events), {
      // The HTTP endpoints are an API of their own, with an id of its own (stable, as the WebSocket API's).
      apiId: apiIdFor(config.service, `${config.stage}/http`, config.region),
      stage: config.stage,
      accountId: ACCOUNT_ID,
    });
    const schedules = new Schedules(config.schedules, config.functions, lambda, { region: config.region, accountId: ACCOUNT_ID, speed: options.scheduleSpeed });
    cleanup.push(() => schedules.stop());
    const checkHost = hostCheck(options.host, options.allowedHosts);
    // Requests the environments' interception sends here still name the AWS host they were meant for; no DNS answer
    // can make a rebinding page's name end in amazonaws.com, so that domain is as safe as loopback.
    const intercepting = options.isolation === 'environments' && options.intercept;
    const connectionsHostCheck = intercepting ? hostCheck(options.host, [...options.allowedHosts, `.execute-api.${config.region}.amazonaws.com`]) : checkHost;
    const connections = connectionsApi(management, config.stage, connectionsHostCheck);
    const answerer = connectionsAnswerer(management, config.stage, connectionsHostCheck);
    // The environments' calls meet the checks an HTTP request meets here: the sizes first, then the API's own.
    answerRelayed = (call) => {
      const oversize = oversizeStatus(call);
      return oversize === undefined ? answerer.answer(call) : oversizeAnswer(oversize);
    };
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const oversize = oversizeStatus(request);
      if (oversize !== undefined) {
        request.resume();
        const { status, headers, body } = oversizeAnswer(oversize);
        return void response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
      }
      if (invokeApi.handles(request)) return void invokeApi.serve(request, response).catch(() => response.destroy());
      // `/{stage}/@connections/…` and `/@connections/…` belong to the management API, whatever the app's HTTP routes.
      if (!isConnectionsPath(request.url) && httpEvents.handles(request)) return httpEvents.serve(request, response);
      connections(request, response);
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => {}); // a client that vanishes mid-handshake must not take the emulator down
      const oversize = oversizeStatus(request);
      if (oversize !== undefined) return refuse(socket, oversize, oversizeMessage(oversize));
      gateway.handleUpgrade(request, socket, head).catch((error: unknown) => {
        console.error('wsgate: internal error during a handshake:', error);
        socket.destroy();
      });
    });
    // CONNECT (a proxy request) is no route of API Gateway's: Node hands it over here, and would drop it unanswered.
    server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
      socket.on('error', () => {});
      refuse(socket, 400, 'Bad Request: CONNECT is not supported');
    });
    server.on('clientError', answerClientError);
    // With the log off (`log: false`) no line is built: these run for every invocation and @connections call.
    if (log.enabled) {
      events.on('invocation', (r: InvocationRecord) => {
        const { event: _event, result: _result, logs: _logs, ...summary } = r;
        log.info('invocation', invocationLine(r), summary);
      });
      // The payload's size, never its bytes: what a handler posts is the app's data (tokens, messages), as in the text line.
      events.on('management', ({ payload, ...r }: ManagementRecord) =>
        log.info('management', `${r.time.slice(11, 23)}  ${r.connectionId.padEnd(16)}  @connections ${r.method.padEnd(6)} ${String(r.status)}`, {
          ...r,
          ...(payload === undefined ? {} : { bytes: typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength }),
        }),
      );
    }

    const emulator: Emulator = {
      wsUrl: `ws://${origin}/${config.stage}`,
      httpUrl: `http://${origin}`,
      lambdaUrl: `http://${origin}`,
      trigger: (functionKey) => schedules.fire(functionKey),
      connectionsUrl,
      stage: config.stage,
      config,
      dynamodbEndpoint: handlersDynamo,
      events,
      streamsIdle: () => streams?.idle() ?? Promise.resolve(),
      listConnections: () => gateway.list(),
      disconnect: (connectionId) => management.delete(connectionId),
      post: (connectionId, data) => management.post(connectionId, data),
      additionalApis: [],
      invoke: (functionKey, event, invokeOptions) => runner.invokeFunction(functionKey, event, invokeOptions),
      environmentsOf: (functionKey) => runner.environmentsOf(functionKey),
      warmed: () => warming,
      stop,
    };
    if (runtime instanceof LambdaRuntime) {
      const environments = runtime;
      codeChangeHooks.set(emulator, (keys) => environments.codeChanged(keys.filter((key) => config.functions.has(key))));
    }
    cleanup.push(async () => {
      for (const other of emulator.additionalApis) await other.stop();
    });

    // Tables and pages get ready side by side; in environments, handlers are not waited for.
    const httpPort = options.httpPort;
    const [tables, loaded, pages] = await Promise.allSettled([
      embedded ? embedded.createTables(config.region, config.tables) : createTables(dynamodbEndpoint, config.region, config.tables),
      loadAll(),
      httpPort === undefined || httpPort === false
        ? undefined
        : startPages(emulator, {
            port: httpPort,
            host: options.host,
            checkHost,
            extra: [
              scheduleRoutes(config.schedules, (key) => schedules.fire(key)),
              (request, response, next) => (httpEvents.handles(request) ? httpEvents.serve(request, response) : next()),
            ],
          }).catch((error: unknown) => Promise.reject(portError(error, httpPort, options.host, '--http-port'))),
    ]);
    if (pages.status === 'fulfilled' && pages.value) {
      emulator.pageUrl = pages.value.url;
      emulator.httpUrl = pages.value.url.replace(/\/$/, '');
      cleanup.push(() => pages.value!.stop());
    }
    for (const outcome of [tables, loaded, pages]) if (outcome.status === 'rejected') throw outcome.reason;
    watch();
    schedules.start();
    return emulator;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The functions a handshake runs: the $connect route's authorizer, then its function (none without a $connect route). */
function connectFunctions(config: EmulatorConfig): string[] {
  const connect = config.routes.get('$connect');
  return connect ? [...(connect.authorizer ? [connect.authorizer.functionKey] : []), connect.functionKey] : [];
}

/** What a request past the URL or header limits gets, over HTTP or relayed from an environment. */
function oversizeAnswer(status: 414 | 431): ConnectionsAnswer & { body: string } {
  return { status, headers: { connection: 'close', 'content-type': 'application/json' }, body: JSON.stringify({ message: oversizeMessage(status) }) };
}

function listen(server: Server, port: number, host: string, flag: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(portError(error, port, host, flag)));
    server.listen(port, host, () => resolve());
  });
}

/** A port that is taken or not allowed is a configuration problem with an obvious fix. */
function portError(error: unknown, port: number, host: string, flag: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') return error;
  const why = code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'is not allowed' : 'is not an address of this machine';
  const fix = code === 'EADDRNOTAVAIL' ? 'pass another --host' : `pass ${flag} with another port (0 picks a free one)`;
  return new ConfigError('PORT_UNAVAILABLE', `${host}:${port} ${why}: ${fix}`, { cause: error });
}

/** The host as it appears in a URL: all-interfaces binds are reached on loopback; IPv6 goes in brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** `18:11:43.123  U_vNFdo2IAMCIoA=  MESSAGE    sendmessage     200       1.4 ms` */
function invocationLine(r: InvocationRecord): string {
  const error = r.error ? `  ${r.error}` : '';
  return `${r.time.slice(11, 23)}  ${(r.connectionId || '-').padEnd(16)}  ${r.eventType.padEnd(10)} ${r.routeKey.padEnd(15)} ${String(r.status).padEnd(9)} ${r.durationMs.toFixed(1)} ms${error}`;
}
