import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, InvocationRecord } from '../../../local/emulator.ts';
import { invocationOf } from '../../support/invocations.ts';
import { connectClient } from '../../support/ws-client.ts';
import { eventSeen, startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let idle: Emulator;
let lifetime: Emulator;
beforeAll(async () => {
  [emulator, idle, lifetime] = await Promise.all([
    startProject('behaviour'),
    startProject('behaviour', { idleTimeoutMs: 300 }),
    startProject('behaviour', { maxDurationMs: 900 }),
  ]);
});
afterAll(async () => {
  await Promise.all([emulator.stop(), idle.stop(), lifetime.stop()]);
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

  it('runs $disconnect after the frames that came before the close, a frame arriving while it closes included', async () => {
    const runs: InvocationRecord[] = [];
    const listener = (record: InvocationRecord) => void runs.push(record);
    emulator.events.on('invocation', listener);
    try {
      const client = await connectClient(emulator.wsUrl);
      const { connectionId } = runs.filter((record) => record.routeKey === '$connect').at(-1)!; // its $connect ran before the handshake ended
      const disconnected = invocationOf(emulator, (record) => record.routeKey === '$disconnect' && record.connectionId === connectionId);
      client.send({ action: 'slow' }); // outlives its 1 s timeout
      client.socket.send(Buffer.from('{"action":"echo"}'), { binary: true }); // the gateway closes with 1003
      client.send({ action: 'echo' }); // comes while the connection is closing: not run
      expect((await client.closed).code).toBe(1003);
      await disconnected;
      expect(runs.filter((record) => record.connectionId === connectionId).map((record) => [record.routeKey, record.status])).toEqual([
        ['$connect', 200],
        ['slow', 'timeout'],
        ['$disconnect', 200],
      ]);
    } finally {
      emulator.events.off('invocation', listener);
    }
  });

  it('closes an idle connection with 1001, and activity keeps it open', async () => {
    const client = await connectClient(idle.wsUrl);
    const opened = Date.now();
    const ping = setInterval(() => client.send({ action: 'echo' }), 100);
    // Five replies at 100 ms intervals: busy for longer than the 300 ms idle limit.
    for (let i = 0; i < 5; i++) await client.next(() => true);
    clearInterval(ping);
    expect(Date.now() - opened).toBeGreaterThan(300);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    const { code, reason } = await client.closed;
    expect(code).toBe(1001);
    expect(reason).toBe('Going away');
  });

  it('closes every connection with 1001 at the maximum duration, however busy', async () => {
    const client = await connectClient(lifetime.wsUrl);
    const opened = Date.now();
    const ping = setInterval(() => client.send({ action: 'echo' }), 100);
    const { code, reason } = await client.closed;
    clearInterval(ping);
    expect(code).toBe(1001);
    expect(reason).toBe('Going away');
    expect(Date.now() - opened).toBeGreaterThanOrEqual(850);
  });

  it('closes a connection that sends a malformed frame, and runs its $disconnect with 1002 (protocol error)', async () => {
    const client = await connectClient(emulator.wsUrl);
    client.send({ action: 'echo', marker: 'malformed' });
    const { requestContext } = await eventSeen((e) => e.body?.includes('"malformed"'));
    // A client frame without a mask breaks RFC 6455 (5.1): written straight to the TCP socket.
    (client.socket as unknown as { _socket: { write(data: Buffer): void } })._socket.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    // ws answers with a 1002 close frame; the client may see the TCP close first (1006).
    expect([1002, 1006]).toContain((await client.closed).code);
    const disconnect = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === requestContext.connectionId);
    expect(disconnect.requestContext.disconnectStatusCode).toBe(1002);
  });

  it('runs $disconnect with 1006 for a client gone while its $connect ran, and goes on serving', async () => {
    const quitter = new WebSocket(`${emulator.wsUrl}?delay=150&marker=quitter`);
    quitter.on('error', () => {});
    const connect = await eventSeen((e) => e.queryStringParameters?.marker === 'quitter');
    quitter.terminate();
    const disconnect = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connect.requestContext.connectionId);
    expect(disconnect.requestContext).toMatchObject({ disconnectStatusCode: 1006 });
    const client = await connectClient(emulator.wsUrl);
    client.send({ action: 'echo', still: 'serving' });
    expect(await client.next(() => true)).toEqual({ action: 'echo', still: 'serving' });
    client.socket.close();
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
