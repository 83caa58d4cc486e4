import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTables } from '../../local/dynamodb/embedded-dynamodb.ts';
import { startEmulator } from '../../local/emulator.ts';
import type { Emulator } from '../../local/emulator.ts';
import { connectClient } from '../support/ws-client.ts';
import type { TestClient } from '../support/ws-client.ts';

process.env.LOG_LEVEL = 'silent';

/** A dynalite the test can stop and bring back, empty, on the same port: an in-memory store that restarted. */
async function listenDynalite(port = 0): Promise<Server> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

async function stopDynalite(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections(); // the handlers' SDK keeps sockets alive: drop them as a crashed store would
  await closed;
}

describe('our app when its DynamoDB goes away and comes back empty (wsgate)', () => {
  let store: Server;
  let port: number;
  let emulator: Emulator;
  const clients: TestClient[] = [];
  const open = async (query: string) => {
    const client = await connectClient(`${emulator.wsUrl}?${query}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    store = await listenDynalite();
    port = (store.address() as AddressInfo).port;
    emulator = await startEmulator({
      configPath: join(import.meta.dirname, '..', '..', 'serverless.yml'),
      port: 0,
      httpPort: false,
      log: false,
      watch: false,
      dynamodbEndpoint: `http://127.0.0.1:${port}`,
    });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await emulator?.stop();
    if (store?.listening) await stopDynalite(store);
  }, 30_000);

  it('answers Internal server error while it is down, CONNECTION_UNKNOWN once it is back, and serves new connections', async () => {
    const una = await open('room=outage&name=Una');
    una.send({ action: 'whoami' });
    expect(await una.next((f) => f.type === 'whoami')).toMatchObject({ name: 'Una', rooms: ['outage'] });

    await stopDynalite(store);
    for (const frame of [{ action: 'whoami' }, { action: 'sendmessage', room: 'outage', data: 'down?' }]) {
      una.send(frame);
      expect(await una.next(() => true, 20_000)).toEqual({ message: 'Internal server error', connectionId: expect.any(String), requestId: expect.any(String) });
    }

    store = await listenDynalite(port);
    await createTables(`http://127.0.0.1:${port}`, emulator.config.region, emulator.config.tables);
    // Same emulator, same handlers, same SDK clients: no restart. Una's record went with the old store.
    una.send({ action: 'whoami' });
    expect(await una.next(() => true, 20_000)).toMatchObject({ type: 'error', code: 'CONNECTION_UNKNOWN' });
    const vic = await open('room=outage&name=Vic');
    vic.send({ action: 'whoami' });
    expect(await vic.next((f) => f.type === 'whoami', 20_000)).toMatchObject({ name: 'Vic', rooms: ['outage'] });
  }, 60_000);
});
