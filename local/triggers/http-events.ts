import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig, FunctionFacts, HttpRouteConfig } from '../model/app-model.ts';
import type { LambdaIntegration } from '../gateway/lambda-integration.ts';
import { HandlerTimeoutError } from '../runtime/invoke.ts';
import { MalformedProxyResponseError, payloadV1, payloadV2, replyV1, replyV2, routeKeyOf } from './http-proxy-events.ts';
import type { HttpApiFacts, HttpReply } from './http-proxy-events.ts';
import { HttpRouteTable } from './http-routes.ts';
import { readBody } from './read-body.ts';

/** API Gateway's request payload quota for both API types: 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const json = (statusCode: number, body: unknown, headers: [string, string][] = []): HttpReply => ({
  statusCode,
  headers: [['content-type', 'application/json'], ...headers],
  body: Buffer.from(JSON.stringify(body)),
});

/**
 * What each API type answers when the integration fails: REST APIs 502 `Internal server error` (504 on a timeout),
 * HTTP APIs 500 `Internal Server Error` (503 on a timeout); a route that does not exist is REST's 403
 * `Missing Authentication Token` and HTTP's 404 `Not Found`.
 */
const FAILURES = {
  REST: {
    error: () => json(502, { message: 'Internal server error' }, [['x-amzn-ErrorType', 'InternalServerErrorException']]),
    timeout: () => json(504, { message: 'Endpoint request timed out' }),
    missing: () => json(403, { message: 'Missing Authentication Token' }, [['x-amzn-ErrorType', 'MissingAuthenticationTokenException']]),
  },
  HTTP: {
    error: () => json(500, { message: 'Internal Server Error' }),
    timeout: () => json(503, { message: 'Service Unavailable' }),
    missing: () => json(404, { message: 'Not Found' }),
  },
};

/**
 * The app's `http` (REST API, payload 1.0) and `httpApi` (HTTP API, payload 2.0 unless set to 1.0) events served by
 * Lambda proxy integration, with CORS as configured. Usable on any Node HTTP server: `handles` says whether a request
 * is for one of the routes (or a CORS preflight for one), `serve` answers it.
 */
export class HttpEvents {
  private readonly table: HttpRouteTable;

  constructor(
    routes: HttpRouteConfig[],
    private readonly functions: Map<string, FunctionFacts>,
    private readonly integration: LambdaIntegration,
    private readonly api: Omit<HttpApiFacts, 'domainName'>,
  ) {
    this.table = new HttpRouteTable(routes, api.stage);
  }

  handles(request: IncomingMessage): boolean {
    if (this.table.empty) return false;
    const path = pathOf(request);
    return this.table.underRestStage(path) || this.table.candidates(path).length > 0;
  }

  serve(request: IncomingMessage, response: ServerResponse): void {
    void this.answer(request).then(
      (reply) => {
        response.writeHead(reply.statusCode, reply.headers.map(([name, value]) => [name, value]).flat() as unknown as string[]).end(reply.body);
      },
      () => response.destroy(), // the caller hung up mid-request
    );
  }

  private async answer(request: IncomingMessage): Promise<HttpReply> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const candidates = this.table.candidates(url.pathname);
    const match = this.table.match(method, url.pathname);
    const origin = request.headers.origin;
    const ids = (api: 'REST' | 'HTTP', requestId: string): [string, string][] =>
      api === 'REST' ? [['x-amzn-RequestId', requestId], ['x-amz-apigw-id', requestId.slice(0, 16)]] : [['apigw-requestid', requestId.slice(0, 16)]];

