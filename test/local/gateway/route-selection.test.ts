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
    // apigateway-websocket-api-selection-expressions: an array is stringified as `[item1, item2]`
    ['$request.body.action', '{"action":["item1","item2"]}', '[item1, item2]'],
    ['$request.body.tags', '{"tags":[1,true,"x"]}', '[1, true, x]'],
    // …a path a template does not find becomes the empty string…
    ['${request.body.action}-${request.body.v}', '{"action":"join"}', 'join-'],
    ['${request.body.service}/${request.body.action}', '{"service":"chat"}', 'chat/'],
    // …and `\$` is a literal dollar sign, so `\$default` maps to the reserved $default key
    ['\\$default', '{"action":"join"}', '$default'],
    ['v1-\\$${request.body.action}', '{"action":"join"}', 'v1-$join'],
  ])('%s on %s selects %j', (expression, body, expected) => {
    expect(selectRoute(expression, body)).toBe(expected);
  });

  it.each([
    ['$request.body.action', 'not json'],
    ['$request.body.action', '{"other":1}'],
    ['$request.body.action', '{"action":null}'],
    ['$request.body.route.name', '{"route":"flat"}'],
    ['${request.body.service}/${request.body.action}', 'not json'],
  ])('%s on %s selects nothing (the frame goes to $default)', (expression, body) => {
    expect(selectRoute(expression, body)).toBeUndefined();
  });
});
