import { beforeEach, describe, expect, it } from 'vitest';
import { connect, disconnect } from '../../domain/chat.ts';
import { chatWorld } from './fakes.ts';
import type { ChatWorld } from './fakes.ts';

let t: ChatWorld;
const say = (connectionId: string, payload: Record<string, unknown>) => t.say(connectionId, payload);
beforeEach(async () => {
  t = await chatWorld();
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
