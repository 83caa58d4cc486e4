import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, InvocationRecord } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

describe('schedules', () => {
  let emulator: Emulator;
  let client: TestClient;
  beforeAll(async () => {
    emulator = await startProject('triggers', { httpPort: 0 });
    client = await connectClient(emulator.wsUrl);
    await client.next((f) => f.type === 'greeting');
  });
  afterAll(async () => {
    client?.socket.close();
    await emulator?.stop();
  });

  it('fires a rate(1 minute) rule on demand with its input, and a cron rule with the Scheduled Event', async () => {
    const records: InvocationRecord[] = [];
    emulator.events.on('invocation', (r: InvocationRecord) => r.eventType === 'SCHEDULE' && records.push(r));
    await emulator.trigger('tick');
    const ticks = [await client.next((f) => f.type === 'tick'), await client.next((f) => f.type === 'tick')].map((f) => f.event);
    expect(ticks).toContainEqual({ source: 'fixture' });
    const scheduled = ticks.find((event) => event.source === 'aws.events');
    expect(scheduled).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/triggers-test-tick-schedule-2'],
      detail: {},
    });
    expect(records.map((r) => [r.connectionId, r.routeKey, r.status]).sort()).toEqual([
      ['', 'triggers-test-tick-schedule-1', 200],
      ['', 'triggers-test-tick-schedule-2', 200],
    ]);
  });

  it('fires from the inspector: POST /inspector/schedules/{functionKey}/fire, listed at GET /inspector/schedules', async () => {
    const listed = await (await fetch(`${emulator.pageUrl}inspector/schedules`)).json();
    expect(listed.map((rule: { functionKey: string; expression: string; enabled: boolean }) => [rule.functionKey, rule.expression, rule.enabled])).toEqual([
      ['tick', 'rate(1 minute)', true],
      ['tick', 'cron(0 12 * * ? *)', true],
      ['dormant', 'rate(5 minutes)', false],
    ]);
    const fired = await fetch(`${emulator.pageUrl}inspector/schedules/dormant/fire`, { method: 'POST' });
    expect(fired.status).toBe(204);
    expect((await client.next((f) => f.type === 'tick')).event['detail-type']).toBe('Scheduled Event');
    expect((await fetch(`${emulator.pageUrl}inspector/schedules/add/fire`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${emulator.pageUrl}inspector/schedules/tick/fire`, { method: 'POST', headers: { origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('rejects trigger() of a function without a schedule', async () => {
    await expect(emulator.trigger('add')).rejects.toThrow('functions.add has no schedule event; scheduled: tick, dormant');
  });
});

describe('schedules with scheduleSpeed', () => {
  it('fire on their own, sped up (600×: rate(1 minute) every 100 ms)', async () => {
    const emulator = await startProject('triggers', { scheduleSpeed: 600 });
    try {
      const fired = await new Promise<InvocationRecord>((resolve) => emulator.events.on('invocation', (r: InvocationRecord) => r.eventType === 'SCHEDULE' && resolve(r)));
      expect(fired).toMatchObject({ routeKey: 'triggers-test-tick-schedule-1', status: 200 });
    } finally {
      await emulator.stop();
    }
  });
});
