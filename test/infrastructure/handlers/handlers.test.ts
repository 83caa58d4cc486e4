import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocketConnectEvent } from '../../../infrastructure/handlers/connect.ts';
import { startDynalite } from '../../support/dynalite.ts';
import { startConnectionsApiRecorder } from '../../support/connections-api-recorder.ts';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'events', `${name}.json`), 'utf8')) as T;

const dynamo = await startDynalite();
const connectionsApi = await startConnectionsApiRecorder('dev');
// The composition root reads its configuration once, at import: set it first, exactly as Lambda would.
process.env.CONNECTIONS_TABLE = await dynamo.createConnectionsTable();
process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
process.env.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI = connectionsApi.endpoint;
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.BROADCAST_PAGE_SIZE = '2';
const { handler: onConnect } = await import('../../../infrastructure/handlers/connect.ts');
const { handler: onMessage } = await import('../../../infrastructure/handlers/message.ts');
const { handler: onDisconnect } = await import('../../../infrastructure/handlers/disconnect.ts');

function connectEvent(connectionId: string, query: Record<string, string> | undefined): WebSocketConnectEvent {
  const event = fixture<WebSocketConnectEvent>('connect');
  event.requestContext.connectionId = connectionId;
  if (query) event.queryStringParameters = query;
  else delete event.queryStringParameters;
  return event;
}

function messageEvent(connectionId: string, body: string, routeKey = 'sendmessage'): APIGatewayProxyWebsocketEventV2 {
  const event = fixture<APIGatewayProxyWebsocketEventV2>('message');
  Object.assign(event.requestContext, { connectionId, routeKey });
  event.body = body;
  return event;
}

function disconnectEvent(connectionId: string): APIGatewayProxyWebsocketEventV2 {
  const event = fixture<APIGatewayProxyWebsocketEventV2>('disconnect');
  event.requestContext.connectionId = connectionId;
  return event;
}

let logged: string[];
beforeAll(async () => {
  expect(await onConnect(connectEvent('AliceAAAAAAAAA1=', { room: 'ops', name: 'Alice' }))).toEqual({ statusCode: 200 });
  expect(await onConnect(connectEvent('BobBBBBBBBBBBB2=', { room: 'ops', name: 'Bob' }))).toEqual({ statusCode: 200 });
  expect(await onConnect(connectEvent('CarolCCCCCCCCC3=', undefined))).toEqual({ statusCode: 200 });
});
beforeEach(() => {
  connectionsApi.clear();
  logged = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
});
afterAll(async () => {
  vi.restoreAllMocks();
  await connectionsApi.stop();
  await dynamo.stop();
});

describe('the fixtures', () => {
  it('have the shapes API Gateway sends', () => {
    const connect = fixture<Record<string, any>>('connect');
    const message = fixture<Record<string, any>>('message');
    const disconnect = fixture<Record<string, any>>('disconnect');
    expect(connect.requestContext.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    expect(connect.requestContext.requestTime).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(connect.requestContext.messageId).toBeUndefined();
    expect(message.requestContext.messageId).toEqual(expect.any(String));
    expect(message.headers).toBeUndefined();
    expect(disconnect.requestContext).toMatchObject({ disconnectStatusCode: 1001, disconnectReason: 'Going away' });
  });
});

describe('$connect handler', () => {
  it('joins the room from the query and tells its members; logs one JSON line', async () => {
    await onConnect(connectEvent('DaveDDDDDDDDDD4=', { room: 'ops', name: 'Dave' }));
    const presence = { type: 'presence', room: 'ops', event: 'join', connectionId: 'DaveDDDDDDDDDD4=', name: 'Dave' };
    expect(connectionsApi.framesTo('AliceAAAAAAAAA1=')).toEqual([presence]);
    expect(connectionsApi.framesTo('BobBBBBBBBBBBB2=')).toEqual([presence]);
    expect(connectionsApi.framesTo('CarolCCCCCCCCC3=')).toEqual([]);
    expect(logged.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ connectionId: 'DaveDDDDDDDDDD4=', routeKey: '$connect', outcome: 'ok', room: 'ops', durationMs: expect.any(Number) }),
    ]);
  });

  it('refuses a bad room with 400 and the reason', async () => {
    const result = await onConnect(connectEvent('EveEEEEEEEEEEE5=', { room: 'bad room!' }));
    expect(result).toEqual({ statusCode: 400, body: expect.stringContaining('"room" must be 1-64 characters') });
    expect(JSON.parse(logged[0]!)).toMatchObject({ outcome: 'rejected', code: 'INVALID_MESSAGE' });
  });
});

