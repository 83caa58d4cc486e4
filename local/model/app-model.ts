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

export interface EmulatorConfig {
  /** The file the app was read from. */
  configPath: string;
  dir: string;
  service: string;
  stage: string;
  region: string;
  routeSelectionExpression: string;
  /** The WebSocket API's routes by route key. */
  routes: Map<string, RouteConfig>;
  /** Every function of the app that the emulator can run, by function key, whatever its events. */
  functions: Map<string, FunctionFacts>;
  tables: TableDefinition[];
  warnings: string[];
}
