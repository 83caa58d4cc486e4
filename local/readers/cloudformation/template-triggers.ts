import type { CorsConfig, HttpRouteConfig, ScheduleConfig, StreamSubscription, TableDefinition } from '../../model/app-model.ts';
import { ConfigError } from '../../model/config-error.ts';
import { mappingOptions, streamSubscription } from '../stream-subscription.ts';
import { cloudFormationString } from './cloudformation-values.ts';
import type { StackFacts } from './cloudformation-values.ts';
import type { TemplateResource } from './template-file.ts';
import type { TemplateFunctions } from './template-functions.ts';

export interface TemplateTriggers {
  httpRoutes: HttpRouteConfig[];
  schedules: ScheduleConfig[];
  streams: StreamSubscription[];
}

type Resources = Record<string, TemplateResource>;
type Properties = Record<string, any>;
interface Context {
  resources: Resources;
  globals: Record<string, Properties>;
  functions: TemplateFunctions;
  tables: TableDefinition[];
  facts: StackFacts;
  /** The stage the REST routes are served under (the WebSocket API's). */
  stage: string;
  warn(message: string): void;
}

/**
 * What invokes a template's functions besides its WebSocket APIs, as the trigger model has it: SAM `Events` of type
 * `Api` (REST, payload 1.0), `HttpApi` (2.0 unless `PayloadFormatVersion` says 1.0), `Schedule`/`ScheduleV2` and
 * `DynamoDB`; `AWS::ApiGatewayV2::Api` HTTP APIs (`ProtocolType: HTTP`, their routes and AWS_PROXY integrations, or
 * quick-create `Target`); `AWS::Events::Rule` and `AWS::Scheduler::Schedule` schedules targeting a function; and
 * `AWS::Lambda::EventSourceMapping`s on a table's stream. Anything else is one warning naming it.
 */
export function templateTriggers(context: Context): TemplateTriggers {
  const out: TemplateTriggers = { httpRoutes: [], schedules: [], streams: [] };
  const restStages = new Set<string>();
  for (const [logicalId, resource] of Object.entries(context.resources)) {
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    if (!context.functions.runnable.has(logicalId)) continue; // reported as not runnable already
    for (const [name, event] of Object.entries((resource.Properties?.Events ?? {}) as Record<string, Properties>)) {
      const where = `Resources.${logicalId}.Properties.Events.${name}`;
      const type = String(event?.Type);
      const properties: Properties = event?.Properties ?? {};
      if (type === 'Api') out.httpRoutes.push(samRestRoute(logicalId, properties, where, context, restStages));
      else if (type === 'HttpApi') out.httpRoutes.push(samHttpApiRoute(logicalId, properties, where, context));
      else if (type === 'Schedule' || type === 'ScheduleV2') {
        const expression = cloudFormationString(type === 'Schedule' ? properties.Schedule : properties.ScheduleExpression, context.facts);
        if (expression === undefined) throw new ConfigError('CONFIG_INVALID', `${where}.Properties.${type === 'Schedule' ? 'Schedule' : 'ScheduleExpression'} is missing`);
        const enabled = properties.Enabled !== false && properties.Enabled !== 'false' && properties.State !== 'DISABLED';
        out.schedules.push(schedule(logicalId, cloudFormationString(properties.Name, context.facts) ?? `${logicalId}${name}`, expression, enabled, properties.Input, where));
      } else if (type === 'DynamoDB') {
        const stream = streamOf(logicalId, properties.Stream, properties, where, context);
        if (stream) out.streams.push(stream);
      } else context.warn(`${where} (${type}) is not emulated; nothing invokes the function from it`);
    }
  }
  for (const stage of restStages) {
    if (stage !== context.stage) context.warn(`REST API stage "${stage}" is served as "${context.stage}" (the WebSocket API's stage): its routes are under /${context.stage}/`);
  }

  for (const [logicalId, resource] of Object.entries(context.resources)) {
    const where = `Resources.${logicalId}`;
    const properties: Properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::ApiGatewayV2::Api' && properties.ProtocolType === 'HTTP') out.httpRoutes.push(...httpApiRoutes(logicalId, properties, context));
    else if (resource.Type === 'AWS::Events::Rule' || resource.Type === 'AWS::Scheduler::Schedule') out.schedules.push(...ruleSchedules(logicalId, resource, context));
    else if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
      const functionKey = functionKeyOf(properties.FunctionName, context);
      if (functionKey === undefined) {
        context.warn(`${where}: FunctionName ${JSON.stringify(properties.FunctionName)} is not a function of this template that runs offline; the mapping is left out`);
        continue;
      }
      const stream = streamOf(functionKey, properties.EventSourceArn, properties, where, context);
      if (stream) out.streams.push(stream);
    } else if (resource.Type === 'AWS::Serverless::Api' && (properties.DefinitionBody !== undefined || properties.DefinitionUri !== undefined)) {
      context.warn(`${where}: its OpenAPI definition is not read; only the routes of functions' Api events are served`);
    } else if (resource.Type === 'AWS::Serverless::HttpApi' && (properties.DefinitionBody !== undefined || properties.DefinitionUri !== undefined)) {
      context.warn(`${where}: its OpenAPI definition is not read; only the routes of functions' HttpApi events are served`);
    }
  }
  return out;
}

