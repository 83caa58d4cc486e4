import { beforeEach, describe, expect, it } from 'vitest';
import { chatWorld } from './fakes.ts';
import type { ChatWorld } from './fakes.ts';

let t: ChatWorld;
const say = (connectionId: string, payload: Record<string, unknown>) => t.say(connectionId, payload);
beforeEach(async () => {
  t = await chatWorld();
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
