/**
 * The one model of an app that every reader produces (serverless.yml and friends today; CloudFormation/SAM and CDK
 * assemblies next) and that everything downstream — runtime, gateway, triggers, pages — reads. Nothing here knows
 * which format it came from.
 */

/** Where a function's code is: `path/file.export` resolved to a file on disk. */
export interface HandlerRef {
  /** As written in the config, e.g. `src/handlers/connect.handler`. */
  declared: string;
  file: string;
  exportName: string;
}

/** A function of the app as a Lambda: what every route, authorizer or trigger needs to run it. */
export interface FunctionFacts {
  /** The config's own key for the function (serverless.yml's functions key, a template's logical id). */
  functionKey: string;
  /** `service-stage-function`, as Lambda names it, or the function's `name`. */
  functionName: string;
  handler: HandlerRef;
  timeoutMs: number;
  memorySize: number;
  /** The function's own variables (provider/globals + its own), resolved to strings. */
  environment: Record<string, string>;
  /** `reservedConcurrency`, when the config sets one: the most environments it may have at once. */
  reservedConcurrency?: number;
}

export interface IdentitySource {
  in: 'header' | 'querystring';
  name: string;
}

export interface AuthorizerConfig extends FunctionFacts {
  identitySources: IdentitySource[];
}

export interface RouteConfig extends FunctionFacts {
  routeKey: string;
  /** The route has a route response (`routeResponseSelectionExpression`): the handler's `body` goes to the client. */
  routeResponse: boolean;
  authorizer?: AuthorizerConfig;
}

export interface TableDefinition {
  logicalId: string;
  /** `Properties.TableName` resolved, or the logical id when the template names none. */
  tableName: string;
  properties: Record<string, unknown>;
}

/** An app's own browser pages (serverless.yml's `custom.wsgate.pages`): served by the emulator only when asked. */
export interface PagesConfig {
  /** Absolute folder served at `/` (the emulator's own routes come first). */
  dir: string;
  /** Absolute TypeScript/JavaScript entries inside `dir`, each bundled and served at `/<path without extension>.js`. */
  entries: { file: string; urlPath: string }[];
}

export interface EmulatorConfig {
  /** The file the app was read from. */
  configPath: string;
  dir: string;
  service: string;
  stage: string;
  region: string;
  routeSelectionExpression: string;
  /** The project's tsconfig.json (the nearest to its config), when it has one: handlers resolve `paths`/`baseUrl` with it. */
  tsconfig?: string;
  /** The WebSocket API's id, when the reader fixed one (the config's own values may be built on it); else `apiIdFor(service, stage, region)`. */
  apiId?: string;
  /** The WebSocket API's routes by route key. */
  routes: Map<string, RouteConfig>;
  /** Every function of the app that the emulator can run, by function key, whatever its events. */
  functions: Map<string, FunctionFacts>;
  tables: TableDefinition[];
  /** HTTP endpoints of the app (REST API and HTTP API events), in the order declared. */
  httpRoutes: HttpRouteConfig[];
  /** Scheduled (EventBridge) rules that invoke a function. */
  schedules: ScheduleConfig[];
  /** DynamoDB stream event source mappings: a table's stream feeding a function. */
  streams: StreamSubscription[];
  /** The emulator's own options as the project sets them (serverless.yml's `custom.wsgate`), read by the emulator. */
  localSettings?: LocalSettings;
  /** The app's own pages, when it asks for them. */
  pages?: PagesConfig;
  warnings: string[];
  /**
   * The file whose change means the project should be read again for new code (a CDK assembly's manifest.json, which
   * each `cdk synth` rewrites; a template itself), when the reader has one.
   */
  rereadOn?: string;
  /** The API's name in its source (a template's logical id), when the source can declare several. */
  apiName?: string;
  /**
   * The source's other WebSocket APIs (a template or assembly may declare several), each served on its own port
   * next to this one and sharing its DynamoDB; they carry no tables or warnings of their own (this config has them).
   */
  additionalApis?: EmulatorConfig[];
}

/** Options for the emulator itself, written in the project's config; `where` names their place for messages. */
export interface LocalSettings {
  where: string;
  values: Record<string, unknown>;
}

/** CORS of an HTTP endpoint, as API Gateway answers a preflight and decorates responses. */
export interface CorsConfig {
  allowOrigins: string[];
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  /** Seconds a browser may cache a preflight; none sends no `Access-Control-Max-Age`. */
  maxAge?: number;
}

/**
 * An HTTP endpoint wired to a function by Lambda proxy integration. `REST` is API Gateway's REST API (served under
 * `/{stage}`); `HTTP` is an HTTP API (its `$default` stage: no stage in the path).
 */
export interface HttpRouteConfig {
  functionKey: string;
  api: 'REST' | 'HTTP';
  /** The proxy event's format: REST APIs always send 1.0; HTTP APIs send 2.0 unless the integration says 1.0. */
  payloadVersion: '1.0' | '2.0';
  /** Upper case, or `ANY`. */
  method: string;
  /** `/users/{id}`, `/files/{proxy+}`; `$default` for an HTTP API's catch-all route. */
  path: string;
  cors?: CorsConfig;
}

/** An EventBridge schedule rule targeting a function. */
export interface ScheduleConfig {
  functionKey: string;
  /** The rule's name: `{functionName}-schedule-{n}` unless the config names it. */
  name: string;
  /** `rate(5 minutes)` or `cron(0 12 * * ? *)`, as written. */
  expression: string;
  enabled: boolean;
  /** The constant JSON the rule sends instead of the Scheduled Event, when set. */
  input?: unknown;
}

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** A DynamoDB stream event source mapping, with Lambda's defaults filled in. */
export interface StreamSubscription {
  functionKey: string;
  tableName: string;
  /** The table's `StreamSpecification.StreamViewType`. */
  viewType: StreamViewType;
  /** Default 100. */
  batchSize: number;
  /** Default 0. */
  maximumBatchingWindowInSeconds: number;
  /** `LATEST` (default) or `TRIM_HORIZON`; both start empty offline, as the table is new. */
  startingPosition: 'LATEST' | 'TRIM_HORIZON';
  enabled: boolean;
  /** -1 (default): retry until the records expire; 0 … 10,000 otherwise. */
  maximumRetryAttempts: number;
  bisectBatchOnFunctionError: boolean;
  /** Event filter patterns (each a JSON object); a record matching none is dropped. Empty: all records. */
  filterPatterns: Record<string, unknown>[];
}
