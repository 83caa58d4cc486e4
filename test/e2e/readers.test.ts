import { join } from 'node:path';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../local/emulator.ts';
import type { Emulator } from '../../local/emulator.ts';
import { projectsDir } from '../local/fixture-projects.ts';
import { cdkSynth } from '../support/cdk-synth.ts';
import { connectClient } from '../support/ws-client.ts';
import type { TestClient } from '../support/ws-client.ts';

process.env.LOG_LEVEL = 'silent';

const root = join(import.meta.dirname, '..', '..');

/** Our chat app three ways: the repo's serverless.yml, the same app as a SAM template, and as a CDK app synthesized here. */
const READERS: Record<string, () => Promise<{ emulator: Emulator; cleanup?: () => void }>> = {
  'serverless.yml': async () => ({ emulator: await startEmulator({ configPath: join(root, 'serverless.yml'), port: 0, log: false, watch: false }) }),
  'a SAM template': async () => ({ emulator: await startEmulator({ templatePath: join(projectsDir, 'chat-sam', 'template.yaml'), port: 0, log: false, watch: false }) }),
  'a CDK assembly': async () => {
    const assembly = await cdkSynth(join(projectsDir, 'chat-cdk'));
    try {
      return { emulator: await startEmulator({ cdkOut: assembly.cdkOut, port: 0, log: false, watch: false }), cleanup: assembly.remove };
    } catch (error) {
      assembly.remove();
      throw error;
    }
  },
};

describe.each(Object.keys(READERS))('our chat app read from %s', (reader) => {
  let emulator: Emulator;
  let cleanup: (() => void) | undefined;
  const clients: TestClient[] = [];
  const join = async (room: string, name: string) => {
    const client = await connectClient(`${emulator.wsUrl}?room=${room}&name=${name}`);
    clients.push(client);
    return client;
  };
  const whoami = async (client: TestClient) => {
    client.send({ action: 'whoami' });
    return client.next((f) => f.type === 'whoami');
  };

  beforeAll(async () => {
    ({ emulator, cleanup } = await READERS[reader]!());
  }, 240_000); // `cdk synth` loads aws-cdk-lib and bundles three handlers with esbuild
  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await emulator?.stop();
    cleanup?.();
  });

  it('serves the same API: stage, route selection, routes and table', () => {
    expect(emulator.stage).toBe('dev');
    expect(emulator.config.routeSelectionExpression).toBe('$request.body.action');
    expect([...emulator.config.routes.keys()].sort()).toEqual(['$connect', '$default', '$disconnect', 'join', 'leave', 'sendmessage', 'whoami']);
    expect(emulator.config.tables.map((t) => [t.tableName, t.properties.KeySchema])).toEqual([
      ['wsgate-connections-dev', [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]],
    ]);
    for (const route of emulator.config.routes.values()) expect(route.environment.CONNECTIONS_TABLE).toBe('wsgate-connections-dev');
    expect(emulator.config.warnings).toEqual([]);
  });

  it('connects into a room and answers whoami', async () => {
    const ann = await join('lobby', 'Ann');
    const me = await whoami(ann);
    expect(me).toMatchObject({ type: 'whoami', name: 'Ann', rooms: ['lobby'] });
    expect(me.connectionId).toMatch(/^[A-Za-z0-9_-]{15}=$/);
  });

  it('joins a room, telling its members; broadcasts sendmessage to the room, the sender included', async () => {
    const bob = await join('alpha', 'Bob');
    const cat = await join('beta', 'Cat');
    const catId = (await whoami(cat)).connectionId;
    cat.send({ action: 'join', room: 'alpha' });
    expect(await cat.next((f) => f.type === 'joined')).toEqual({ type: 'joined', room: 'alpha' });
    expect(await bob.next((f) => f.type === 'presence' && f.event === 'join')).toEqual({ type: 'presence', room: 'alpha', event: 'join', connectionId: catId, name: 'Cat' });
    bob.send({ action: 'sendmessage', room: 'alpha', data: 'hi alpha' });
    const heard = await cat.next((f) => f.type === 'message');
    expect(heard).toMatchObject({ type: 'message', room: 'alpha', name: 'Bob', data: 'hi alpha' });
    expect(await bob.next((f) => f.type === 'message')).toEqual(heard);
  });

  it('gives every route the same function: memory, timeout, handler export', () => {
    const facts = [...emulator.config.routes.values()].map((r) => [r.routeKey, r.memorySize, r.timeoutMs, r.handler.exportName, r.routeResponse]).sort();
    expect(facts).toEqual([
      ['$connect', 256, 29_000, 'handler', false],
      ['$default', 256, 29_000, 'handler', false],
      ['$disconnect', 256, 29_000, 'handler', false],
      ['join', 256, 29_000, 'handler', false],
      ['leave', 256, 29_000, 'handler', false],
      ['sendmessage', 256, 29_000, 'handler', false],
      ['whoami', 256, 29_000, 'handler', false],
    ]);
  });

  it('answers bad frames with the same errors, to the sender only', async () => {
    const fay = await join('errors', 'Fay');
    fay.send('this is not json');
    expect(await fay.next((f) => f.type === 'error')).toMatchObject({ code: 'UNKNOWN_ACTION', actions: ['sendmessage', 'join', 'leave', 'whoami'] });
    fay.send({ action: 'dance' });
    expect(await fay.next((f) => f.type === 'error')).toMatchObject({ code: 'UNKNOWN_ACTION', message: expect.stringContaining('"dance"') });
    fay.send({ action: 'sendmessage', room: 'errors', data: 7 });
    expect(await fay.next((f) => f.type === 'error')).toMatchObject({ code: 'INVALID_MESSAGE', message: expect.stringContaining('"data"') });
  });

  it('delivers an @connections post from the real SDK', async () => {
    const gus = await join('sdk', 'Gus');
    const { connectionId } = await whoami(gus);
    const sdk = new ApiGatewayManagementApiClient({ endpoint: emulator.connectionsUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: JSON.stringify({ type: 'pushed', from: 'sdk' }) }));
    expect(await gus.next((f) => f.type === 'pushed')).toEqual({ type: 'pushed', from: 'sdk' });
  });

  it('tells the room when a member disconnects', async () => {
    const dan = await join('gamma', 'Dan');
    const eve = await join('gamma', 'Eve');
    const eveId = (await whoami(eve)).connectionId;
    eve.socket.close();
    expect(await dan.next((f) => f.type === 'presence' && f.event === 'leave')).toEqual({ type: 'presence', room: 'gamma', event: 'leave', connectionId: eveId, name: 'Eve' });
  });
});
