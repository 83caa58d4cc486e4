import type { IncomingMessage } from 'node:http';
import { upgradeHeaders } from '../gateway/lambda-events.ts';
import { awsStyleId, clfTime } from '../gateway/ids.ts';
import type { RouteMatch } from './http-routes.ts';

export interface HttpApiFacts {
  apiId: string;
  stage: string;
  accountId: string;
  /** `host:port` the request came to. */
  domainName: string;
}

/** A request as the proxy events need it: the body already read. */
export interface ProxyRequest {
  request: IncomingMessage;
  url: URL;
  body: Buffer;
  sourceIp: string;
}

/** What an HTTP response of the emulator is made of. */
export interface HttpReply {
  statusCode: number;
  headers: [string, string][];
  body: Buffer;
}

/**
 * Content types HTTP APIs pass as text; any other body is base64-encoded with `isBase64Encoded: true`
 * (http-api-develop-integrations-lambda).
 */
const TEXT_TYPES = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded|[\w.+-]+\+(json|xml))\b)/i;

/** `GET /users/{id}`, or `$default`: the route key of events and records. */
export function routeKeyOf(match: RouteMatch): string {
  return match.route.path === '$default' ? '$default' : `${match.route.method} ${match.route.path}`;
}

/** Payload format 1.0 (REST APIs, and HTTP APIs set to 1.0): apigateway-develop-integrations-lambda-proxy input format. */
export function payloadV1(api: HttpApiFacts, match: RouteMatch, req: ProxyRequest) {
  const { headers, multiValueHeaders } = upgradeHeaders(req.request, req.sourceIp);
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [key, value] of req.url.searchParams) {
    query[key] = value; // the last value wins, as on AWS
    (multiQuery[key] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  const rest = match.route.api === 'REST';
  const stage = rest ? api.stage : '$default';
  const now = new Date();
  const requestId = crypto.randomUUID();
  const binary = !rest && req.body.length > 0 && !TEXT_TYPES.test(String(req.request.headers['content-type'] ?? ''));
  const resource = match.route.path === '$default' ? '/{proxy+}' : match.route.path;
  return {
    ...(rest ? {} : { version: '1.0' }),
    resource,
    path: match.path,
    httpMethod: req.request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: Object.keys(match.pathParameters).length > 0 ? match.pathParameters : null,
    stageVariables: null,
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      domainName: api.domainName,
      domainPrefix: api.apiId,
      extendedRequestId: awsStyleId(),
      httpMethod: req.request.method ?? 'GET',
      identity: {
        accessKey: null,
        accountId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.sourceIp,
        user: null,
        userAgent: req.request.headers['user-agent'] ?? '',
        userArn: null,
      },
      path: rest ? `/${api.stage}${match.path}` : match.path,
      protocol: `HTTP/${req.request.httpVersion}`,
      requestId,
      requestTime: clfTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: api.apiId.slice(0, 6),
      resourcePath: resource,
      stage,
      ...(rest ? {} : { routeKey: routeKeyOf(match) }),
    },
    // REST APIs pass bodies as text unless binaryMediaTypes say otherwise (not read here).
    body: req.body.length > 0 ? req.body.toString(binary ? 'base64' : 'utf8') : null,
    isBase64Encoded: binary,
  };
}

/** Payload format 2.0 (HTTP APIs): lower-case headers joined with commas, `cookies`, `rawPath`, `rawQueryString`. */
export function payloadV2(api: HttpApiFacts, match: RouteMatch, req: ProxyRequest) {
  const headers: Record<string, string> = {};
  const { headers: forwarded } = upgradeHeaders(req.request, req.sourceIp);
  for (const [name, value] of Object.entries(forwarded)) {
    const lower = name.toLowerCase();
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`;
  }
  // Cookies leave the headers for their own field (each `cookie` header split on "; ").
  const cookies = (req.request.headers.cookie ?? '').split(/;\s*/).filter((c) => c !== '');
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [key, value] of req.url.searchParams) query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  const now = new Date();
  const binary = req.body.length > 0 && !TEXT_TYPES.test(String(req.request.headers['content-type'] ?? ''));
  return {
    version: '2.0',
    routeKey: routeKeyOf(match),
    rawPath: req.url.pathname,
    rawQueryString: req.url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      domainName: api.domainName,
      domainPrefix: api.apiId,
      http: {
        method: req.request.method ?? 'GET',
        path: req.url.pathname,
        protocol: `HTTP/${req.request.httpVersion}`,
        sourceIp: req.sourceIp,
        userAgent: req.request.headers['user-agent'] ?? '',
      },
      requestId: awsStyleId(),
      routeKey: routeKeyOf(match),
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(req.body.length > 0 ? { body: req.body.toString(binary ? 'base64' : 'utf8') } : {}),
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    isBase64Encoded: binary,
  };
}

/** The proxy response was not what the payload format requires: API Gateway answers as for a failed integration. */
export class MalformedProxyResponseError extends Error {
  override readonly name = 'MalformedProxyResponseError';
  readonly code = 'MALFORMED_PROXY_RESPONSE';
}

function bodyOf(result: Record<string, unknown>): Buffer {
  const body = result.body;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body !== 'string') throw new MalformedProxyResponseError(`"body" must be a string; got ${typeof body}`);
  return Buffer.from(body, result.isBase64Encoded === true ? 'base64' : 'utf8');
}

function statusOf(result: Record<string, unknown>): number {
  const status = Number(result.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) throw new MalformedProxyResponseError(`"statusCode" must be an HTTP status; got ${JSON.stringify(result.statusCode)}`);
  return status;
}

function headerPairs(result: Record<string, unknown>, multi: boolean): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries((result.headers ?? {}) as Record<string, unknown>)) pairs.push([name, String(value)]);
  if (multi) {
    for (const [name, values] of Object.entries((result.multiValueHeaders ?? {}) as Record<string, unknown>)) {
      for (const value of Array.isArray(values) ? values : [values]) pairs.push([name, String(value)]);
    }
  }
  return pairs;
}

/** Response format 1.0: `statusCode` is required; `headers` and `multiValueHeaders` are merged. */
export function replyV1(result: unknown): HttpReply {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new MalformedProxyResponseError('the response must be an object with a statusCode');
  const response = result as Record<string, unknown>;
  return { statusCode: statusOf(response), headers: headerPairs(response, true), body: bodyOf(response) };
}

/**
 * Response format 2.0: an object with `statusCode` is a response (`cookies` become `set-cookie` headers;
 * `multiValueHeaders` are not read); anything else is the body of a 200 `application/json` response.
 */
export function replyV2(result: unknown): HttpReply {
  const response = result as Record<string, unknown> | null;
  if (response === null || typeof response !== 'object' || Array.isArray(response) || response.statusCode === undefined) {
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify(result === undefined ? null : result)) };
  }
  const headers = headerPairs(response, false);
  for (const cookie of Array.isArray(response.cookies) ? response.cookies : []) headers.push(['set-cookie', String(cookie)]);
  return { statusCode: statusOf(response), headers, body: bodyOf(response) };
}
