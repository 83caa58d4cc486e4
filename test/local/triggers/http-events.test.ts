import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, InvocationRecord } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let client: TestClient;
let connectionId: string;
beforeAll(async () => {
  emulator = await startProject('triggers', { httpPort: 0 });
  client = await connectClient(emulator.wsUrl);
  connectionId = emulator.listConnections()[0]!.connectionId;
});
afterAll(async () => {
  client?.socket.close();
  await emulator?.stop();
});

describe('HTTP events', () => {
  it('serves them on the pages port when there is one', () => {
    expect(emulator.httpUrl).toBe(emulator.pageUrl!.replace(/\/$/, ''));
  });

  it('runs a REST API route (under the stage) that posts to a connected client', async () => {
    const recorded = new Promise<InvocationRecord>((resolve) => emulator.events.on('invocation', (r: InvocationRecord) => r.eventType === 'HTTP' && resolve(r)));
    const response = await fetch(`${emulator.httpUrl}/test/notify/${encodeURIComponent(connectionId)}`, { method: 'POST', body: JSON.stringify({ hello: 'rest' }) });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ notified: connectionId });
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.next((f) => f.type === 'notified')).toEqual({ type: 'notified', via: 'REST', body: { hello: 'rest' } });
    expect(await recorded).toMatchObject({ connectionId: '', eventType: 'HTTP', routeKey: 'POST /notify/{connectionId}', status: 202, bodyPreview: '{"hello":"rest"}' });
  });

  it('runs an HTTP API route (at the root) whose plain-object result becomes a 200 JSON response', async () => {
    const response = await fetch(`${emulator.httpUrl}/notify/${encodeURIComponent(connectionId)}`, { method: 'POST', body: JSON.stringify({ hello: 'http' }) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('apigw-requestid')).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(await response.json()).toEqual({ notified: connectionId });
    expect(await client.next((f) => f.type === 'notified')).toEqual({ type: 'notified', via: 'HTTP', body: { hello: 'http' } });
  });

  it('also serves them on the WebSocket port, beside @connections', async () => {
    const response = await fetch(`${emulator.connectionsUrl.replace(/\/test$/, '')}/plain`);
    expect(await response.json()).toEqual({ message: 'plain object' });
  });

  it('hands a REST route the 1.0 event: resource, path and query parameters, multi-value maps, the stage in requestContext.path', async () => {
    const response = await fetch(`${emulator.httpUrl}/test/echo/a/b%20c?x=1&x=2&y=3`, { method: 'PUT', headers: { 'X-Custom': 'v' }, body: 'text body' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(response.headers.get('set-cookie')).toBeNull(); // 1.0 does not read `cookies`
    const event = await response.json();
    expect(event).toMatchObject({
      resource: '/echo/{proxy+}',
      path: '/echo/a/b%20c',
      httpMethod: 'PUT',
      queryStringParameters: { x: '2', y: '3' },
      multiValueQueryStringParameters: { x: ['1', '2'], y: ['3'] },
      pathParameters: { proxy: 'a/b c' },
      stageVariables: null,
      body: 'text body',
      isBase64Encoded: false,
      requestContext: { httpMethod: 'PUT', path: '/test/echo/a/b%20c', resourcePath: '/echo/{proxy+}', stage: 'test', accountId: '000000000000', protocol: 'HTTP/1.1', identity: { sourceIp: '127.0.0.1' } },
    });
    expect(event.headers['X-Custom']).toBe('v');
    expect(event.multiValueHeaders['X-Custom']).toEqual(['v']);
    expect(event.requestContext.requestTime).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(event.version).toBeUndefined();
  });

  it('hands an HTTP API route the 2.0 event: rawPath, rawQueryString, comma-joined query, cookies, base64 binary bodies', async () => {
    const response = await fetch(`${emulator.httpUrl}/echo/a/b?x=1&x=2`, {
      method: 'POST',
      headers: { cookie: 'a=1; b=2', 'content-type': 'application/octet-stream', 'X-Custom': 'v' },
      body: new Uint8Array([0, 255, 1]),
    });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark']);
    expect(response.headers.get('x-multi')).toBeNull(); // 2.0 does not read multiValueHeaders
    const event = await response.json();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /echo/{proxy+}',
      rawPath: '/echo/a/b',
      rawQueryString: 'x=1&x=2',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { x: '1,2' },
      pathParameters: { proxy: 'a/b' },
      body: Buffer.from([0, 255, 1]).toString('base64'),
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST', path: '/echo/a/b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' }, routeKey: 'ANY /echo/{proxy+}', stage: '$default' },
    });
    expect(event.headers['x-custom']).toBe('v');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.multiValueHeaders).toBeUndefined();
  });

  it('sends a base64 response body as bytes', async () => {
    const response = await fetch(`${emulator.httpUrl}/echo/x?binary=1`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('answers a throwing handler as each API type does: REST 502, HTTP API 500', async () => {
    const rest = await fetch(`${emulator.httpUrl}/test/boom`);
    expect(rest.status).toBe(502);
    expect(await rest.json()).toEqual({ message: 'Internal server error' });
    const http = await fetch(`${emulator.httpUrl}/boom`);
    expect(http.status).toBe(500);
    expect(await http.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('answers a route that does not exist as each API type does: REST 403, HTTP API 404', async () => {
    const rest = await fetch(`${emulator.httpUrl}/test/echo`, { method: 'GET' });
    expect(rest.status).toBe(403);
    expect(await rest.json()).toEqual({ message: 'Missing Authentication Token' });
    const http = await fetch(`${emulator.httpUrl}/plain`, { method: 'DELETE' });
    expect(http.status).toBe(404);
    expect(await http.json()).toEqual({ message: 'Not Found' });
  });

  it('answers CORS as configured: preflights for both, response headers only on the HTTP API', async () => {
    const preflight = { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } };
    const rest = await fetch(`${emulator.httpUrl}/test/notify/x`, preflight);
    expect(rest.status).toBe(200);
    expect(rest.headers.get('access-control-allow-origin')).toBe('*');
    expect(rest.headers.get('access-control-allow-methods')).toBe('OPTIONS,POST');
    const http = await fetch(`${emulator.httpUrl}/notify/x`, preflight);
    expect(http.status).toBe(204);
    expect(Object.fromEntries([...http.headers].filter(([name]) => name.startsWith('access-control')))).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'OPTIONS,GET,POST,PUT,PATCH,DELETE,HEAD',
      'access-control-allow-headers': 'Content-Type',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
    });
    const answered = await fetch(`${emulator.httpUrl}/plain`, { headers: { origin: 'https://app.example' } });
    expect(answered.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${emulator.httpUrl}/plain`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
