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
    ['a Deny', 403, policy('Deny')],
    ['an Allow for another API', 403, policy('Allow', 'arn:aws:execute-api:us-east-1:000000000000:other/*')],
    ['a Deny next to an Allow', 403, { result: { policyDocument: { Statement: [{ Effect: 'Allow', Resource: '*' }, { Effect: 'Deny', Resource: ARN }] } } }],
    ['no policy', 500, { result: { principalId: 'me' } }],
    ['a nested context value', 500, policy('Allow', ARN, { user: { id: 1 } })],
    ['an array context value', 500, policy('Allow', ARN, { roles: ['a'] })],
    ['throwing Unauthorized', 401, { error: new Error('Unauthorized') }],
    ['throwing anything else', 500, { error: new Error('database down') }],
  ])('refuses %s with %i', (_label, status, outcome) => {
    expect(verdictOf(outcome, ARN, 0)).toMatchObject({ allow: false, status });
  });
});
