import { join } from 'node:path';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../../local/emulator.ts';
import type { Emulator } from '../../../../local/emulator.ts';
import { projectsDir } from '../../fixture-projects.ts';
import { connectClient } from '../../../support/ws-client.ts';
import type { TestClient } from '../../../support/ws-client.ts';

/** AWS's simple-websockets-chat-app shape, served from its SAM template as written (the sample SAM CLI cannot run). */
describe('a SAM template shaped like simple-websockets-chat-app', () => {
  let emulator: Emulator;
  let table: DynamoDBDocumentClient;
  const clients: TestClient[] = [];
  const connect = async () => {
    const client = await connectClient(emulator.wsUrl);
    clients.push(client);
    return client;
  };
  const connectionIds = async () =>
    ((await table.send(new ScanCommand({ TableName: 'simplechat_connections' }))).Items ?? []).map((item) => item.connectionId as string).sort();

  beforeAll(async () => {
    emulator = await startEmulator({ templatePath: join(projectsDir, 'sam-chat', 'template.yaml'), port: 0, log: false, watch: false });
    table = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    );
  }, 60_000);
  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await emulator?.stop();
  });

  it('reads the stage, routes, functions and table the template declares', () => {
    const { config } = emulator;
    expect(emulator.stage).toBe('Prod');
    expect(emulator.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/Prod$/);
    expect([...config.routes.keys()].sort()).toEqual(['$connect', '$disconnect', 'sendmessage']);
    expect(config.routes.get('sendmessage')).toMatchObject({
      functionKey: 'SendMessageFunction',
      functionName: 'sam-chat-SendMessageFunction',
      handler: { declared: 'app.handler', file: join(projectsDir, 'sam-chat', 'sendmessage', 'app.js'), exportName: 'handler' },
      memorySize: 256,
      timeoutMs: 3_000,
      environment: { TABLE_NAME: 'simplechat_connections' },
      routeResponse: false,
    });
    expect(config.tables.map((t) => t.tableName)).toEqual(['simplechat_connections']);
    expect(config.warnings).toEqual([]);
  });

  it('stores each connection, broadcasts sendmessage through the SDK to everyone, and deletes on disconnect', async () => {
    const alice = await connect();
    const bob = await connect();
    expect((await connectionIds()).length).toBe(2);
    alice.send({ action: 'sendmessage', data: 'hello everyone' });
    expect(await bob.next((f) => f.raw === 'hello everyone')).toEqual({ raw: 'hello everyone' });
    expect(await alice.next((f) => f.raw === 'hello everyone')).toEqual({ raw: 'hello everyone' });
    bob.socket.close();
    await bob.closed;
    await expect.poll(connectionIds, { timeout: 5_000 }).toHaveLength(1);
  });

  it('answers the SDK at the connections endpoint for a stored connection', async () => {
    const carol = await connect();
    const sdk = new ApiGatewayManagementApiClient({ endpoint: emulator.connectionsUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    for (const connectionId of await connectionIds()) await sdk.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'from the SDK' }));
    expect(await carol.next((f) => f.raw === 'from the SDK')).toEqual({ raw: 'from the SDK' });
  });
});
