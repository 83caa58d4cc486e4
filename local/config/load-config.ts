import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { cloudFormationTags } from './cloudformation-tags.ts';
import { ConfigError } from './config-error.ts';
import { resolveHandler } from './resolve-handler.ts';
import type { HandlerRef } from './resolve-handler.ts';
import { resolveVariables } from './variables.ts';

export interface IdentitySource {
  in: 'header' | 'querystring';
  name: string;
}

export interface AuthorizerConfig {
  functionKey: string;
  functionName: string;
  handler: HandlerRef;
  identitySources: IdentitySource[];
  timeoutMs: number;
  environment: Record<string, string>;
}

export interface RouteConfig {
  routeKey: string;
  functionKey: string;
  /** `service-stage-function`, as Lambda names it. */
  functionName: string;
  handler: HandlerRef;
  timeoutMs: number;
  memorySize: number;
  environment: Record<string, string>;
  /** The route has a route response (`routeResponseSelectionExpression`): the handler's `body` goes to the client. */
  routeResponse: boolean;
  authorizer?: AuthorizerConfig;
}

export interface TableDefinition {
  logicalId: string;
  properties: Record<string, unknown>;
}

export interface EmulatorConfig {
  configPath: string;
  dir: string;
  service: string;
  stage: string;
  region: string;
  routeSelectionExpression: string;
  routes: Map<string, RouteConfig>;
  tables: TableDefinition[];
  warnings: string[];
}

const DEFAULT_TIMEOUT_SECONDS = 6; // the Serverless Framework's default function timeout

