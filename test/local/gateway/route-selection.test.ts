import { describe, expect, it } from 'vitest';
import { selectRoute } from '../../../local/gateway/route-selection.ts';

describe('selectRoute', () => {
  it.each([
    ['$request.body.action', '{"action":"join"}', 'join'],
    ['$request.body.action', '{"action":42}', '42'],
    ['$request.body.action', '{"action":true}', 'true'],
    ['$request.body.action', '{"action":{"a":1}}', '{"a":1}'],
    ['$request.body.route.name', '{"route":{"name":"deep"}}', 'deep'],
    ['${request.body.service}/${request.body.action}', '{"service":"chat","action":"send"}', 'chat/send'],
    ['${request.body.service}/${request.body.action}', '{"service":"chat","action":7}', 'chat/7'],
    ['constant', '{}', 'constant'],
  ])('%s on %s selects %j', (expression, body, expected) => {
    expect(selectRoute(expression, body)).toBe(expected);
  });

  it.each([
    ['$request.body.action', 'not json'],
    ['$request.body.action', '{"other":1}'],
    ['$request.body.action', '{"action":null}'],
    ['$request.body.route.name', '{"route":"flat"}'],
    ['${request.body.service}/${request.body.action}', '{"service":"chat"}'],
  ])('%s on %s selects nothing (the frame goes to $default)', (expression, body) => {
    expect(selectRoute(expression, body)).toBeUndefined();
  });
});
