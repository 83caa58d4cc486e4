import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import { eventSeen, startProject } from '../fixture-projects.ts';

let behaviour: Emulator;
let auth: Emulator;
beforeAll(async () => {
  [behaviour, auth] = await Promise.all([startProject('behaviour'), startProject('auth')]);
});
afterAll(async () => {
  await Promise.all([behaviour.stop(), auth.stop()]);
});

describe('$connect', () => {
  it.each([400, 401, 403, 429])('refuses the handshake with the status %i the handler returns', async (status) => {
    await expect(connectClient(`${behaviour.wsUrl}?status=${status}`)).rejects.toMatchObject({ statusCode: status });
  });

  it('refuses with 502 when the handler returns a statusCode that is no HTTP status', async () => {
    await expect(connectClient(`${behaviour.wsUrl}?status=oops`)).rejects.toMatchObject({ statusCode: 502 });
  });

  it('serves at / and at /{stage}, and refuses other paths with 403', async () => {
    const root = await connectClient(behaviour.wsUrl.replace(/\/test$/, '/'));
    root.socket.close();
    await expect(connectClient(behaviour.wsUrl.replace(/\/test$/, '/prod'))).rejects.toMatchObject({ statusCode: 403 });
  });

  it('refuses a request that is no WebSocket handshake with 400, before $connect runs', async () => {
    const runs: string[] = [];
    const onInvocation = (record: { routeKey: string; eventType: string }) => record.eventType === 'CONNECT' && runs.push(record.routeKey);
    behaviour.events.on('invocation', onInvocation);
    const { port } = new URL(behaviour.wsUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/test', headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'short', 'Sec-WebSocket-Version': '13' } });
      request.once('response', (response) => resolve(response.statusCode ?? 0));
      request.once('upgrade', () => reject(new Error('upgraded')));
      request.once('error', reject);
      request.end();
    });
    behaviour.events.off('invocation', onInvocation);
    expect(status).toBe(400);
    expect(runs).toEqual([]);
  });

  it('refuses with 500 when the $connect handler throws', async () => {
    await expect(connectClient(`${behaviour.wsUrl}?throw=1`)).rejects.toMatchObject({ statusCode: 500 });
  });

  it('selects a subprotocol only when the handler returns one', async () => {
    const chosen = await connectClient(`${behaviour.wsUrl}?protocol=chat.v2`, {});
    expect(chosen.socket.protocol).toBe('');
    chosen.socket.close();
    const selected = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(`${behaviour.wsUrl}?protocol=chat.v2`, ['chat.v1', 'chat.v2']);
      socket.once('open', () => {
        resolve(socket.protocol);
        socket.close();
      });
      socket.once('error', reject);
    });
    expect(selected).toBe('chat.v2');
    const notEchoed = await new Promise<string>((resolve) => {
      const socket = new WebSocket(behaviour.wsUrl, ['chat.v1']);
      socket.once('open', () => resolve('opened'));
      socket.once('error', (error) => resolve(error.message));
    });
    expect(notEchoed).toBe('Server sent no subprotocol');
  });
});

describe('REQUEST authorizer', () => {
  it('continues on Allow with its context stringified, principalId and integrationLatency on every later event', async () => {
    const client = await connectClient(`${auth.wsUrl}?token=abc`);
    client.send('who am i');
    // api-gateway-lambda-authorizer-output: context values reach the integration stringified ("42", "false").
    const expected = { tier: 'gold', credits: '42', admin: 'false', principalId: 'user-abc', integrationLatency: expect.any(Number) };
    expect(await client.next(() => true)).toEqual(expected);
    const connect = await eventSeen((e) => e.requestContext?.eventType === 'CONNECT' && e.requestContext.authorizer?.principalId === 'user-abc');
    expect(connect.requestContext.authorizer).toEqual(expected);
    client.socket.close();
    const { connectionId } = connect.requestContext;
    const disconnect = await eventSeen((e) => e.requestContext?.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(disconnect.requestContext.authorizer).toEqual(connect.requestContext.authorizer);
  });

  it('gives the authorizer the REQUEST event: methodArn, headers with Connection and Upgrade, the query', async () => {
    const client = await connectClient(`${auth.wsUrl}?token=shape`, { headers: { Auth: 'header-value' } });
    const { authorizerEvent: event } = await eventSeen((e) => e.authorizerEvent?.queryStringParameters?.token === 'shape');
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: expect.stringMatching(/^arn:aws:execute-api:us-east-1:000000000000:\w+\/dev\/\$connect$/),
      headers: { Connection: 'upgrade', Upgrade: 'websocket', Auth: 'header-value', 'Sec-WebSocket-Version': '13' },
      queryStringParameters: { token: 'shape' },
      stageVariables: {},
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', connectionId: expect.stringMatching(/^[\w-]{15}=$/) },
    });
    client.socket.close();
  });

  it.each([
    ['a Deny statement', 403, 'deny'],
    ['an Allow for another resource', 403, 'elsewhere'],
    ['a nested value in context', 500, 'nested'],
  ])('refuses on %s with %i', async (_label, status, token) => {
    await expect(connectClient(`${auth.wsUrl}?token=${token}`)).rejects.toMatchObject({ statusCode: status });
  });

  it('refuses with 401 when the authorizer throws Unauthorized', async () => {
    await expect(connectClient(`${auth.wsUrl}?token=throw`)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('refuses with 401 when the identity source is missing, without running the authorizer', async () => {
    const runs: unknown[] = [];
    const onInvocation = (record: { routeKey: string }) => runs.push(record.routeKey);
    auth.events.on('invocation', onInvocation);
    await expect(connectClient(auth.wsUrl)).rejects.toMatchObject({ statusCode: 401 });
    await expect(connectClient(`${auth.wsUrl}?token=`)).rejects.toMatchObject({ statusCode: 401 });
    auth.events.off('invocation', onInvocation);
    expect(runs).toEqual([]);
  });
});
