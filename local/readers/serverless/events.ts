import { ConfigError } from '../../model/config-error.ts';
import type { CorsConfig, HttpRouteConfig, ScheduleConfig, StreamSubscription, TableDefinition } from '../../model/app-model.ts';
import { mappingOptions, streamSubscription } from '../stream-subscription.ts';

/** The headers the Framework allows when `cors: true` (lib/plugins/aws/package/compile/events/api-gateway, http-api). */
const DEFAULT_CORS_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Amzn-Trace-Id'];
const HTTP_API_METHODS = ['OPTIONS', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

export interface TriggerEvents {
  httpRoutes: HttpRouteConfig[];
  schedules: ScheduleConfig[];
  streams: StreamSubscription[];
}

/**
 * Reads the non-WebSocket events of serverless.yml's functions (`http`, `httpApi`, `schedule`, `stream` of type
 * dynamodb) and `AWS::Lambda::EventSourceMapping` resources into the model. `runnable` holds the functions that can
 * run offline; events of the others are left out (the loader already warned about them).
 */
export function triggerEventsOf(
  config: Record<string, any>,
  at: { tables: TableDefinition[]; runnable: Set<string>; nameOf(key: string): string; warn(message: string): void },
): TriggerEvents {
  const out: TriggerEvents = { httpRoutes: [], schedules: [], streams: [] };
  const provider = config.provider ?? {};
  const functions: Record<string, any> = config.functions ?? {};
  for (const [functionKey, fn] of Object.entries(functions)) {
    if (!at.runnable.has(functionKey)) continue;
    let scheduleCount = 0;
    for (const event of fn?.events ?? []) {
      const where = `functions.${functionKey}.events`;
      if (event?.http !== undefined) out.httpRoutes.push(restRoute(functionKey, event.http, where));
      else if (event?.httpApi !== undefined) out.httpRoutes.push(httpApiRoute(functionKey, event.httpApi, provider.httpApi ?? {}, where));
      else if (event?.schedule !== undefined) {
        for (const schedule of schedulesOf(event.schedule, where)) {
          scheduleCount += 1;
          out.schedules.push({ functionKey, name: schedule.name ?? `${at.nameOf(functionKey)}-schedule-${scheduleCount}`, ...schedule.rest });
        }
      } else if (event?.stream !== undefined) {
        const stream = streamOf(functionKey, event.stream, at.tables, where, at.warn);
        if (stream) out.streams.push(stream);
      }
    }
  }
  for (const [logicalId, resource] of Object.entries<any>(config.resources?.Resources ?? {})) {
    if (resource?.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const stream = eventSourceMappingOf(logicalId, resource.Properties ?? {}, functions, at);
    if (stream) out.streams.push(stream);
  }
  return out;
}

function restRoute(functionKey: string, declared: unknown, where: string): HttpRouteConfig {
  const spec: Record<string, any> = typeof declared === 'string' ? splitMethodPath(declared, where) : ((declared ?? {}) as Record<string, any>);
  if (typeof spec.path !== 'string' || typeof spec.method !== 'string') throw new ConfigError('CONFIG_INVALID', `${where}: an http event needs a "path" and a "method"`);
  const method = spec.method.toUpperCase();
  const cors = spec.cors === undefined || spec.cors === false ? undefined : restCors(spec.cors, method);
  return { functionKey, api: 'REST', payloadVersion: '1.0', method, path: `/${spec.path.replace(/^\/+/, '')}`, ...(cors ? { cors } : {}) };
}

function httpApiRoute(functionKey: string, declared: unknown, api: Record<string, any>, where: string): HttpRouteConfig {
  let spec: Record<string, any>;
  if (declared === '*') spec = { method: '*', path: '*' };
  else spec = typeof declared === 'string' ? splitMethodPath(declared, where) : ((declared ?? {}) as Record<string, any>);
  const method = String(spec.method ?? '*').toUpperCase();
  const path = String(spec.path ?? '*');
  const payloadVersion = String(api.payload ?? '2.0') === '1.0' ? '1.0' : '2.0';
  const cors = api.cors === undefined || api.cors === false ? undefined : httpApiCors(api.cors);
  return {
    functionKey,
    api: 'HTTP',
    payloadVersion,
    method: method === '*' ? 'ANY' : method,
    path: path === '*' && method === '*' ? '$default' : path,
    ...(cors ? { cors } : {}),
  };
}

/** `GET users/{id}` or `POST /things`. */
function splitMethodPath(declared: string, where: string): { method: string; path: string } {
  const [method, path] = declared.trim().split(/\s+/);
  if (!method || !path) throw new ConfigError('CONFIG_INVALID', `${where}: "${declared}" should read "METHOD path"`);
  return { method, path };
}

/** REST API CORS: `cors: true` or `{ origin(s), headers, allowCredentials, maxAge }` (the Framework's preflight). */
function restCors(declared: unknown, method: string): CorsConfig {
  const spec = declared === true ? {} : ((declared ?? {}) as Record<string, any>);
  const origins = spec.origins ?? (spec.origin !== undefined ? [spec.origin] : ['*']);
  return {
    allowOrigins: list(origins),
    allowHeaders: list(spec.headers ?? DEFAULT_CORS_HEADERS),
    allowMethods: method === 'ANY' ? ['OPTIONS', 'DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'] : ['OPTIONS', method],
    exposeHeaders: [],
    allowCredentials: spec.allowCredentials === true,
    ...(spec.maxAge !== undefined ? { maxAge: Number(spec.maxAge) } : {}),
  };
}

/** HTTP API CORS: `provider.httpApi.cors: true` or `{ allowedOrigins, allowedHeaders, allowedMethods, … }`. */
function httpApiCors(declared: unknown): CorsConfig {
  const spec = declared === true ? {} : ((declared ?? {}) as Record<string, any>);
  return {
    allowOrigins: list(spec.allowedOrigins ?? ['*']),
    allowHeaders: list(spec.allowedHeaders ?? DEFAULT_CORS_HEADERS),
    allowMethods: list(spec.allowedMethods ?? HTTP_API_METHODS),
    exposeHeaders: list(spec.exposedResponseHeaders ?? []),
    allowCredentials: spec.allowCredentials === true,
    ...(spec.maxAge !== undefined ? { maxAge: Number(spec.maxAge) } : {}),
  };
}

function list(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `schedule: rate(…)`, or `{ rate: expr | [expr…], enabled, input, name }`: one rule per expression. */
function schedulesOf(declared: unknown, where: string): { name?: string; rest: Omit<ScheduleConfig, 'functionKey' | 'name'> }[] {
  const spec = typeof declared === 'string' ? { rate: declared } : ((declared ?? {}) as Record<string, any>);
  const expressions = list(spec.rate ?? []);
  if (expressions.length === 0) throw new ConfigError('CONFIG_INVALID', `${where}: a schedule event needs a "rate" (rate(…) or cron(…))`);
  let input: unknown = spec.input;
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      throw new ConfigError('CONFIG_INVALID', `${where}: schedule "input" must be JSON`);
    }
  }
  return expressions.map((expression, i) => ({
    ...(spec.name !== undefined ? { name: expressions.length > 1 ? `${spec.name}-${i + 1}` : String(spec.name) } : {}),
    rest: { expression: expression.trim(), enabled: spec.enabled !== false, ...(input !== undefined ? { input } : {}) },
  }));
}

/** `stream: { type: dynamodb, arn: !GetAtt Table.StreamArn, batchSize, batchWindow, … }` (or the ARN as a string). */
function streamOf(functionKey: string, declared: unknown, tables: TableDefinition[], where: string, warn: (m: string) => void): StreamSubscription | undefined {
  const spec = typeof declared === 'string' ? { arn: declared } : ((declared ?? {}) as Record<string, any>);
  const type = spec.type ?? (typeof spec.arn === 'string' && spec.arn.includes(':kinesis:') ? 'kinesis' : 'dynamodb');
  if (type !== 'dynamodb') {
    warn(`${where}: a ${type} stream cannot be emulated; only DynamoDB streams are`);
    return undefined;
  }
  const table = tableOfStreamArn(spec.arn, tables);
  if (!table) {
    warn(`${where}: the stream ${JSON.stringify(spec.arn)} is not the StreamArn of a table in resources, so it cannot be emulated`);
    return undefined;
  }
  return streamSubscription(functionKey, table, {
    batchSize: spec.batchSize,
    window: spec.batchWindow ?? spec.maximumBatchingWindow,
    startingPosition: spec.startingPosition,
    enabled: spec.enabled,
    retries: spec.maximumRetryAttempts,
    bisect: spec.bisectBatchOnFunctionError,
    filterPatterns: spec.filterPatterns,
  }, where, warn);
}

function eventSourceMappingOf(
  logicalId: string,
  properties: Record<string, any>,
  functions: Record<string, any>,
  at: { tables: TableDefinition[]; runnable: Set<string>; nameOf(key: string): string; warn(message: string): void },
): StreamSubscription | undefined {
  const where = `resources.Resources.${logicalId}`;
  const table = tableOfStreamArn(properties.EventSourceArn, at.tables);
  if (!table) return undefined; // SQS, Kinesis, or another stack's stream: not emulated (no warning: not a stream of ours)
  const functionKey = functionKeyOf(properties.FunctionName, functions, at.nameOf);
  if (functionKey === undefined || !at.runnable.has(functionKey)) {
    at.warn(`${where}: FunctionName ${JSON.stringify(properties.FunctionName)} is not a function of this service that runs offline; the mapping is left out`);
    return undefined;
  }
  return streamSubscription(functionKey, table, mappingOptions(properties), where, at.warn);
}

/** `!GetAtt Table.StreamArn`, or an ARN string `arn:aws:dynamodb:…:table/NAME/stream/…`. */
function tableOfStreamArn(arn: unknown, tables: TableDefinition[]): TableDefinition | undefined {
  if (typeof arn === 'string') {
    const name = /:table\/([^/]+)\/stream\//.exec(arn)?.[1];
    return tables.find((table) => table.tableName === name);
  }
  const target = (arn as Record<string, unknown> | undefined)?.['Fn::GetAtt'];
  if (target === undefined) return undefined;
  const [logicalId, attribute] = Array.isArray(target) ? target.map(String) : String(target).split('.');
  return attribute === 'StreamArn' ? tables.find((table) => table.logicalId === logicalId) : undefined;
}

/** `!GetAtt FooLambdaFunction.Arn`, `!Ref FooLambdaFunction`, a function name or an ARN ending in it. */
function functionKeyOf(declared: unknown, functions: Record<string, any>, nameOf: (key: string) => string): string | undefined {
  const logicalIdOf = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;
  const byLogicalId = (logicalId: string) => Object.keys(functions).find((key) => logicalIdOf(key) === logicalId);
  if (typeof declared === 'string') {
    const name = declared.startsWith('arn:') ? declared.split(':')[6] : declared;
    return Object.keys(functions).find((key) => nameOf(key) === name || key === name);
  }
  const expression = (declared ?? {}) as Record<string, unknown>;
  if (typeof expression.Ref === 'string') return byLogicalId(expression.Ref);
  const target = expression['Fn::GetAtt'];
  if (target !== undefined) return byLogicalId((Array.isArray(target) ? String(target[0]) : String(target).split('.')[0]) ?? '');
  return undefined;
}
