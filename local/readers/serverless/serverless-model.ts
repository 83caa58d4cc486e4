import { resolve } from 'node:path';
import { ConfigError } from '../../model/config-error.ts';
import type { EmulatorConfig, FunctionFacts, LocalSettings, RouteConfig, TableDefinition } from '../../model/app-model.ts';
import { cloudFormationString } from '../cloudformation/cloudformation-values.ts';
import type { StackFacts } from '../cloudformation/cloudformation-values.ts';
import { apiIdFor, executeApiDomain } from '../../model/api-id.ts';
import { nearestTsconfig } from '../nearest-tsconfig.ts';
import { resolveHandler } from '../resolve-handler.ts';
import { authorizerOf } from './authorizer-config.ts';
import { triggerEventsOf } from './events.ts';
import { mergeListForms } from './list-forms.ts';
import { pagesConfigOf } from './pages-config.ts';

const DEFAULT_TIMEOUT_SECONDS = 6; // the Serverless Framework's default function timeout

/** Where a configuration object came from, and the stage and region it is read for. */
export interface ServerlessContext {
  /** The config file (for messages and `configPath`); the object need not have been read from it. */
  configPath: string;
  /** The service folder: handlers and `${file()}` paths are relative to it. Default: the config file's folder. */
  dir?: string;
  stage: string;
  region: string;
  /** Warnings found before the model (variables without a value); the model's own are appended. */
  warnings?: string[];
}

/**
 * Turns a serverless configuration whose variables are already resolved (by `loadConfig`, or by the Serverless
 * Framework itself, as a plugin sees `serverless.service`) into the app model: websocket routes, every function, the
 * tables. Nothing is read from disk but the handler files' existence.
 *
 * @example serverlessModel(serverless.configurationInput, { configPath: 'serverless.yml', stage: 'dev', region: 'us-east-1' })
 */
