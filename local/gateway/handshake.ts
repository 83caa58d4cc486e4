import type { EmulatorConfig } from '../model/app-model.ts';
import { identityPresent, verdictOf } from './authorizer.ts';
import type { GatewayConnection } from './connection-registry.ts';
import type { LambdaIntegration } from './lambda-integration.ts';
import { authorizerEvent, connectEvent, connectMethodArn } from './lambda-events.ts';
import type { ApiFacts, UpgradeRequest } from './lambda-events.ts';

export type HandshakeOutcome = { accept: true; protocol?: string } | { accept: false; status: number; body: string };

/**
 * What API Gateway does before it completes a WebSocket handshake: the REQUEST authorizer (when $connect has one),
 * then the $connect integration. A 2xx accepts; any other statusCode refuses the upgrade with that HTTP status; a
 * failing $connect is 500. A subprotocol is selected only when $connect returns a `Sec-WebSocket-Protocol` header.
 * On Allow, sets `connection.authorizer`, which every later event of the connection carries.
 */
export async function runHandshake(
  connection: GatewayConnection,
  upgrade: UpgradeRequest,
  deps: { config: EmulatorConfig; api: ApiFacts; integration: LambdaIntegration },
): Promise<HandshakeOutcome> {
  const { config, api, integration } = deps;
  const route = config.routes.get('$connect');
  if (route === undefined) return { accept: true }; // no $connect route: API Gateway accepts every connection

  if (route.authorizer) {
    const { authorizer } = route;
    if (!identityPresent(authorizer, upgrade.headers, upgrade.url)) return { accept: false, status: 401, body: 'Unauthorized' };
    const facts = { ...api, region: config.region };
    const methodArn = connectMethodArn(facts);
    const label = (result: unknown) => {
      const verdict = verdictOf({ result }, methodArn, 0);
      return verdict.allow ? 'Allow' : verdict.status === 403 ? 'Deny' : verdict.status;
    };
    const outcome = await integration.run(authorizer, authorizerEvent(facts, connection, upgrade), {
      connectionId: connection.connectionId,
      eventType: 'CONNECT',
      routeKey: '$connect (authorizer)',
      statusOf: label,
    });
    const verdict = verdictOf(outcome, methodArn, outcome.durationMs);
    if (!verdict.allow) return { accept: false, status: verdict.status, body: verdict.reason };
    connection.authorizer = verdict.authorizer;
  }

  const outcome = await integration.run(route, connectEvent(api, connection, upgrade), {
    connectionId: connection.connectionId,
    eventType: 'CONNECT',
    routeKey: '$connect',
  });
  if (outcome.error !== undefined) return { accept: false, status: 500, body: 'Internal server error' };
  const result = outcome.result as { statusCode?: unknown; headers?: Record<string, unknown>; body?: unknown } | undefined;
  const status = Number(result?.statusCode ?? 200);
  // A statusCode that is no HTTP status is a malformed Lambda proxy response: API Gateway answers 502.
  if (!Number.isInteger(status) || status < 100 || status > 599) return { accept: false, status: 502, body: 'Malformed Lambda proxy response' };
  if (status < 200 || status > 299) return { accept: false, status, body: typeof result?.body === 'string' ? result.body : '' };
  const protocol = Object.entries(result?.headers ?? {}).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1];
  return typeof protocol === 'string' && protocol !== '' ? { accept: true, protocol } : { accept: true };
}
