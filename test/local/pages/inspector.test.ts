import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../local/emulator.ts';
import type { Emulator } from '../../../local/emulator.ts';
import type { FeedEntry } from '../../../local/pages/inspector-feed.ts';
import { projectsDir } from '../fixture-projects.ts';
import { artifacts, ConsoleErrors, launchChromium, screenshots } from './chromium.ts';

let emulator: Emulator;
let browser: Browser;
let inspector: Page;
let client: Page;
let connectionId: string;
const consoleErrors = new ConsoleErrors();

beforeAll(async () => {
  [emulator, browser] = await Promise.all([
    // Execution environments report each run's console lines, cold start and init duration to the inspector.
    startEmulator({ configPath: join(projectsDir, 'devtools', 'serverless.yml'), port: 0, httpPort: 0, log: false, watch: false, isolation: 'environments' }),
    launchChromium(),
  ]);
  [inspector, client] = await Promise.all([consoleErrors.open(browser, `${emulator.pageUrl}inspector`), consoleErrors.open(browser, `${emulator.pageUrl}client`)]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await emulator?.stop();
});

const log = () => inspector.getByRole('table', { name: 'Event log' });
const connections = () => inspector.getByRole('table', { name: 'Live connections' });
const rowOf = (route: string): Locator => log().locator('tr.entry').filter({ has: inspector.getByRole('cell', { name: route, exact: true }) });
const panel = () => client.getByRole('region', { name: 'Client client 1' });

async function send(frame: unknown): Promise<void> {
  await panel().getByLabel('Message', { exact: true }).fill(JSON.stringify(frame));
  await panel().getByRole('button', { name: 'Send', exact: true }).click();
}

describe('the inspector, for a project that is not our chat app, in Chromium', () => {
  it('shows a connection\'s query, identity and age; clicking its id filters the log by it', async () => {
    await panel().getByLabel('Query').fill('team=blue&seat=7');
    await panel().getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => panel().getByRole('status').innerText()).toBe('Open');
    connectionId = emulator.listConnections()[0]!.connectionId;
    const row = connections().getByRole('row').filter({ hasText: connectionId });
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells.slice(0, 8)).toEqual([
      connectionId,
      expect.stringMatching(/^\d+ s$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      '{"team":"blue","seat":"7"}',
      expect.stringMatching(/^\{(?=.*"sourceIp":"127\.0\.0\.1")(?=.*"userAgent":"Mozilla\/5\.0[^"]*HeadlessChrome).*\}$/),
      '0 / 0',
      '—',
      'Disconnect',
    ]);
    await row.getByRole('button', { name: connectionId, exact: true }).click();
    expect(await inspector.getByLabel('Filter by connection').inputValue()).toBe(connectionId);
    await inspector.getByLabel('Filter by connection').fill('');
  });

  it('expands an invocation to its whole event, result, function, request id, duration and the handler\'s console.log line', async () => {
    await send({ op: 'ping', n: 1 });
    await expect.poll(() => rowOf('ping').count()).toBe(1);
    await rowOf('ping').getByRole('button', { name: /^Details of MESSAGE ping/ }).click();
    const details = log().locator('tr.detail-row');
    const event = JSON.parse(await details.getByRole('region', { name: 'Event' }).locator('pre').innerText());
    expect(event).toMatchObject({ body: '{"op":"ping","n":1}', requestContext: { routeKey: 'ping', eventType: 'MESSAGE', connectionId } });
    expect(JSON.parse(await details.getByRole('region', { name: 'Result' }).locator('pre').innerText())).toEqual({ statusCode: 200 });
    const facts = await details.locator('dl.facts').innerText();
    // The request id is Lambda's (a UUID, as in the START/REPORT lines), not API Gateway's requestContext.requestId.
    expect(facts).toMatch(/^Function\s+devtools-local-ping\s+Request id\s+[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s+Status\s+200\s+Duration\s+[\d.]+ ms\s+Billed duration\s+[\d.]+ ms\s+Cold start\s+(yes, init [\d.]+ ms|no)/);
    const logs = details.getByRole('region', { name: 'Logs' });
    expect(await logs.locator('h4').innerText()).toBe('Logs (1)');
    expect(await logs.getByRole('listitem').allInnerTexts()).toEqual([expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\s*log\\s*ping from ${connectionId}$`))]);
  });

  it('shows what a handler posted through @connections: the text, its size and the outcome', async () => {
    const post = rowOf('POST @connections');
    await expect.poll(() => post.count()).toBe(1);
    expect(await post.getByRole('cell').allInnerTexts()).toEqual([
      '▸',
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      connectionId,
      '@connections',
      'POST @connections',
      '200 delivered',
      '',
      expect.stringMatching(/^45 B: \{"pong":true,"at":"\d{4}-[\d-]+T[\d:.]+Z"\}$/),
    ]);
    await post.click();
    const payload = log().locator('tr.detail-row').getByRole('region', { name: 'Payload' });
    expect(await payload.locator('h4').innerText()).toBe('Payload (text, 45 B)');
    expect(JSON.parse(await payload.locator('pre').innerText())).toEqual({ pong: true, at: expect.any(String) });
  });

  it('keeps a click whose press and release straddle a redraw of the log (the next event arriving meanwhile)', async () => {
    // A row rebuilt between mousedown and mouseup is another element: the browser then sends the click to neither.
    const toggle = rowOf('ping').getByRole('button', { name: /^Details of MESSAGE ping/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.scrollIntoViewIfNeeded();
    const box = (await toggle.boundingBox())!;
    await inspector.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await inspector.mouse.down();
    await inspector.evaluate(() => document.getElementById('filter-route')!.dispatchEvent(new Event('input'))); // redraws now
    await inspector.mouse.up();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await log().locator('tr.detail-row').count()).toBe(1); // the POST row's, opened above
  });

  it('keeps a click on a connection\'s id while its row updates between press and release', async () => {
    const row = connections().getByRole('row').filter({ hasText: connectionId });
    const frames = row.getByRole('cell').nth(5);
    const before = await frames.innerText();
    const id = row.getByRole('button', { name: connectionId, exact: true });
    await id.scrollIntoViewIfNeeded();
    const box = (await id.boundingBox())!;
    await inspector.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await inspector.mouse.down();
    await send({ op: 'ping', n: 2 }); // a frame in and one out: the table is redrawn
    await expect.poll(() => frames.innerText()).not.toBe(before);
    await inspector.mouse.up();
    expect(await inspector.getByLabel('Filter by connection').inputValue()).toBe(connectionId);
    await inspector.getByLabel('Filter by connection').fill('');
  });

  it('holds new rows back while paused and shows them on resume', async () => {
    await inspector.getByRole('button', { name: 'Pause' }).click();
    const before = await log().locator('tr.entry').count();
    await send({ op: 'shout', text: 'while paused' });
    await expect.poll(() => panel().getByRole('list', { name: /^Log of / }).innerText()).toContain('WHILE PAUSED');
    await expect.poll(() => inspector.getByRole('button', { name: /^Resume/ }).innerText()).toBe('Resume (1 new)');
    expect(await log().locator('tr.entry').count()).toBe(before);
    expect(await rowOf('shout').count()).toBe(0);
    await inspector.getByRole('button', { name: /^Resume/ }).click();
    await expect.poll(() => rowOf('shout').count()).toBe(1);
    expect(await log().locator('tr.entry').count()).toBe(before + 1);
  });

  it('exports the log as JSON, and importing it after a clear shows the same rows', async () => {
    // Without the expand toggle (▸/▾): an import starts with every row closed. The rows' text, not their rendering:
    // innerText follows layout (tabs between cells only once the row is laid out as a table row), which made this flaky.
    const rowTexts = async () => (await log().locator('tr.entry').allTextContents()).map((row) => row.slice(1));
    const rowsBefore = await rowTexts();
    const [download] = await Promise.all([inspector.waitForEvent('download'), inspector.getByRole('button', { name: 'Export JSON' }).click()]);
    const file = join(artifacts, 'inspector-export.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ format: 'wsgate-inspector/1', exportedAt: expect.any(String), connections: [expect.objectContaining({ connectionId })] });
    expect(exported.entries).toHaveLength(rowsBefore.length);

    await inspector.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => log().locator('tr.entry').count()).toBe(0);
    await expect.poll(() => inspector.getByRole('status').filter({ hasText: 'Cleared' }).innerText()).toBe('Cleared the log');
    await inspector.getByLabel('Import JSON').setInputFiles(file);
    await expect.poll(rowTexts).toEqual(rowsBefore);
    expect(await inspector.locator('#view-status').innerText()).toMatch(/^Showing an import: \d+ events exported at /);
    await inspector.getByRole('button', { name: /^Resume/ }).click();
    await expect.poll(() => log().locator('tr.entry').count()).toBe(0); // live again, and the live log was cleared
  });

  it('renders every field a run can have: logs, cold start, init and billed duration, memory; cuts big payloads', async () => {
    const big = 'x'.repeat(20_000);
    const entry = {
      seq: 1,
      kind: 'invocation',
      time: '2026-12-01T10:00:00.000Z',
      connectionId: 'AAAAAAAAAAAAAAA=',
      eventType: 'MESSAGE',
      routeKey: 'ping',
      status: 200,
      durationMs: 12.5,
      requestId: 'req-1',
      functionName: 'devtools-local-ping',
      event: { bytes: 20_010, text: big.slice(0, 8_192), truncated: true },
      result: { bytes: 17, text: '{"statusCode":200}', truncated: false },
      logs: [
        { time: '2026-12-01T10:00:00.001Z', level: 'log', message: 'ping from AAAAAAAAAAAAAAA=' },
        { time: '2026-12-01T10:00:00.002Z', level: 'error', message: 'something went wrong' },
      ],
      coldStart: true,
      initDurationMs: 123,
      billedDurationMs: 13,
      maxMemoryUsedMb: 64,
    } satisfies FeedEntry;
    const file = join(artifacts, 'inspector-crafted.json');
    writeFileSync(file, JSON.stringify({ format: 'wsgate-inspector/1', exportedAt: 'then', entries: [entry] }));
    await inspector.getByLabel('Import JSON').setInputFiles(file);
    await expect.poll(() => log().locator('tr.entry').count()).toBe(1);
    expect(await log().locator('tr.entry').getByRole('cell').nth(6).innerText()).toBe('12.5 ms (cold)');
    await log().locator('tr.entry').click();
    const details = log().locator('tr.detail-row');
    expect(await details.locator('dl.facts').innerText()).toMatch(
      /Function\s+devtools-local-ping\s+Request id\s+req-1\s+Status\s+200\s+Duration\s+12\.5 ms\s+Billed duration\s+13\.0 ms\s+Cold start\s+yes, init 123\.0 ms\s+Max memory used\s+64 MB/,
    );
    expect(await details.getByRole('region', { name: 'Logs' }).locator('li').allInnerTexts()).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.001\s+log\s+ping from AAAAAAAAAAAAAAA=$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.002\s+error\s+something went wrong$/),
    ]);
    expect(await details.getByRole('region', { name: 'Event' }).locator('h4').innerText()).toBe('Event (text, 19.5 KB, cut to the first 8,192 characters)');
    await screenshots(inspector, 'inspector-expanded');
    await inspector.getByRole('button', { name: /^Resume/ }).click();
  });

  it('the feed keeps payloads cut and bounded on the server too', async () => {
    expect(emulator.post(connectionId, 'y'.repeat(50_000))).toBe('delivered');
    await expect.poll(() => log().locator('tr.entry').filter({ hasText: '48.8 KB' }).count()).toBe(1);
    const response = await fetch(`${emulator.pageUrl}inspector/events`);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const snapshot = JSON.parse(text.slice(0, text.indexOf('\n\n')).replace(/^data: /, ''));
    const posted = snapshot.entries.find((e: FeedEntry) => e.kind === 'management' && e.payload?.bytes === 50_000);
    expect(posted.payload).toEqual({ bytes: 50_000, text: 'y'.repeat(8_192), truncated: true });
  });

  it('stays readable at 360 px: no sideways scrolling, rows as cards', async () => {
    await send({ op: 'ping', n: 2 });
    await expect.poll(() => rowOf('ping').count()).toBe(1);
    const ping = log().locator('tr.entry').filter({ hasText: '{"op":"ping","n":2}' });
    await ping.getByRole('cell').nth(4).click();
    await screenshots(inspector, 'inspector');
    await inspector.setViewportSize({ width: 360, height: 740 });
    expect(await inspector.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // Each cell on a line of its own, named by its column ("Route: ping"), the details below.
    expect(await ping.locator('td').nth(4).evaluate((td) => [getComputedStyle(td).display, (td as HTMLElement).innerText])).toEqual(['block', 'ping']);
    expect(await log().locator('tr.detail-row').getByRole('region', { name: 'Event' }).isVisible()).toBe(true);
  });

  it('refuses actions from another origin', async () => {
    const response = await fetch(`${emulator.pageUrl}inspector/clear`, { method: 'POST', headers: { origin: 'http://elsewhere.example' } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Requests from http://elsewhere.example may not act on the emulator' });
  });

  it('logged no console error', () => {
    expect(consoleErrors.seen).toEqual([]);
  });
});
