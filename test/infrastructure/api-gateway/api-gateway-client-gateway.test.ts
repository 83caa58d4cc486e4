import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiGatewayClientGateway,
  isGoneError,
  managementClientFor,
} from '../../../infrastructure/api-gateway/api-gateway-client-gateway.ts';

/** Answers like API Gateway's @connections API, per connection id; records what it was sent. */
const received: { method: string; url: string; body: string }[] = [];
const answers: Record<string, { status: number; headers?: Record<string, string>; body?: string }> = {
  ok: { status: 200 },
  typedGone: {
    status: 410,
    headers: { 'x-amzn-ErrorType': 'GoneException', 'content-type': 'application/json' },
    body: '{"message":null}',
  },
  // serverless-offline: a bare 410, no error type, no body.
  untypedGone: { status: 410 },
  tooLarge: {
    status: 413,
    headers: { 'x-amzn-ErrorType': 'PayloadTooLargeException', 'content-type': 'application/json' },
    body: '{"message":"Request entity too large"}',
  },
  broken: { status: 500, body: 'oops' },
};

let server: Server;
let gateway: ApiGatewayClientGateway;
let endpoint: string;

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ method: req.method ?? '', url: req.url ?? '', body });
    const id = decodeURIComponent(req.url?.split('/').pop() ?? '');
    const answer = answers[id] ?? answers.typedGone!;
    res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
  gateway = new ApiGatewayClientGateway(
    new ApiGatewayManagementApiClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    }),
  );
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('ApiGatewayClientGateway', () => {
  it('posts the frame to /{stage}/@connections/{id} and reports delivered', async () => {
    expect(await gateway.send('ok', '{"type":"joined","room":"lobby"}')).toBe('delivered');
    expect(received.at(-1)).toEqual({
      method: 'POST',
      url: '/dev/@connections/ok',
      body: '{"type":"joined","room":"lobby"}',
    });
  });

  it('reports gone for a typed GoneException', async () => {
    expect(await gateway.send('typedGone', 'x')).toBe('gone');
  });

  it('reports gone for an untyped 410, as serverless-offline answers', async () => {
    expect(await gateway.send('untypedGone', 'x')).toBe('gone');
  });

  it('throws PayloadTooLargeException for a 413, never calling it delivered or gone', async () => {
    await expect(gateway.send('tooLarge', 'x')).rejects.toMatchObject({
      name: 'PayloadTooLargeException',
      $metadata: { httpStatusCode: 413 },
    });
  });

  it('throws on a server error', async () => {
    await expect(gateway.send('broken', 'x')).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  });
});

describe('isGoneError', () => {
  it.each([
    [{ name: 'GoneException' }, true],
    [{ name: 'Error', $metadata: { httpStatusCode: 410 } }, true],
    [{ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } }, false],
    [new Error('410'), false],
    [null, false],
    ['GoneException', false],
  ])('%j -> %s', (error, gone) => {
    expect(isGoneError(error)).toBe(gone);
  });
});

describe('managementClientFor', () => {
  it('creates one client per endpoint and reuses it', () => {
    const a = managementClientFor('https://a.example/dev');
    expect(managementClientFor('https://a.example/dev')).toBe(a);
    expect(managementClientFor('https://b.example/dev')).not.toBe(a);
  });
});
