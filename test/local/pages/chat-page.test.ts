import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../local/emulator.ts';
import type { Emulator } from '../../../local/emulator.ts';
import { artifacts, ConsoleErrors, launchChromium, screenshots } from './chromium.ts';

process.env.LOG_LEVEL = 'silent';
const root = join(import.meta.dirname, '..', '..', '..');

let emulator: Emulator;
let browser: Browser;
const consoleErrors = new ConsoleErrors();

beforeAll(async () => {
  [emulator, browser] = await Promise.all([
    startEmulator({ configPath: join(root, 'serverless.yml'), port: 0, httpPort: 0, log: false, watch: false }),
    launchChromium(),
  ]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await emulator?.stop();
});

async function chatAs(name: string, room: string): Promise<Page> {
  const page = await consoleErrors.open(browser, emulator.pageUrl!, { width: 900, height: 700 });
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Room', { exact: true }).fill(room);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect.poll(() => page.getByRole('status').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^Connected as ${name} \\(`));
  return page;
}

const feedText = (page: Page) => page.getByRole('list', { name: 'Messages' }).innerText();
const roomsText = (page: Page) => page.getByRole('list', { name: 'Your rooms' }).innerText();

/** The connection id the page shows in its status line: "Connected as Ann (U_vNFdo2IAMCIoA=)". */
async function idOf(page: Page): Promise<string> {
  const id = /^Connected as .+ \(([A-Za-z0-9_-]{15}=)\)$/.exec(await page.getByRole('status').innerText())?.[1];
  expect(id).toBeDefined();
  return id!;
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

describe('our chat page (web/, served because serverless.yml asks for it) in Chromium', () => {
  it('learns the WebSocket URL from the page server', async () => {
    const config = await (await fetch(`${emulator.pageUrl}config.json`)).json();
    expect(config).toMatchObject({ service: 'wsgate', wsUrl: emulator.wsUrl, stage: emulator.stage, connectionsUrl: emulator.connectionsUrl, appPage: '/' });
  });

  it('is the page at /, with its bundle and style from web/; the emulator\'s client stays at /client', async () => {
    const [index, script, style, client] = (await Promise.all(['', 'chat.js', 'style.css', 'client'].map((path) => fetch(`${emulator.pageUrl}${path}`)))) as [Response, Response, Response, Response];
    expect([index.status, script.status, style.status, client.status]).toEqual([200, 200, 200, 200]);
    expect(await index.text()).toContain('<title>wsgate chat</title>');
    expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(await script.text()).toContain('sendmessage');
    expect(await client.text()).toContain('<title>wsgate client</title>');
  });

  let ann: Page;
  let bob: Page;
  let cat: Page;

  // Ann first, so that Bob's page sees her in the room before he speaks; Bob and Cat side by side.
  it('connects as Ann, in the room asked for', async () => {
    ann = await chatAs('Ann', 'lobby');
    expect(await roomsText(ann)).toMatch(/^#lobby/);
  });

  it('connects as Bob and Cat, each in the room asked for', async () => {
    [bob, cat] = await Promise.all([chatAs('Bob', 'lobby'), chatAs('Cat', 'kitchen')]);
    expect(await roomsText(bob)).toMatch(/^#lobby/);
    expect(await roomsText(cat)).toMatch(/^#kitchen/);
  });

  it('two pages in one room exchange messages both ways; a page in another room sees neither', async () => {
    await say(ann, 'hello from Ann');
    await expect.poll(() => feedText(bob)).toContain('Ann: hello from Ann');
    await expect.poll(() => feedText(ann)).toContain('Ann (you): hello from Ann');
    await say(bob, 'hi Ann, Bob here');
    await expect.poll(() => feedText(ann)).toContain('Bob: hi Ann, Bob here');
    // Ann saw Bob join; Bob saw Ann speak. Each page's member list holds both.
    expect(await ann.getByRole('list', { name: 'Members of lobby' }).getByRole('listitem').allInnerTexts()).toEqual(['Ann (you)', 'Bob']);
    expect(await bob.getByRole('list', { name: 'Members of lobby' }).getByRole('listitem').allInnerTexts()).toEqual(['Ann', 'Bob (you)']);
    await say(cat, 'anyone in the kitchen?');
    await expect.poll(() => feedText(cat)).toContain('Cat (you): anyone in the kitchen?');
    // Cat's own message arrived after Ann's and Bob's were sent: had she been sent theirs, they would be here.
    expect(await feedText(cat)).not.toMatch(/hello from Ann|Bob here/);
    expect(await feedText(ann)).not.toContain('kitchen?');
  });

  it('shows what people send as text, never as markup', async () => {
    const markup = '<img src=x onerror="document.title=\'owned\'"><b>bold</b>';
    await say(bob, markup);
    await expect.poll(() => feedText(ann)).toContain(`Bob: ${markup}`);
    expect(await ann.getByRole('list', { name: 'Messages' }).locator('img, b').count()).toBe(0);
    expect(await ann.title()).toBe('wsgate chat');
  });

  it('shows a message without a name by its sender id, at the time it was sent', async () => {
    const sentAt = '2026-12-01T10:11:12.345Z';
    expect(emulator.post(await idOf(ann), JSON.stringify({ type: 'message', room: 'lobby', from: 'Zq3xYw9AbCdEfG=', data: 'nameless', sentAt }))).toBe('delivered');
    const line = ann.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'nameless' });
    await expect.poll(() => line.innerText()).toMatch(/guest Zq3xYw: nameless$/);
    expect(await line.locator('time').getAttribute('datetime')).toBe(sentAt);
    expect(await feedText(ann)).not.toContain('undefined');
  });

  it('shows the coalesced member count a big room sends instead of each join', async () => {
    expect(emulator.post(await idOf(ann), JSON.stringify({ type: 'presence', room: 'lobby', event: 'count', members: 73 }))).toBe('delivered');
    await expect.poll(() => feedText(ann)).toMatch(/\d\d:\d\d:\d\d #lobby73 members now/);
    expect(await roomsText(ann)).toMatch(/^#lobby \(73 members\)/);
  });

  it('shows presence: a join and a leave', async () => {
    await bob.getByLabel('Join room').fill('kitchen');
    await bob.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => feedText(cat)).toContain('Bob joined');
    await expect.poll(() => bob.getByRole('list', { name: 'Your rooms' }).innerText()).toContain('#kitchen');
    expect(await cat.getByRole('list', { name: 'Members of kitchen' }).getByRole('listitem').allInnerTexts()).toEqual(['Bob', 'Cat (you)']);
    // Pressed as a presence frame redraws Bob's rooms, released after: the click still counts (a rebuilt button lost it).
    const leave = bob.getByRole('button', { name: 'Leave kitchen' });
    const box = (await leave.boundingBox())!;
    await bob.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await bob.mouse.down();
    expect(emulator.post(await idOf(bob), JSON.stringify({ type: 'presence', room: 'kitchen', event: 'count', members: 2 }))).toBe('delivered');
    await expect.poll(() => roomsText(bob)).toMatch(/#kitchen \(2 members\)/);
    await bob.mouse.up();
    await expect.poll(() => feedText(cat)).toContain('Bob left');
    expect(await cat.getByRole('list', { name: 'Members of kitchen' }).getByRole('listitem').allInnerTexts()).toEqual(['Cat (you)']);
  });

  // One page through two tests: each has its own time limit, and a failure names the half it is in.
  let tables: Page;

  it('the DynamoDB browser lists our table with its keys and finds a connection item by key', async () => {
    const bobId = await idOf(bob);
    tables = await consoleErrors.open(browser, `${emulator.pageUrl}tables`);
    const list = tables.getByRole('list', { name: 'Tables' });
    await expect.poll(() => list.innerText()).toContain('wsgate-connections-dev');
    expect(await list.innerText()).toMatch(/wsgate-connections-dev \d+ items\npk \(partition, S\) · sk \(sort, S\)/);
    expect(await tables.locator('#endpoint').innerText()).toBe(emulator.dynamodbEndpoint);

    await tables.getByLabel('pk (partition key)').fill(`CONN#${bobId}`);
    await tables.getByRole('button', { name: 'Query' }).click();
    const items = tables.getByRole('table', { name: 'Items of wsgate-connections-dev' });
    await expect.poll(() => items.getByRole('row').count()).toBe(2); // header + Bob's connection item
    const header = await items.getByRole('row').first().getByRole('columnheader').allInnerTexts();
    const bobItem = Object.fromEntries(header.map((name, i) => [name, i]));
    const cells = await items.getByRole('row').nth(1).getByRole('cell').allInnerTexts();
    expect([cells[bobItem.pk!], cells[bobItem.sk!], cells[bobItem.name!]]).toEqual([`CONN#${bobId}`, 'CONN', 'Bob']);
    expect(JSON.parse(cells[bobItem.rooms!]!)).toContain('lobby');
  });

  it('the DynamoDB browser looks again by itself after a handler writes, and scans the whole table', async () => {
    const bobId = await idOf(bob);
    const items = tables.getByRole('table', { name: 'Items of wsgate-connections-dev' });
    // A query on a room nobody is in yet; Bob joins it, a handler writes, the page looks again by itself.
    await tables.getByLabel('pk (partition key)').fill('ROOM#attic');
    await tables.getByRole('button', { name: 'Query' }).click();
    await expect.poll(() => items.innerText()).toContain('No items.');
    await bob.getByLabel('Join room').fill('attic');
    await bob.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => items.innerText()).toContain(`CONN#${bobId}`);
    expect(await tables.locator('#view-status').innerText()).toMatch(/^Query, page 1: 1 item · at \d\d:\d\d:\d\d$/);
    await tables.getByRole('button', { name: 'Scan all' }).click();
    await expect.poll(() => items.getByRole('row').count()).toBeGreaterThan(5);
    await screenshots(tables, 'tables');
    await tables.close();
  });

  it('the DynamoDB browser shows the answer to the latest request only: a scan answering late does not cover the query asked after it', async () => {
    const bobId = await idOf(bob);
    const tables = await consoleErrors.open(browser, `${emulator.pageUrl}tables`);
    const items = tables.getByRole('table', { name: 'Items of wsgate-connections-dev' });
    await expect.poll(() => tables.locator('#view-status').innerText()).toMatch(/^Scan, page 1/);
    // The next scan's answer is held back until the query asked after it has been shown.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await tables.route('**/tables/api/*/items?*', async (route) => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    const scanAnswered = tables.waitForEvent('requestfinished', (request) => request.url().includes('/items?'));
    await tables.getByRole('button', { name: 'Scan all' }).click();
    await tables.getByLabel('pk (partition key)').fill(`CONN#${bobId}`);
    await tables.getByRole('button', { name: 'Query' }).click();
    await expect.poll(() => items.getByRole('row').count()).toBe(2); // header + Bob's connection item
    release();
    await scanAnswered;
    await tables.evaluate(() => new Promise(requestAnimationFrame)); // the page has read the scan's answer by now
    expect(await items.getByRole('row').count()).toBe(2);
    expect(await tables.locator('#view-status').innerText()).toMatch(/^Query, page 1: 1 item/);
    await tables.close();
  });

  it('shows a protocol error for an invalid action', async () => {
    await ann.getByLabel('Raw frame (any text)').fill('{"action":"dance"}');
    await ann.getByRole('button', { name: 'Send raw' }).click();
    await expect.poll(() => ann.getByRole('alert').first().innerText()).toMatch(/^\d\d:\d\d:\d\d UNKNOWN_ACTION: Unknown action "dance"/);
    await screenshots(ann, 'chat');
  });

  it('the inspector lists the connections and their events, and disconnecting one closes that page', async () => {
    const [annId, bobId, catId] = [await idOf(ann), await idOf(bob), await idOf(cat)];
    const inspector = await consoleErrors.open(browser, `${emulator.pageUrl}inspector`, { width: 1300, height: 900 });
    const connections = inspector.getByRole('table', { name: 'Live connections' });
    await expect.poll(() => connections.getByRole('row').count()).toBe(4); // header + Ann, Bob, Cat
    const annRow = connections.getByRole('row').filter({ hasText: annId });
    expect(await annRow.getByRole('cell').allInnerTexts()).toEqual([
      annId,
      expect.stringMatching(/^\d+ (s|min \d+ s)$/),
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      '{"room":"lobby","name":"Ann"}',
      expect.stringMatching(/^\{(?=.*"sourceIp":"127\.0\.0\.1")(?=.*"userAgent":"Mozilla\/5\.0[^"]*HeadlessChrome).*\}$/),
      expect.stringMatching(/^3 \/ \d+$/), // whoami, sendmessage, the raw frame
      '—',
      'Disconnect',
    ]);
    expect(await connections.innerText()).toContain(bobId);
    expect(await connections.innerText()).toContain(catId);

    const log = inspector.getByRole('table', { name: 'Event log' });
    await expect.poll(() => log.innerText()).toContain('sendmessage');
    expect(await log.innerText()).toContain('$connect');
    expect(await log.innerText()).toContain('POST @connections');

    await inspector.getByLabel('Filter by route').fill('$default');
    await expect.poll(() => log.getByRole('row').count()).toBe(2); // header + Ann's raw frame
    expect(await log.getByRole('row').nth(1).getByRole('cell').allInnerTexts()).toEqual([
      '▸',
      expect.any(String),
      annId,
      'MESSAGE',
      '$default',
      '400',
      expect.stringMatching(/^\d+\.\d ms$/),
      '{"action":"dance"}',
    ]);
    await inspector.getByLabel('Filter by route').fill('');
    await inspector.getByLabel('Filter by connection').fill(annId);
    await expect.poll(async () => new Set((await log.getByRole('row').allInnerTexts()).slice(1).map((row) => row.split('\t')[2]))).toEqual(new Set([annId]));
    expect(await log.innerText()).toMatch(/\$default[\s\S]*sendmessage[\s\S]*whoami[\s\S]*\$connect/); // newest first
    await inspector.getByLabel('Filter by connection').fill('');

    await inspector.getByRole('combobox', { name: 'Connection', exact: true }).selectOption(bobId, { timeout: 5_000 });
    await inspector.getByLabel('Message to post').fill('{"type":"message","room":"lobby","name":"Inspector","data":"posted from the inspector"}');
    await inspector.getByRole('button', { name: 'Post', exact: true }).click();
    await expect.poll(() => feedText(bob)).toContain('Inspector: posted from the inspector');
    expect(await inspector.getByRole('status').filter({ hasText: 'Posted' }).innerText()).toBe(`Posted to ${bobId}`);
    expect(await feedText(ann)).not.toContain('posted from the inspector');

    await inspector.getByRole('button', { name: `Disconnect ${annId}` }).click();
    await expect.poll(() => ann.getByRole('status').innerText()).toMatch(/^Disconnected by the server \(code 1000, Connection Closed Normally\)/);
    await expect.poll(() => connections.getByRole('row').count()).toBe(3);
    expect(await connections.innerText()).not.toContain(annId);
    await expect.poll(() => feedText(bob)).toContain('Ann left');
    await inspector.getByLabel('Filter by route').fill('$disconnect');
    await expect.poll(() => log.innerText()).toContain(annId);
    await inspector.getByLabel('Filter by route').fill('');
    await inspector.screenshot({ path: join(artifacts, 'inspector-chat.png'), fullPage: true });
  });

  it('refuses inspector actions sent from another origin', async () => {
    const id = await idOf(bob);
    const response = await fetch(`${emulator.pageUrl}inspector/connections/${encodeURIComponent(id)}/disconnect`, { method: 'POST', headers: { origin: 'http://elsewhere.example' } });
    expect(response.status).toBe(403);
    expect(emulator.listConnections().map((c) => c.connectionId)).toContain(id);
  });

  it('stays readable on a narrow window, without sideways scrolling', async () => {
    await ann.setViewportSize({ width: 360, height: 740 });
    expect(await ann.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await ann.getByLabel('Message', { exact: true }).isVisible()).toBe(true);
  });

  it('reconnects after a drop and joins its rooms again', async () => {
    await ann.getByRole('button', { name: 'Reconnect' }).click();
    await expect.poll(() => ann.getByRole('status').innerText()).toMatch(/^Connected as Ann/);
    await ann.getByLabel('Join room').fill('garden');
    await ann.getByLabel('Join room').press('Enter');
    await expect.poll(() => roomsText(ann)).toContain('#garden');

    expect(emulator.disconnect(await idOf(ann))).toBe('delivered');
    await expect.poll(() => ann.getByRole('status').innerText()).toMatch(/^Disconnected by the server/);
    expect(await roomsText(ann)).toBe('');
    await ann.getByRole('button', { name: 'Reconnect' }).click();
    await expect.poll(() => roomsText(ann)).toMatch(/#garden[\s\S]*#lobby/);
    await ann.getByLabel('Send to room').selectOption('lobby');
    await say(ann, 'back again');
    await expect.poll(() => feedText(bob)).toContain('Ann: back again');
  });

  it('logged no console error on any page', () => {
    expect(consoleErrors.seen).toEqual([]);
  });
});
