import type { AuthorizerConfig, FunctionFacts, IdentitySource, RouteConfig } from '../../model/app-model.ts';
import { apiIdFor, executeApiDomain } from '../../model/api-id.ts';
import { ConfigError } from '../../model/config-error.ts';
import { cloudFormationString } from './cloudformation-values.ts';
import type { StackFacts } from './cloudformation-values.ts';
import type { TemplateFunctions } from './template-functions.ts';
import type { TemplateResource } from './template-file.ts';

/** One `AWS::ApiGatewayV2::Api` with `ProtocolType: WEBSOCKET`, as the gateway serves it. */
export interface WebSocketApiModel {
  logicalId: string;
  /** What `Ref` of the API gives, and the id in its events' `apiId` and `domainName`. */
  apiId: string;
  name: string;
  stage: string;
  routeSelectionExpression: string;
  routes: Map<string, RouteConfig>;
}

type Resources = Record<string, TemplateResource>;

/** The ids `Ref` gives for the API resources (routes point at integrations, authorizers and APIs through them). */
export function registerApiIds(resources: Resources, facts: StackFacts): void {
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!resource.Type.startsWith('AWS::ApiGatewayV2::')) continue;
    if (resource.Type === 'AWS::ApiGatewayV2::Stage') {
      facts.refs!.set(logicalId, cloudFormationString(resource.Properties?.StageName, facts) ?? logicalId);
    } else if (resource.Type === 'AWS::ApiGatewayV2::Api') {
      // Fixed per stack, API and region, as the serverless reader's is per service, stage and region.
      const apiId = apiIdFor(facts.stackName, logicalId, facts.region);
      facts.refs!.set(logicalId, apiId);
      facts.attributes!.set(`${logicalId}.ApiId`, apiId);
      facts.attributes!.set(`${logicalId}.ApiEndpoint`, `wss://${executeApiDomain(apiId, facts.region)}`);
    } else facts.refs!.set(logicalId, logicalId);
  }
}

/**
 * Every WebSocket API of a template: its routes (`RouteKey`, `Target: integrations/{id}`, `AuthorizationType:
 * CUSTOM` + `AuthorizerId`, `RouteResponseSelectionExpression` with an `AWS::ApiGatewayV2::RouteResponse`), each
 * integrated `AWS_PROXY` with a function of the template, and its stage. What cannot be emulated (other integration
 * types, API keys, IAM authorization, throttling settings) is one warning naming the resource.
 */
