import { beforeEach, describe, expect, it } from 'vitest';
import { chatWorld } from './fakes.ts';
import type { ChatWorld } from './fakes.ts';

let t: ChatWorld;
const say = (connectionId: string, payload: Record<string, unknown>) => t.say(connectionId, payload);
beforeEach(async () => {
  t = await chatWorld();
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
