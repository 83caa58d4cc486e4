import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorOptions } from '../../local/emulator-options.ts';
import { startEmulator } from '../../local/emulator.ts';
import type { ConnectionInfo, DisconnectRecord, Emulator, InvocationRecord, ManagementRecord } from '../../local/emulator.ts';
import { connectClient } from '../support/ws-client.ts';
import { eventSeen, projectsDir, startProject } from './fixture-projects.ts';

const ID = /^[A-Za-z0-9_-]{15}=$/;
const root = join(import.meta.dirname, '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'emulator-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Resolves with the first event of `name` matching `match`, or rejects after `timeoutMs`. */
function nextEvent<T>(emulator: Emulator, name: string, match: (record: T) => boolean, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emulator.events.off(name, listener);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (record: T) => {
      if (!match(record)) return;
      clearTimeout(timer);
      emulator.events.off(name, listener);
      resolve(record);
    };
    emulator.events.on(name, listener);
  });
}

describe('emulatorOptions', () => {
  it('merges over the documented defaults; undefined keeps a default', () => {
    expect(emulatorOptions({ port: 0, stage: undefined })).toMatchObject({
      configPath: 'serverless.yml',
      port: 0,
      host: '127.0.0.1',
      idleTimeoutMs: 600_000,
      maxDurationMs: 7_200_000,
      integrationTimeoutMs: 29_000,
      connectionsPerSecond: 500,
      watch: true,
    });
    expect(emulatorOptions({}).httpPort).toBeUndefined();
  });

  it.each([
    [{ port: -1 }, /^Option "port" must be a port number/],
    [{ port: 1.5 }, /^Option "port" must be a port number/],
    [{ httpPort: 'x' as never }, /^Option "httpPort" must be a port number/],
    [{ idleTimeoutMs: 0 }, /^Option "idleTimeoutMs" must be a positive number/],
    [{ maxDurationMs: Number.NaN }, /^Option "maxDurationMs" must be a positive number/],
    [{ integrationTimeoutMs: '29' as never }, /^Option "integrationTimeoutMs" must be a positive number/],
    [{ connectionsPerSecond: 0 }, /^Option "connectionsPerSecond" must be a number ≥ 1/],
    [{ stage: 'my stage' }, /^Option "stage" must be letters, digits/],
    [{ dynamodbEndpoint: 'localhost:8000' }, /^Option "dynamodbEndpoint" must be an http\(s\) URL/],
    [{ persistDir: '' }, /^Option "persistDir" must be a folder path/],
    [{ watch: 'yes' as never }, /^Option "watch" must be true or false/],
    [{ log: 'console' as never }, /^Option "log" must be a function or false/],
    [{ configPath: '' }, /^Option "configPath" must be the path/],
    [{ colour: 'blue' } as never, /^Unknown emulator option "colour"/],
  ])('rejects %j with a TypeError naming the key', async (options, message) => {
    expect(() => emulatorOptions(options)).toThrow(TypeError);
    await expect(startEmulator(options)).rejects.toThrow(message);
  });
});

describe('startEmulator', () => {
  it('in-process, fails the start on a missing export, naming what the file exports, and leaves process.env as it was', async () => {
    // (In execution environments, the default, only that function fails: test/local/runtime/lambda-runtime.test.ts.)
    const dir = join(scratch, 'noexport');
    cpSync(join(projectsDir, 'behaviour'), dir, { recursive: true });
    cpSync(join(projectsDir, 'record.ts'), join(scratch, 'record.ts'));
    writeFileSync(join(dir, 'serverless.yml'), 'service: s\nprovider:\n  name: aws\nfunctions:\n  fn:\n    handler: handlers.nothingHere\n    events:\n      - websocket: $default\n');
    const before = { ...process.env };
    await expect(startEmulator({ configPath: join(dir, 'serverless.yml'), port: 0, log: false, isolation: 'in-process' })).rejects.toMatchObject({
      name: 'ConfigError',
      code: 'EXPORT_NOT_FOUND',
      message: expect.stringMatching(/handler "handlers\.nothingHere": .*handlers\.ts has no exported function "nothingHere" \(it exports: .*connect, .*echo/),
    });
    expect(process.env).toEqual(before);
  });

  it('says which port is taken, as a ConfigError', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => blocker.once('listening', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startProject('templated', { port })).rejects.toMatchObject({
        code: 'PORT_UNAVAILABLE',
        message: `127.0.0.1:${port} is in use: pass --port with another port (0 picks a free one)`,
      });
    } finally {
      blocker.close();
    }
  });

  it('serves the pages only when httpPort is given: /config.json names the URLs', async () => {
    const without = await startProject('templated');
    expect(without.pageUrl).toBeUndefined();
    await without.stop();
    const emulator = await startProject('templated', { httpPort: 0 });
    try {
      expect(emulator.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const config = await (await fetch(`${emulator.pageUrl}config.json`)).json();
      expect(config).toMatchObject({ wsUrl: emulator.wsUrl, connectionsUrl: emulator.connectionsUrl, stage: 'dev' });
    } finally {
      await emulator.stop();
    }
  });

  it('refuses handshakes past connectionsPerSecond with 429, as the account quota does', async () => {
    const emulator = await startProject('templated', { connectionsPerSecond: 1 });
    try {
      const first = await connectClient(emulator.wsUrl);
      await expect(connectClient(emulator.wsUrl)).rejects.toMatchObject({ statusCode: 429 });
      first.socket.close();
    } finally {
      await emulator.stop();
    }
  });

  it('in-process, sets the handlers\' environment and the SDK variables in process.env, keeps what the user set, warns about conflicts', async () => {
    const lines: string[] = [];
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_REGION = 'ap-northeast-1';
    const emulator = await startProject('runtimes', { log: (line) => void lines.push(line), isolation: 'in-process' });
    try {
      expect(process.env).toMatchObject({
        AWS_REGION: 'ap-northeast-1', // the user's
        AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: emulator.connectionsUrl,
        AWS_ENDPOINT_URL_DYNAMODB: emulator.dynamodbEndpoint,
        AWS_ACCESS_KEY_ID: expect.any(String),
        AWS_SECRET_ACCESS_KEY: expect.any(String),
        ONLY_ESM: 'runtimes-table-local',
      });
      expect(process.env.IS_OFFLINE).toBe('true'); // as serverless-offline sets it, for projects written for it
      expect(lines).toContainEqual(expect.stringMatching(/^warning: SHARED is "from-provider" in functions\.esm but "from-commonjs" in functions\.commonjs/));
    } finally {
      await emulator.stop();
    }
    expect(process.env.AWS_REGION).toBe('ap-northeast-1');
    expect(process.env.ONLY_ESM).toBeUndefined();
    delete process.env.AWS_REGION;
    const regional = await startProject('runtimes', { isolation: 'in-process' });
    expect(process.env.AWS_REGION).toBe('eu-west-1'); // provider.region
    await regional.stop();
  });
});

