import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionsAnswerMessage, EnvironmentMessage } from '../../../../local/runtime/environment-protocol.ts';
import { PostOutbox } from '../../../../local/runtime/intercept/post-outbox.ts';
import { INTERCEPT_PRELOAD } from '../../../../local/runtime/intercept/preload-path.ts';
import type { RelayedAnswer, RelayedCall, RelaySettings } from '../../../../local/runtime/intercept/relayed-call.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');

describe("the @connections relay inside an environment, with this test as the emulator's side of the port", () => {
  const outbox = PostOutbox.create();
  const settings: RelaySettings = { origin: 'http://127.0.0.1:9', bodyBytes: 1001, headerBytes: 16_384, headers: 100, closings: new Int32Array(new SharedArrayBuffer(4)) };
  const worker = new Worker(join(root, 'test', 'fixtures', 'intercept', 'relay-posts.mjs'), {
    workerData: { preload: INTERCEPT_PRELOAD, setup: { connectionsRelay: settings }, outbox: outbox.buffer },
    env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'wsgate-local', AWS_SECRET_ACCESS_KEY: 'wsgate-local', AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: `${settings.origin}/dev`, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8' },
  });
  afterAll(() => worker.terminate());

  /** What reached "the emulator": calls relayed (answered by `answer`), posts read from the outbox, notices. */
  const relayed: string[] = [];
  const posted: string[] = [];
  let notices = 0;
  let goneOnce = false;
  const read = () => outbox.drain((id, data) => void posted.push(`${id} ${Buffer.from(data).toString()}`));
  const answer = ({ method, url, size }: RelayedCall): RelayedAnswer => {
    const connectionId = url.split('/').pop()!;
    const headers = { 'x-amzn-RequestId': 'test' };
    if (method === 'GET') return { status: 200, headers: { ...headers, 'content-type': 'application/json' }, body: '{"connectedAt":"2026-12-02T00:00:00.000Z"}' };
    if (size > 1000) return { status: 413, headers: { ...headers, 'x-amzn-ErrorType': 'PayloadTooLargeException' }, body: '{"message":"too large"}' };
    if (goneOnce) {
      goneOnce = false;
      return { status: 410, headers: { ...headers, 'x-amzn-ErrorType': 'GoneException' }, body: '{"message":null}' };
    }
    return { status: 200, headers, deliveredTo: connectionId };
  };
  const steps: { name: string; got: unknown[] }[] = [];
  worker.on('message', (message: EnvironmentMessage | { type: 'step'; name: string; got: unknown[] }) => {
    read(); // as the emulator does before each message of an environment
    if (message.type === 'connections-call') {
      const { method, url, body } = message.call;
      relayed.push(`${method} ${url.split('/').pop()} ${Buffer.from(body).toString().slice(0, 10)}`);
      worker.postMessage({ type: 'connections-answer', id: message.id, answer: answer(message.call) } satisfies ConnectionsAnswerMessage);
    } else if (message.type === 'connections-posted') notices += 1;
    else if (message.type === 'step') steps.push(message);
  });
  const step = (name: string) => vi.waitFor(() => steps.find((s) => s.name === name) ?? Promise.reject(new Error(`no step ${name} yet`)), { timeout: 30_000, interval: 5 });

  it('relays the first post to a connection; answers the next ones in the environment, their frames in the outbox, in order', async () => {
    expect(await step('posted')).toEqual({ type: 'step', name: 'posted', got: [200, 200, 200] });
    expect(relayed).toEqual(['POST c1 one']);
    expect(posted).toEqual(['c1 two', 'c1 three']);
    expect(notices).toBe(0); // the step's own message came after them
  }, 60_000); // a fresh worker loading tsx and SDK v3 is seconds of CPU on a busy machine

  it('relays every post again once a connection has closed, until the emulator has delivered one', async () => {
    Atomics.add(settings.closings, 0, 1);
    goneOnce = true;
    worker.postMessage('go');
    expect(await step('after a close')).toMatchObject({ got: ['GoneException 410', 200, 200] });
    expect(relayed.slice(1)).toEqual(['POST c1 four', 'POST c1 five']);
    expect(posted.slice(2)).toEqual(['c1 six']);
  });

  it('relays posts to another connection, posts at the size limit and other calls', async () => {
    worker.postMessage('go');
    expect(await step('others')).toMatchObject({ got: [200, 'PayloadTooLargeException 413', 200] });
    expect(relayed.slice(3)).toEqual(['POST c2 to c2', 'POST c1 xxxxxxxxxx', 'GET c1 ']);
    expect(posted).toHaveLength(3);
  });

  it('tells the emulator of a post no message followed, and leaves one in the outbox when the thread is stuck', async () => {
    worker.postMessage('go');
    await vi.waitFor(() => expect(posted.at(-1)).toBe('c1 seven'), { timeout: 10_000, interval: 5 });
    expect(notices).toBe(1);
    worker.postMessage('go');
    // Nothing comes over the port from a thread in a synchronous loop: the frame is read from shared memory.
    await vi.waitFor(
      () => {
        read();
        expect(posted.at(-1)).toBe('c1 eight');
      },
      { timeout: 10_000, interval: 5 },
    );
    await worker.terminate();
    read();
    expect(posted).toEqual(['c1 two', 'c1 three', 'c1 six', 'c1 seven', 'c1 eight']);
    expect(relayed).toHaveLength(6);
  });
});
