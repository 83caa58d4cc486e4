import { describe, expect, it } from 'vitest';
import { apiIdFor, executeApiDomain } from '../../../local/model/api-id.ts';

describe('apiIdFor', () => {
  it('is 10 lowercase letters and digits, the same every time for one service, stage and region', () => {
    const id = apiIdFor('chat', 'dev', 'us-east-1');
    expect(id).toMatch(/^[a-z0-9]{10}$/);
    expect(apiIdFor('chat', 'dev', 'us-east-1')).toBe(id);
    expect(new Set([id, apiIdFor('chat', 'prod', 'us-east-1'), apiIdFor('chat', 'dev', 'eu-west-1'), apiIdFor('chat2', 'dev', 'us-east-1')]).size).toBe(4);
  });

  it('names the API as AWS does: {apiId}.execute-api.{region}.amazonaws.com', () => {
    expect(executeApiDomain('abc123defg', 'eu-west-2')).toBe('abc123defg.execute-api.eu-west-2.amazonaws.com');
  });
});
