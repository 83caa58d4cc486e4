import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../local/emulator.ts';
import { connectClient } from '../support/ws-client.ts';
import { eventSeen, startProject } from './fixture-projects.ts';

const ID = /^[A-Za-z0-9_-]{15}=$/;
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
    ['a close without a code', (c: any) => c.socket.close(), 1005, ''],
    ['an abnormal drop', (c: any) => c.socket.terminate(), 1006, ''],
  ])('$disconnect after %s: disconnectStatusCode and disconnectReason', async (_label, close, code, reason) => {
    const client = await connectClient(emulator.wsUrl);
    const marker = `disconnect-${code}`;
    client.send({ action: 'echo', marker });
    await client.next((f) => f.marker === marker);
    const connectionId = (await eventSeen((e) => e.body?.includes(marker))).requestContext.connectionId;
    close(client);
    const event = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(event.requestContext).toMatchObject({ routeKey: '$disconnect', disconnectStatusCode: code, disconnectReason: reason });
    expect(Object.keys(event.headers).sort()).toEqual(['Host', 'X-Forwarded-For', 'x-api-key', 'x-restapi']);
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