function samRestRoute(functionKey: string, properties: Properties, where: string, context: Context, stages: Set<string>): HttpRouteConfig {
  const path = cloudFormationString(properties.Path, context.facts);
  const method = cloudFormationString(properties.Method, context.facts);
  if (path === undefined || method === undefined) throw new ConfigError('CONFIG_INVALID', `${where}: an Api event needs a Path and a Method`);
  if (properties.Auth !== undefined) context.warn(`${where}.Properties.Auth is not emulated; the route is served without an authorizer`);
  const api = apiResource(properties.RestApiId, context) ?? {};
  stages.add(cloudFormationString(api.StageName, context.facts) ?? 'Prod'); // the implicit ServerlessRestApi's stage
  const cors = samRestCors(api.Cors ?? context.globals.Api?.Cors, method.toUpperCase());
  return { functionKey, api: 'REST', payloadVersion: '1.0', method: upper(method), path: `/${path.replace(/^\/+/, '')}`, ...(cors ? { cors } : {}) };
}

function samHttpApiRoute(functionKey: string, properties: Properties, where: string, context: Context): HttpRouteConfig {
  const path = cloudFormationString(properties.Path, context.facts);
  const method = cloudFormationString(properties.Method, context.facts);
  if (properties.Auth !== undefined) context.warn(`${where}.Properties.Auth is not emulated; the route is served without an authorizer`);
  const api = apiResource(properties.ApiId, context) ?? {};
  const cors = httpApiCors(api.CorsConfiguration ?? context.globals.HttpApi?.CorsConfiguration);
  // SAM: an HttpApi event with neither Path nor Method is the API's default route.
  const catchAll = path === undefined && method === undefined;
  return {
    functionKey,
    api: 'HTTP',
    payloadVersion: String(properties.PayloadFormatVersion ?? '2.0') === '1.0' ? '1.0' : '2.0',
    method: catchAll ? 'ANY' : upper(method ?? 'ANY'),
    path: catchAll ? '$default' : (path ?? '/'),
    ...(cors ? { cors } : {}),
  };
}

