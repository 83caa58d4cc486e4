import { PutItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';
import { ConsoleErrors, launchChromium } from './chromium.ts';

/** A run's duration cell: a function's first run may have waited for its environment's cold start, and says so. */
const DURATION = expect.stringMatching(/^[\d.]+ ms( \(cold\))?$/);

let emulator: Emulator;
let browser: Browser;
let inspector: Page;
let client: TestClient;
let connectionId: string;
const consoleErrors = new ConsoleErrors();

beforeAll(async () => {
  // The rate(1 minute) rule must not fire by itself while the test counts rows: a minute lasts 10^4 minutes here.
  [emulator, browser] = await Promise.all([startProject('triggers', { httpPort: 0, scheduleSpeed: 1e-4 }), launchChromium()]);
  inspector = await consoleErrors.open(browser, `${emulator.pageUrl}inspector`);
}, 60_000);
afterAll(async () => {
  client?.socket.close();
  await browser?.close();
  await emulator?.stop();
});

const log = () => inspector.getByRole('table', { name: 'Event log' });
const rowsOf = (route: string): Locator => log().locator('tr.entry').filter({ has: inspector.getByRole('cell', { name: route, exact: true }) });
/** A row's cells without its expand toggle: time, connection, event, route, status, duration, body. */
const cellsOf = async (row: Locator) => (await row.getByRole('cell').allInnerTexts()).slice(1);

describe('the inspector shows what triggers ran, in Chromium', () => {
  it('lists the schedules by function, with their rules and a button to fire each', async () => {
    const schedules = inspector.getByRole('table', { name: 'Schedules' });
    await expect.poll(() => schedules.getByRole('row').count()).toBe(3); // header + tick, dormant
    expect(await schedules.getByRole('row').nth(1).getByRole('cell').allInnerTexts()).toEqual([
      'tick',
      'rate(1 minute) triggers-test-tick-schedule-1\ncron(0 12 * * ? *) triggers-test-tick-schedule-2',
      'Fire now',
    ]);
    expect(await schedules.getByRole('row').nth(2).getByRole('cell').allInnerTexts()).toEqual(['dormant', 'rate(5 minutes) triggers-test-dormant-schedule-1 (disabled)', 'Fire now']);
  });

  it('shows an invoke (the $connect handler invoking greet) as an INVOKE row with no connection', async () => {
    client = await connectClient(emulator.wsUrl);
    connectionId = (await client.next((f) => f.type === 'greeting')).connectionId;
    await expect.poll(() => rowsOf('greet').count()).toBe(1);
    expect(await cellsOf(rowsOf('greet'))).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/), '—', 'INVOKE', 'greet', '200', DURATION, '']);
    expect(await rowsOf('greet').locator('.trigger').getAttribute('title')).toBe("Lambda's Invoke API");
    await rowsOf('greet').click();
    const result = log().locator('tr.detail-row').getByRole('region', { name: 'Result' });
    expect(JSON.parse(await result.locator('pre').innerText())).toEqual({ greeted: connectionId, attempts: expect.any(Number) });
    await rowsOf('greet').click();
  });

  it('shows an HTTP API route\'s run as an HTTP row with its route key, status and body', async () => {
    const response = await fetch(`${emulator.httpUrl}/notify/${encodeURIComponent(connectionId)}`, { method: 'POST', body: JSON.stringify({ hello: 'inspector' }) });
    expect(response.status).toBe(200);
    const row = rowsOf('POST /notify/{connectionId}');
    await expect.poll(() => row.count()).toBe(1);
    expect(await cellsOf(row)).toEqual([expect.any(String), '—', 'HTTP', 'POST /notify/{connectionId}', '200', DURATION, '{"hello":"inspector"}']);
    expect(await row.locator('.trigger').getAttribute('title')).toBe('HTTP route (API Gateway REST or HTTP API)');
  });

  it('fires a function\'s schedules from the Schedules section, and again from an expanded SCHEDULE row', async () => {
    await inspector.getByRole('button', { name: 'Fire tick now' }).click();
    await expect.poll(() => inspector.getByRole('status').filter({ hasText: 'Fired' }).innerText()).toBe('Fired tick');
    const first = rowsOf('triggers-test-tick-schedule-1');
    await expect.poll(() => first.count()).toBe(1);
    await expect.poll(() => rowsOf('triggers-test-tick-schedule-2').count()).toBe(1);
    expect(await cellsOf(first)).toEqual([expect.any(String), '—', 'SCHEDULE', 'triggers-test-tick-schedule-1', '200', DURATION, '']);
    expect(await first.locator('.trigger').getAttribute('title')).toBe('A schedule (EventBridge rule)');

    await first.click();
    const event = JSON.parse(await log().locator('tr.detail-row').getByRole('region', { name: 'Event' }).locator('pre').innerText());
    expect(event).toEqual({ source: 'fixture' }); // the rule's input
    await log().locator('tr.detail-row').getByRole('button', { name: 'Fire tick again' }).click();
    await expect.poll(() => rowsOf('triggers-test-tick-schedule-1').count()).toBe(2);
    await expect.poll(() => rowsOf('triggers-test-tick-schedule-2').count()).toBe(2);
  });

  it('shows a DynamoDB stream batch as a STREAM row naming the table and its records', async () => {
    const dynamodb = new DynamoDBClient({ endpoint: emulator.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      await dynamodb.send(new PutItemCommand({ TableName: 'triggers-keys', Item: { pk: { S: 'seen' }, sk: { S: '1' } } }));
    } finally {
      dynamodb.destroy();
    }
    const row = rowsOf('triggers-keys');
    await expect.poll(() => row.count()).toBe(1);
    expect(await cellsOf(row)).toEqual([expect.any(String), '—', 'STREAM', 'triggers-keys', '200', DURATION, '1 record: INSERT']);
    expect(await row.locator('.trigger').getAttribute('title')).toBe('A DynamoDB stream batch');
  });

  it('logged no console error', () => {
    expect(consoleErrors.seen).toEqual([]);
  });
});
