import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayEventWebsocketRequestContextV2 } from 'aws-lambda';
import { BROADCAST_DEFAULTS } from '../../domain/broadcast.ts';
import type { ChatDeps } from '../../domain/deps.ts';
import { PRESENCE_DEFAULTS } from '../../domain/presence.ts';
import { ApiGatewayClientGateway, managementClientFor } from '../api-gateway/api-gateway-client-gateway.ts';
import { DynamoDbConnectionRepository } from '../dynamodb/dynamodb-connection-repository.ts';

/**
 * The composition root shared by the Lambda entry files: the only place that reads `process.env` and builds
 * adapters. Everything here runs once per Lambda container (module scope), not once per event.
 *
 * Local and AWS differ only in configuration: the SDK's standard `AWS_ENDPOINT_URL_DYNAMODB` and
 * `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` variables (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
const tableName = process.env.CONNECTIONS_TABLE;
if (!tableName) throw new Error('CONNECTIONS_TABLE is not set: it names the DynamoDB table of connections');

// The SDK reads AWS_ENDPOINT_URL_DYNAMODB by itself when it is set.
const connections = new DynamoDbConnectionRepository(
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  tableName,
);

const broadcast = {
  concurrency: positiveInteger('BROADCAST_CONCURRENCY', BROADCAST_DEFAULTS.concurrency),
  pageSize: positiveInteger('BROADCAST_PAGE_SIZE', BROADCAST_DEFAULTS.pageSize),
};

const presence = {
  perMemberUpTo: positiveInteger('PRESENCE_PER_MEMBER_UP_TO', PRESENCE_DEFAULTS.perMemberUpTo),
  msPerMember: PRESENCE_DEFAULTS.msPerMember,
  minIntervalMs: PRESENCE_DEFAULTS.minIntervalMs,
};

const clock = { now: () => new Date() };

/** `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` when set, else the API's own `https://{domainName}/{stage}`. */
export function managementEndpoint(requestContext: Pick<APIGatewayEventWebsocketRequestContextV2, 'domainName' | 'stage'>): string {
  return process.env.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI || `https://${requestContext.domainName}/${requestContext.stage}`;
}

export function depsFor(requestContext: Pick<APIGatewayEventWebsocketRequestContextV2, 'domainName' | 'stage'>): ChatDeps {
  return {
    connections,
    gateway: new ApiGatewayClientGateway(managementClientFor(managementEndpoint(requestContext))),
    clock,
    broadcast,
    presence,
  };
}

function positiveInteger(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${variable} must be a positive integer; got "${raw}"`);
  return value;
}
