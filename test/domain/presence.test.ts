import { beforeEach, describe, expect, it } from 'vitest';
import { chatRouter, connect, disconnect } from '../../domain/chat.ts';
import { countIntervalMs, PRESENCE_DEFAULTS } from '../../domain/presence.ts';
import { fakeDeps } from './fakes.ts';

type World = ReturnType<typeof fakeDeps>;
let t: World;
const say = (connectionId: string, payload: Record<string, unknown>) => chatRouter.dispatch(t.deps, { connectionId, payload });
/** `n` connections into `room`, one after another, as `$connect ?room=` would; frames they caused are kept. */
async function fill(room: string, n: number, from = 0) {
  for (let i = from; i < from + n; i++) await connect(t.deps, { connectionId: `m${i}`, room, name: `M${i}` });
}
const presenceTo = (connectionId: string) => t.gateway.framesTo(connectionId).filter((f) => (f as { type: string }).type === 'presence');

beforeEach(() => {
  t = fakeDeps({}, { perMemberUpTo: 4, msPerMember: 100, minIntervalMs: 1_000 });
});

describe('presence', () => {
  it('tells a small room about each join and leave, with names, exactly as before', async () => {
    await fill('small', 4);
    expect(presenceTo('m0')).toEqual([1, 2, 3].map((i) => ({ type: 'presence', room: 'small', event: 'join', connectionId: `m${i}`, name: `M${i}` })));
    expect(presenceTo('m3')).toEqual([]);
    await say('m2', { action: 'leave', room: 'small' });
    expect(presenceTo('m0').at(-1)).toEqual({ type: 'presence', room: 'small', event: 'leave', connectionId: 'm2', name: 'M2' });
    expect(t.connections.counts.get('small')?.members).toBe(3);
  });

  it('tells a big room its member count instead, at most once per interval, claimed by the first change after it', async () => {
    await fill('big', 4);
    t.gateway.sent.length = 0;
    await fill('big', 1, 4); // the 5th member: the room is big now, and it was never announced
    expect(presenceTo('m0')).toEqual([{ type: 'presence', room: 'big', event: 'count', members: 5 }]);
    expect(presenceTo('m4')).toEqual([]);
    await fill('big', 3, 5); // within the interval: counted, not announced
    expect(presenceTo('m0')).toHaveLength(1);
    expect(t.connections.counts.get('big')?.members).toBe(8);

    t.clock.current = new Date(t.clock.current.getTime() + countIntervalMs(t.deps.presence, 8));
    await say('m7', { action: 'leave', room: 'big' });
    expect(presenceTo('m0').at(-1)).toEqual({ type: 'presence', room: 'big', event: 'count', members: 7 });
    expect(presenceTo('m7')).toEqual([]);
    expect(t.gateway.sent.filter((s) => (s.frame as { type: string }).type === 'presence')).toHaveLength(4 + 7); // the 5th join told 4, the leave told the 7 left
  });

  it('fills a room of 1,000 with a few thousand posts, not 500,000', async () => {
    t = fakeDeps({ concurrency: 32, pageSize: 100 });
    for (let i = 0; i < 1_000; i++) {
      await connect(t.deps, { connectionId: `m${i}`, room: 'huge', name: `M${i}` });
      t.clock.current = new Date(t.clock.current.getTime() + 10); // 100 joins a second
    }
    const perMember = (PRESENCE_DEFAULTS.perMemberUpTo * (PRESENCE_DEFAULTS.perMemberUpTo - 1)) / 2;
    expect(t.gateway.sent.length).toBeGreaterThan(perMember);
    expect(t.gateway.sent.length).toBeLessThan(perMember + 5_000);
    expect(t.connections.counts.get('huge')?.members).toBe(1_000);
  });

  it('counts a removed connection out of every room it was in', async () => {
    await fill('a', 2);
    await say('m0', { action: 'join', room: 'b' });
    await disconnect(t.deps, 'm0');
    expect([t.connections.counts.get('a')?.members, t.connections.counts.get('b')?.members]).toEqual([1, 0]);
    expect(presenceTo('m1').at(-1)).toEqual({ type: 'presence', room: 'a', event: 'leave', connectionId: 'm0', name: 'M0' });
  });
});
