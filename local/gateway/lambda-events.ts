import type { IncomingMessage } from 'node:http';
import { awsStyleId, clfTime, randomHex } from './ids.ts';

/** What the gateway knows of a connection that every event repeats. */
export interface ConnectionFacts {
  connectionId: string;
  connectedAt: number;
  sourceIp: string;
  userAgent: string;
  authorizer?: Record<string, unknown>;
}

export interface ApiFacts {
  apiId: string;
  stage: string;
  domainName: string;
}

function requestContext(api: ApiFacts, connection: ConnectionFacts, routeKey: string, eventType: string) {
  const now = new Date();
  const requestId = awsStyleId();
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: clfTime(now),
    messageDirection: 'IN',
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now.getTime(),
    identity: { userAgent: connection.userAgent, sourceIp: connection.sourceIp },
    requestId,
    domainName: api.domainName,
    connectionId: connection.connectionId,
    apiId: api.apiId,
    ...(connection.authorizer ? { authorizer: connection.authorizer } : {}),
  };
}

/** The upgrade request as events repeat it. */
export interface UpgradeRequest {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  url: URL;
}

/**
 * The upgrade request's headers with their original case, plus what API Gateway's edge adds (X-Amzn-Trace-Id,
 * X-Forwarded-For/Port/Proto) and without what it consumes (Connection, Upgrade): as in a captured $connect event.
 */
export function upgradeHeaders(request: IncomingMessage, sourceIp: string) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!;
    const value = request.rawHeaders[i + 1]!;
    if (/^(connection|upgrade)$/i.test(name)) continue; // API Gateway's edge consumes these
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const traceId = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomHex(12)}`;
  const forwarded = { 'X-Amzn-Trace-Id': traceId, 'X-Forwarded-For': sourceIp, 'X-Forwarded-Port': String(request.socket.localPort ?? ''), 'X-Forwarded-Proto': 'http' };
  for (const [name, value] of Object.entries(forwarded)) {
    headers[name] = value;
    multiValueHeaders[name] = [value];
  }
  return { headers, multiValueHeaders };
}

/** The query as API Gateway passes it: both maps, or neither when there is no query (never empty maps). */
export function queryParameters(url: URL) {
  if ([...url.searchParams.keys()].length === 0) return {};
  const queryStringParameters: Record<string, string> = {};
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [key, value] of url.searchParams) {
    queryStringParameters[key] = value; // the last value wins, as on AWS
    (multiValueQueryStringParameters[key] ??= []).push(value);
  }
  return { queryStringParameters, multiValueQueryStringParameters };
}

/** The $connect event: the upgrade request's headers and query (compare test/fixtures/events/connect.json). */
export function connectEvent(api: ApiFacts, connection: ConnectionFacts, request: UpgradeRequest) {
  return {
    headers: request.headers,
    multiValueHeaders: request.multiValueHeaders,
    ...queryParameters(request.url),
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

/** A MESSAGE event: the frame as `body`, a `messageId`, no headers (compare test/fixtures/events/message.json). */
export function messageEvent(api: ApiFacts, connection: ConnectionFacts, routeKey: string, body: string) {
  return {
    requestContext: { ...requestContext(api, connection, routeKey, 'MESSAGE'), messageId: awsStyleId() },
    body,
    isBase64Encoded: false,
  };
}

/**
 * The $disconnect event: stub headers only, and the close code and reason (compare
 * test/fixtures/events/disconnect.json).
 */
export function disconnectEvent(api: ApiFacts, connection: ConnectionFacts, statusCode: number, reason: string) {
  const stub = { Host: api.domainName, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' };
  return {
    headers: stub,
    multiValueHeaders: Object.fromEntries(Object.entries(stub).map(([k, v]) => [k, [v]])),
    requestContext: {
      ...requestContext(api, connection, '$disconnect', 'DISCONNECT'),
      disconnectStatusCode: statusCode,
      disconnectReason: reason,
    },
    isBase64Encoded: false,
  };
}

/** The ARN a $connect authorizer's policy must cover: `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/$connect`. */
export function connectMethodArn(api: ApiFacts & { region: string }): string {
  return `arn:aws:execute-api:${api.region}:000000000000:${api.apiId}/${api.stage}/$connect`;
}

/**
 * The REQUEST authorizer's event on $connect (apigateway-websocket-api-lambda-auth): unlike $connect's, its headers
 * still carry Connection, Upgrade and content-length.
 */
export function authorizerEvent(api: ApiFacts & { region: string }, connection: ConnectionFacts, request: UpgradeRequest) {
  const edge = { Connection: 'upgrade', 'content-length': '0', Upgrade: 'websocket' };
  return {
    type: 'REQUEST',
    methodArn: connectMethodArn(api),
    headers: { ...edge, ...request.headers },
    multiValueHeaders: { ...Object.fromEntries(Object.entries(edge).map(([k, v]) => [k, [v]])), ...request.multiValueHeaders },
    ...queryParameters(request.url),
    stageVariables: {},
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
  };
}
