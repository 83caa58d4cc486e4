import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { InvocationRecord, ManagementRecord } from '../../../local/emulator.ts';
import { InspectorFeed, PAYLOAD_CHARACTERS } from '../../../local/pages/inspector-feed.ts';
import type { FeedMessage } from '../../../local/pages/inspector-feed.ts';

/** The part of the emulator the feed reads: its events and its connection list. */
function fakeEmulator() {
  return { events: new EventEmitter(), listConnections: () => [] };
}

const post = (connectionId: string, payload?: string | Uint8Array): ManagementRecord => ({
  time: '2026-12-02T04:00:00.000Z',
  method: 'POST',
  connectionId,
  status: 200,
  ...(payload !== undefined ? { payload } : {}),
});

describe('InspectorFeed', () => {
  it('keeps the newest entries, oldest first, with their sequence numbers, past many times its size', () => {
    const emulator = fakeEmulator();
    const feed = new InspectorFeed(emulator, 3);
    for (let i = 1; i <= 10; i++) emulator.events.emit('management', post(`c${i}`));
    const entries = feed.entries();
    expect(entries.map((e) => [e.seq, e.connectionId])).toEqual([
      [8, 'c8'],
      [9, 'c9'],
      [10, 'c10'],
    ]);
    expect(entries[0]).toEqual({ kind: 'management', seq: 8, time: '2026-12-02T04:00:00.000Z', method: 'POST', connectionId: 'c8', status: 200 });
    feed.close();
  });

  it('holds fewer entries than its size in order, and forgets them all on clear', () => {
    const emulator = fakeEmulator();
    const feed = new InspectorFeed(emulator, 5);
    emulator.events.emit('management', post('a'));
    emulator.events.emit('disconnect', { time: '2026-12-02T04:00:01.000Z', connectionId: 'a', statusCode: 1000, reason: 'bye' });
    expect(feed.entries().map((e) => e.kind)).toEqual(['management', 'disconnect']);
    feed.clear();
    expect(feed.entries()).toEqual([]);
    emulator.events.emit('management', post('b'));
    expect(feed.entries().map((e) => [e.seq, e.connectionId])).toEqual([[3, 'b']]);
    feed.close();
  });

  it('pushes each entry to an open inspector as it comes, the same entry the log then replays', () => {
    const emulator = fakeEmulator();
    const feed = new InspectorFeed(emulator, 10);
    const pushed: FeedMessage[] = [];
    const unsubscribe = feed.subscribe((message) => pushed.push(message));
    emulator.events.emit('management', post('a', Buffer.from('{"hello":1}')));
    expect(pushed).toEqual([{ type: 'entry', entry: { kind: 'management', seq: 1, time: '2026-12-02T04:00:00.000Z', method: 'POST', connectionId: 'a', status: 200, payload: { bytes: 11, text: '{"hello":1}', truncated: false } } }]);
    expect(feed.entries()[0]).toBe((pushed[0] as { entry: unknown }).entry);
    unsubscribe();
    feed.close();
  });

  it('shows posted bytes as they were when posted, even if the caller reuses its buffer', () => {
    const emulator = fakeEmulator();
    const feed = new InspectorFeed(emulator, 10);
    const buffer = Buffer.from('first');
    emulator.events.emit('management', post('a', buffer));
    buffer.write('later');
    expect(feed.entries()[0]).toMatchObject({ payload: { bytes: 5, text: 'first', truncated: false } });
    feed.close();
  });

  it('cuts large payloads and events to size, keeping their full size, and shows bytes that are no UTF-8 as hex', () => {
    const emulator = fakeEmulator();
    const feed = new InspectorFeed(emulator, 10);
    const big = 'x'.repeat(100_000);
    emulator.events.emit('management', post('a', Buffer.from(big)));
    emulator.events.emit('management', post('b', Uint8Array.from([0xff, 0xfe, 0x41])));
    const invocation: InvocationRecord = { time: '2026-12-02T04:00:02.000Z', connectionId: 'a', eventType: 'MESSAGE', routeKey: 'send', status: 200, durationMs: 1.5, event: { body: big }, result: { statusCode: 200 } };
    emulator.events.emit('invocation', invocation);
    const [large, binary, run] = feed.entries();
    expect(large).toMatchObject({ payload: { bytes: 100_000, text: 'x'.repeat(PAYLOAD_CHARACTERS), truncated: true } });
    expect(binary).toMatchObject({ payload: { bytes: 3, hex: 'fffe41', truncated: false } });
    expect(run).toMatchObject({ kind: 'invocation', seq: 3, routeKey: 'send', event: { bytes: 100_011, truncated: true }, result: { bytes: 18, text: '{"statusCode":200}', truncated: false } });
    feed.close();
  });
});
