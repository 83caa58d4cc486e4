import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { invoke, HandlerTimeoutError } from '../../../local/runtime/invoke.ts';
import { connectClient } from '../../support/ws-client.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let client: TestClient;
beforeAll(async () => {
  emulator = await startProject('runtimes');
  client = await connectClient(emulator.wsUrl);
});
afterAll(async () => {
  client.socket.close();
  await emulator.stop();
});

const ask = async (name: unknown) => {
  client.send({ route: { name } });
  return client.next(() => true);
};

describe('handlers in every style', () => {
  it('runs JavaScript ESM with a Lambda context: request id, name, version, ARN, memory, log group, remaining time', async () => {
    expect(await ask('esm')).toEqual({
      language: 'esm',
      routeKey: 'esm',
      awsRequestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      functionName: 'runtimes-local-esm',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:runtimes-local-esm',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/runtimes-local-esm',
      remainingMs: expect.any(Number),
      onlyEsm: 'runtimes-table-local',
    });
    const { remainingMs } = client.frames.at(-1)!;
    expect(remainingMs).toBeGreaterThan(2_000); // timeout: 3
    expect(remainingMs).toBeLessThanOrEqual(3_000);
  });

  it('waits for the callback of a CommonJS callback-style handler', async () => {
    expect(await ask('cjs')).toEqual({ language: 'cjs' });
  });

  it('takes the answer of the legacy context.succeed', async () => {
    expect(await ask('succeed')).toEqual({ language: 'cjs', via: 'context.succeed' });
  });

  it('runs TypeScript .mts without a build, selected by a nested path whose number is stringified', async () => {
    expect(await ask(42)).toEqual({ language: 'mts', routeKey: '42', selected: 42 });
  });

  it('prefers file.ts over file.js', async () => {
    expect(await ask('both')).toEqual({ language: 'ts' });
  });

  it('sends a bare string route response as is, and an object body as JSON', async () => {
    client.send('string please');
    expect(await client.next(() => true)).toEqual({ raw: 'a bare string' });
    expect(await ask('nothing-matches')).toEqual({ routeKey: '$default' });
  });
});

describe('invoke', () => {
  const target = { functionName: 'svc-dev-fn', timeoutMs: 200, region: 'us-east-1' };

  it('rejects with HandlerTimeoutError (code HANDLER_TIMEOUT) when the handler outlives its timeout', async () => {
    const never = () => new Promise(() => {});
    await expect(invoke(never, {}, target)).rejects.toMatchObject({ name: 'HandlerTimeoutError', code: 'HANDLER_TIMEOUT' });
    await expect(invoke(never, {}, target)).rejects.toBeInstanceOf(HandlerTimeoutError);
  });

  it('takes the first answer: a callback after a result is ignored', async () => {
    const twice = (_e: unknown, _c: unknown, callback?: (error?: unknown, result?: unknown) => void) => {
      callback!(null, 'first');
      callback!(new Error('second'));
    };
    await expect(invoke(twice, {}, target)).resolves.toBe('first');
  });

  it('rejects with what the callback or context.fail reports', async () => {
    await expect(invoke((_e, _c, callback) => callback!(new Error('by callback')), {}, target)).rejects.toThrow('by callback');
    await expect(invoke((_e, context) => void (context as { fail(e: Error): void }).fail(new Error('by fail')), {}, target)).rejects.toThrow('by fail');
  });
});
