import { beforeEach, describe, expect, it } from 'vitest';
import { chatRouter, connect, disconnect } from '../../domain/chat.ts';
import { HANDSHAKE_GRACE_MS } from '../../domain/delivery.ts';
import { InvalidMessageError } from '../../domain/errors.ts';
import { fakeDeps } from './fakes.ts';

let t: ReturnType<typeof fakeDeps>;
const say = (connectionId: string, payload: Record<string, unknown>) =>
  chatRouter.dispatch(t.deps, { connectionId, payload });

beforeEach(async () => {
  t = fakeDeps();
  await connect(t.deps, { connectionId: 'alice', name: 'Alice' });
  await connect(t.deps, { connectionId: 'bob', name: 'Bob' });
  await connect(t.deps, { connectionId: 'carol', room: 'ops', name: 'Carol' });
  t.gateway.sent.length = 0;
});

describe('connect', () => {
  it('joins lobby by default and tells the others, not the newcomer', async () => {
    await connect(t.deps, { connectionId: 'dave' });
    expect((await t.connections.find('dave'))?.rooms).toEqual(['lobby']);
    expect((await t.connections.find('dave'))?.name).toBe('guest-dave');
    const presence = { type: 'presence', room: 'lobby', event: 'join', connectionId: 'dave', name: 'guest-dave' };
    expect(t.gateway.framesTo('alice')).toEqual([presence]);
    expect(t.gateway.framesTo('bob')).toEqual([presence]);
    expect(t.gateway.framesTo('dave')).toEqual([]);
    expect(t.gateway.framesTo('carol')).toEqual([]);
  });

  it('rejects a bad room or a name over 32 characters before storing anything', async () => {
    await expect(connect(t.deps, { connectionId: 'x', room: 'no spaces' })).rejects.toThrow(InvalidMessageError);
    await expect(connect(t.deps, { connectionId: 'y', name: 'n'.repeat(33) })).rejects.toThrow(/at most 32/);
    expect(t.connections.connections.has('x')).toBe(false);
    expect(t.connections.connections.has('y')).toBe(false);
  });
});

describe('sendmessage', () => {
  it('reaches every member of the room, sender included, and nobody else', async () => {
    const result = await say('alice', { action: 'sendmessage', data: 'hi' });
    const frame = {
      type: 'message',
      room: 'lobby',
      from: 'alice',
      name: 'Alice',
      data: 'hi',
      sentAt: '2026-11-24T10:00:00.000Z',
    };
    expect(t.gateway.framesTo('alice')).toEqual([frame]);
    expect(t.gateway.framesTo('bob')).toEqual([frame]);
    expect(t.gateway.framesTo('carol')).toEqual([]);
    expect(result).toEqual({ outcome: 'ok', delivery: { delivered: 2, gone: [], failed: [] } });
  });

  it('refuses a room the sender is not in', async () => {
    const result = await say('alice', { action: 'sendmessage', room: 'ops', data: 'psst' });
    expect(result.outcome).toBe('rejected');
    expect(t.gateway.framesTo('alice')).toEqual([
      expect.objectContaining({ type: 'error', code: 'NOT_IN_ROOM' }),
    ]);
    expect(t.gateway.framesTo('carol')).toEqual([]);
  });

  it.each([
    [{ action: 'sendmessage' }, /"data" must be a non-empty string; got nothing/],
    [{ action: 'sendmessage', data: '' }, /"data" must be a non-empty string/],
    [{ action: 'sendmessage', data: 42 }, /got a number/],
    [{ action: 'sendmessage', data: 'é'.repeat(16_385) }, /at most 32768 UTF-8 bytes; got 32770/],
    [{ action: 'sendmessage', room: '../etc', data: 'x' }, /"room" must be 1-64 characters/],
  ])('answers INVALID_MESSAGE naming the field for %j', async (payload, message) => {
    await say('alice', payload);
    const [error] = t.gateway.framesTo('alice') as { code: string; message: string }[];
    expect(error?.code).toBe('INVALID_MESSAGE');
    expect(error?.message).toMatch(message);
    expect(t.gateway.framesTo('bob')).toEqual([]);
  });

  it('accepts data of exactly 32,768 UTF-8 bytes', async () => {
    const result = await say('alice', { action: 'sendmessage', data: 'é'.repeat(16_384) });
    expect(result.outcome).toBe('ok');
  });

  it('keeps a recipient reported gone while it may still be in its handshake', async () => {
    await connect(t.deps, { connectionId: 'newbie', name: 'New' });
    t.gateway.gone.add('newbie');
    t.clock.current = new Date(t.clock.current.getTime() + HANDSHAKE_GRACE_MS - 1);
    const result = await say('alice', { action: 'sendmessage', data: 'welcome?' });
    expect(result).toMatchObject({ outcome: 'ok', delivery: { gone: ['newbie'] } });
    expect(t.connections.connections.has('newbie')).toBe(true);
  });

  it('removes a recipient found gone, tells the room, and keeps the sender', async () => {
    t.clock.current = new Date(t.clock.current.getTime() + HANDSHAKE_GRACE_MS);
    t.gateway.gone.add('bob');
    await say('alice', { action: 'sendmessage', data: 'anyone?' });
    expect(t.connections.connections.has('bob')).toBe(false);
    expect(t.connections.connections.has('alice')).toBe(true);
    expect(t.gateway.framesTo('alice').map((f) => (f as { type: string }).type)).toEqual(['message', 'presence']);
    expect(t.gateway.framesTo('alice')[1]).toEqual({
      type: 'presence',
      room: 'lobby',
      event: 'leave',
      connectionId: 'bob',
      name: 'Bob',
    });
  });
});

