import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../local/emulator.ts';
import type { Emulator } from '../../../local/emulator.ts';
import { projectsDir } from '../fixture-projects.ts';
import { ConsoleErrors, launchChromium, screenshots } from './chromium.ts';

let emulator: Emulator;
let browser: Browser;
let page: Page;
const consoleErrors = new ConsoleErrors();

beforeAll(async () => {
  [emulator, browser] = await Promise.all([
    startEmulator({ configPath: join(projectsDir, 'devtools', 'serverless.yml'), port: 0, httpPort: 0, log: false, watch: false }),
    launchChromium(),
  ]);
  page = await consoleErrors.open(browser, emulator.pageUrl!);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await emulator?.stop();
});

const client = (name: string) => page.getByRole('region', { name: `Client ${name}` });
const logOf = (panel: Locator) => panel.getByRole('list', { name: /^Log of / });

async function connect(panel: Locator, query: string): Promise<void> {
  await panel.getByLabel('Query').fill(query);
  await panel.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect.poll(() => panel.getByRole('status').innerText()).toBe('Open');
}

describe('the client page, the default page of a project that has none of its own, in Chromium', () => {
  it('is served at / and /client; the project has no chat page', async () => {
    // The page names itself once its config has come back; wait for that rather than read the title too early.
    await expect.poll(() => page.title()).toBe('devtools · wsgate client');
    const [chat, config] = await Promise.all([fetch(`${emulator.pageUrl}chat.js`), fetch(`${emulator.pageUrl}config.json`)]);
    expect(chat.status).toBe(404);
    expect(await config.json()).toMatchObject({
      service: 'devtools',
      routeSelectionExpression: '$request.body.op',
      routes: expect.arrayContaining([{ routeKey: 'ping', functionName: 'devtools-local-ping', authorizer: false }]),
    });
    expect(await config.json().catch(() => ({}))).not.toHaveProperty('appPage');
  });

  it('fills a route button\'s frame for the selection expression, sends it and shows the reply with its time', async () => {
    const one = client('client 1');
    expect(await one.getByRole('group', { name: 'Routes for client 1' }).getByRole('button').allInnerTexts()).toEqual(['ping', 'shout', '$default']);
    await connect(one, 'team=blue');
    await one.getByRole('button', { name: 'ping', exact: true }).click();
    expect(JSON.parse(await one.getByLabel('Message', { exact: true }).inputValue())).toEqual({ op: 'ping' });
    expect(await one.getByText(/^Valid JSON · \d+ B$/).count()).toBe(1);
    await one.getByRole('button', { name: 'Send', exact: true }).click();
    const reply = logOf(one).getByRole('listitem').filter({ hasText: '"pong":true' });
    await expect.poll(() => reply.count()).toBe(1);
    expect(await reply.innerText()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}\s+↓ in\s+\d+ B\s+\{"pong":true,"at":"\d{4}-\d\d-\d\dT[\d:.]+Z"\}$/);
    const sent = logOf(one).getByRole('listitem').filter({ hasText: '↑ out' });
    expect(await sent.innerText()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}\s+↑ out\s+18 B\s+\{\s+"op": "ping"\s+\}$/);
  });

  it('checks JSON as it is typed, pretty-prints it, and keeps the fields when a route button is pressed', async () => {
    const one = client('client 1');
    const composer = one.getByLabel('Message', { exact: true });
    await composer.fill('{"op":"x", "text": "hi"');
    expect(await one.locator('.validity').innerText()).toMatch(/^Not JSON, sent as text: .+ · 23 B$/);
    await composer.fill('{"op":"x","text":"hi"}');
    await one.getByRole('button', { name: 'Pretty-print' }).click();
    expect(await composer.inputValue()).toBe('{\n  "op": "x",\n  "text": "hi"\n}');
    await one.getByRole('button', { name: 'shout', exact: true }).click();
    expect(JSON.parse(await composer.inputValue())).toEqual({ op: 'shout', text: 'hi' });
    await composer.press('Control+Enter');
    await expect.poll(() => logOf(one).innerText()).toContain('{"shouted":"HI"}');
  });

  it('runs two named clients side by side, each with its own connection and log', async () => {
    await page.getByLabel('New client name').fill('Bob');
    await page.getByRole('button', { name: 'Add client' }).click();
    const bob = client('Bob');
    await connect(bob, 'team=red');
    await bob.getByLabel('Message', { exact: true }).fill('not json at all');
    await bob.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => logOf(bob).innerText()).toContain('no route for not json at all');
    expect(await logOf(client('client 1')).innerText()).not.toContain('not json at all');
    const ids = emulator.listConnections().map((c) => c.connectionId);
    expect(ids).toHaveLength(2);

    await bob.getByLabel('Close code').fill('4000');
    await bob.getByLabel('Reason').fill('done here');
    await bob.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await expect.poll(() => bob.getByRole('status').innerText()).toBe('Closed 4000 "done here"');
    expect(await logOf(bob).getByRole('listitem').last().innerText()).toMatch(/•\s+Closed 4000 "done here"$/);
    await expect.poll(() => emulator.listConnections().length).toBe(1);
  });

  it('keeps the sent history and saved messages per project, across a reload', async () => {
    const one = client('client 1');
    await one.getByLabel('Message', { exact: true }).fill('{"op":"ping","n":1}');
    await one.getByLabel('Save as').fill('ping one');
    await one.getByRole('button', { name: 'Save', exact: true }).click();
    await screenshots(page, 'client');
    await page.reload();
    const again = client('client 1');
    await expect.poll(() => again.getByLabel('Saved messages').locator('option').allInnerTexts()).toEqual(['1 saved', 'ping one']);
    // One history for the project, newest first, whichever client sent it.
    expect(await again.getByLabel('History').locator('option').allInnerTexts()).toEqual(['3 sent', 'not json at all', '{ "op": "shout", "text": "hi" }', '{ "op": "ping" }']);
    await again.getByLabel('Saved messages').selectOption('ping one');
    expect(await again.getByLabel('Message', { exact: true }).inputValue()).toBe('{"op":"ping","n":1}');
    const stored = await page.evaluate(() => Object.keys(localStorage).sort());
    expect(stored).toEqual(['wsgate:client:devtools:history', 'wsgate:client:devtools:saved']);
  });

  it('logged no console error', () => {
    expect(consoleErrors.seen).toEqual([]);
  });
});