/** The routes of an `AWS::ApiGatewayV2::Api` HTTP API: `RouteKey` `METHOD /path` or `$default`, each to an AWS_PROXY integration. */
function httpApiRoutes(apiLogicalId: string, api: Properties, context: Context): HttpRouteConfig[] {
  const { facts, resources } = context;
  const apiId = facts.refs!.get(apiLogicalId);
  const cors = httpApiCors(api.CorsConfiguration);
  const routes: HttpRouteConfig[] = [];
  const add = (routeKey: string, functionKey: string, payloadVersion: unknown) => {
    const [method, path] = routeKey === '$default' ? ['ANY', '$default'] : routeKey.split(/\s+/);
    routes.push({ functionKey, api: 'HTTP', payloadVersion: String(payloadVersion ?? '2.0') === '1.0' ? '1.0' : '2.0', method: upper(method!), path: path ?? '/', ...(cors ? { cors } : {}) });
  };
  // Quick create: `Target` makes a `$default` route (or `RouteKey`) to that function, payload 2.0.
  if (api.Target !== undefined) {
    const functionKey = functionKeyOf(api.Target, context);
    if (functionKey === undefined) context.warn(`Resources.${apiLogicalId}.Properties.Target is not a function of this template that runs offline; it is not served`);
    else add(cloudFormationString(api.RouteKey, facts) ?? '$default', functionKey, '2.0');
  }
  for (const [routeId, route] of Object.entries(resources)) {
    const rp: Properties = route.Properties ?? {};
    if (route.Type !== 'AWS::ApiGatewayV2::Route' || cloudFormationString(rp.ApiId, facts) !== apiId) continue;
    const where = `Resources.${routeId}`;
    const routeKey = cloudFormationString(rp.RouteKey, facts);
    if (routeKey === undefined) throw new ConfigError('CONFIG_INVALID', `${where}.Properties.RouteKey is missing`);
    if (rp.AuthorizationType !== undefined && rp.AuthorizationType !== 'NONE') context.warn(`${where}: AuthorizationType ${String(rp.AuthorizationType)} is not emulated on HTTP APIs; the route is served without it`);
    const integrationId = /^integrations\/(.+)$/.exec(cloudFormationString(rp.Target, facts) ?? '')?.[1];
    const integration = integrationId === undefined ? undefined : resources[integrationId];
    const ip: Properties = integration?.Properties ?? {};
    if (integration?.Type !== 'AWS::ApiGatewayV2::Integration' || ip.IntegrationType !== 'AWS_PROXY') {
      context.warn(`${where} (HTTP API route "${routeKey}") is not integrated AWS_PROXY with a function; only Lambda proxy integrations are emulated, so it is not served`);
      continue;
    }
    const functionKey = functionKeyOf(ip.IntegrationUri, context);
    if (functionKey === undefined) {
      context.warn(`Resources.${integrationId}.Properties.IntegrationUri is not a function of this template that runs offline; route "${routeKey}" is not served`);
      continue;
    }
    add(routeKey, functionKey, ip.PayloadFormatVersion);
  }
  return routes;
}

/** An EventBridge rule's or EventBridge Scheduler schedule's targets that are functions of the template. */
function ruleSchedules(logicalId: string, resource: TemplateResource, context: Context): ScheduleConfig[] {
  const where = `Resources.${logicalId}`;
  const properties: Properties = resource.Properties ?? {};
  const expression = cloudFormationString(properties.ScheduleExpression, context.facts);
  if (expression === undefined) {
    context.warn(`${where} has no ScheduleExpression (an event pattern rule); event patterns are not emulated, so nothing invokes its targets`);
    return [];
  }
  const name = cloudFormationString(properties.Name, context.facts) ?? logicalId;
  const enabled = properties.State !== 'DISABLED';
  const targets: Properties[] = resource.Type === 'AWS::Scheduler::Schedule' ? [properties.Target ?? {}] : (properties.Targets ?? []);
  const schedules: ScheduleConfig[] = [];
  for (const [index, target] of targets.entries()) {
    const functionKey = functionKeyOf(target.Arn, context);
    if (functionKey === undefined) {
      context.warn(`${where}: target ${String(target.Id ?? index)} is not a function of this template that runs offline; nothing invokes it`);
      continue;
    }
    schedules.push(schedule(functionKey, targets.length > 1 ? `${name}-${String(target.Id ?? index + 1)}` : name, expression, enabled, target.Input, where));
  }
  return schedules;
}

function schedule(functionKey: string, name: string, expression: string, enabled: boolean, declaredInput: unknown, where: string): ScheduleConfig {
  let input = declaredInput;
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      throw new ConfigError('CONFIG_INVALID', `${where}: the schedule's Input must be JSON`);
    }
  }
  return { functionKey, name, expression: expression.trim(), enabled, ...(input !== undefined ? { input } : {}) };
}