describe('the inspector API', () => {
  let emulator: Emulator;
  const records: { name: string; record: any }[] = [];
  beforeAll(async () => {
    emulator = await startProject('behaviour');
    for (const name of ['connection', 'disconnect', 'invocation', 'management']) emulator.events.on(name, (record) => records.push({ name, record }));
  });
  afterAll(() => emulator.stop());

  it('emits connection, invocation, management and disconnect events, and lists connections with their counts', async () => {
    const connected = nextEvent<ConnectionInfo>(emulator, 'connection', (c) => c.userAgent === 'inspector-test');
    const client = await connectClient(`${emulator.wsUrl}?marker=inspector`, { headers: { 'User-Agent': 'inspector-test' } });
    const info = await connected;
    expect(info).toEqual({
      connectionId: expect.stringMatching(ID),
      connectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastActiveAt: expect.any(String),
      sourceIp: '127.0.0.1',
      userAgent: 'inspector-test',
      framesIn: 0,
      framesOut: 0,
    });
    const { connectionId } = info;
    const connect = records.find((r) => r.name === 'invocation' && r.record.connectionId === connectionId)?.record as InvocationRecord;
    expect(connect).toMatchObject({ eventType: 'CONNECT', routeKey: '$connect', status: 200, durationMs: expect.any(Number), time: expect.any(String) });

    const long = JSON.stringify({ action: 'echo', pad: 'p'.repeat(300) });
    const echoed = nextEvent<InvocationRecord>(emulator, 'invocation', (r) => r.connectionId === connectionId && r.routeKey === 'echo');
    client.send(long);
    const echo = await echoed;
    expect(echo).toMatchObject({ eventType: 'MESSAGE', status: 200, bodyPreview: long.slice(0, 200), functionName: 'behaviour-test-echo', result: { statusCode: 200, body: long } });
    // The record's request id is Lambda's (a UUID); the event's requestContext.requestId is API Gateway's own.
    expect(echo.event).toMatchObject({ body: long, requestContext: { connectionId, routeKey: 'echo', requestId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/) } });
    expect(echo.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await client.next(() => true);

    const failed = nextEvent<InvocationRecord>(emulator, 'invocation', (r) => r.connectionId === connectionId && r.routeKey === 'boom');
    client.send({ action: 'boom' });
    expect(await failed).toMatchObject({ status: 'error', error: 'Error: the fixture throws' });
    await client.next(() => true);

    const forbidden = nextEvent<InvocationRecord>(emulator, 'invocation', (r) => r.connectionId === connectionId && r.status === 'Forbidden');
    client.send({ action: 'nothing-here' });
    expect(await forbidden).toMatchObject({ routeKey: 'nothing-here', eventType: 'MESSAGE' });
    await client.next(() => true);

    expect(emulator.listConnections()).toEqual([expect.objectContaining({ connectionId, framesIn: 3, framesOut: 3, userAgent: 'inspector-test' })]);
    client.socket.close(4000, 'done');
    const gone = await nextEvent<DisconnectRecord>(emulator, 'disconnect', (r) => r.connectionId === connectionId);
    expect(gone).toEqual({ time: expect.any(String), connectionId, statusCode: 4000, reason: 'done' });
    await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(emulator.listConnections()).toEqual([]);
  });

  it('writes @connections calls with --log-format json as one object each: the payload by its size, never its bytes', async () => {
    const lines: string[] = [];
    const json = await startProject('behaviour', { logFormat: 'json', log: (line) => void lines.push(line), httpPort: false });
    try {
      const connected = nextEvent<ConnectionInfo>(json, 'connection', () => true);
      const client = await connectClient(json.wsUrl);
      const { connectionId } = await connected;
      expect(json.post(connectionId, Buffer.from('{"token":"s3cr3t-ü"}'))).toBe('delivered');
      expect(await client.next(() => true)).toEqual({ token: 's3cr3t-ü' });
      client.socket.close();
      const management = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.type === 'management');
      expect(management).toEqual([{ time: expect.any(String), type: 'management', message: expect.stringContaining('@connections POST   200'), method: 'POST', connectionId, status: 200, bytes: 21 }]);
      expect(lines.join('\n')).not.toContain('s3cr3t');
    } finally {
      await json.stop();
    }
  });

  it('post() and disconnect() take the @connections path: same outcomes, same management events', async () => {
    const connected = nextEvent<ConnectionInfo>(emulator, 'connection', () => true);
    const client = await connectClient(emulator.wsUrl);
    const { connectionId } = await connected;
    const managed: ManagementRecord[] = [];
    const listener = (record: ManagementRecord) => managed.push(record);
    emulator.events.on('management', listener);

    expect(emulator.post(connectionId, '{"from":"inspector"}')).toBe('delivered');
    expect(await client.next(() => true)).toEqual({ from: 'inspector' });
    expect(emulator.post(connectionId, 'x'.repeat(131_073))).toBe('too-large');
    expect(emulator.post('AAAAAAAAAAAAAAA=', 'x')).toBe('gone');
    expect(emulator.disconnect(connectionId)).toBe('delivered');
    expect(await client.closed).toEqual({ code: 1000, reason: 'Connection Closed Normally' });
    expect(emulator.disconnect(connectionId)).toBe('gone');
    emulator.events.off('management', listener);

    expect(managed.map((r) => r.payload)).toEqual(['{"from":"inspector"}', 'x'.repeat(131_073), 'x', undefined, undefined]);
    expect(managed.map(({ method, connectionId: id, status }) => [method, id === connectionId ? 'it' : id, status])).toEqual([
      ['POST', 'it', 200],
      ['POST', 'it', 413],
      ['POST', 'AAAAAAAAAAAAAAA=', 410],
      ['DELETE', 'it', 204],
      ['DELETE', 'it', 410],
    ]);
    const disconnect = await eventSeen((e) => e.requestContext.eventType === 'DISCONNECT' && e.requestContext.connectionId === connectionId);
    expect(disconnect.requestContext.disconnectStatusCode).toBe(1000);
  });

  it('lists what the authorizer allowed with', async () => {
    const auth = await startProject('auth');
    try {
      const client = await connectClient(`${auth.wsUrl}?token=listed`);
      expect(auth.listConnections()).toEqual([expect.objectContaining({ authorizer: expect.objectContaining({ principalId: 'user-listed', tier: 'gold' }) })]);
      client.socket.close();
    } finally {
      await auth.stop();
    }
  });
});

