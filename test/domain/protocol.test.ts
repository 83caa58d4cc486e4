import { beforeEach, describe, expect, it } from 'vitest';
import { checkPayload, LIMITS } from '../../domain/protocol.ts';
import { chatWorld } from './fakes.ts';
import type { ChatWorld } from './fakes.ts';

/** Nested arrays built as text: JSON.stringify itself overflows the stack on 10,000 levels. */
const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}"x"${']'.repeat(depth)}`) as unknown;
const deepObject = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`) as unknown;
const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

let t: ChatWorld;
beforeEach(async () => {
  t = await chatWorld();
});

describe('protocol', () => {
  describe('checkPayload', () => {
    it('accepts the payloads the protocol defines, and extra shallow fields', () => {
      expect(() => checkPayload({ action: 'sendmessage', room: 'lobby', data: 'hi', client: { v: [1, 2] } })).not.toThrow();
      expect(checkPayload({ action: 'whoami' })).toBeUndefined();
    });

    it.each([
      ['data', { action: 'sendmessage', data: nested(LIMITS.maxDepth + 1) }, `"data" is nested deeper than ${LIMITS.maxDepth} levels`],
      ['room', { action: 'join', room: deepObject(10_000) }, `"room" is nested deeper than ${LIMITS.maxDepth} levels`],
      ['data', { action: 'sendmessage', data: wide(LIMITS.maxValues + 1) }, `"data" holds more than ${LIMITS.maxValues} values`],
      ['__proto__', JSON.parse('{"action":"whoami","__proto__":{"admin":true}}'), '"__proto__" is not an allowed key'],
      ['data.__proto__', JSON.parse('{"action":"sendmessage","data":{"x":[{"__proto__":1}]}}'), '"data.x.0.__proto__" is not an allowed key'],
      ['constructor', { action: 'join', room: { constructor: 'x' } }, '"room.constructor" is not an allowed key'],
    ])('rejects %s with a message naming the field', (_field, payload, message) => {
      expect(() => checkPayload(payload as Record<string, unknown>)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE', message }));
    });
  });

  describe('through the router', () => {
    it.each([
      ['data nested 10,000 deep', { action: 'sendmessage', data: nested(10_000) }, '"data" is nested deeper'],
      ['room nested 10,000 deep', { action: 'join', room: nested(10_000) }, '"room" is nested deeper'],
      ['room nested 10,000 deep in sendmessage', { action: 'sendmessage', room: nested(10_000), data: 'x' }, '"room" is nested deeper'],
      ['a room that is a shallow array', { action: 'join', room: ['a', 'b'] }, '"room" must be 1-64 characters'],
      ['data that is a huge object', { action: 'sendmessage', data: wide(5_000) }, '"data" holds more than'],
      ['a __proto__ key', JSON.parse('{"action":"sendmessage","data":"hi","__proto__":{"room":"ops"}}'), '"__proto__" is not an allowed key'],
    ])('answers %s with INVALID_MESSAGE to the sender only', async (_case, payload, message) => {
      const result = await t.say('alice', payload as Record<string, unknown>);
      expect(result).toMatchObject({ outcome: 'rejected', error: { code: 'INVALID_MESSAGE' } });
      expect(t.gateway.framesTo('alice')).toEqual([
        { type: 'error', code: 'INVALID_MESSAGE', message: expect.stringContaining(message) },
      ]);
      expect(t.gateway.framesTo('bob')).toEqual([]);
    });
  });
});
