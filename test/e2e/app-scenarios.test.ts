import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbConnectionRepository } from '../../infrastructure/dynamodb/dynamodb-connection-repository.ts';
import { connectClient } from '../support/ws-client.ts';
import type { TestClient } from '../support/ws-client.ts';
import { TARGETS } from './targets.ts';
import type { Target } from './targets.ts';

process.env.LOG_LEVEL = 'silent';

/**
 * Our app's scenarios against both emulators. Where serverless-offline does not do what API Gateway does, the probe
 * records what it did instead and asserts exactly that, so the README's table of differences is measured here.
 */
const observations: { target: string; probe: string; aws: string; observed: string }[] = [];
const KNOWN_DIFFERENCES: Record<string, Record<string, string>> = {
  'serverless-offline': {
    GetConnection: 'Unknown (HTTP 426)',
    'PostToConnection to a closed connection': 'Unknown (HTTP 410)',
    'connection id': '36-char UUID',
    'frame over 32 KB': 'stays open; the handler answers INVALID_MESSAGE',
    'binary frame': 'stays open; the handler answers UNKNOWN_ACTION',
    'subprotocol offered, none selected': 'accepted with "chat.v1"',
    'frame no route takes, no $default': 'nothing (dropped silently)',
  },
};

/** The app's table on the target's DynamoDB, to check what the app stored. */
function repositoryOf(target: Target): DynamoDbConnectionRepository {
  const client = new DynamoDBClient({ endpoint: target.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return new DynamoDbConnectionRepository(DynamoDBDocumentClient.from(client), 'wsgate-connections-dev');
}

function probe(target: Target, name: string, aws: string, observed: string): void {
  observations.push({ target: target.name, probe: name, aws, observed });
  expect(observed).toBe(KNOWN_DIFFERENCES[target.name]?.[name] ?? aws);
}

/**
 * How many handshakes the set-up of a big room opens at once. serverless-offline runs each concurrent invocation in a
 * worker of its own and, its tsx loader failing ("TypeScript handlers will be loaded as commonjs and re-instantiated on
 * every invocation"), loads our handlers and the SDK again for each: 25 at once on a loaded 2-core machine outlived
 * its 30 s handshake (HTTP 502) before any handler ran. Five at a time keeps that to a few loads in flight.
 */
const HANDSHAKES_AT_ONCE: Record<Target['name'], number> = { wsgate: 25, 'serverless-offline': 5 };

afterAll(() => {
  const dir = join(import.meta.dirname, '..', '..', 'test-results');
  mkdirSync(dir, { recursive: true });
  const lines = ['| behaviour | API Gateway | target | observed |', '|---|---|---|---|'];
  for (const o of observations) lines.push(`| ${o.probe} | ${o.aws} | ${o.target} | ${o.observed}${o.observed === o.aws ? ' (same)' : ''} |`);
  writeFileSync(join(dir, 'target-differences.md'), `${lines.join('\n')}\n`);
});

/**
 * `npm test` runs the scenarios on wsgate; `npm run test:offline` runs them on serverless-offline (E2E_TARGETS), alone:
 * it loads our handlers and the SDK anew for every invocation, so beside the rest of the suite on a loaded 2-core
 * machine its frames outlived any fair wait. CI runs both.
 */
const SELECTED = (process.env.E2E_TARGETS ?? 'wsgate').split(',') as Target['name'][];
for (const unknown of SELECTED.filter((n) => !(n in TARGETS))) throw new Error(`E2E_TARGETS: no target ${unknown}; known: ${Object.keys(TARGETS).join(', ')}`);

describe.each(SELECTED)('our app on %s', (name) => {
  let target: Target;
  let sdk: ApiGatewayManagementApiClient;
  const clients: TestClient[] = [];
  const join = async (room: string, who: string) => {
    const client = await connectClient(`${target.wsUrl}?room=${room}&name=${who}`);
    clients.push(client);
    return client;
  };
  /** One client per `[room, name]`, HANDSHAKES_AT_ONCE of the target at a time, in order. */
  const joinAll = async (who: [room: string, name: string][]) => {
    const joined: TestClient[] = [];
    for (let i = 0; i < who.length; i += HANDSHAKES_AT_ONCE[name]) {
      joined.push(...(await Promise.all(who.slice(i, i + HANDSHAKES_AT_ONCE[name]).map(([room, person]) => join(room, person)))));
    }
    return joined;
  };
  const idOf = async (client: TestClient) => {
    client.send({ action: 'whoami' });
    return (await client.next((f) => f.type === 'whoami', 30_000)).connectionId as string;
  };

  beforeAll(async () => {
    target = await TARGETS[name]();
    sdk = new ApiGatewayManagementApiClient({
      endpoint: target.connectionsUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  }, 60_000);
  // Stopping runs $disconnect for each of the ~270 clients still connected, ten environments at a time
  // (--max-concurrency), each delete and presence post through the SDK: measured 16–31 s at a load of 10–12.
  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    sdk?.destroy();
    await target?.stop();
  }, 120_000);

  it('delivers a message to its room only, the sender included', async () => {
    const ann = await join('alpha', 'Ann');
    const bob = await join('alpha', 'Bob');
    const cat = await join('beta', 'Cat');
    ann.send({ action: 'sendmessage', room: 'alpha', data: 'hello alpha' });
    const got = await bob.next((f) => f.type === 'message');
    expect(got).toMatchObject({ type: 'message', room: 'alpha', name: 'Ann', data: 'hello alpha', from: await idOf(ann) });
    expect(await ann.next((f) => f.type === 'message')).toEqual(got);
    cat.send({ action: 'sendmessage', room: 'beta', data: 'hello beta' });
    expect(await cat.next((f) => f.type === 'message')).toMatchObject({ room: 'beta', data: 'hello beta' });
    expect([...ann.frames, ...bob.frames].some((f) => f.data === 'hello beta')).toBe(false);
  });

  it('tells a room about joins and leaves, with names', async () => {
    const dan = await join('gamma', 'Dan');
    const eve = await join('delta', 'Eve');
    const eveId = await idOf(eve);
    eve.send({ action: 'join', room: 'gamma' });
    expect(await eve.next((f) => f.type === 'joined')).toEqual({ type: 'joined', room: 'gamma' });
    expect(await dan.next((f) => f.type === 'presence' && f.event === 'join' && f.connectionId === eveId)).toEqual({
      type: 'presence',
      room: 'gamma',
      event: 'join',
      connectionId: eveId,
      name: 'Eve',
    });
    eve.send({ action: 'whoami' });
    expect((await eve.next((f) => f.type === 'whoami')).rooms).toEqual(['delta', 'gamma']);
    eve.send({ action: 'leave', room: 'gamma' });
    expect(await eve.next((f) => f.type === 'left')).toEqual({ type: 'left', room: 'gamma' });
    expect(await dan.next((f) => f.type === 'presence' && f.event === 'leave')).toMatchObject({ connectionId: eveId, name: 'Eve' });
  });

  it('answers bad frames with errors to the sender only', async () => {
    const fay = await join('errors', 'Fay');
    const gus = await join('errors', 'Gus');
    fay.send('this is not json');
    expect(await fay.next((f) => f.type === 'error')).toMatchObject({ code: 'UNKNOWN_ACTION', actions: ['sendmessage', 'join', 'leave', 'whoami'] });
    fay.send({ action: 'dance' });
    expect(await fay.next((f) => f.type === 'error')).toMatchObject({ code: 'UNKNOWN_ACTION', message: expect.stringContaining('"dance"') });
    fay.send({ action: 'sendmessage', room: 'errors', data: 7 });
    expect(await fay.next((f) => f.type === 'error')).toMatchObject({ code: 'INVALID_MESSAGE', message: expect.stringContaining('"data"') });
    fay.send({ action: 'sendmessage', room: 'elsewhere', data: 'x' });
    expect(await fay.next((f) => f.type === 'error')).toMatchObject({ code: 'NOT_IN_ROOM' });
    // Gus heard none of it: the next thing he hears is a real message.
    fay.send({ action: 'sendmessage', room: 'errors', data: 'done' });
    expect(await gus.next((f) => f.type !== 'presence')).toMatchObject({ type: 'message', data: 'done' });
  });

  it('answers every frame of a connection whose record is gone with CONNECTION_UNKNOWN; its disconnect is a no-op', async () => {
    const ned = await join('amnesia', 'Ned');
    const ora = await join('amnesia', 'Ora');
    const nedId = await idOf(ned);
    // The store lost Ned's record (restarted empty, TTL, a race) while his socket stayed open.
    expect(await repositoryOf(target).remove(nedId)).toMatchObject({ connectionId: nedId });
    const frames = [
      { action: 'whoami' },
      { action: 'sendmessage', room: 'amnesia', data: 'still here?' },
      { action: 'join', room: 'elsewhere' },
      { action: 'leave', room: 'amnesia' },
    ];
    for (const frame of frames) {
      ned.send(frame);
      expect(await ned.next((f) => f.type === 'error', 10_000)).toEqual({
        type: 'error',
        code: 'CONNECTION_UNKNOWN',
        message: expect.stringContaining('reconnect'),
      });
    }
    ned.socket.close();
    await ned.closed;
    // Ora heard nothing of it, and her room still works after Ned's $disconnect found nothing to remove.
    ora.send({ action: 'sendmessage', room: 'amnesia', data: 'after' });
    expect(await ora.next((f) => f.type !== 'presence' || f.event !== 'join', 10_000)).toMatchObject({ type: 'message', data: 'after' });
    expect(ora.frames.filter((f) => f.type === 'presence' && f.connectionId === nedId)).toEqual([]);
  });

  it('answers payloads nested 10,000 deep, or with __proto__ keys, with INVALID_MESSAGE naming the field', async () => {
    const pia = await join('hostile', 'Pia');
    const deep = `${'['.repeat(10_000)}"x"${']'.repeat(10_000)}`;
    const cases: [string, string][] = [
      [`{"action":"sendmessage","room":"hostile","data":${deep}}`, '"data" is nested deeper'],
      [`{"action":"join","room":${deep}}`, '"room" is nested deeper'],
      ['{"action":"sendmessage","room":"hostile","data":"x","__proto__":{"room":"ops"}}', '"__proto__" is not an allowed key'],
    ];
    for (const [body, message] of cases) {
      pia.send(body);
      expect(await pia.next((f) => f.type === 'error', 10_000)).toEqual({ type: 'error', code: 'INVALID_MESSAGE', message: expect.stringContaining(message) });
    }
  });

  it('refuses a handshake with a bad room with HTTP 400', async () => {
    await expect(connectClient(`${target.wsUrl}?room=no%20spaces`)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('cleans up a client that drops mid-broadcast and still reaches everyone else', async () => {
    const members: TestClient[] = [];
    for (let i = 0; i < 12; i++) members.push(await join('drop', `m${i}`));
    const dropped = members[7]!;
    const droppedId = await idOf(dropped);
    members[0]!.send({ action: 'sendmessage', room: 'drop', data: 'mid-broadcast' });
    dropped.socket.terminate(); // no close frame: an abrupt drop
    const rest = members.filter((m) => m !== dropped);
    await Promise.all(rest.map((m) => m.next((f) => f.type === 'message' && f.data === 'mid-broadcast', 10_000)));
    await Promise.all(rest.map((m) => m.next((f) => f.type === 'presence' && f.event === 'leave' && f.connectionId === droppedId, 10_000)));
    const repository = repositoryOf(target);
    expect(await repository.find(droppedId)).toBeUndefined();
    const page = await repository.membersOf('drop', { limit: 100 });
    expect(page.connectionIds).toHaveLength(11);
    expect(page.connectionIds).not.toContain(droppedId);
  });

  it('delivers a broadcast to 200 clients in one room exactly once', async () => {
    // Set-up through the repository: 200 connects into one room would first send 19,900 presence frames.
    const crowd = await joinAll(Array.from({ length: 200 }, (_, i) => [`solo-${i}`, `c${i}`]));
    const repository = repositoryOf(target);
    for (let i = 0; i < crowd.length; i++) {
      const [id] = (await repository.membersOf(`solo-${i}`, { limit: 2 })).connectionIds;
      await repository.join(id!, 'crowd', { maxRooms: 20 });
      await repository.countMembers('crowd', 1, Date.now()); // as a real join counts, so teardown's leaves are counted too
    }
    crowd[0]!.send({ action: 'sendmessage', room: 'crowd', data: 'once' });
    await Promise.all(crowd.map((c) => c.next((f) => f.data === 'once', 30_000)));
    // Then a second broadcast: by the time it has reached everyone, a duplicate of the first would have too.
    crowd[0]!.send({ action: 'sendmessage', room: 'crowd', data: 'marker' });
    await Promise.all(crowd.map((c) => c.next((f) => f.data === 'marker', 30_000)));
    const counts = crowd.map((c) => c.frames.filter((f) => f.type === 'message' && f.data === 'once').length);
    expect(counts).toEqual(Array(200).fill(1));
  }, 90_000);

  it('tells a room bigger than 50 its member count instead of each join', async () => {
    // 50 members set up through the repository (as if they had joined earlier), then a 51st joins for real.
    const members = await joinAll(Array.from({ length: 50 }, (_, i) => [`arena-solo-${i}`, `a${i}`]));
    const repository = repositoryOf(target);
    for (let i = 0; i < members.length; i++) {
      const [id] = (await repository.membersOf(`arena-solo-${i}`, { limit: 2 })).connectionIds;
      await repository.join(id!, 'arena', { maxRooms: 20 });
      await repository.countMembers('arena', 1, Date.now());
    }
    const late = await join('arena', 'Late');
    const counts = await Promise.all(members.map((m) => m.next((f) => f.type === 'presence' && f.room === 'arena', 30_000)));
    expect(counts).toEqual(Array(50).fill({ type: 'presence', room: 'arena', event: 'count', members: 51 }));
    // A big room still carries messages to everyone, the newcomer included; the count kept up.
    late.send({ action: 'sendmessage', room: 'arena', data: 'big room' });
    await Promise.all([...members, late].map((m) => m.next((f) => f.type === 'message' && f.data === 'big room', 30_000)));
    expect((await repository.countMembers('arena', 1, Date.now())).members).toBe(52);
  }, 90_000);

  describe('API Gateway behaviours the app relies on', () => {
    it('GetConnection answers connectedAt, lastActiveAt and identity', async () => {
      const hal = await join('probe', 'Hal');
      const id = await idOf(hal);
      let observed: string;
      try {
        const info = await sdk.send(new GetConnectionCommand({ ConnectionId: id }));
        observed = info.ConnectedAt instanceof Date && info.Identity?.SourceIp ? 'connectedAt, lastActiveAt, identity' : JSON.stringify(info);
      } catch (error) {
        observed = `${(error as Error).name} (HTTP ${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode})`;
      }
      probe(target, 'GetConnection', 'connectedAt, lastActiveAt, identity', observed);
    });

    it('PostToConnection to a closed connection throws GoneException', async () => {
      const ivy = await join('probe', 'Ivy');
      const id = await idOf(ivy);
      ivy.socket.close();
      await ivy.closed;
      let observed = 'delivered';
      for (let attempt = 0; attempt < 50 && observed === 'delivered'; attempt++) {
        try {
          await sdk.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'anyone?' }));
          await new Promise((resolve) => setTimeout(resolve, 20)); // the server may not have seen the close yet
        } catch (error) {
          observed = `${(error as Error).name} (HTTP ${(error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode})`;
        }
      }
      probe(target, 'PostToConnection to a closed connection', 'GoneException (HTTP 410)', observed);
    });

    it('connection ids look like API Gateway ids', async () => {
      const id = await idOf(await join('probe', 'Jo'));
      probe(target, 'connection id', '16-char base64url ending in =', /^[A-Za-z0-9_-]{15}=$/.test(id) ? '16-char base64url ending in =' : `${id.length}-char ${/^[0-9a-f-]{36}$/.test(id) ? 'UUID' : id}`);
    });

    it('a 40 KB frame closes the connection with 1009', async () => {
      const kim = await join('probe', 'Kim');
      kim.send({ action: 'sendmessage', room: 'probe', data: 'x'.repeat(40_000) });
      const outcome = await Promise.race([
        kim.closed.then(({ code }) => `closed ${code}`),
        kim.next((f) => f.type === 'error', 5_000).then((f) => `stays open; the handler answers ${f.code}`),
      ]);
      probe(target, 'frame over 32 KB', 'closed 1009', outcome);
    });

    it('a binary frame closes the connection with 1003', async () => {
      const lee = await join('probe', 'Lee');
      lee.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      const outcome = await Promise.race([
        lee.closed.then(({ code }) => `closed ${code}`),
        lee.next((f) => f.type === 'error', 5_000).then((f) => `stays open; the handler answers ${f.code}`),
      ]);
      probe(target, 'binary frame', 'closed 1003', outcome);
    });

    it('does not echo a subprotocol the $connect handler did not select', async () => {
      const outcome = await new Promise<string>((resolve) => {
        const socket = new WebSocket(`${target.wsUrl}?room=probe&name=Max`, ['chat.v1']);
        socket.once('open', () => {
          resolve(`accepted with "${socket.protocol}"`);
          socket.terminate();
        });
        socket.once('error', (error) => resolve(`handshake fails on the client (${error.message})`));
      });
      probe(target, 'subprotocol offered, none selected', 'handshake fails on the client (Server sent no subprotocol)', outcome);
    });
  });
});

describe.each(Object.keys(TARGETS) as Target['name'][])('a project without $default on %s', (name) => {
  let target: Target;
  beforeAll(async () => {
    target = await TARGETS[name](join(import.meta.dirname, '..', 'fixtures', 'projects', 'behaviour', 'serverless.yml'));
  }, 60_000);
  afterAll(() => target?.stop(), 30_000);

  it('answers a frame no route takes with the Forbidden frame', async () => {
    const client = await connectClient(target.wsUrl);
    client.send({ action: 'nope' });
    const outcome = await client.next(() => true, 5_000).then(
      (frame) => (frame.message === 'Forbidden' && frame.connectionId && frame.requestId ? 'Forbidden frame with connectionId and requestId' : JSON.stringify(frame)),
      () => 'nothing (dropped silently)',
    );
    client.socket.terminate();
    probe(target, 'frame no route takes, no $default', 'Forbidden frame with connectionId and requestId', outcome);
  });
});
