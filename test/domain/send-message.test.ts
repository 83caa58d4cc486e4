import { beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../domain/chat.ts';
import { HANDSHAKE_GRACE_MS } from '../../domain/delivery.ts';
import { chatWorld } from './fakes.ts';
import type { ChatWorld } from './fakes.ts';

let t: ChatWorld;
const say = (connectionId: string, payload: Record<string, unknown>) => t.say(connectionId, payload);
beforeEach(async () => {
  t = await chatWorld();
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
