import { describe, expect, it } from 'vitest';
import { verdictOf } from '../../../local/gateway/authorizer.ts';

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:abc123/dev/$connect';
const policy = (Effect: string, Resource: unknown = ARN, context?: Record<string, unknown>) => ({
  result: { principalId: 'me', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect, Resource }] }, ...(context ? { context } : {}) },
});

describe('verdictOf', () => {
  it('allows with the context stringified, null kept, principalId and integrationLatency added', () => {
    expect(verdictOf(policy('Allow', ARN, { s: 'x', n: 1.5, b: true, z: null }), ARN, 12.4)).toEqual({
      allow: true,
      authorizer: { s: 'x', n: '1.5', b: 'true', z: null, principalId: 'me', integrationLatency: 12 },
    });
  });

  it.each([
    ['an exact ARN', ARN],
    ['a wildcard', 'arn:aws:execute-api:us-east-1:000000000000:abc123/*'],
    ['one of several resources', ['arn:aws:execute-api:*:*:other/*', 'arn:aws:execute-api:*:*:abc123/dev/*']],
    ['a single-character wildcard', 'arn:aws:execute-api:us-east-1:000000000000:abc12?/dev/$connect'],
  ])('allows when the Allow statement covers the method ARN by %s', (_label, resource) => {
    expect(verdictOf(policy('Allow', resource), ARN, 0).allow).toBe(true);
  });

  it.each([
    ['a Deny', policy('Deny'), 403],
    ['an Allow for another API', policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:other/*'), 403],
    ['a Deny next to an Allow', { result: { policyDocument: { Statement: [{ Effect: 'Allow', Resource: '*' }, { Effect: 'Deny', Resource: ARN }] } } }, 403],
    ['no policy', { result: { principalId: 'me' } }, 500],
    ['a nested context value', policy('Allow', ARN, { user: { id: 1 } }), 500],
    ['an array context value', policy('Allow', ARN, { roles: ['a'] }), 500],
    ['throwing Unauthorized', { error: new Error('Unauthorized') }, 401],
    ['throwing anything else', { error: new Error('database down') }, 500],
  ])('refuses %s with %i', (_label, outcome, status) => {
    expect(verdictOf(outcome, ARN, 0)).toMatchObject({ allow: false, status });
  });
});