describe('message handler', () => {
  it('sends a message to the room, sender included', async () => {
    const result = await onMessage(messageEvent('AliceAAAAAAAAA1=', '{"action":"sendmessage","room":"ops","data":"hello"}'));
    expect(result).toEqual({ statusCode: 200 });
    const frame = connectionsApi.framesTo('BobBBBBBBBBBBB2=')[0];
    expect(frame).toEqual({
      type: 'message',
      room: 'ops',
      from: 'AliceAAAAAAAAA1=',
      name: 'Alice',
      data: 'hello',
      sentAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(connectionsApi.framesTo('AliceAAAAAAAAA1=')).toEqual([frame]);
    expect(connectionsApi.framesTo('CarolCCCCCCCCC3=')).toEqual([]);
    expect(JSON.parse(logged[0]!)).toMatchObject({ routeKey: 'sendmessage', outcome: 'ok', delivered: 3, gone: 0, failed: [] });
  });

  it.each([
    ['not json at all', '$default'],
    ['["an","array"]', '$default'],
    ['{"action":"dance"}', '$default'],
  ])('answers %s with UNKNOWN_ACTION to the sender only', async (body, routeKey) => {
    const result = await onMessage(messageEvent('CarolCCCCCCCCC3=', body, routeKey));
    expect(result).toEqual({ statusCode: 400 });
    expect(connectionsApi.framesTo('CarolCCCCCCCCC3=')).toEqual([
      expect.objectContaining({ type: 'error', code: 'UNKNOWN_ACTION', actions: ['sendmessage', 'join', 'leave', 'whoami'] }),
    ]);
    expect(connectionsApi.framesTo('AliceAAAAAAAAA1=')).toEqual([]);
  });

  it('answers a bad payload with INVALID_MESSAGE naming the field', async () => {
    const result = await onMessage(messageEvent('CarolCCCCCCCCC3=', '{"action":"join","room":""}', 'join'));
    expect(result).toEqual({ statusCode: 400 });
    expect(connectionsApi.framesTo('CarolCCCCCCCCC3=')).toEqual([
      { type: 'error', code: 'INVALID_MESSAGE', message: expect.stringContaining('"room"') },
    ]);
  });

  it('answers NOT_IN_ROOM with 403', async () => {
    const result = await onMessage(messageEvent('CarolCCCCCCCCC3=', '{"action":"sendmessage","room":"ops","data":"hi"}'));
    expect(result).toEqual({ statusCode: 403 });
    expect(connectionsApi.framesTo('CarolCCCCCCCCC3=')).toEqual([expect.objectContaining({ code: 'NOT_IN_ROOM' })]);
  });

  it('tells whoami its rooms', async () => {
    await onMessage(messageEvent('CarolCCCCCCCCC3=', '{"action":"whoami"}', 'whoami'));
    expect(connectionsApi.framesTo('CarolCCCCCCCCC3=')).toEqual([
      { type: 'whoami', connectionId: 'CarolCCCCCCCCC3=', name: 'guest-Caro', rooms: ['lobby'] },
    ]);
  });

  it('rethrows a fault so API Gateway answers Internal server error, and logs it', async () => {
    const broken = messageEvent('AliceAAAAAAAAA1=', '{"action":"whoami"}', 'whoami');
    const saved = process.env.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI;
    process.env.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI = 'http://127.0.0.1:1/dev';
    try {
      await expect(onMessage(broken)).rejects.toThrow();
    } finally {
      process.env.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI = saved;
    }
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({ level: 'error', outcome: 'failed', routeKey: 'whoami' });
  });
});

describe('$disconnect handler', () => {
  it('leaves every room, tells the members, and is idempotent', async () => {
    await onMessage(messageEvent('BobBBBBBBBBBBB2=', '{"action":"join","room":"lobby"}', 'join'));
    connectionsApi.clear();
    expect(await onDisconnect(disconnectEvent('BobBBBBBBBBBBB2='))).toEqual({ statusCode: 200 });
    expect(connectionsApi.framesTo('AliceAAAAAAAAA1=')).toEqual([
      { type: 'presence', room: 'ops', event: 'leave', connectionId: 'BobBBBBBBBBBBB2=', name: 'Bob' },
    ]);
    expect(connectionsApi.framesTo('CarolCCCCCCCCC3=')).toEqual([
      { type: 'presence', room: 'lobby', event: 'leave', connectionId: 'BobBBBBBBBBBBB2=', name: 'Bob' },
    ]);
    expect(await onDisconnect(disconnectEvent('BobBBBBBBBBBBB2='))).toEqual({ statusCode: 200 });
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({ outcome: 'ok', removed: false });
  });
});
