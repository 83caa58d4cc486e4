import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, InvocationRecord } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let lambda: LambdaClient;
beforeAll(async () => {
  emulator = await startProject('triggers');
  lambda = new LambdaClient({ endpoint: emulator.lambdaUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => {
  lambda?.destroy();
  await emulator?.stop();
});

const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));

describe('the Lambda Invoke API', () => {
  it.each([
    ['its name', 'triggers-test-add'],
    ['its ARN', 'arn:aws:lambda:us-east-1:000000000000:function:triggers-test-add'],
    ['its partial ARN', '000000000000:function:triggers-test-add'],
  ])('answers a RequestResponse invoke by %s with the function\'s result', async (_label, name) => {
    const output = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ a: 2, b: 40 }) }));
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBeUndefined();
    expect(output.ExecutedVersion).toBe('$LATEST');
    expect(decode(output.Payload)).toEqual({ sum: 42 });
  });

  it('answers a failing function with FunctionError Unhandled and Lambda\'s error payload, and records it', async () => {
    const recorded = new Promise<InvocationRecord>((resolve) => emulator.events.once('invocation', resolve));
    const output = await lambda.send(new InvokeCommand({ FunctionName: 'triggers-test-fail', Payload: '{}' }));
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    const payload = decode(output.Payload);
    expect(payload).toMatchObject({ errorType: 'FixtureError', errorMessage: 'the fixture fails on purpose' });
    expect(payload.trace[0]).toBe('FixtureError: the fixture fails on purpose');
    expect(await recorded).toMatchObject({ connectionId: '', eventType: 'INVOKE', routeKey: 'fail', status: 'error', error: 'FixtureError: the fixture fails on purpose' });
  });

  it('answers Event with 202 at once and DryRun with 204 without running it', async () => {
    const dry = await lambda.send(new InvokeCommand({ FunctionName: 'triggers-test-add', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    const ran = new Promise<InvocationRecord>((resolve) => emulator.events.once('invocation', resolve));
    const queued = await lambda.send(new InvokeCommand({ FunctionName: 'triggers-test-add', InvocationType: 'Event', Payload: '{"a":1,"b":1}' }));
    expect(queued.StatusCode).toBe(202);
    expect(await ran).toMatchObject({ eventType: 'INVOKE', routeKey: 'add', status: 200 });
  });

  it('throws ResourceNotFoundException for a function the config does not have, and InvalidRequestContentException for a payload that is not JSON', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    });
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'triggers-test-add', Payload: 'not json' }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  // The fixture's `new LambdaClient({})` finds the emulator only through the AWS_ENDPOINT_URL_LAMBDA of its environment.
  it('lets $connect invoke a second function asynchronously that greets the client (the ack-connect sample)', async () => {
    const client = await connectClient(emulator.wsUrl);
    try {
      const connectionId = emulator.listConnections()[0]!.connectionId;
      expect(await client.next((frame) => frame.type === 'greeting')).toEqual({ type: 'greeting', connectionId });
    } finally {
      client.socket.close();
    }
  });
});