/** Reads a serverless.yml into what the emulator serves: websocket routes, their handlers and env, the tables. */
export function loadConfig(
  configPath: string,
  options: { stage?: string; region?: string; env?: Record<string, string | undefined> } = {},
): EmulatorConfig {
  const path = resolve(configPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', `Cannot read ${configPath}: ${(error as Error).message}. Pass --config PATH/serverless.yml`, { cause: error });
  }
  let raw: Record<string, any>;
  try {
    raw = parse(text, { customTags: cloudFormationTags, prettyErrors: true }) ?? {};
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0];
      throw new ConfigError('CONFIG_SYNTAX', `${configPath}${line ? `:${line.line}:${line.col}` : ''}: YAML error: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, { cause: error });
    }
    throw error;
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('CONFIG_INVALID', `${configPath} must be a YAML mapping`);

  const warnings: string[] = [];
  const env = options.env ?? process.env;
  const base = { self: raw, options: { stage: options.stage, region: options.region }, env, warn: (m: string) => warnings.push(m) };
  const region = String(options.region ?? resolveVariables(raw.provider?.region, { ...base, stage: options.stage ?? 'dev', region: 'us-east-1' }) ?? 'us-east-1');
  const stage = String(options.stage ?? resolveVariables(raw.provider?.stage, { ...base, stage: 'dev', region }) ?? 'dev');
  const config = resolveVariables(raw, { ...base, stage, region });
  const service = typeof config.service === 'object' ? config.service?.name : config.service;
  if (typeof service !== 'string' || service === '') throw new ConfigError('CONFIG_INVALID', `${configPath}: "service" is missing`);

  const provider = config.provider ?? {};
  const dir = dirname(path);
  const tables = tablesOf(config.resources?.Resources ?? {});
  const environmentOf = (fn: Record<string, any>, key: string) =>
    toEnvironment({ ...(provider.environment ?? {}), ...(fn.environment ?? {}) }, tables, region, `functions.${key}.environment`, warnings);

  const functions: Record<string, any> = config.functions ?? {};
  const checkRuntime = (fn: Record<string, any>, key: string) => {
    const runtime = String(fn.runtime ?? provider.runtime ?? 'nodejs22.x');
    if (!runtime.startsWith('nodejs')) {
      throw new ConfigError('UNSUPPORTED_RUNTIME', `functions.${key} uses runtime "${runtime}"; wsgate runs Node.js handlers only (nodejs18.x … nodejs22.x)`);
    }
  };
  const timeoutOf = (fn: Record<string, any>) => Number(fn.timeout ?? provider.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000;

  const routes = new Map<string, RouteConfig>();
  for (const [functionKey, fn] of Object.entries(functions)) {
    for (const event of fn?.events ?? []) {
      const websocket = event?.websocket;
      if (websocket === undefined) continue;
      const routeKey = typeof websocket === 'string' ? websocket : websocket.route;
      if (typeof routeKey !== 'string') throw new ConfigError('CONFIG_INVALID', `functions.${functionKey}: a websocket event needs a "route"`);
      if (typeof fn.handler !== 'string') throw new ConfigError('CONFIG_INVALID', `functions.${functionKey}.handler is missing`);
      checkRuntime(fn, functionKey);
      if (routes.has(routeKey)) throw new ConfigError('CONFIG_INVALID', `route "${routeKey}" is declared by both functions.${routes.get(routeKey)!.functionKey} and functions.${functionKey}`);
      const authorizer = websocket.authorizer === undefined ? undefined : authorizerOf(websocket.authorizer, routeKey, functionKey);
      routes.set(routeKey, {
        routeKey,
        functionKey,
        functionName: fn.name ?? `${service}-${stage}-${functionKey}`,
        handler: resolveHandler(fn.handler, dir, functionKey),
        timeoutMs: timeoutOf(fn),
        memorySize: Number(fn.memorySize ?? provider.memorySize ?? 1024),
        environment: environmentOf(fn, functionKey),
        routeResponse: websocket.routeResponseSelectionExpression !== undefined,
        ...(authorizer ? { authorizer } : {}),
      });
    }
  }
  if (routes.size === 0) throw new ConfigError('NO_WEBSOCKET_FUNCTIONS', `${configPath} has no function with a websocket event: nothing to serve`);

  function authorizerOf(declared: unknown, routeKey: string, functionKey: string): AuthorizerConfig {
    if (routeKey !== '$connect') throw new ConfigError('CONFIG_INVALID', `functions.${functionKey}: an authorizer can only be set on the $connect route`);
    const spec = typeof declared === 'string' ? { name: declared } : (declared as Record<string, any>);
    if (spec.arn !== undefined && spec.name === undefined) {
      throw new ConfigError('CONFIG_INVALID', `functions.${functionKey}: authorizer by arn (${spec.arn}) cannot run offline; name a function of this service instead`);
    }
    const authorizerKey = String(spec.name);
    const fn = functions[authorizerKey];
    if (fn === undefined || typeof fn.handler !== 'string') {
      throw new ConfigError('CONFIG_INVALID', `functions.${functionKey}: authorizer "${authorizerKey}" is not a function of this service`);
    }
    checkRuntime(fn, authorizerKey);
    const sources = spec.identitySource ?? ['route.request.header.Auth'];
    return {
      functionKey: authorizerKey,
      functionName: fn.name ?? `${service}-${stage}-${authorizerKey}`,
      handler: resolveHandler(fn.handler, dir, authorizerKey),
      identitySources: (Array.isArray(sources) ? sources : [sources]).map((source: string) => {
        const match = /^route\.request\.(header|querystring)\.(.+)$/.exec(String(source));
        if (!match) throw new ConfigError('CONFIG_INVALID', `functions.${functionKey}: identity source "${source}" must be route.request.header.NAME or route.request.querystring.NAME`);
        return { in: match[1] as 'header' | 'querystring', name: match[2]! };
      }),
      timeoutMs: timeoutOf(fn),
      environment: environmentOf(fn, authorizerKey),
    };
  }

  return {
    configPath: path,
    dir,
    service,
    stage,
    region,
    routeSelectionExpression: String(provider.websocketsApiRouteSelectionExpression ?? '$request.body.action'),
    routes,
    tables,
    warnings,
  };
}

function tablesOf(resources: Record<string, any>): TableDefinition[] {
  return Object.entries(resources)
    .filter(([, resource]) => resource?.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => ({ logicalId, properties: resource.Properties ?? {} }));
}

/** Environment values as strings; CloudFormation references to tables become their names or ARNs. */
function toEnvironment(
  declared: Record<string, unknown>,
  tables: TableDefinition[],
  region: string,
  where: string,
  warnings: string[],
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'object') {
      environment[key] = String(value);
      continue;
    }
    const ref = (value as Record<string, unknown>).Ref;
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'];
    const table = tables.find((t) => t.logicalId === ref || (Array.isArray(getAtt) && t.logicalId === getAtt[0]));
    const name = table?.properties.TableName;
    if (typeof name === 'string' && ref !== undefined) environment[key] = name;
    else if (typeof name === 'string' && Array.isArray(getAtt) && getAtt[1] === 'Arn') {
      environment[key] = `arn:aws:dynamodb:${region}:000000000000:table/${name}`;
    } else warnings.push(`${where}.${key} is a CloudFormation expression the emulator cannot resolve offline; it is left unset`);
  }
  return environment;
}
