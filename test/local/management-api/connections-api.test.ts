import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { signedFetch } from '../../support/signed-fetch.ts';
import { connectClient } from '../../support/ws-client.ts';
import { eventSeen, startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let sdk: ApiGatewayManagementApiClient;
beforeAll(async () => {
  emulator = await startProject('behaviour');
  sdk = new ApiGatewayManagementApiClient({
    endpoint: emulator.connectionsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sdk.destroy();
  await emulator.stop();
});

async function connected(marker: string) {
  const client = await connectClient(`${emulator.wsUrl}?marker=${marker}`, { headers: { 'User-Agent': `agent-${marker}` } });
  const { requestContext } = await eventSeen((e) => e.queryStringParameters?.marker === marker);
  return { client, connectionId: requestContext.connectionId as string };
}

describe('@connections with the real SDK v3 client', () => {
  it('PostToConnection delivers one text frame', async () => {
    const { client, connectionId } = await connected('post');
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: '{"hello":"from the sdk"}' }));
    expect(await client.next(() => true)).toEqual({ hello: 'from the sdk' });
    client.socket.close();
  });

  it('a handler posts back through AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI', async () => {
    const { client } = await connected('post-back');
    client.send({ action: 'post', data: 'round trip' });
    expect(await client.next(() => true)).toEqual({ raw: 'posted:round trip' });
    client.socket.close();
  });

  it('GetConnection answers connectedAt, lastActiveAt and identity', async () => {
    const before = new Date();
    const { client, connectionId } = await connected('get');
    const info = await sdk.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    expect(info.ConnectedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    expect(info.LastActiveAt!.getTime()).toBeGreaterThanOrEqual(info.ConnectedAt!.getTime());
    expect(info.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent-get' });
    client.socket.close();
  });

  it('DeleteConnection closes the client and runs $disconnect', async () => {
    const { client, connectionId } = await connected('delete');
    const result = await sdk.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    expect(result.$metadata.httpStatusCode).toBe(204);
    expect((await client.closed).code).toBe(1000);
    const event = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(event.requestContext.routeKey).toBe('$disconnect');
  });

  it.each([
    ['an unknown id', async () => 'AAAAAAAAAAAAAAA='],
    [
      'a closed connection',
      async () => {
        const { client, connectionId } = await connected('closed');
        client.socket.close();
        await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
        return connectionId;
      },
    ],
  ])('throws GoneException (410) for %s, on POST, GET and DELETE', async (_label, idOf) => {
    const ConnectionId = await idOf();
    for (const command of [
      new PostToConnectionCommand({ ConnectionId, Data: 'x' }),
      new GetConnectionCommand({ ConnectionId }),
      new DeleteConnectionCommand({ ConnectionId }),
    ]) {
      await expect(sdk.send(command as never)).rejects.toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
    }
  });

  it('throws GoneException for a connection still in $connect', async () => {
    // The moment the $connect handler finishes, the handshake is not complete yet: post from inside that window.
    const outcomes: string[] = [];
    const listener = (record: { eventType: string; connectionId: string }) => {
      if (record.eventType === 'CONNECT') outcomes.push(emulator.post(record.connectionId, 'too early'));
    };
    emulator.events.on('invocation', listener);
    const { client } = await connected('early');
    emulator.events.off('invocation', listener);
    expect(outcomes).toEqual(['gone']);
    expect(client.frames).toEqual([]);
    client.socket.close();
  });

  it('throws GoneException to the SDK while the connection is still in $connect', async () => {
    const client = connectClient(`${emulator.wsUrl}?delay=400&marker=connecting`);
    const { requestContext } = await eventSeen((e) => e.queryStringParameters?.marker === 'connecting');
    for (const command of [new PostToConnectionCommand({ ConnectionId: requestContext.connectionId, Data: 'early' }), new GetConnectionCommand({ ConnectionId: requestContext.connectionId })]) {
      await expect(sdk.send(command as never)).rejects.toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
    }
    const connected = await client;
    expect(connected.frames).toEqual([]);
    connected.socket.close();
  });

  it('answers other paths and methods with 403 and x-amzn-ErrorType: ForbiddenException, and reports every call', async () => {
    const origin = emulator.connectionsUrl.replace(/\/test$/, '');
    const managed: { method: string; status: number }[] = [];
    const listener = (record: { method: string; status: number }) => managed.push({ method: record.method, status: record.status });
    emulator.events.on('management', listener);
    for (const [method, path] of [['GET', '/'], ['PUT', '/test/@connections/AAAAAAAAAAAAAAA='], ['POST', '/test/@connections'], ['GET', '/prod/@connections/AAAAAAAAAAAAAAA=']]) {
      const response = await signedFetch(`${origin}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
      expect(await response.json()).toEqual({ message: expect.stringMatching(/^Forbidden/) });
    }
    const gone = await signedFetch(`${emulator.connectionsUrl}/@connections/AAAAAAAAAAAAAAA=`, { method: 'DELETE' });
    expect([gone.status, gone.headers.get('x-amzn-errortype')]).toEqual([410, 'GoneException']);
    emulator.events.off('management', listener);
    expect(managed).toEqual([
      { method: 'GET', status: 403 },
      { method: 'PUT', status: 403 },
      { method: 'POST', status: 403 },
      { method: 'GET', status: 403 },
      { method: 'DELETE', status: 410 },
    ]);
  });

  it('throws PayloadTooLargeException (413) past 128 KB and delivers exactly 128 KB', async () => {
    const { client, connectionId } = await connected('large');
    await expect(sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'x'.repeat(131_073) }))).rejects.toMatchObject({
      name: 'PayloadTooLargeException',
      $metadata: { httpStatusCode: 413 },
    });
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'y'.repeat(131_072) }));
    expect((await client.next(() => true)).raw).toHaveLength(131_072);
    client.socket.close();
  });

  it('throws ForbiddenException (403) for another stage', async () => {
    const other = new ApiGatewayManagementApiClient({
      endpoint: emulator.connectionsUrl.replace(/\/test$/, '/prod'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    await expect(other.send(new PostToConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAA=', Data: 'x' }))).rejects.toMatchObject({
      name: 'ForbiddenException',
      $metadata: { httpStatusCode: 403 },
    });
    other.destroy();
  });

  it('serves the same API without the stage in the path', async () => {
    const { client, connectionId } = await connected('no-stage');
    const bare = new ApiGatewayManagementApiClient({
      endpoint: emulator.connectionsUrl.replace(/\/test$/, ''),
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await bare.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'bare' }));
    expect(await client.next(() => true)).toEqual({ raw: 'bare' });
    bare.destroy();
    client.socket.close();
  });
});

describe('@connections refuses what AWS refuses, and web pages', () => {
  const url = () => `${emulator.connectionsUrl}/@connections/AAAAAAAAAAAAAAA=`;

  it('answers an unsigned request with 403 ForbiddenException "Missing Authentication Token", and delivers nothing', async () => {
    const { client, connectionId } = await connected('unsigned');
    const response = await fetch(`${emulator.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`, { method: 'POST', body: 'forged' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    const signed = await signedFetch(`${emulator.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`, { method: 'POST', body: 'signed' });
    expect(signed.status).toBe(200);
    expect(await client.next(() => true)).toEqual({ raw: 'signed' });
    expect(client.frames).toEqual([{ raw: 'signed' }]);
    client.socket.close();
  });

  it.each([
    ['a cross-site Origin', { origin: 'https://evil.example' }],
    ['its own Origin', { origin: 'http://127.0.0.1' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a browser request (%s) with 403 even when signed', async (_label, headers) => {
    const response = await signedFetch(url(), { method: 'POST', body: 'x', headers });
    expect([response.status, response.headers.get('x-amzn-errortype')]).toEqual([403, 'ForbiddenException']);
    expect((await response.json()).message).toMatch(/^Requests from web pages may not call @connections/);
  });

  it('refuses a Host it is not served as (DNS rebinding) with 403 saying why, and answers the loopback names', async () => {
    const refused = await signedFetch(url(), { method: 'GET', headers: { host: 'rebind.example' } });
    expect([refused.status, refused.headers.get('x-amzn-errortype')]).toEqual([403, 'ForbiddenException']);
    expect((await refused.json()).message).toMatch(
      // The environments' intercepted requests keep the AWS host they were meant for, which no rebinding page can have.
      /^Host "rebind\.example" is not a name this server is served as \(127\.0\.0\.1, localhost, \[::1\], \*\.execute-api\.us-east-1\.amazonaws\.com\).*--allowed-host rebind\.example/,
    );
    for (const host of ['localhost', 'LOCALHOST:1', '127.0.0.1:9', '[::1]:3001']) {
      const response = await signedFetch(url(), { method: 'GET', headers: { host } });
      expect([host, response.status]).toEqual([host, 410]);
    }
  });
});