describe('stop', () => {
  it('closes every client with 1001, runs their $disconnect first, stops listening, and is idempotent', async () => {
    const emulator = await startProject('behaviour');
    const client = await connectClient(emulator.wsUrl);
    const connectionId = emulator.listConnections()[0]!.connectionId;
    const disconnects: InvocationRecord[] = [];
    emulator.events.on('invocation', (r: InvocationRecord) => r.eventType === 'DISCONNECT' && disconnects.push(r));

    const [first, second] = [emulator.stop(), emulator.stop()];
    await Promise.all([first, second]);
    expect(disconnects).toEqual([expect.objectContaining({ connectionId, routeKey: '$disconnect', status: 200 })]);
    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(emulator.wsUrl);
      socket.once('open', () => resolve('open'));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(refused).toBe('ECONNREFUSED');
    await expect(emulator.stop()).resolves.toBeUndefined();
  });

  it('aborts a handshake still in $connect, and waits for that $connect', async () => {
    const emulator = await startProject('behaviour');
    const started = nextEvent<InvocationRecord>(emulator, 'invocation', () => true, 5_000).catch(() => undefined);
    const pending = connectClient(`${emulator.wsUrl}?delay=300&marker=aborted`).catch((error: Error) => error.message);
    await eventSeen((e) => e.queryStringParameters?.marker === 'aborted');
    await emulator.stop();
    expect(await started).toMatchObject({ eventType: 'CONNECT', routeKey: '$connect' }); // finished before stop resolved
    expect(await pending).toMatch(/socket hang up|ECONNRESET|closed before/);
  });
});
