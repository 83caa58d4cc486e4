import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../../local/emulator.ts';
import type { Emulator } from '../../../../local/emulator.ts';
import { projectsDir } from '../../fixture-projects.ts';
import { connectClient } from '../../../support/ws-client.ts';
import type { TestClient } from '../../../support/ws-client.ts';

const templatePath = join(projectsDir, 'sam-auth', 'template.yaml');

describe('a SAM template with a REQUEST authorizer and a route response', () => {
  let emulator: Emulator;
  const lines: string[] = [];
  const clients: TestClient[] = [];
  const connect = async (query: string) => {
    const client = await connectClient(`${emulator.wsUrl}${query}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ templatePath, port: 0, log: (line) => lines.push(line), watch: false });
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await emulator?.stop();
  });

  it('runs the authorizer on $connect and hands its context to later events; the route response returns the body', async () => {
    const client = await connect('?token=ada');
    client.send({ action: 'whoami' });
    expect(await client.next((f) => f.routeKey === 'whoami')).toEqual({
      routeKey: 'whoami',
      stage: 'dev',
      principalId: 'ada',
      tier: 'gold',
      greeting: 'hello',
      table: 'Sessions',
    });
  });

  it('refuses the handshake with 403 on Deny and 401 without the identity source', async () => {
    await expect(connectClient(`${emulator.wsUrl}?token=deny`)).rejects.toMatchObject({ statusCode: 403 });
    await expect(connectClient(emulator.wsUrl)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('drops the body of a route without a route response', async () => {
    const client = await connect('?token=bob');
    const silentRan = new Promise<void>((resolve) => emulator.events.on('invocation', (r: { routeKey: string }) => r.routeKey === 'silent' && resolve()));
    client.send({ action: 'silent' });
    await silentRan;
    client.send({ action: 'whoami' });
    const answer = await client.next((f) => f.routeKey !== undefined);
    expect(answer.routeKey).toBe('whoami');
    expect(client.frames).toHaveLength(1);
  });

  it('serves the route the dev condition creates, with its Fn::If branches', async () => {
    const client = await connect('?token=cy');
    client.send({ action: 'debug' });
    expect(await client.next((f) => 'mode' in f)).toEqual({ mode: 'debugging' });
  });

  it('warns once, by resource, about each thing it does not emulate, and serves no route to a non-Lambda integration', async () => {
    expect(lines.filter((line) => line.startsWith('warning:'))).toEqual([
      'warning: Resources.ConnectFunction: VpcConfig is not emulated; the handler reaches the network as this machine does',
      "warning: Resources.ConnectFunction: Layers are not emulated (arn:aws:lambda:us-east-1:123456789012:layer:shared:1); their code is not on the handler's module path, so install what they provide in the function's folder",
      'warning: Resources.ProxyRoute: ApiKeyRequired is not emulated; the route is served without an API key',
      'warning: Resources.ProxyIntegration (route "proxy") is an integration of type HTTP_PROXY; only AWS_PROXY (Lambda) integrations are emulated, so this route is not served',
    ]);
    expect([...emulator.config.routes.keys()].sort()).toEqual(['$connect', 'debug', 'silent', 'whoami']);
    const client = await connect('?token=dee');
    client.send({ action: 'proxy' });
    expect(await client.next((f) => f.message !== undefined)).toMatchObject({ message: 'Forbidden' });
  });
});

describe('the same template with --parameter-overrides', () => {
  it('takes the overrides over the defaults: another stage, and no debug route where its condition is false', async () => {
    const emulator = await startEmulator({ templatePath, parameterOverrides: 'Env=prod Greeting="hi there"', port: 0, log: false, watch: false });
    try {
      expect(emulator.stage).toBe('prod');
      expect([...emulator.config.routes.keys()].sort()).toEqual(['$connect', 'silent', 'whoami']);
      const client = await connectClient(`${emulator.wsUrl}?token=eve`);
      client.send({ action: 'whoami' });
      expect(await client.next((f) => f.routeKey === 'whoami')).toMatchObject({ stage: 'prod', greeting: 'hi there' });
      client.socket.terminate();
    } finally {
      await emulator.stop();
    }
  }, 60_000);
});
