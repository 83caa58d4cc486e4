import { describe, expect, it } from 'vitest';
import { invoke } from '../../../../local/runtime/bootstrap/invoke.ts';
import type { LambdaHandler } from '../../../../local/runtime/bootstrap/invoke.ts';

describe('invoke', () => {
  const target = { functionName: 'svc-dev-fn', memorySize: 128, region: 'us-east-1', awsRequestId: 'a0b1c2d3-0000-4000-8000-000000000000', deadline: Date.now() + 1_000 };

  it('takes the first answer: a callback after a result is ignored', async () => {
    const twice = (_e: unknown, _c: unknown, callback?: (error?: unknown, result?: unknown) => void) => {
      callback!(null, 'first');
      callback!(new Error('second'));
    };
    await expect(invoke(twice, {}, target)).resolves.toBe('first');
  });

  it('rejects with what the callback or context.fail reports', async () => {
    await expect(invoke(((_e, _c, callback) => callback!(new Error('by callback'))) as LambdaHandler, {}, target)).rejects.toThrow('by callback');
    await expect(invoke(((_e, context) => void (context as { fail(e: Error): void }).fail(new Error('by fail'))) as LambdaHandler, {}, target)).rejects.toThrow('by fail');
  });
});
