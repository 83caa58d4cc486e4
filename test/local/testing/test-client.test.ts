import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../local/emulator.ts';
import type { Emulator } from '../../../local/emulator.ts';
import { connectClient, HandshakeRefusedError } from '../../../local/testing/test-client.ts';
import { recordInvocations } from '../../../local/testing/invocation-recorder.ts';
import { projectsDir } from '../fixture-projects.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ configPath: join(projectsDir, 'behaviour', 'serverless.yml'), port: 0, log: false, watch: false });
});
afterAll(() => emulator?.stop());

describe('connectClient', () => {
  it('learns its connection id, and nextFrame returns each frame once, in order, one already received included', async () => {
    const client = await connectClient(emulator);
    expect(emulator.listConnections().map((c) => c.connectionId)).toContain(client.connectionId);
    expect(emulator.post(client.connectionId!, 'first')).toBe('delivered');
    expect(emulator.post(client.connectionId!, '{"second":2}')).toBe('delivered');
    expect(await client.nextFrame({ match: (f) => typeof f === 'object' })).toEqual({ second: 2 });
    expect(await client.nextFrame()).toBe('first');
    expect(client.frames).toEqual(['first', { second: 2 }]);
    await expect(client.nextFrame({ timeoutMs: 50 })).rejects.toThrow('no frame within 50 ms; not yet taken: []');
    expect((await client.close()).code).toBe(1000);
  });

  it('rejects a refused handshake with its HTTP status', async () => {
    const refused = await connectClient(emulator, { query: { status: '403' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HandshakeRefusedError);
    expect(refused).toMatchObject({ code: 'HANDSHAKE_REFUSED', statusCode: 403 });
  });
});

describe('recordInvocations', () => {
  it('waits for the next matching invocation, each returned once', async () => {
    const invocations = recordInvocations(emulator);
    const client = await connectClient(emulator);
    client.send({ action: 'echo', n: 1 });
    await client.nextFrame();
    const run = await invocations.next((r) => r.eventType === 'MESSAGE');
    expect(run).toMatchObject({ connectionId: client.connectionId, routeKey: 'echo', status: 200 });
    // Only this client's: a $disconnect of the previous test's client may be recorded too.
    expect(invocations.invocations.filter((r) => r.connectionId === client.connectionId).map((r) => `${r.eventType} ${r.routeKey}`)).toEqual(['CONNECT $connect', 'MESSAGE echo']);
    await expect(invocations.next((r) => r.eventType === 'MESSAGE', 50)).rejects.toThrow(/^no matching invocation within 50 ms; recorded: .*MESSAGE echo 200/);
    invocations.stop();
    await client.close();
  });
});