export function webSocketApis(
  resources: Resources,
  functions: TemplateFunctions,
  at: { facts: StackFacts; stage?: string; warn: (message: string) => void },
): WebSocketApiModel[] {
  const { facts, warn } = at;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  const idOf = (value: unknown) => cloudFormationString(value, facts);
  const logicalIdOfApi = new Map(ofType('AWS::ApiGatewayV2::Api').map(([logicalId]) => [facts.refs!.get(logicalId)!, logicalId]));
  const apiOf = (properties: Record<string, any> | undefined) => logicalIdOfApi.get(idOf(properties?.ApiId) ?? '');

  const functionByName = new Map<string, string>();
  for (const logicalId of [...functions.runnable.keys(), ...functions.unrunnable.keys()]) functionByName.set(facts.refs!.get(logicalId)!, logicalId);
  /** `…/functions/arn:aws:lambda:REGION:ACCOUNT:function:NAME[:alias]/invocations`, or the function ARN itself. */
  const functionOf = (uri: unknown, where: string): FunctionFacts => {
    const resolved = idOf(uri);
    const name = resolved === undefined ? undefined : /:function:([^:/]+)/.exec(resolved)?.[1];
    const logicalId = name === undefined ? undefined : functionByName.get(name);
    if (logicalId === undefined) {
      throw new ConfigError('CONFIG_INVALID', `${where} is ${JSON.stringify(resolved ?? uri)}, which is not a function of this template, so it cannot run offline`);
    }
    const fn = functions.runnable.get(logicalId);
    if (fn === undefined) throw functions.unrunnable.get(logicalId)!;
    return fn;
  };

  const apis: WebSocketApiModel[] = [];
  for (const [apiLogicalId, api] of ofType('AWS::ApiGatewayV2::Api')) {
    const properties = api.Properties ?? {};
    if (properties.ProtocolType === 'HTTP') continue; // an HTTP API: template-triggers.ts reads it
    if (properties.ProtocolType !== 'WEBSOCKET') {
      warn(`Resources.${apiLogicalId} is an API of ProtocolType ${String(properties.ProtocolType)}, which wsgate does not serve`);
      continue;
    }
    const where = `Resources.${apiLogicalId}`;
    if (properties.ApiKeySelectionExpression !== undefined) warn(`${where}: ApiKeySelectionExpression is not emulated; no route asks for an API key`);
    const routeSelectionExpression = idOf(properties.RouteSelectionExpression);
    if (routeSelectionExpression === undefined) throw new ConfigError('CONFIG_INVALID', `${where}.Properties.RouteSelectionExpression is missing`);

    const stages = ofType('AWS::ApiGatewayV2::Stage').filter(([, stage]) => apiOf(stage.Properties) === apiLogicalId);
    const stageNames = stages.map(([id]) => facts.refs!.get(id)!);
    for (const [stageId, stage] of stages) {
      for (const key of ['DefaultRouteSettings', 'RouteSettings', 'StageVariables', 'AccessLogSettings'] as const) {
        if (stage.Properties?.[key] !== undefined) warn(`Resources.${stageId}.Properties.${key} is not emulated`);
      }
    }
    let stage = at.stage ?? stageNames[0];
    if (stage === undefined) {
      stage = 'dev';
      warn(`${where} has no AWS::ApiGatewayV2::Stage; it is served as stage "${stage}"`);
    } else if (stageNames.length > 1 && at.stage === undefined) {
      warn(`${where} has stages ${stageNames.join(', ')}; it is served as "${stage}" (pass --stage to choose)`);
    }

    const routeResponses = new Set(ofType('AWS::ApiGatewayV2::RouteResponse').filter(([, rr]) => apiOf(rr.Properties) === apiLogicalId).map(([, rr]) => idOf(rr.Properties?.RouteId)));
    const routes = new Map<string, RouteConfig>();
    for (const [routeId, route] of ofType('AWS::ApiGatewayV2::Route')) {
      const rp = route.Properties ?? {};
      if (apiOf(rp) !== apiLogicalId) continue;
      const at = `Resources.${routeId}`;
      const routeKey = idOf(rp.RouteKey);
      if (routeKey === undefined) throw new ConfigError('CONFIG_INVALID', `${at}.Properties.RouteKey is missing`);
      if (routes.has(routeKey)) throw new ConfigError('CONFIG_INVALID', `${where}: route "${routeKey}" is declared twice (${at} and another)`);
      if (rp.ApiKeyRequired === true || rp.ApiKeyRequired === 'true') warn(`${at}: ApiKeyRequired is not emulated; the route is served without an API key`);
      for (const key of ['RequestModels', 'ModelSelectionExpression', 'RequestParameters'] as const) {
        if (rp[key] !== undefined) warn(`${at}.Properties.${key} is not emulated; requests are not validated against it`);
      }
      const target = idOf(rp.Target);
      const integrationId = target === undefined ? undefined : /^integrations\/(.+)$/.exec(target)?.[1];
      const integration = integrationId === undefined ? undefined : resources[integrationId];
      if (integration?.Type !== 'AWS::ApiGatewayV2::Integration') {
        warn(`${at} (route "${routeKey}") has no Target of the form integrations/{IntegrationId} (got ${JSON.stringify(target ?? rp.Target)}); it is not served`);
        continue;
      }
      const integrationType = String(integration.Properties?.IntegrationType);
      if (integrationType !== 'AWS_PROXY') {
        warn(`Resources.${integrationId} (route "${routeKey}") is an integration of type ${integrationType}; only AWS_PROXY (Lambda) integrations are emulated, so this route is not served`);
        continue;
      }
      const fn = functionOf(integration.Properties?.IntegrationUri, `Resources.${integrationId}.Properties.IntegrationUri`);
      const timeout = Number(integration.Properties?.TimeoutInMillis ?? 29_000);
      if (timeout < 29_000) warn(`Resources.${integrationId}.Properties.TimeoutInMillis (${timeout}) is not emulated; the route times out at the emulator's integration timeout (29 s, API Gateway's maximum, by default)`);
      const hasSelection = rp.RouteResponseSelectionExpression !== undefined;
      const hasResponse = routeResponses.has(routeId);
      if (hasSelection !== hasResponse) {
        warn(`${at} (route "${routeKey}") has ${hasSelection ? 'a RouteResponseSelectionExpression but no AWS::ApiGatewayV2::RouteResponse' : 'an AWS::ApiGatewayV2::RouteResponse but no RouteResponseSelectionExpression'}; API Gateway needs both to send the handler's body back, so it is not sent`);
      }
      const authorizer = authorizerOf(rp, { at, routeKey, resources, idOf, functionOf, warn });
      routes.set(routeKey, { ...fn, routeKey, routeResponse: hasSelection && hasResponse, ...(authorizer ? { authorizer } : {}) });
    }
    if (routes.size === 0) {
      warn(`${where} has no route wsgate can serve; it is left out`);
      continue;
    }
    apis.push({ logicalId: apiLogicalId, apiId: facts.refs!.get(apiLogicalId)!, name: idOf(properties.Name) ?? apiLogicalId, stage, routeSelectionExpression, routes });
  }
  return apis;
}

