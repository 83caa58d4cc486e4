import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionUnknownError, TooManyRoomsError } from '../../../domain/errors.ts';
import { broadcast } from '../../../domain/broadcast.ts';
import { connect, chatRouter } from '../../../domain/chat.ts';
import { PRESENCE_DEFAULTS } from '../../../domain/presence.ts';
import {
  DynamoDbConnectionRepository,
  RECORD_LIFETIME_SECONDS,
} from '../../../infrastructure/dynamodb/dynamodb-connection-repository.ts';
import { startDynalite } from '../../support/dynalite.ts';
import type { TestDynamo } from '../../support/dynalite.ts';
import { FixedClock, RecordingClientGateway } from '../../domain/fakes.ts';

let dynamo: TestDynamo;
let table: string;
let repo: DynamoDbConnectionRepository;
const connectedAt = Date.parse('2026-11-24T10:00:00Z');

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.stop());
beforeEach(async () => {
  table = await dynamo.createConnectionsTable();
  repo = new DynamoDbConnectionRepository(dynamo.documents, table);
});

async function addMember(connectionId: string, ...rooms: string[]) {
  await repo.add({ connectionId, name: `name-${connectionId}`, connectedAt });
  for (const room of rooms) await repo.join(connectionId, room, { maxRooms: 20 });
}

async function allMembers(room: string, limit: number) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.membersOf(room, { limit, cursor });
    pages.push([...page.connectionIds]);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return pages;
}