    // A preflight for a route with CORS: HTTP APIs answer it themselves; for REST APIs the Framework adds an OPTIONS
    // mock integration that answers the same way.
    const withCors = candidates.find((c) => c.route.cors);
    if (method === 'OPTIONS' && withCors && (!match || match.route.method === 'ANY') && request.headers['access-control-request-method']) {
      request.resume();
      return { statusCode: withCors.route.api === 'HTTP' ? 204 : 200, headers: preflightHeaders(withCors.route.cors!, origin, withCors.route.api), body: Buffer.alloc(0) };
    }
    const api = match?.route.api ?? candidates[0]?.route.api ?? (this.table.underRestStage(url.pathname) ? 'REST' : 'HTTP');
    if (!match) {
      request.resume();
      return FAILURES[api].missing();
    }
    const fn = this.functions.get(match.route.functionKey)!;
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === 'too-large') return json(413, { message: 'Request Entity Too Large' });
    const facts = { ...this.api, domainName: request.headers.host ?? 'localhost' };
    const proxyRequest = { request, url, body, sourceIp: normaliseIp(request.socket.remoteAddress) };
    const event = match.route.payloadVersion === '1.0' ? payloadV1(facts, match, proxyRequest) : payloadV2(facts, match, proxyRequest);
    const requestId = match.route.payloadVersion === '1.0' ? (event as ReturnType<typeof payloadV1>).requestContext.requestId : (event as ReturnType<typeof payloadV2>).requestContext.requestId;

    let reply: HttpReply | undefined;
    let malformed: string | undefined;
    const outcome = await this.integration.run(fn, event, {
      connectionId: '',
      eventType: 'HTTP',
      routeKey: routeKeyOf(match),
      body: body.toString('utf8'),
      statusOf: (result) => {
        try {
          reply = match.route.payloadVersion === '1.0' ? replyV1(result) : replyV2(result);
          return reply.statusCode;
        } catch (error) {
          if (!(error instanceof MalformedProxyResponseError)) throw error;
          malformed = error.message;
          return `malformed: ${error.message}`;
        }
      },
    });
    if (outcome.error !== undefined) reply = outcome.error instanceof HandlerTimeoutError ? FAILURES[api].timeout() : FAILURES[api].error();
    else if (malformed !== undefined || reply === undefined) reply = FAILURES[api].error();
    reply.headers.push(...ids(api, requestId));
    // HTTP APIs add CORS headers to every response of an API with CORS; REST APIs leave that to the function.
    if (api === 'HTTP' && match.route.cors) reply.headers.push(...responseCorsHeaders(match.route.cors, origin));
    return reply;
  }
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

function normaliseIp(address: string | undefined): string {
  return (address ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function allowedOrigin(cors: CorsConfig, origin: string | undefined): string | undefined {
  if (cors.allowOrigins.includes('*')) return cors.allowCredentials && origin ? origin : '*';
  return origin !== undefined && cors.allowOrigins.includes(origin) ? origin : undefined;
}

function preflightHeaders(cors: CorsConfig, origin: string | undefined, api: 'REST' | 'HTTP'): [string, string][] {
  const allowed = api === 'REST' ? (cors.allowOrigins.includes(origin ?? '') ? origin : cors.allowOrigins[0]) : allowedOrigin(cors, origin);
  if (allowed === undefined) return [];
  return [
    ['access-control-allow-origin', allowed],
    ['access-control-allow-methods', cors.allowMethods.join(',')],
    ['access-control-allow-headers', cors.allowHeaders.join(',')],
    ...(cors.allowCredentials ? ([['access-control-allow-credentials', 'true']] as [string, string][]) : []),
    ...(cors.maxAge !== undefined ? ([['access-control-max-age', String(cors.maxAge)]] as [string, string][]) : []),
  ];
}

function responseCorsHeaders(cors: CorsConfig, origin: string | undefined): [string, string][] {
  const allowed = allowedOrigin(cors, origin);
  if (allowed === undefined || origin === undefined) return [];
  return [
    ['access-control-allow-origin', allowed],
    ...(cors.allowCredentials ? ([['access-control-allow-credentials', 'true']] as [string, string][]) : []),
    ...(cors.exposeHeaders.length > 0 ? ([['access-control-expose-headers', cors.exposeHeaders.join(',')]] as [string, string][]) : []),
  ];
}
