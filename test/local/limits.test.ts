import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../local/emulator.ts';
import { connectClient } from '../support/ws-client.ts';
import { eventSeen, startProject } from './fixture-projects.ts';

let emulator: Emulator;
let short: Emulator;
beforeAll(async () => {
  [emulator, short] = await Promise.all([
    startProject('behaviour'),
    startProject('behaviour', { idleTimeoutMs: 300, maxDurationMs: 900 }),
  ]);
});
afterAll(async () => {
  await Promise.all([emulator.stop(), short.stop()]);
});

const echoOf = (size: number) => JSON.stringify({ action: 'echo', pad: 'x'.repeat(size - 26) });

describe('API Gateway limits', () => {
  it('passes a frame of exactly 32 KB', async () => {
    const client = await connectClient(emulator.wsUrl);
    const frame = echoOf(32_768);
    expect(Buffer.byteLength(frame)).toBe(32_768);
    client.send(frame);
    expect((await client.next(() => true)).pad).toHaveLength(32_768 - 26);
    client.socket.close();
  });

  it('closes with 1009 on a frame over 32 KB, and $disconnect hears 1009', async () => {
    const client = await connectClient(emulator.wsUrl);
    client.send({ action: 'echo', marker: 'frame-limit' });
    const { requestContext } = await eventSeen((e) => e.body?.includes('frame-limit'));
    client.send(echoOf(32_769));
    expect((await client.closed).code).toBe(1009);
    const disconnect = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === requestContext.connectionId);
    expect(disconnect.requestContext.disconnectStatusCode).toBe(1009);
  });

  it('passes a 128 KB message sent in 32 KB fragments, and closes with 1009 past 128 KB', async () => {
    const client = await connectClient(emulator.wsUrl);
    const send = (text: string) => {
      const chunks = text.match(/[\s\S]{1,32768}/g)!;
      chunks.forEach((chunk, i) => client.socket.send(chunk, { fin: i === chunks.length - 1 }));
    };
    send(echoOf(131_072));
    expect((await client.next(() => true)).pad).toHaveLength(131_072 - 26);
    send(echoOf(131_073));
    expect((await client.closed).code).toBe(1009);
  });

  it('closes with 1003 on a binary frame', async () => {
    const client = await connectClient(emulator.wsUrl);
    client.socket.send(Buffer.from('{"action":"echo"}'), { binary: true });
    expect(await client.closed).toEqual({ code: 1003, reason: 'Binary frames are not supported' });
  });

  it('closes an idle connection with 1001, and activity keeps it open', async () => {
    const client = await connectClient(short.wsUrl);
    const opened = Date.now();
    const ping = setInterval(() => client.send({ action: 'echo' }), 100);
    await new Promise((resolve) => setTimeout(resolve, 500)); // longer than the 300 ms idle limit, kept busy
    clearInterval(ping);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    const { code, reason } = await client.closed;
    expect(code).toBe(1001);
    expect(reason).toMatch(/idle/);
    expect(Date.now() - opened).toBeLessThan(900);
  });

  it('closes every connection with 1001 at the maximum duration, however busy', async () => {
    const client = await connectClient(short.wsUrl);
    const opened = Date.now();
    const ping = setInterval(() => client.send({ action: 'echo' }), 100);
    const { code, reason } = await client.closed;
    clearInterval(ping);
    expect(code).toBe(1001);
    expect(reason).toMatch(/duration/);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(850);
  });

  it('keeps serving everyone else when a client misbehaves', async () => {
    const good = await connectClient(emulator.wsUrl);
    const bad = await connectClient(emulator.wsUrl);
    bad.socket.send(Buffer.from([0xff]), { binary: true });
    bad.socket.terminate();
    good.send({ action: 'echo', ok: true });
    expect(await good.next(() => true)).toEqual({ action: 'echo', ok: true });
    good.socket.close();
  });
});
