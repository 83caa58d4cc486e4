import { beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../domain/chat.ts';
import { InvalidMessageError } from '../../domain/errors.ts';
import { chatWorld } from './fakes.ts';
import type { ChatWorld } from './fakes.ts';

let t: ChatWorld;
const say = (connectionId: string, payload: Record<string, unknown>) => t.say(connectionId, payload);
beforeEach(async () => {
  t = await chatWorld();
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
