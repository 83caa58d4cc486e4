import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../local/emulator.ts';
import type { Emulator } from '../../local/emulator.ts';
import { connectClient } from '../support/ws-client.ts';
import { freePorts } from '../support/free-port.ts';
import { projectsDir } from './fixture-projects.ts';

describe('a template with two WebSocket APIs', () => {
  let emulator: Emulator;
  let port: number;

  beforeAll(async () => {
    // Ports are chosen free but bound later: another test may take one in between, so retry.
    for (let attempt = 1; ; attempt++) {
      [port] = (await freePorts(1)) as [number];
      try {
        emulator = await startEmulator({ templatePath: join(projectsDir, 'sam-two-apis', 'template.yaml'), port, log: false, watch: false });
        break;
      } catch (error) {
        if (attempt === 3 || (error as { code?: string }).code !== 'PORT_UNAVAILABLE') throw error;
      }
    }
  }, 60_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  it('serves the first on --port and the other on the next port, each with its own stage, routes and functions', async () => {
    expect(emulator.wsUrl).toBe(`ws://127.0.0.1:${port}/chat`);
    expect(emulator.additionalApis.map((api) => [api.wsUrl, api.config.apiName, api.config.routeSelectionExpression])).toEqual([
      [`ws://127.0.0.1:${port + 1}/feed`, 'FeedApi', '$request.body.type'],
    ]);
    const chat = await connectClient(emulator.wsUrl);
    const feed = await connectClient(emulator.additionalApis[0]!.wsUrl);
    chat.send('to chat');
    feed.send('to feed');
    expect(await chat.next((f) => f.stage !== undefined)).toEqual({ stage: 'chat', routeKey: '$default', body: 'to chat' });
    expect(await feed.next((f) => f.stage !== undefined)).toEqual({ stage: 'feed', routeKey: '$default', body: 'to feed' });
    expect(emulator.listConnections()).toHaveLength(1);
    expect(emulator.additionalApis[0]!.listConnections()).toHaveLength(1);
    chat.socket.terminate();
    feed.socket.terminate();
  });

  it('stops the additional APIs with the first', async () => {
    const other = emulator.additionalApis[0]!;
    await emulator.stop();
    await expect(connectClient(other.wsUrl)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