describe('join and leave', () => {
  it('confirms to the sender and tells the other members', async () => {
    await say('alice', { action: 'join', room: 'ops' });
    expect(t.gateway.framesTo('alice')).toEqual([{ type: 'joined', room: 'ops' }]);
    expect(t.gateway.framesTo('carol')).toEqual([
      { type: 'presence', room: 'ops', event: 'join', connectionId: 'alice', name: 'Alice' },
    ]);
    await say('alice', { action: 'leave', room: 'ops' });
    expect(t.gateway.framesTo('alice').at(-1)).toEqual({ type: 'left', room: 'ops' });
    expect(t.gateway.framesTo('carol').at(-1)).toEqual({
      type: 'presence',
      room: 'ops',
      event: 'leave',
      connectionId: 'alice',
      name: 'Alice',
    });
  });

  it('confirms a second join without a second presence event', async () => {
    await say('alice', { action: 'join', room: 'ops' });
    await say('alice', { action: 'join', room: 'ops' });
    expect(t.gateway.framesTo('alice')).toEqual([
      { type: 'joined', room: 'ops' },
      { type: 'joined', room: 'ops' },
    ]);
    expect(t.gateway.framesTo('carol')).toHaveLength(1);
  });

  it('refuses a 21st room with TOO_MANY_ROOMS', async () => {
    for (let i = 1; i < 20; i++) await say('alice', { action: 'join', room: `r${i}` });
    expect((await t.connections.find('alice'))?.rooms).toHaveLength(20);
    const result = await say('alice', { action: 'join', room: 'r20' });
    expect(result.outcome).toBe('rejected');
    expect(t.gateway.framesTo('alice').at(-1)).toMatchObject({ type: 'error', code: 'TOO_MANY_ROOMS' });
  });

  it('answers NOT_IN_ROOM when leaving a room one is not in', async () => {
    await say('alice', { action: 'leave', room: 'ops' });
    expect(t.gateway.framesTo('alice')).toEqual([expect.objectContaining({ code: 'NOT_IN_ROOM' })]);
  });
});

describe('whoami', () => {
  it('tells the sender its id, name and rooms', async () => {
    await say('alice', { action: 'join', room: 'ops' });
    await say('alice', { action: 'whoami' });
    expect(t.gateway.framesTo('alice').at(-1)).toEqual({
      type: 'whoami',
      connectionId: 'alice',
      name: 'Alice',
      rooms: ['lobby', 'ops'],
    });
  });
});

describe('router', () => {
  it.each([[{ action: 'dance' }, 'Unknown action "dance"'], [{}, 'must be JSON objects with an "action"']])(
    'answers UNKNOWN_ACTION with the known actions for %j',
    async (payload, message) => {
      const result = await say('alice', payload);
      expect(result.outcome).toBe('rejected');
      expect(t.gateway.framesTo('alice')).toEqual([
        {
          type: 'error',
          code: 'UNKNOWN_ACTION',
          message: expect.stringContaining(message),
          actions: ['sendmessage', 'join', 'leave', 'whoami'],
        },
      ]);
      expect(t.gateway.framesTo('bob')).toEqual([]);
    },
  );

  it('does not treat inherited object keys as actions', async () => {
    await say('alice', { action: 'constructor' });
    expect(t.gateway.framesTo('alice')).toEqual([expect.objectContaining({ code: 'UNKNOWN_ACTION' })]);
  });

  it('lets faults that are not domain errors propagate', async () => {
    t.gateway.failing.add('alice');
    await expect(say('alice', { action: 'whoami' })).rejects.toThrow('network down for alice');
  });

  it('rejects a connection that is already gone without replying', async () => {
    const result = await say('ghost', { action: 'whoami' });
    expect(result).toMatchObject({ outcome: 'rejected', error: { code: 'CONNECTION_GONE' } });
    expect(t.gateway.sent).toEqual([]);
  });
});

describe('disconnect', () => {
  it('leaves every room, tells each room, and is idempotent', async () => {
    await say('bob', { action: 'join', room: 'ops' });
    t.gateway.sent.length = 0;
    const removed = await disconnect(t.deps, 'bob');
    expect(removed?.rooms.slice().sort()).toEqual(['lobby', 'ops']);
    expect(t.gateway.framesTo('alice')).toEqual([
      { type: 'presence', room: 'lobby', event: 'leave', connectionId: 'bob', name: 'Bob' },
    ]);
    expect(t.gateway.framesTo('carol')).toEqual([
      { type: 'presence', room: 'ops', event: 'leave', connectionId: 'bob', name: 'Bob' },
    ]);
    expect(await disconnect(t.deps, 'bob')).toBeUndefined();
    expect(t.gateway.sent).toHaveLength(2);
  });
});