describe('DynamoDbConnectionRepository', () => {
  it('stores a connection with its rooms and a TTL 2 h 15 min after it connected', async () => {
    await addMember('A', 'lobby', 'ops');
    expect(await repo.find('A')).toEqual({
      connectionId: 'A',
      name: 'name-A',
      connectedAt,
      rooms: expect.arrayContaining(['lobby', 'ops']),
    });
    const { Item } = await dynamo.documents.send(
      new GetCommand({ TableName: table, Key: { pk: 'ROOM#ops', sk: 'CONN#A' } }),
    );
    expect(Item?.expiresAt).toBe(connectedAt / 1000 + RECORD_LIFETIME_SECONDS);
    expect(RECORD_LIFETIME_SECONDS).toBe(8100);
  });

  it('reads a room page by page with Query and misses nobody', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    for (const id of ids) await addMember(id, 'big');
    await addMember('outsider', 'other');
    const pages = await allMembers('big', 5);
    expect(pages.length).toBeGreaterThanOrEqual(5);
    expect(pages.slice(0, 4).every((p) => p.length === 5)).toBe(true);
    expect(pages.flat().sort()).toEqual(ids);
  });

  it('answers an unknown connection with undefined and an empty room with no members', async () => {
    expect(await repo.find('nobody')).toBeUndefined();
    expect(await repo.remove('nobody')).toBeUndefined();
    expect(await repo.membersOf('empty', { limit: 10 })).toEqual({ connectionIds: [] });
  });

  it('removes the connection and every membership, once', async () => {
    await addMember('A', 'r1', 'r2');
    await addMember('B', 'r1');
    const removed = await repo.remove('A');
    expect(removed?.rooms.slice().sort()).toEqual(['r1', 'r2']);
    expect((await allMembers('r1', 10)).flat()).toEqual(['B']);
    expect((await allMembers('r2', 10)).flat()).toEqual([]);
    expect(await repo.remove('A')).toBeUndefined();
  });

  it('joins twice as already-member, without a duplicate', async () => {
    await addMember('A', 'r1');
    expect(await repo.join('A', 'r1', { maxRooms: 20 })).toBe('already-member');
    expect((await repo.find('A'))?.rooms).toEqual(['r1']);
    expect((await allMembers('r1', 10)).flat()).toEqual(['A']);
  });

  it('refuses a join past maxRooms and a join after disconnect', async () => {
    await addMember('A', 'r1', 'r2');
    await expect(repo.join('A', 'r3', { maxRooms: 2 })).rejects.toBeInstanceOf(TooManyRoomsError);
    expect((await allMembers('r3', 10)).flat()).toEqual([]);
    await repo.remove('A');
    await expect(repo.join('A', 'r1', { maxRooms: 20 })).rejects.toBeInstanceOf(ConnectionUnknownError);
  });

  it('never exceeds maxRooms under concurrent joins', async () => {
    await addMember('A');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => repo.join('A', `r${i}`, { maxRooms: 3 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect((await repo.find('A'))?.rooms).toHaveLength(3);
  });

  it('leaves a room once, and a leave after disconnect is not-member', async () => {
    await addMember('A', 'r1', 'r2');
    expect(await repo.leave('A', 'r1')).toBe('left');
    expect(await repo.leave('A', 'r1')).toBe('not-member');
    expect((await repo.find('A'))?.rooms).toEqual(['r2']);
    await repo.leave('A', 'r2');
    expect((await repo.find('A'))?.rooms).toEqual([]);
    await repo.remove('A');
    expect(await repo.leave('A', 'r2')).toBe('not-member');
  });

  it('cleans up a membership that outlived its connection', async () => {
    // What a join racing a disconnect can leave behind: the member item without its connection.
    await dynamo.documents.send(
      new PutCommand({ TableName: table, Item: { pk: 'ROOM#r1', sk: 'CONN#ghost', connectionId: 'ghost' } }),
    );
    expect(await repo.leave('ghost', 'r1')).toBe('left');
    expect((await allMembers('r1', 10)).flat()).toEqual([]);
  });
});

describe('add', () => {
  it('records a connection already in its first room, as add then join would', async () => {
    await repo.add({ connectionId: 'F', name: 'Fi', connectedAt, room: 'first' });
    expect(await repo.find('F')).toEqual({ connectionId: 'F', name: 'Fi', connectedAt, rooms: ['first'] });
    expect((await allMembers('first', 10)).flat()).toEqual(['F']);
    expect(await repo.join('F', 'first', { maxRooms: 20 })).toBe('already-member');
    expect(await repo.remove('F')).toMatchObject({ rooms: ['first'] });
    expect((await allMembers('first', 10)).flat()).toEqual([]);
  });
});

describe('room counts', () => {
  it('adds and subtracts atomically under concurrent changes, never below zero, in an item the members Query never reads', async () => {
    await Promise.all(Array.from({ length: 30 }, () => repo.countMembers('big', 1, connectedAt)));
    await Promise.all(Array.from({ length: 5 }, () => repo.countMembers('big', -1, connectedAt)));
    expect(await repo.countMembers('big', 1, connectedAt)).toEqual({ members: 26, announcedAt: 0 });
    expect(await repo.countMembers('empty', -1, connectedAt)).toEqual({ members: 0, announcedAt: 0 });
    await addMember('m1', 'big');
    expect((await allMembers('big', 10)).flat()).toEqual(['m1']);
    const { Item } = await dynamo.documents.send(new GetCommand({ TableName: table, Key: { pk: 'COUNT#big', sk: 'COUNT' } }));
    expect(Item?.expiresAt).toBe(Math.floor(connectedAt / 1000) + RECORD_LIFETIME_SECONDS);
  });

  it('lets exactly one of concurrent claimers announce, and only against the announcement it saw', async () => {
    await repo.countMembers('big', 1, connectedAt);
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => repo.claimCountAnnouncement('big', 0, connectedAt + i)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const { announcedAt } = await repo.countMembers('big', 1, connectedAt);
    expect(announcedAt).toBe(connectedAt + claims.indexOf(true));
    expect(await repo.claimCountAnnouncement('big', 0, connectedAt + 99)).toBe(false);
    expect(await repo.claimCountAnnouncement('big', announcedAt, connectedAt + 99)).toBe(true);
  });
});

describe('the domain on DynamoDB', () => {
  it('removes stale recipients found during a paged broadcast, keeps the sender, and reaches the rest', async () => {
    const gateway = new RecordingClientGateway();
    const clock = new FixedClock();
    const deps = { connections: repo, gateway, clock, broadcast: { concurrency: 4, pageSize: 3 }, presence: PRESENCE_DEFAULTS };
    for (let i = 0; i < 10; i++) await connect(deps, { connectionId: `c${i}`, name: `n${i}` });
    gateway.sent.length = 0;
    clock.current = new Date(clock.current.getTime() + 60_000); // past the handshake grace
    gateway.gone.add('c3').add('c7');

    const result = await chatRouter.dispatch(deps, { connectionId: 'c0', payload: { action: 'sendmessage', data: 'hello' } });

    expect(result).toMatchObject({ outcome: 'ok', delivery: { delivered: 8, gone: ['c3', 'c7'].sort() } });
    expect(await repo.find('c3')).toBeUndefined();
    expect(await repo.find('c7')).toBeUndefined();
    expect(await repo.find('c0')).toBeDefined();
    expect((await allMembers('lobby', 100)).flat().sort()).toEqual(['c0', 'c1', 'c2', 'c4', 'c5', 'c6', 'c8', 'c9']);
    // Everyone still here got the message and then two presence leaves.
    for (const id of ['c0', 'c1', 'c9']) {
      expect(gateway.framesTo(id).map((f) => (f as { type: string }).type)).toEqual(['message', 'presence', 'presence']);
    }
  });

  it('counts each member exactly once in a broadcast over many pages', async () => {
    for (let i = 0; i < 40; i++) await addMember(`p${i}`, 'room');
    const gateway = new RecordingClientGateway();
    const summary = await broadcast({ connections: repo, gateway, concurrency: 8, pageSize: 7 }, 'room', '{"n":1}');
    expect(summary.delivered).toBe(40);
    expect(new Set(gateway.sent.map((s) => s.connectionId)).size).toBe(40);
  });
});