export function serverlessModel(resolved: Record<string, any>, context: ServerlessContext): EmulatorConfig {
  const configPath = resolve(context.configPath);
  const dir = resolve(context.dir ?? resolve(configPath, '..'));
  const { stage, region } = context;
  const warnings = context.warnings ?? [];
  if (resolved === null || typeof resolved !== 'object' || Array.isArray(resolved)) throw new ConfigError('CONFIG_INVALID', `${context.configPath} must hold a mapping`);
  const config = mergeListForms(resolved);
  const service = typeof config.service === 'object' ? config.service?.name : config.service;
  if (typeof service !== 'string' || service === '') throw new ConfigError('CONFIG_INVALID', `${context.configPath}: "service" is missing`);

  const provider = config.provider ?? {};
  // The Framework names the WebSocket API `WebsocketsApi` (lib/plugins/aws/lib/naming.js getWebsocketsApiLogicalId):
  // configs build endpoints on it — `Fn::GetAtt [WebsocketsApi, ApiEndpoint]`, `Fn::Join` of `Ref: WebsocketsApi`.
  const apiId = apiIdFor(service, stage, region);
  const tsconfig = nearestTsconfig(dir);
  const websocketsApi = { ref: apiId, attributes: { ApiId: apiId, ApiEndpoint: `wss://${executeApiDomain(apiId, region)}` } };
  const stack: StackFacts = { stackName: `${service}-${stage}`, region, accountId: '000000000000', tables: new Map(), resources: new Map([['WebsocketsApi', websocketsApi]]) };
  const tables = tablesOf(config.resources?.Resources ?? {}, stack, warnings);
  for (const table of tables) stack.tables.set(table.logicalId, table.tableName);

  const functions: Record<string, any> = config.functions ?? {};
  const nameOf = (key: string) => String(functions[key]?.name ?? `${service}-${stage}-${key}`);
  const facts = (key: string): FunctionFacts => {
    const fn = functions[key] ?? {};
    if (typeof fn.handler !== 'string') throw new ConfigError('CONFIG_INVALID', `functions.${key}.handler is missing`);
    const runtime = String(fn.runtime ?? provider.runtime ?? 'nodejs22.x');
    if (!runtime.startsWith('nodejs')) {
      throw new ConfigError('UNSUPPORTED_RUNTIME', `functions.${key} uses runtime "${runtime}"; wsgate runs Node.js handlers only (nodejs18.x … nodejs22.x): set a nodejs runtime or drop its websocket events`);
    }
    return {
      functionKey: key,
      functionName: nameOf(key),
      handler: resolveHandler(fn.handler, dir, key),
      timeoutMs: Number(fn.timeout ?? provider.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      memorySize: Number(fn.memorySize ?? provider.memorySize ?? 1024),
      environment: toEnvironment({ ...(provider.environment ?? {}), ...(fn.environment ?? {}) }, stack, `functions.${key}.environment`, warnings),
      ...(fn.reservedConcurrency !== undefined ? { reservedConcurrency: Number(fn.reservedConcurrency) } : {}),
    };
  };

  const routes = new Map<string, RouteConfig>();
  for (const [functionKey, fn] of Object.entries(functions)) {
    for (const event of fn?.events ?? []) {
      const websocket = event?.websocket;
      if (websocket === undefined) continue;
      const routeKey = typeof websocket === 'string' ? websocket : websocket?.route;
      if (typeof routeKey !== 'string' || routeKey === '') throw new ConfigError('CONFIG_INVALID', `functions.${functionKey}: a websocket event needs a "route"`);
      if (routes.has(routeKey)) throw new ConfigError('CONFIG_INVALID', `route "${routeKey}" is declared by both functions.${routes.get(routeKey)!.functionKey} and functions.${functionKey}`);
      const authorizer = websocket.authorizer === undefined ? undefined : authorizerOf(websocket.authorizer, { routeKey, functionKey }, functions, { nameOf, facts });
      routes.set(routeKey, {
        ...facts(functionKey),
        routeKey,
        routeResponse: websocket.routeResponseSelectionExpression !== undefined,
        ...(authorizer ? { authorizer } : {}),
      });
    }
  }

  // Every function can be invoked (Lambda's Invoke API, triggers), not only those behind a route. A function no route
  // uses that cannot run here (another runtime, a missing file) is reported once and left out, never fatal.
  const allFunctions = new Map<string, FunctionFacts>();
  for (const route of routes.values()) {
    allFunctions.set(route.functionKey, factsOnly(route));
    if (route.authorizer) allFunctions.set(route.authorizer.functionKey, factsOnly(route.authorizer));
  }
  for (const key of Object.keys(functions)) {
    if (allFunctions.has(key)) continue;
    try {
      allFunctions.set(key, facts(key));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      warnings.push(`functions.${key} cannot run offline (${error.message}); it is left out`);
    }
  }

  const triggers = triggerEventsOf(config, { tables, runnable: new Set(allFunctions.keys()), nameOf, warn: (m) => warnings.push(m) });
  if (routes.size + triggers.httpRoutes.length + triggers.schedules.length + triggers.streams.length === 0) {
    throw new ConfigError('NO_WEBSOCKET_FUNCTIONS', `${context.configPath} has no function with a websocket, http, httpApi, schedule or stream event: nothing to serve`);
  }
  const pages = pagesConfigOf(config.custom, dir);

  return {
    configPath,
    dir,
    service,
    stage,
    region,
    routeSelectionExpression: String(provider.websocketsApiRouteSelectionExpression ?? '$request.body.action'),
    apiId,
    ...(tsconfig ? { tsconfig } : {}),
    routes,
    functions: allFunctions,
    tables,
    ...triggers,
    ...localSettingsOf(config.custom?.wsgate),
    ...(pages ? { pages } : {}),
    warnings,
  };
}

/** `custom.wsgate`: the emulator's own options, kept as written for the emulator to read. */
function localSettingsOf(wsgate: unknown): { localSettings?: LocalSettings } {
  if (wsgate === undefined || wsgate === null) return {};
  if (typeof wsgate !== 'object' || Array.isArray(wsgate)) throw new ConfigError('CONFIG_INVALID', 'custom.wsgate must be a mapping of wsgate options');
  return { localSettings: { where: 'custom.wsgate', values: wsgate as Record<string, unknown> } };
}

/** A route's or authorizer's function, without what the route adds. */
function factsOnly(facts: FunctionFacts): FunctionFacts {
  const { functionKey, functionName, handler, timeoutMs, memorySize, environment, reservedConcurrency } = facts;
  return { functionKey, functionName, handler, timeoutMs, memorySize, environment, ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}) };
}

function tablesOf(resources: Record<string, any>, stack: StackFacts, warnings: string[]): TableDefinition[] {
  return Object.entries(resources)
    .filter(([, resource]) => resource?.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      const properties = (resource.Properties ?? {}) as Record<string, unknown>;
      const declared = properties.TableName;
      let tableName = declared === undefined ? logicalId : cloudFormationString(declared, stack);
      if (tableName === undefined) {
        warnings.push(`resources.Resources.${logicalId}.Properties.TableName cannot be resolved offline; the table is named ${logicalId}`);
        tableName = logicalId;
      }
      return { logicalId, tableName, properties };
    });
}

/** Environment values as strings; CloudFormation expressions the emulator can know (table names, ARNs) resolved. */
function toEnvironment(declared: Record<string, unknown>, stack: StackFacts, where: string, warnings: string[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) {
    if (value === undefined || value === null) continue;
    const resolved = cloudFormationString(value, stack);
    if (resolved !== undefined) environment[key] = resolved;
    else warnings.push(`${where}.${key} is ${JSON.stringify(value)}, which the emulator cannot resolve offline; it is left unset`);
  }
  return environment;
}
