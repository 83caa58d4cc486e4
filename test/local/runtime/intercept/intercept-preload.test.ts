import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOriginFor } from '../../../../local/runtime/intercept/aws-hosts.ts';
import { INTERCEPT_PRELOAD } from '../../../../local/runtime/intercept/preload-path.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const targets = { region: 'us-east-1', connections: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:2' };

describe('localOriginFor', () => {
  it.each([
    ['abc123defg.execute-api.us-east-1.amazonaws.com', 'http://127.0.0.1:1'],
    ['OTHER99.execute-api.us-east-1.amazonaws.com', 'http://127.0.0.1:1'],
    ['dynamodb.us-east-1.amazonaws.com', 'http://127.0.0.1:2'],
    ['abc123defg.execute-api.eu-west-1.amazonaws.com', undefined], // another region: not this emulator's
    ['dynamodb.eu-west-1.amazonaws.com', undefined],
    ['s3.us-east-1.amazonaws.com', undefined],
    ['execute-api.us-east-1.amazonaws.com.example.com', undefined],
    ['example.invalid', undefined],
    ['127.0.0.1', undefined],
  ])('%s -> %s', (host, expected) => {
    expect(localOriginFor(host, targets)).toBe(expected);
  });
});

describe('the interception preload, inside a function environment (a worker thread)', () => {
  let local: Server;
  let unrelated: Server;
  const seen: { method: string; url: string; host: string; body: string }[] = [];
  const record = (request: IncomingMessage, answer: (body: string) => void) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, host: String(request.headers.host), body });
      answer(body);
    });
  };
  const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  let localPort = 0;
  let unrelatedPort = 0;

  beforeAll(async () => {
    // Stands in for the emulator's @connections API and DynamoDB: answers as they would.
    local = createServer((request, response) =>
      record(request, () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        if (target.startsWith('DynamoDB_20120810.')) {
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(target.endsWith('ListTables') ? '{"TableNames":["local-table"]}' : '{}');
        } else response.writeHead(200).end();
      }),
    );
    unrelated = createServer((request, response) => record(request, () => response.end('unrelated server reached')));
    [localPort, unrelatedPort] = await Promise.all([listen(local), listen(unrelated)]);
  });
  afterAll(() => {
    local.close();
    unrelated.close();
  });

  it('sends SDK v3, SDK v2 (with or without a scheme), a v2 DocumentClient with no endpoint, an SDK v3 from before AWS_ENDPOINT_URL_*, DynamoDB\'s regional host and fetch to the local port; leaves every other host alone', async () => {
    const worker = new Worker(join(root, 'test', 'fixtures', 'intercept', 'handler-calls.mjs'), {
      workerData: { preload: INTERCEPT_PRELOAD, unrelated: `http://127.0.0.1:${unrelatedPort}/ping` },
      env: {
        ...process.env,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'wsgate-local',
        AWS_SECRET_ACCESS_KEY: 'wsgate-local',
        AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: `http://127.0.0.1:${localPort}/dev`,
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${localPort}`,
      },
      stdout: true,
    });
    let printed = '';
    worker.stdout.on('data', (chunk) => (printed += chunk));
    const results = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();

    expect(results).toEqual({
      undiciLoadedByPreload: false,
      sdkV3: { ok: 'posted' },
      sdkV2NoScheme: { ok: 'posted' },
      sdkV2Scheme: { ok: 'posted' },
      documentClient: { ok: 'no item' },
      oldSdkV3: { ok: 'posted' },
      dynamodb: { ok: ['local-table'] },
      fetch: { ok: 200 },
      unrelated: { ok: 'unrelated server reached' },
      invalid: { error: 'ENOTFOUND' }, // not intercepted: it fails as DNS makes it fail
    });
    expect(seen.map(({ method, url, host }) => [method, decodeURIComponent(url), host])).toEqual([
      ['POST', '/dev/@connections/conn-v3', 'abc123defg.execute-api.us-east-1.amazonaws.com'],
      ['POST', '/dev/@connections/conn-v2', 'abc123defg.execute-api.us-east-1.amazonaws.com'],
      ['POST', '/dev/@connections/conn-v2s', 'abc123defg.execute-api.us-east-1.amazonaws.com'],
      ['POST', '/', 'dynamodb.us-east-1.amazonaws.com'],
      ['POST', '/dev/@connections/conn-old', 'abc123defg.execute-api.us-east-1.amazonaws.com'],
      ['POST', '/', 'dynamodb.us-east-1.amazonaws.com'],
      ['POST', '/prod/@connections/conn-fetch', `127.0.0.1:${localPort}`],
      ['GET', '/ping', `127.0.0.1:${unrelatedPort}`],
    ]);
    expect(printed.match(/^wsgate: requests to \S+ go to/gm)).toHaveLength(3); // one line per distinct host
  }, 60_000); // a fresh worker loading tsx, aws-sdk v2 and two SDK v3 versions is seconds of CPU, not a race
});
