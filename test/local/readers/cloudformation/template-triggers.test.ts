import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../../local/emulator.ts';
import type { Emulator } from '../../../../local/emulator.ts';
import { projectsDir } from '../../fixture-projects.ts';
import { connectClient } from '../../../support/ws-client.ts';
import type { TestClient } from '../../../support/ws-client.ts';
import { readerWarnings } from '../../../support/warnings.ts';

/** SAM Events and their plain CloudFormation equivalents, read into the trigger model and run beside the WebSocket API. */
describe('templateTriggers', () => {
  let emulator: Emulator;
  let client: TestClient;
  let connectionId: string;
  const lines: string[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ templatePath: join(projectsDir, 'sam-triggers', 'template.yaml'), port: 0, log: (line) => lines.push(line), watch: false });
    client = await connectClient(emulator.wsUrl);
    connectionId = emulator.listConnections()[0]!.connectionId;
  }, 60_000);
  afterAll(async () => {
    client?.socket.terminate();
    await emulator?.stop();
  });

  it('reads HttpApi, Api, Schedule, ScheduleV2 and DynamoDB events, an HTTP API, a rule and an event source mapping', () => {
    const { httpRoutes, schedules, streams } = emulator.config;
    expect(httpRoutes).toEqual([
      { functionKey: 'NotifyFunction', api: 'HTTP', payloadVersion: '2.0', method: 'POST', path: '/notify/{connectionId}' },
      { functionKey: 'PingFunction', api: 'REST', payloadVersion: '1.0', method: 'GET', path: '/ping' },
      { functionKey: 'StatusFunction', api: 'HTTP', payloadVersion: '2.0', method: 'GET', path: '/hooks/status' },
    ]);
    expect(schedules).toEqual([
      { functionKey: 'TickFunction', name: 'TickFunctionEveryMinute', expression: 'rate(1 minute)', enabled: true, input: { source: 'sam' } },
      { functionKey: 'TickFunction', name: 'TickFunctionPaused', expression: 'rate(5 minutes)', enabled: false },
      { functionKey: 'TickFunction', name: 'Nightly', expression: 'cron(0 3 * * ? *)', enabled: true, input: { source: 'rule' } },
    ]);
    const defaults = { viewType: 'NEW_AND_OLD_IMAGES', tableName: 'pushed-items', maximumBatchingWindowInSeconds: 0, enabled: true, bisectBatchOnFunctionError: false, filterPatterns: [] };
    expect(streams).toEqual([
      { ...defaults, functionKey: 'ItemFunction', batchSize: 10, startingPosition: 'LATEST', maximumRetryAttempts: -1 },
      { ...defaults, functionKey: 'AuditFunction', batchSize: 100, startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: 2 },
    ]);
    expect(readerWarnings(lines)).toEqual([
      'warning: Resources.PingFunction.Properties.Events.Queue (SQS) is not emulated; nothing invokes the function from it',
      'warning: REST API stage "Prod" is served as "dev" (the WebSocket API\'s stage): its routes are under /dev/',
    ]);
  });

  it('serves the HttpApi route, which posts to the connected client through @connections', async () => {
    const response = await fetch(`${emulator.httpUrl}/notify/${encodeURIComponent(connectionId)}`, { method: 'POST', body: JSON.stringify({ hello: 'sam' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ notified: connectionId, version: '2.0' });
    expect(await client.next((f) => f.type === 'notified')).toEqual({ type: 'notified', routeKey: 'POST /notify/{connectionId}', body: { hello: 'sam' } });
  });

  it('serves the Api route under the stage with payload 1.0, and the plain HTTP API route at the root', async () => {
    const ping = await fetch(`${emulator.httpUrl}/dev/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ pong: true, resource: '/ping', stage: 'dev', method: 'GET' });
    const status = await fetch(`${emulator.httpUrl}/hooks/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toEqual({ ok: true, routeKey: 'GET /hooks/status' });
  });

  it("fires the function's SAM schedules and its rule on demand, each with its Input", async () => {
    await emulator.trigger('TickFunction');
    // The frames may trail the runs' end by a turn: wait for each. The three runs are concurrent, so two of them
    // start environments of their own first (cold starts, slow on a loaded machine), as on Lambda.
    const ticks = [];
    for (let i = 0; i < 3; i++) ticks.push((await client.next((f) => f.type === 'tick', 20_000)).input);
    expect(ticks).toEqual(expect.arrayContaining([{ source: 'sam' }, { source: 'rule' }, 'scheduled-event']));
    expect(client.frames.filter((f) => f.type === 'tick')).toHaveLength(3);
  }, 60_000);

  it('delivers a write to the streamed table to the DynamoDB event and to the event source mapping', async () => {
    const dynamodb = new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    await dynamodb.send(new PutItemCommand({ TableName: 'pushed-items', Item: { id: { S: 'a1' }, text: { S: 'from the stream' } } }));
    expect(await client.next((f) => f.type === 'item')).toEqual({ type: 'item', eventName: 'INSERT', text: 'from the stream' });
    expect(await client.next((f) => f.type === 'audit')).toEqual({ type: 'audit', eventName: 'INSERT', keys: { id: { S: 'a1' } } });
  });
});
