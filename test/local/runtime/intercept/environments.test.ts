import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, InvocationRecord } from '../../../../local/emulator.ts';
import { invocationOf } from '../../../support/invocations.ts';
import { connectClient } from '../../../support/ws-client.ts';
import type { TestClient } from '../../../support/ws-client.ts';
import { startProject } from '../../fixture-projects.ts';

describe('interception inside execution environments', () => {
  let emulator: Emulator;
  let client: TestClient;
  const lines: string[] = [];
  beforeAll(async () => {
    emulator = await startProject('intercepted', { isolation: 'environments', log: (line) => void lines.push(line) });
    client = await connectClient(emulator.wsUrl);
  });
  afterAll(async () => {
    client.socket.close();
    await emulator.stop();
  });

  it("delivers SDK v3's post to https://{domainName}/{stage}, from a handler importing through the tsconfig's paths", async () => {
    client.send({ action: 'v3' });
    const frame = await client.next((f) => f.via === 'sdk-v3', 15_000);
    expect(frame.endpoint).toMatch(/^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com\/local$/);
    expect(lines.some((line) => /wsgate: requests to [a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com go to http:\/\/127\.0\.0\.1:\d+/.test(line))).toBe(true);
  });

  it('delivers SDK v2 (aws-sdk, CommonJS) posting to {domainName}/{stage}', async () => {
    client.send({ action: 'v2' });
    const frame = await client.next((f) => f.via === 'sdk-v2', 15_000);
    expect(frame.endpoint).toMatch(/^[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com\/local$/);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('delivers the post of an SDK v3 from before AWS_ENDPOINT_URL_* (3.405) to https://{domainName}/{stage}', async () => {
    client.send({ action: 'oldV3' });
    const frame = await client.next((f) => f.via === 'old-sdk-v3', 15_000);
    expect(frame.endpoint).toMatch(/^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com\/local$/);
  });

  it("sends a v2 DocumentClient with no endpoint to the DynamoDB in use (DynamoDB's regional host)", async () => {
    client.send({ action: 'documentClient' });
    const frame = await client.next((f) => f.via === 'document-client', 15_000);
    expect(frame.item).toEqual({ id: expect.any(String), text: 'kept by a v2 DocumentClient' });
  });

  it("delivers a signed fetch to the API's own hostname", async () => {
    client.send({ action: 'fetch' });
    const frame = await client.next((f) => f.via === 'fetch', 15_000);
    expect(frame.url).toMatch(/^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com\/local\/@connections\/.+/);
  });

  it("answers a handler's @connections calls over its environment's port, as the HTTP API answers them", async () => {
    const management: { method: string; status: number }[] = [];
    const listener = ({ method, status }: { method: string; status: number }) => void management.push({ method, status });
    emulator.events.on('management', listener);
    try {
      client.send({ action: 'calls' });
      const frame = await client.next((f) => f.via === 'calls', 15_000);
      expect(frame).toEqual({
        via: 'calls',
        identity: { SourceIp: '127.0.0.1', UserAgent: expect.any(String) },
        gone: 'GoneException 410',
        tooLarge: 'PayloadTooLargeException 413',
        // Not a TCP socket: the relay (connections-relay.ts) carried it.
        otherStage: { status: 403, type: 'ForbiddenException', socket: 'PairedSocket' },
        bigHeaders: { status: 431, type: expect.stringMatching(/^Request Header Fields Too Large: at most 100 headers of 16384 bytes/), socket: 'PairedSocket' },
      });
      expect(management).toEqual([
        { method: 'GET', status: 200 },
        { method: 'POST', status: 410 },
        { method: 'POST', status: 413 },
        { method: 'POST', status: 403 },
        { method: 'POST', status: 200 },
      ]);
    } finally {
      emulator.events.off('management', listener);
    }
  });

  it('delivers repeated posts to another connection in order, before a synchronous stretch ends, and 410 once it has closed', async () => {
    const before = new Set(emulator.listConnections().map((c) => c.connectionId));
    const other = await connectClient(emulator.wsUrl);
    const otherId = emulator.listConnections().find((c) => !before.has(c.connectionId))!.connectionId;
    const management: number[] = [];
    const listener = ({ connectionId, status }: { connectionId: string; status: number }) => void (connectionId === otherId && management.push(status));
    emulator.events.on('management', listener);
    try {
      const first = invocationOf(emulator, 'posts', 15_000);
      client.send({ action: 'posts', to: otherId, frames: ['b1', 'b2', 'b3', 'b4'] });
      expect(await client.next((f) => f.via === 'posts', 15_000)).toEqual({ via: 'posts', got: [200, 200, 200, 200] });
      await first;
      for (const frame of ['b1', 'b2', 'b3', 'b4']) expect(await other.next(() => true, 5_000)).toEqual({ frame });

      // Frames posted before a synchronous stretch arrive during it, not when the invocation ends.
      const ended = invocationOf(emulator, 'posts', 15_000);
      let endedFirst = false;
      void ended.then(() => (endedFirst = true));
      client.send({ action: 'posts', to: otherId, frames: ['b5', 'b6'], spinMs: 2_000 });
      expect(await other.next(() => true, 5_000)).toEqual({ frame: 'b5' });
      expect(await other.next(() => true, 5_000)).toEqual({ frame: 'b6' });
      expect(endedFirst).toBe(false);
      expect(await ended).toMatchObject({ status: 200 });
      expect(await client.next((f) => f.via === 'posts', 15_000)).toEqual({ via: 'posts', got: [200, 200] });

      // Closed by its client (the gateway has its close frame before the client sees the socket close): GoneException.
      other.socket.close(1000);
      await other.closed;
      client.send({ action: 'posts', to: otherId, frames: ['lost', 'lost again'] });
      expect(await client.next((f) => f.via === 'posts', 15_000)).toEqual({ via: 'posts', got: ['GoneException 410', 'GoneException 410'] });
      expect(management).toEqual([200, 200, 200, 200, 200, 200, 410, 410]);
      expect(other.frames).toHaveLength(6);
    } finally {
      emulator.events.off('management', listener);
      other.socket.close();
    }
  });

  it('leaves a call to an unrelated host alone: it reaches that host, as sent', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.end('the unrelated server itself');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping`;
    try {
      client.send({ action: 'unrelated', url });
      const frame = await client.next((f) => f.via === 'unrelated', 15_000);
      expect(frame.answer).toBe('the unrelated server itself');
      expect(seen.map((headers) => headers.host)).toEqual([new URL(url).host]);
    } finally {
      server.close();
    }
  });

  it('leaves the emulator\'s own process unpatched', async () => {
    const http = await import('node:https');
    expect(http.request.name).toBe('request');
  });
});

describe('--no-intercept (intercept: false)', () => {
  it('leaves the AWS hostnames alone inside the environments: the post does not reach the emulator', async () => {
    const emulator = await startProject('intercepted', { isolation: 'environments', intercept: false });
    const client = await connectClient(emulator.wsUrl);
    try {
      const failed = invocationOf(emulator, 'v3', 15_000);
      client.send({ action: 'v3' });
      expect(await client.next((f) => 'message' in f, 15_000)).toMatchObject({ message: 'Internal server error' });
      expect((await failed).status).toMatch(/^(error|timeout)$/);
      expect(client.frames.filter((f) => f.via !== undefined)).toEqual([]);
    } finally {
      client.socket.close();
      await emulator.stop();
    }
  });
});
