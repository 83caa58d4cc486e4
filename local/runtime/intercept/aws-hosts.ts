/**
 * Which AWS hostnames a function environment serves locally, and where they go: the WebSocket API's own
 * `{apiId}.execute-api.{region}.amazonaws.com` and any other `*.execute-api.{region}.amazonaws.com` to the emulator's
 * @connections API, DynamoDB's regional endpoint to the DynamoDB in use. Nothing else matches.
 */
export interface AwsHostTargets {
  region: string;
  /** Origin of the emulator's @connections API, e.g. `http://127.0.0.1:3001`. */
  connections: string;
  /** Origin of the DynamoDB in use, e.g. `http://127.0.0.1:8000`. */
  dynamodb: string;
}

/** The local origin for `host` (a hostname, no port), or undefined when it is not one wsgate serves. */
export function localOriginFor(host: string, targets: AwsHostTargets): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  const region = targets.region.toLowerCase();
  if (name.endsWith(`.execute-api.${region}.amazonaws.com`) && /^[a-z0-9]+$/.test(name.slice(0, name.indexOf('.')))) return targets.connections;
  if (name === `dynamodb.${region}.amazonaws.com`) return targets.dynamodb;
  return undefined;
}

/** The targets from the environment the emulator gives every function (its standard SDK variables). */
export function targetsFromEnvironment(env: Record<string, string | undefined>): AwsHostTargets | undefined {
  const { AWS_REGION: region, AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: connections, AWS_ENDPOINT_URL_DYNAMODB: dynamodb } = env;
  if (!region || !connections || !dynamodb) return undefined;
  return { region, connections: new URL(connections).origin, dynamodb: new URL(dynamodb).origin };
}
