import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

let behaviour: Emulator;
let templated: Emulator;
beforeAll(async () => {
  [behaviour, templated] = await Promise.all([startProject('behaviour'), startProject('templated')]);
});
afterAll(async () => {
  await Promise.all([behaviour.stop(), templated.stop()]);
});

describe('routing frames to handlers', () => {
  it('sends the handler body back only on a route with a route response', async () => {
    const client = await connectClient(behaviour.wsUrl);
    client.send({ action: 'quiet', n: 1 });
    client.send({ action: 'echo', n: 2 });
    // Frames come back in order: had the quiet route answered, its frame would be first.
    expect(await client.next(() => true)).toEqual({ action: 'echo', n: 2 });
    client.socket.close();
  });

  it('answers Forbidden, with the connection and request ids, when no route matches and there is no $default', async () => {
    const client = await connectClient(behaviour.wsUrl);
    client.send({ action: 'nope' });
    client.send('not json either');
    const [first, second] = [await client.next(() => true), await client.next(() => true)];
    for (const frame of [first, second]) {
      expect(frame).toEqual({ message: 'Forbidden', connectionId: expect.stringMatching(/=$/), requestId: expect.stringMatching(/=$/) });
    }
    expect(first!.connectionId).toBe(second!.connectionId);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.socket.close();
  });

  it('never lets a frame select $connect or $disconnect', async () => {
    const client = await connectClient(behaviour.wsUrl);
    client.send({ action: '$disconnect' });
    client.send({ action: '$connect' });
    for (let i = 0; i < 2; i++) expect(await client.next(() => true)).toMatchObject({ message: 'Forbidden' });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.socket.close();
  });

  it('answers Internal server error when a handler throws, and keeps the connection', async () => {
    const client = await connectClient(behaviour.wsUrl);
    client.send({ action: 'boom' });
    expect(await client.next(() => true)).toEqual({ message: 'Internal server error', connectionId: expect.any(String), requestId: expect.any(String) });
    client.send({ action: 'echo', still: 'here' });
    expect(await client.next(() => true)).toEqual({ action: 'echo', still: 'here' });
    client.socket.close();
  });

  it("answers Internal server error when a handler outlives its function's timeout", async () => {
    const client = await connectClient(behaviour.wsUrl);
    const started = Date.now();
    client.send({ action: 'slow' });
    expect(await client.next(() => true, 2_500)).toMatchObject({ message: 'Internal server error' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // timeout: 1 in serverless.yml
    client.socket.close();
  });

  it('caps a handler at the integration timeout when that is shorter than its own', async () => {
    const capped = await startProject('behaviour', { integrationTimeoutMs: 200 });
    try {
      const client = await connectClient(capped.wsUrl);
      const records: { routeKey: string; status: unknown; durationMs: number }[] = [];
      capped.events.on('invocation', (record) => records.push(record));
      client.send({ action: 'slow' });
      expect(await client.next(() => true)).toMatchObject({ message: 'Internal server error' });
      expect(records).toEqual([expect.objectContaining({ routeKey: 'slow', status: 'timeout' })]);
      expect(records[0]!.durationMs).toBeLessThan(1_000); // the function's own timeout is 1 s
      client.socket.close();
    } finally {
      await capped.stop();
    }
  });

  it('handles the frames of one connection in order', async () => {
    const client = await connectClient(behaviour.wsUrl);
    for (let i = 0; i < 20; i++) client.send({ action: 'echo', i });
    const order = [];
    for (let i = 0; i < 20; i++) order.push((await client.next(() => true)).i);
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
    client.socket.close();
  });

  it('selects by a template expression and falls back to $default; callback-style handlers answer', async () => {
    const client = await connectClient(templated.wsUrl);
    client.send({ service: 'chat', action: 'send' });
    expect(await client.next(() => true)).toEqual({ routeKey: 'chat/send', functionName: 'templated-dev-send' });
    client.send({ service: 'chat', action: 'other' });
    client.send({ service: 'chat' });
    client.send('plain text');
    for (let i = 0; i < 3; i++) expect(await client.next(() => true)).toEqual({ routeKey: '$default', functionName: 'templated-dev-fallback' });
    client.socket.close();
  });

  it('accepts connections when there is no $connect route', async () => {
    const client = await connectClient(`${templated.wsUrl}?anything=1`);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.socket.close();
  });
});
