import type { AuthorizerConfig, FunctionFacts, IdentitySource } from '../../model/app-model.ts';
import { ConfigError } from '../../model/config-error.ts';

/** The Framework's default for a websocket authorizer (lib/plugins/aws/package/compile/events/websockets). */
const DEFAULT_IDENTITY_SOURCE = 'route.request.header.Auth';

/**
 * Reads the `authorizer` of a `$connect` websocket event: `authorizer: fnName`, `{ name, identitySource }`, or an ARN
 * (`arn: arn:aws:lambda:…:function:NAME` or `!GetAtt FnLambdaFunction.Arn`) of a function of this same service.
 * An ARN of another service's function cannot run offline: a ConfigError says so.
 */
export function authorizerOf(
  declared: unknown,
  at: { routeKey: string; functionKey: string },
  functions: Record<string, Record<string, unknown>>,
  lambda: { nameOf(functionKey: string): string; facts(functionKey: string): FunctionFacts },
): AuthorizerConfig {
  const where = `functions.${at.functionKey}`;
  if (at.routeKey !== '$connect') throw new ConfigError('CONFIG_INVALID', `${where}: an authorizer can only be set on the $connect route`);
  const spec: Record<string, unknown> =
    typeof declared === 'string' ? (declared.startsWith('arn:') ? { arn: declared } : { name: declared }) : ((declared ?? {}) as Record<string, unknown>);

  let authorizerKey: string | undefined;
  if (spec.name !== undefined) authorizerKey = String(spec.name);
  else if (spec.arn !== undefined) {
    authorizerKey = functionKeyOfArn(spec.arn, functions, lambda.nameOf);
    if (authorizerKey === undefined) {
      throw new ConfigError('CONFIG_INVALID', `${where}: authorizer ${JSON.stringify(spec.arn)} is not a function of this service, so it cannot run offline; name one of its functions instead`);
    }
  } else throw new ConfigError('CONFIG_INVALID', `${where}: the authorizer needs a "name" (a function of this service) or an "arn"`);
  if (typeof functions[authorizerKey]?.handler !== 'string') {
    throw new ConfigError('CONFIG_INVALID', `${where}: authorizer "${authorizerKey}" is not a function of this service`);
  }

  const declaredSources = spec.identitySource ?? [DEFAULT_IDENTITY_SOURCE];
  const identitySources = (Array.isArray(declaredSources) ? declaredSources : [declaredSources]).map((source: unknown) => {
    const match = /^route\.request\.(header|querystring)\.(.+)$/.exec(String(source));
    if (!match) throw new ConfigError('CONFIG_INVALID', `${where}: identity source "${String(source)}" must be route.request.header.NAME or route.request.querystring.NAME`);
    return { in: match[1] as IdentitySource['in'], name: match[2]! };
  });
  return { ...lambda.facts(authorizerKey), identitySources };
}

/** `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:alias]` or `{ 'Fn::GetAtt': [LogicalId, 'Arn'] }` -> a function key. */
function functionKeyOfArn(
  arn: unknown,
  functions: Record<string, Record<string, unknown>>,
  nameOf: (functionKey: string) => string,
): string | undefined {
  const keys = Object.keys(functions).filter((key) => typeof functions[key]?.handler === 'string');
  if (typeof arn === 'string') {
    const name = /:function:([^:]+)/.exec(arn)?.[1];
    return keys.find((key) => nameOf(key) === name);
  }
  const getAtt = (arn as Record<string, unknown> | null)?.['Fn::GetAtt'];
  const logicalId = Array.isArray(getAtt) ? String(getAtt[0]) : typeof getAtt === 'string' ? getAtt.split('.')[0] : undefined;
  return keys.find((key) => `${normalizedName(key)}LambdaFunction` === logicalId);
}

/** The Framework's logical id for a function key: `my-fn_x` -> `MyDashfnUnderscorex`. */
function normalizedName(functionKey: string): string {
  const name = functionKey.replaceAll('-', 'Dash').replaceAll('_', 'Underscore');
  return name.charAt(0).toUpperCase() + name.slice(1);
}
