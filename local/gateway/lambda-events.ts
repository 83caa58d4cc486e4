import type { IncomingMessage } from 'node:http';
import { awsStyleId, clfTime } from './ids.ts';

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

/** The upgrade request's headers with their original case, plus the X-Forwarded-* API Gateway adds. */
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
  const forwarded = { 'X-Forwarded-For': sourceIp, 'X-Forwarded-Port': String(request.socket.localPort ?? ''), 'X-Forwarded-Proto': 'http' };
  for (const [name, value] of Object.entries(forwarded)) {
    headers[name] = value;
    multiValueHeaders[name] = [value];
  }
  return { headers, multiValueHeaders };
}

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

export function connectEvent(
  api: ApiFacts,
  connection: ConnectionFacts,
  request: { headers: Record<string, string>; multiValueHeaders: Record<string, string[]>; url: URL },
) {
  return {
    headers: request.headers,
    multiValueHeaders: request.multiValueHeaders,
    ...queryParameters(request.url),
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
    isBase64Encoded: false,
  };
}

export function messageEvent(api: ApiFacts, connection: ConnectionFacts, routeKey: string, body: string) {
  return {
    requestContext: { ...requestContext(api, connection, routeKey, 'MESSAGE'), messageId: awsStyleId() },
    body,
    isBase64Encoded: false,
  };
}

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

/** The REQUEST authorizer's event on $connect. */
export function authorizerEvent(
  api: ApiFacts & { region: string },
  connection: ConnectionFacts,
  request: { headers: Record<string, string>; multiValueHeaders: Record<string, string[]>; url: URL },
) {
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:${api.region}:000000000000:${api.apiId}/${api.stage}/$connect`,
    headers: request.headers,
    multiValueHeaders: request.multiValueHeaders,
    ...queryParameters(request.url),
    stageVariables: {},
    requestContext: requestContext(api, connection, '$connect', 'CONNECT'),
  };
}
