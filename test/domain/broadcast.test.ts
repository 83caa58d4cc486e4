import { describe, expect, it } from 'vitest';
import { broadcast } from '../../domain/broadcast.ts';
import { InMemoryConnectionRepository, RecordingClientGateway } from './fakes.ts';

async function roomOf(size: number) {
  const connections = new InMemoryConnectionRepository();
  for (let i = 0; i < size; i++) {
    const connectionId = `c${i}`;
    await connections.add({ connectionId, name: `n${i}`, connectedAt: 0 });
    await connections.join(connectionId, 'r', { maxRooms: 20 });
  }
  return connections;
}

describe('broadcast', () => {
  it('reads every page and reaches every member exactly once', async () => {
    const connections = await roomOf(23);
    const gateway = new RecordingClientGateway();
    const summary = await broadcast({ connections, gateway, concurrency: 3, pageSize: 5 }, 'r', '{"x":1}');
    expect(connections.pageReads).toHaveLength(5);
    expect(summary).toEqual({ delivered: 23, gone: [], failed: [] });
    expect(gateway.sent.map((s) => s.connectionId).sort()).toEqual(
      Array.from({ length: 23 }, (_, i) => `c${i}`).sort(),
    );
  });

  it('keeps at most `concurrency` sends in flight', async () => {
    const connections = await roomOf(40);
    const gateway = new RecordingClientGateway();
    await broadcast({ connections, gateway, concurrency: 7, pageSize: 100 }, 'r', '{}');
    expect(gateway.maxInFlight).toBe(7);
    expect(gateway.sent).toHaveLength(40);
  });

  it('reports gone and failed recipients and still reaches the rest', async () => {
    const connections = await roomOf(6);
    const gateway = new RecordingClientGateway();
    gateway.gone.add('c1');
    gateway.failing.add('c4');
    const summary = await broadcast({ connections, gateway, concurrency: 2, pageSize: 2 }, 'r', '{}');
    expect(summary.delivered).toBe(4);
    expect(summary.gone).toEqual(['c1']);
    expect(summary.failed.map((f) => f.connectionId)).toEqual(['c4']);
    expect(String((summary.failed[0]?.error as Error).message)).toContain('network down');
    expect(gateway.sent.map((s) => s.connectionId).sort()).toEqual(['c0', 'c2', 'c3', 'c5']);
  });

  it('skips the excepted connection', async () => {
    const connections = await roomOf(3);
    const gateway = new RecordingClientGateway();
    const summary = await broadcast({ connections, gateway, concurrency: 2, pageSize: 2 }, 'r', '{}', { except: 'c0' });
    expect(summary.delivered).toBe(2);
    expect(gateway.framesTo('c0')).toEqual([]);
  });

  it('sends nothing to an empty room', async () => {
    const gateway = new RecordingClientGateway();
    const summary = await broadcast(
      { connections: new InMemoryConnectionRepository(), gateway, concurrency: 2, pageSize: 2 },
      'nobody',
      '{}',
    );
    expect(summary).toEqual({ delivered: 0, gone: [], failed: [] });
  });
});
