import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ClientGateway, Delivery } from '../../domain/ports.ts';

/**
 * Is this SDK error API Gateway saying the connection is gone? Matched by `name` or by status, never `instanceof`:
 * serverless-offline answers a bare 410 without `x-amzn-ErrorType`, which SDK v3 surfaces as a generic error whose
 * only tell is `$metadata.httpStatusCode` (v3 exceptions have no `statusCode`).
 */
export function isGoneError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return name === 'GoneException' || $metadata?.httpStatusCode === 410;
}

/**
 * Delivers frames with API Gateway's PostToConnection.
 *
 * @example new ApiGatewayClientGateway(managementClientFor('https://abc.execute-api.eu-west-1.amazonaws.com/dev'))
 */
export class ApiGatewayClientGateway implements ClientGateway {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async send(connectionId: string, frame: string): Promise<Delivery> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: frame }));
      return 'delivered';
    } catch (error) {
      if (isGoneError(error)) return 'gone';
      throw error;
    }
  }
}

const clients = new Map<string, ApiGatewayManagementApiClient>();

/** One client per endpoint for the life of the process (a Lambda container), with keep-alive sockets. */
export function managementClientFor(endpoint: string): ApiGatewayManagementApiClient {
  let client = clients.get(endpoint);
  if (client === undefined) {
    client = new ApiGatewayManagementApiClient({
      endpoint,
      requestHandler: {
        httpAgent: { keepAlive: true, maxSockets: 64 },
        httpsAgent: { keepAlive: true, maxSockets: 64 },
      },
    });
    clients.set(endpoint, client);
  }
  return client;
}
