import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../../local/emulator.ts';
import type { Emulator } from '../../../../local/emulator.ts';
import { loadAssembly } from '../../../../local/readers/cdk/load-assembly.ts';
import { projectsDir } from '../../fixture-projects.ts';
import { cdkSynth, linkedTempDir } from '../../../support/cdk-synth.ts';
import { connectClient } from '../../../support/ws-client.ts';
import type { TestClient } from '../../../support/ws-client.ts';
import { readerWarnings } from '../../../support/warnings.ts';

/** A CDK app (WebSocketApi, WebSocketStage, WebSocketLambdaIntegration, WebSocketLambdaAuthorizer, a Table), synthesized by the real `cdk synth`. */
describe('a CDK cloud assembly', () => {
  let assembly: { cdkOut: string; remove(): void };
  let emulator: Emulator;
  const clients: TestClient[] = [];
  const connect = async (token: string) => {
    const client = await connectClient(`${emulator.wsUrl}?token=${token}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    assembly = await cdkSynth(join(projectsDir, 'cdk-chat'));
    emulator = await startEmulator({ cdkOut: assembly.cdkOut, port: 0, log: false, watch: false });
  }, 240_000); // `cdk synth` loads all of aws-cdk-lib
  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await emulator?.stop();
    assembly?.remove();
  });

  it('reads the stack from manifest.json and each function from its asset folder', () => {
    const { config } = emulator;
    expect(config.service).toBe('CdkChat');
    expect(emulator.stage).toBe('dev');
    expect([...config.routes.keys()].sort()).toEqual(['$connect', '$disconnect', 'sendmessage', 'whoami']);
    const connectRoute = config.routes.get('$connect')!;
    expect(connectRoute.handler.file).toMatch(new RegExp(`^${assembly.cdkOut}/asset\\.[0-9a-f]{64}/connect\\.js$`));
    expect(connectRoute).toMatchObject({ memorySize: 256, timeoutMs: 3_000, authorizer: { identitySources: [{ in: 'querystring', name: 'token' }] } });
    expect(connectRoute.authorizer!.handler.exportName).toBe('handler');
    expect(config.routes.get('whoami')!.routeResponse).toBe(true);
    expect(config.routes.get('sendmessage')!.routeResponse).toBe(false);
    const [table, items] = config.tables;
    expect(items!.tableName).toMatch(/^Items[0-9A-F]{8}$/);
    expect(table!.tableName).toMatch(/^Connections[0-9A-F]{8}$/);
    expect(connectRoute.environment).toEqual({ TABLE_NAME: table!.tableName });
    expect(config.warnings).toEqual([]);
  });

  it('runs the authorizer: Deny is 403, Allow passes its context to every route', async () => {
    await expect(connectClient(`${emulator.wsUrl}?token=bad`)).rejects.toMatchObject({ statusCode: 403 });
    await expect(connectClient(emulator.wsUrl)).rejects.toMatchObject({ statusCode: 401 });
    const ada = await connect('good-ada');
    ada.send({ action: 'whoami' });
    expect(await ada.next((f) => f.name !== undefined)).toMatchObject({ name: 'ada', connectionId: expect.stringMatching(/=$/) });
  });

  it('stores connections in the table, broadcasts through the SDK, and deletes on disconnect', async () => {
    const table = emulator.config.tables[0]!.tableName;
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const names = async () => ((await documents.send(new ScanCommand({ TableName: table }))).Items ?? []).map((item) => item.name as string).sort();
    const bob = await connect('good-bob');
    const cy = await connect('good-cy');
    expect(await names()).toEqual(expect.arrayContaining(['bob', 'cy']));
    bob.send({ action: 'sendmessage', text: 'hello' });
    expect(await cy.next((f) => f.text === 'hello')).toEqual({ from: 'bob', text: 'hello' });
    expect(await bob.next((f) => f.text === 'hello')).toEqual({ from: 'bob', text: 'hello' });
    cy.socket.close();
    await expect.poll(names, { timeout: 5_000 }).not.toContain('cy');
    const sdk = new ApiGatewayManagementApiClient({ endpoint: emulator.connectionsUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const ids = ((await documents.send(new ScanCommand({ TableName: table }))).Items ?? []).filter((item) => item.name === 'bob').map((item) => item.connectionId as string);
    await sdk.send(new PostToConnectionCommand({ ConnectionId: ids[0]!, Data: JSON.stringify({ text: 'from the SDK' }) }));
    expect(await bob.next((f) => f.text === 'from the SDK')).toEqual({ text: 'from the SDK' });
  });

  it('runs the HttpApi route, the EventBridge rule and the DynamoEventSource beside the WebSocket API', async () => {
    const { httpRoutes, schedules, streams, tables } = emulator.config;
    expect(httpRoutes).toEqual([{ functionKey: expect.stringMatching(/^PushHttp[0-9A-F]{8}$/), api: 'HTTP', payloadVersion: '2.0', method: 'POST', path: '/push' }]);
    expect(schedules).toEqual([{ functionKey: expect.stringMatching(/^PushTick/), name: expect.stringMatching(/^EveryFiveMinutes/), expression: 'rate(5 minutes)', enabled: true, input: { from: 'rule' } }]);
    expect(streams).toMatchObject([{ functionKey: expect.stringMatching(/^PushStream/), tableName: tables[1]!.tableName, viewType: 'NEW_IMAGE', batchSize: 5, startingPosition: 'LATEST' }]);
    const dee = await connect('good-dee');

    const response = await fetch(`${emulator.httpUrl}/push`, { method: 'POST', body: JSON.stringify({ n: 1 }) });
    expect(await response.json()).toEqual({ pushed: true });
    expect(await dee.next((f) => f.via === 'http')).toEqual({ via: 'http', routeKey: 'POST /push', body: { n: 1 } });

    await emulator.trigger(schedules[0]!.functionKey);
    expect(await dee.next((f) => f.via === 'schedule')).toEqual({ via: 'schedule', input: { from: 'rule' } });

    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    await documents.send(new PutCommand({ TableName: tables[1]!.tableName, Item: { id: 'item-1' } }));
    expect(await dee.next((f) => f.via === 'stream')).toEqual({ via: 'stream', eventName: 'INSERT', id: 'item-1' });
  });

  it('serves the new code after a rerun of `cdk synth`, keeping open connections', async () => {
    // What a rerun does to cdk.out, done by hand (a second real `cdk synth` costs half a minute): the edited code goes
    // to a new asset.{hash} folder, the template's aws:asset:path names it, and manifest.json is rewritten last.
    // (Checked with the real `cdk synth` too: same log line, same result.)
    const dir = linkedTempDir('wsgate-cdk-reload-');
    const copy = join(dir, 'cdk.out');
    const lines: string[] = [];
    let watched: Emulator | undefined;
    try {
      cpSync(assembly.cdkOut, copy, { recursive: true });
      watched = await startEmulator({ cdkOut: copy, port: 0, log: (line) => lines.push(line) });
      const oldAsset = basename(dirname(watched.config.routes.get('whoami')!.handler.file));
      const ada = await connectClient(`${watched.wsUrl}?token=good-ada`);
      clients.push(ada);
      ada.send({ action: 'whoami' });
      expect(await ada.next((f) => f.name !== undefined)).toEqual({ connectionId: expect.any(String), name: 'ada' });

      const newAsset = `asset.${'e'.repeat(64)}`;
      cpSync(join(copy, oldAsset), join(copy, newAsset), { recursive: true });
      const send = join(copy, newAsset, 'send.js');
      writeFileSync(send, readFileSync(send, 'utf8').replace('name: authorizer.name }', "name: authorizer.name, build: 'second' }"));
      const templatePath = join(copy, 'CdkChat.template.json');
      writeFileSync(templatePath, readFileSync(templatePath, 'utf8').replaceAll(oldAsset, newAsset));
      writeFileSync(join(copy, 'manifest.json'), readFileSync(join(copy, 'manifest.json'), 'utf8'));
      await expect.poll(() => lines.find((line) => line.startsWith('re-read')), { timeout: 10_000, interval: 50 }).toEqual(
        expect.stringMatching(/^re-read manifest\.json: new code for AuthorizeD8507075, Connect5B7625CA, Disconnect7D6B12BD, Send46722DF3, PushHttp[0-9A-F]{8}, PushTick[0-9A-F]{8}, PushStream[0-9A-F]{8}$/),
      );
      expect(readerWarnings(lines)).toEqual([]);
      expect(watched.config.routes.get('whoami')!.handler.file).toBe(join(copy, newAsset, 'send.js'));
      ada.send({ action: 'whoami' });
      expect(await ada.next((f) => f.build !== undefined)).toEqual({ connectionId: expect.any(String), name: 'ada', build: 'second' });
    } finally {
      await watched?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a second stack with its own WebSocket API as an additional API', () => {
    // The same stack copied under another name, as a two-stack app would synthesize.
    const copy = mkdtempSync(join(tmpdir(), 'wsgate-cdk-two-'));
    try {
      cpSync(assembly.cdkOut, copy, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
      manifest.artifacts.Second = { ...manifest.artifacts.CdkChat, properties: { ...manifest.artifacts.CdkChat.properties, stackName: 'SecondChat' } };
      writeFileSync(join(copy, 'manifest.json'), JSON.stringify(manifest));
      const [first, second] = loadAssembly(copy);
      expect([first!.service, second!.service]).toEqual(['CdkChat', 'SecondChat']);
      expect(second!.routes.get('$connect')!.functionName).toMatch(/^SecondChat-Connect/);
      expect(second!.tables).toEqual([]);
      expect(first!.tables).toHaveLength(4); // two per stack: the connections and the streamed items
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