function authorizerOf(
  route: Record<string, any>,
  context: {
    at: string;
    routeKey: string;
    resources: Resources;
    idOf(value: unknown): string | undefined;
    functionOf(uri: unknown, where: string): FunctionFacts;
    warn(message: string): void;
  },
): AuthorizerConfig | undefined {
  const { at, routeKey } = context;
  const type = String(route.AuthorizationType ?? 'NONE');
  if (type === 'NONE') return undefined;
  if (type === 'AWS_IAM') {
    context.warn(`${at}: AuthorizationType AWS_IAM is not emulated; connections are not SigV4-checked`);
    return undefined;
  }
  if (type !== 'CUSTOM') throw new ConfigError('CONFIG_INVALID', `${at}.Properties.AuthorizationType "${type}" must be NONE, AWS_IAM or CUSTOM for a WebSocket API`);
  // API Gateway accepts an authorizer only on $connect for WebSocket APIs.
  if (routeKey !== '$connect') throw new ConfigError('CONFIG_INVALID', `${at}: an authorizer can only be set on the $connect route`);
  const authorizerId = context.idOf(route.AuthorizerId);
  const authorizer = authorizerId === undefined ? undefined : context.resources[authorizerId];
  if (authorizer?.Type !== 'AWS::ApiGatewayV2::Authorizer') throw new ConfigError('CONFIG_INVALID', `${at}.Properties.AuthorizerId must be the Ref of an AWS::ApiGatewayV2::Authorizer of this template`);
  const where = `Resources.${authorizerId}.Properties`;
  const properties = authorizer.Properties ?? {};
  if (properties.AuthorizerType !== 'REQUEST') throw new ConfigError('CONFIG_INVALID', `${where}.AuthorizerType "${String(properties.AuthorizerType)}" is not REQUEST, the one type WebSocket APIs take`);
  if (properties.AuthorizerResultTtlInSeconds !== undefined) context.warn(`${where}.AuthorizerResultTtlInSeconds is not emulated (API Gateway does not cache WebSocket authorizer results either)`);
  const declared = properties.IdentitySource ?? [];
  const identitySources = (Array.isArray(declared) ? declared : [declared]).map((source: unknown) => {
    const text = context.idOf(source) ?? '';
    const match = /^route\.request\.(header|querystring)\.(.+)$/.exec(text);
    if (!match) throw new ConfigError('CONFIG_INVALID', `${where}.IdentitySource "${text}" must be route.request.header.NAME or route.request.querystring.NAME`);
    return { in: match[1] as IdentitySource['in'], name: match[2]! };
  });
  return { ...context.functionOf(properties.AuthorizerUri, `${where}.AuthorizerUri`), identitySources };
}
