import { beforeEach, describe, expect, it } from 'vitest';
import { chatWorld } from './fakes.ts';
import type { ChatWorld } from './fakes.ts';

let t: ChatWorld;
const say = (connectionId: string, payload: Record<string, unknown>) => t.say(connectionId, payload);
beforeEach(async () => {
  t = await chatWorld();
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

  it.each([
    ['whoami', { action: 'whoami' }],
    ['sendmessage', { action: 'sendmessage', data: 'hello?' }],
    ['join', { action: 'join', room: 'ops' }],
    ['leave', { action: 'leave', room: 'lobby' }],
  ])('tells a connection with no record (store reset, TTL) to reconnect on %s', async (_action, payload) => {
    const result = await say('ghost', payload);
    expect(result).toMatchObject({ outcome: 'rejected', error: { code: 'CONNECTION_UNKNOWN' } });
    expect(t.gateway.sent).toEqual([
      {
        connectionId: 'ghost',
        frame: { type: 'error', code: 'CONNECTION_UNKNOWN', message: expect.stringContaining('reconnect') },
      },
    ]);
    expect(t.connections.connections.has('ghost')).toBe(false);
  });
});
