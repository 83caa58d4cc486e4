import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import { eventSeen, startProject } from '../fixture-projects.ts';

const ID = /^[A-Za-z0-9_-]{15}=$/;
const captured = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'events', `${name}.json`), 'utf8'));
/** Every key path of an object, e.g. `requestContext.identity.sourceIp` (header names are compared apart). */
const keyPaths = (value: unknown, prefix = ''): string[] =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value).flatMap(([key, item]) => (/[Hh]eaders$/.test(key) ? [prefix + key] : [prefix + key, ...keyPaths(item, `${prefix}${key}.`)]))
    : [];
const CLF = /^\d{2}\/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startProject('behaviour');
});
afterAll(() => emulator.stop());

describe('the events handlers receive', () => {
  it('$connect: the upgrade headers, the query, the request context; no messageId', async () => {
    const client = await connectClient(`${emulator.wsUrl}?room=a&room=b&marker=connect-shape`, { headers: { 'User-Agent': 'fixture-agent/1.0' } });
    const event = await eventSeen((e) => e.queryStringParameters?.marker === 'connect-shape');
    expect(event.queryStringParameters).toEqual({ room: 'b', marker: 'connect-shape' });
    expect(event.multiValueQueryStringParameters).toEqual({ room: ['a', 'b'], marker: ['connect-shape'] });
    expect(event.headers).toMatchObject({
      Host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      'Sec-WebSocket-Key': expect.any(String),
      'Sec-WebSocket-Version': '13',
      'User-Agent': 'fixture-agent/1.0',
      'X-Forwarded-For': '127.0.0.1',
      'X-Forwarded-Proto': 'http',
    });
    expect(event.multiValueHeaders['Sec-WebSocket-Version']).toEqual(['13']);
    expect(event.isBase64Encoded).toBe(false);
    const context = event.requestContext;
    expect(context).toMatchObject({
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      stage: 'test',
      connectionId: expect.stringMatching(ID),
      requestId: expect.stringMatching(ID),
      identity: { sourceIp: '127.0.0.1', userAgent: 'fixture-agent/1.0' },
    });
    expect(context.extendedRequestId).toBe(context.requestId);
    expect(context.requestTime).toMatch(CLF);
    expect(context.requestTimeEpoch).toBeGreaterThanOrEqual(context.connectedAt);
    expect(context).not.toHaveProperty('messageId');
    expect(context).not.toHaveProperty('authorizer');
    client.socket.close();
  });

  it('MESSAGE: the body and a messageId; no headers or query', async () => {
    const client = await connectClient(emulator.wsUrl);
    client.send({ action: 'echo', marker: 'message-shape' });
    await client.next((f) => f.marker === 'message-shape');
    const event = await eventSeen((e) => e.body?.includes('message-shape'));
    expect(event).not.toHaveProperty('headers');
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({ routeKey: 'echo', eventType: 'MESSAGE', messageId: expect.stringMatching(ID) });
    client.socket.close();
  });

  it.each([
    ['a close with a code and reason', (c: any) => c.socket.close(4001, 'bye now'), 4001, 'bye now'],
    ['a close without a code', (c: any) => c.socket.close(), 1005, 'Client-side close frame status not set'],
    ['an abnormal drop', (c: any) => c.socket.terminate(), 1006, ''],
    ['a DeleteConnection', (_c: any, id: string) => emulator.disconnect(id), 1000, 'Connection Closed Normally'],
  ])('$disconnect after %s: disconnectStatusCode and disconnectReason', async (_label, close: (c: any, id: string) => unknown, code, reason) => {
    const client = await connectClient(emulator.wsUrl);
    const marker = `disconnect-${code}`;
    client.send({ action: 'echo', marker });
    await client.next((f) => f.marker === marker);
    const connectionId = (await eventSeen((e) => e.body?.includes(marker))).requestContext.connectionId;
    close(client, connectionId);
    const event = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(event.requestContext).toMatchObject({ routeKey: '$disconnect', disconnectStatusCode: code, disconnectReason: reason });
    expect(Object.keys(event.headers).sort()).toEqual(['Host', 'X-Forwarded-For', 'x-api-key', 'x-restapi']);
  });

  it('have exactly the keys of events captured from API Gateway, with the same header names', async () => {
    const client = await connectClient(`${emulator.wsUrl}?room=ops&name=captured`, { headers: { 'User-Agent': 'captured/1.0' } });
    const connect = await eventSeen((e) => e.queryStringParameters?.name === 'captured');
    client.send({ action: 'echo', marker: 'captured' });
    await client.next((f) => f.marker === 'captured');
    const message = await eventSeen((e) => e.body?.includes('"captured"'));
    client.socket.close(1001, 'Going away');
    const disconnect = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connect.requestContext.connectionId);

    for (const [name, event] of [['connect', connect], ['message', message], ['disconnect', disconnect]] as const) {
      expect(keyPaths(event).sort(), name).toEqual(keyPaths(captured(name)).sort());
    }
    expect(Object.keys(connect.headers).sort()).toEqual(Object.keys(captured('connect').headers).sort());
    expect(connect.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(Object.keys(disconnect.headers).sort()).toEqual(Object.keys(captured('disconnect').headers).sort());
    expect(disconnect.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
  });

  it('gives handlers the resolved environment and the SDK endpoint variables', async () => {
    const client = await connectClient(emulator.wsUrl);
    client.send({ action: 'env' });
    const env = await client.next((f) => f.GREETING !== undefined);
    expect(env).toEqual({
      GREETING: 'hello-test',
      TABLE_NAME: 'items-test',
      FROM_ENV: process.env.WSGATE_FIXTURE_ENV ?? 'fallback',
      managementEndpoint: emulator.connectionsUrl,
      dynamodbEndpoint: emulator.dynamodbEndpoint,
      region: 'us-east-1',
    });
    client.socket.close();
  });
});
