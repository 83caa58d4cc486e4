import { describe, expect, it } from 'vitest';
import { frameForRoute, sendableRoutes } from '../../../../local/pages/client/route-frames.ts';

describe('frameForRoute', () => {
  it.each([
    ['$request.body.action', 'sendmessage', undefined, { action: 'sendmessage' }],
    ['$request.body.op', 'ping', { op: 'old', n: 1 }, { op: 'ping', n: 1 }],
    ['$request.body.meta.kind', 'echo', { meta: { id: 7 } }, { meta: { id: 7, kind: 'echo' } }],
    ['${request.body.service}/${request.body.verb}', 'chat/send', undefined, { service: 'chat', verb: 'send' }],
    ['$request.body.action', 'x', ['an array is replaced'], { action: 'x' }],
  ])('%s with route %s over %j fills %j', (expression, routeKey, current, expected) => {
    expect(frameForRoute(expression, routeKey, current)).toEqual(expected);
  });

  it('gives undefined when the template cannot produce the key, and for an expression it does not read', () => {
    expect(frameForRoute('${request.body.service}/${request.body.verb}', 'no-slash')).toBeUndefined();
    expect(frameForRoute('$request.header.x', 'a')).toBeUndefined();
  });

  it('does not change the frame it was given', () => {
    const current = { op: 'a', nested: { b: 1 } };
    frameForRoute('$request.body.nested.c', 'c', current);
    expect(current).toEqual({ op: 'a', nested: { b: 1 } });
  });
});

describe('sendableRoutes', () => {
  it('leaves out the routes the handshake and the close run', () => {
    expect(sendableRoutes(['$connect', 'ping', '$disconnect', '$default'])).toEqual(['ping', '$default']);
  });
});