/** `!GetAtt Table.StreamArn` (or a stream ARN naming a table of the template) -> the mapping, with Lambda's defaults. */
function streamOf(functionKey: string, arn: unknown, properties: Properties, where: string, context: Context): StreamSubscription | undefined {
  const target = (arn as Properties | undefined)?.['Fn::GetAtt'];
  const [tableId, attribute] = target === undefined ? [] : Array.isArray(target) ? target.map(String) : String(target).split('.');
  const name = typeof arn === 'string' ? /:table\/([^/]+)\/stream\//.exec(arn)?.[1] : undefined;
  const table = context.tables.find((t) => (attribute === 'StreamArn' && t.logicalId === tableId) || (name !== undefined && t.tableName === name));
  if (!table) {
    context.warn(`${where}: ${JSON.stringify(arn)} is not the StreamArn of a table of this template; only DynamoDB streams of its tables are emulated, so the mapping is left out`);
    return undefined;
  }
  return streamSubscription(functionKey, table, mappingOptions(properties), where, context.warn);
}

/** `!Ref Fn`, `!GetAtt Fn.Arn`, a function name, or an ARN (a Lambda or API Gateway invoke ARN) naming one. */
function functionKeyOf(declared: unknown, context: Context): string | undefined {
  const { runnable } = context.functions;
  const expression = (declared ?? {}) as Properties;
  const target = expression['Fn::GetAtt'];
  const direct = typeof expression.Ref === 'string' ? expression.Ref : target === undefined ? undefined : Array.isArray(target) ? String(target[0]) : String(target).split('.')[0];
  if (direct !== undefined && runnable.has(direct)) return direct;
  const resolved = cloudFormationString(declared, context.facts);
  if (resolved === undefined) return undefined;
  const name = /:function:([^:/]+)/.exec(resolved)?.[1] ?? resolved;
  return [...runnable.values()].find((fn) => fn.functionName === name)?.functionKey;
}

/** The properties of the `AWS::Serverless::Api`/`HttpApi` an event names (`RestApiId`/`ApiId: !Ref MyApi`). */
function apiResource(declared: unknown, context: Context): Properties | undefined {
  const logicalId = (declared as Properties | undefined)?.Ref;
  return typeof logicalId === 'string' ? context.resources[logicalId]?.Properties : undefined;
}

function upper(method: string): string {
  const value = method.toUpperCase();
  return value === 'ANY' || value === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'ANY' : value;
}

/** SAM's REST `Cors`: an origin string, or `{ AllowOrigin, AllowHeaders, AllowMethods, MaxAge, AllowCredentials }`, each value quoted (`"'*'"`). */
function samRestCors(declared: unknown, method: string): CorsConfig | undefined {
  if (declared === undefined || declared === false) return undefined;
  const spec: Properties = typeof declared === 'string' ? { AllowOrigin: declared } : (declared as Properties);
  const unquote = (value: unknown) => String(value).replace(/^'|'$/g, '');
  const split = (value: unknown) => (value === undefined ? [] : unquote(value).split(',').map((item) => item.trim()).filter(Boolean));
  return {
    allowOrigins: spec.AllowOrigin === undefined ? ['*'] : [unquote(spec.AllowOrigin)],
    allowHeaders: split(spec.AllowHeaders),
    // SAM's default: the methods of the path, and OPTIONS.
    allowMethods: spec.AllowMethods === undefined ? (method === 'ANY' ? ['OPTIONS', 'DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'] : ['OPTIONS', method]) : split(spec.AllowMethods),
    exposeHeaders: [],
    allowCredentials: spec.AllowCredentials === true,
    ...(spec.MaxAge !== undefined ? { maxAge: Number(unquote(spec.MaxAge)) } : {}),
  };
}

/** An HTTP API's `CorsConfiguration` (`AllowOrigins`, `AllowHeaders`, `AllowMethods`, `ExposeHeaders`, `MaxAge`, `AllowCredentials`), or SAM's `true`. */
function httpApiCors(declared: unknown): CorsConfig | undefined {
  if (declared === undefined || declared === false) return undefined;
  const spec: Properties = declared === true ? { AllowOrigins: ['*'], AllowHeaders: ['*'], AllowMethods: ['*'] } : (declared as Properties);
  const list = (value: unknown) => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));
  return {
    allowOrigins: list(spec.AllowOrigins),
    allowHeaders: list(spec.AllowHeaders),
    allowMethods: list(spec.AllowMethods),
    exposeHeaders: list(spec.ExposeHeaders),
    allowCredentials: spec.AllowCredentials === true,
    ...(spec.MaxAge !== undefined ? { maxAge: Number(spec.MaxAge) } : {}),
  };
}
