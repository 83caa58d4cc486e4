import { basename, dirname, resolve } from 'node:path';
import type { EmulatorConfig } from '../../model/app-model.ts';
import { ConfigError } from '../../model/config-error.ts';
import { applyConditions, evaluateConditions } from './cloudformation-conditions.ts';
import type { StackFacts } from './cloudformation-values.ts';
import { readTemplateFile } from './template-file.ts';
import type { TemplateResource } from './template-file.ts';
import { registerFunctionNames, templateFunctions } from './template-functions.ts';
import { parameterValues } from './template-parameters.ts';
import { templateLimits } from './template-limits.ts';
import { templateTables } from './template-tables.ts';
import { templateTriggers } from './template-triggers.ts';
import { registerApiIds, webSocketApis } from './websocket-apis.ts';
import type { WebSocketApiModel } from './websocket-apis.ts';

export interface TemplateOptions {
  /** The stack's name (`AWS::StackName`, and the prefix of unnamed functions). Default: the template's folder name. */
  stackName?: string;
  /** Default us-east-1. */
  region?: string;
  /** Serve this stage of each API (default: its first AWS::ApiGatewayV2::Stage). */
  stage?: string;
  /** `--parameter-overrides`, parsed. */
  parameterOverrides?: Record<string, string>;
  /** How the template's path is shown in messages. Default: as given. */
  shownAs?: string;
}

/**
 * Reads a CloudFormation or SAM template (YAML or JSON) into one config per WebSocket API it declares, in template
 * order. Every config has all the template's functions; the tables and warnings are on the first.
 *
 * @example const [chat] = loadTemplate('template.yaml', { parameterOverrides: { TableName: 'chat' } });
 */
export function loadTemplate(templatePath: string, options: TemplateOptions = {}): EmulatorConfig[] {
  const path = resolve(templatePath);
  const shownAs = options.shownAs ?? templatePath;
  const document = readTemplateFile(path, shownAs);
  const dir = dirname(path);
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  const region = options.region ?? 'us-east-1';
  const stackName = options.stackName ?? basename(dir);
  const facts: StackFacts = { stackName, region, accountId: '000000000000', tables: new Map(), refs: new Map(), attributes: new Map() };

  const used = JSON.stringify([document.Resources, document.Globals ?? {}, document.Conditions ?? {}]);
  const isReferenced = (name: string) => used.includes(`"Ref":"${name}"`) || used.includes(`\${${name}}`);
  for (const [name, value] of parameterValues(document.Parameters ?? {}, options.parameterOverrides ?? {}, warn, isReferenced)) facts.refs!.set(name, value);
  const conditions = evaluateConditions(document.Conditions ?? {}, facts);
  facts.conditions = conditions;
  // Resources whose Condition is false are not created; Fn::If picks its branch everywhere else.
  const kept = Object.entries(document.Resources).filter(([, resource]) => resource?.Condition === undefined || conditions.get(resource.Condition) === true);
  for (const [logicalId, resource] of kept) {
    if (resource?.Condition !== undefined && !conditions.has(resource.Condition)) throw new ConfigError('CONFIG_INVALID', `Resources.${logicalId}.Condition "${resource.Condition}" is not declared in Conditions`);
    if (typeof resource?.Type !== 'string') throw new ConfigError('CONFIG_INVALID', `Resources.${logicalId} has no Type`);
  }
  const resources = applyConditions(Object.fromEntries(kept), conditions) as Record<string, TemplateResource>;
  const globals = applyConditions(document.Globals ?? {}, conditions) as Record<string, Record<string, unknown>>;

  templateLimits(document, resources, warn);
  const tables = templateTables(resources, globals.SimpleTable ?? {}, facts, warn);
  registerFunctionNames(resources, facts);
  registerApiIds(resources, facts);
  const functions = templateFunctions(resources, globals.Function ?? {}, { dir, facts, warn });
  for (const [logicalId, error] of functions.unrunnable) warn(`${logicalId} cannot run offline (${error.message}); it is left out`);
  const apis: (WebSocketApiModel | undefined)[] = webSocketApis(resources, functions, { facts, stage: options.stage, warn });
  const stage = apis[0]?.stage ?? options.stage ?? 'dev';
  const triggers = templateTriggers({ resources, globals, functions, tables, facts, stage, warn });
  if (apis.length === 0) {
    if (triggers.httpRoutes.length + triggers.schedules.length + triggers.streams.length === 0) {
      throw new ConfigError('NO_WEBSOCKET_FUNCTIONS', `${shownAs} has no AWS::ApiGatewayV2::Api with ProtocolType WEBSOCKET and a route to a function, and no HTTP API, schedule or stream event: nothing to serve`);
    }
    apis.push(undefined); // served for its triggers alone, as a serverless.yml without websocket events is
  }
  return apis.map((api, index) => ({
    configPath: path,
    dir,
    service: stackName,
    stage: api?.stage ?? stage,
    region,
    routeSelectionExpression: api?.routeSelectionExpression ?? '$request.body.action',
    routes: api?.routes ?? new Map(),
    functions: functions.runnable,
    tables: index === 0 ? tables : [],
    // The triggers run once, beside the first API (the others share its process and DynamoDB).
    httpRoutes: index === 0 ? triggers.httpRoutes : [],
    schedules: index === 0 ? triggers.schedules : [],
    streams: index === 0 ? triggers.streams : [],
    warnings: index === 0 ? warnings : [],
    ...(api ? { apiName: api.logicalId, apiId: api.apiId } : {}),
    ...(index === 0 ? { rereadOn: path } : {}),
  }));
}
