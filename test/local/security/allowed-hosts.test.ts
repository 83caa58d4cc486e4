import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOptions } from '../../../local/cli-options.ts';
import type { Emulator } from '../../../local/emulator.ts';
import { emulatorOptions } from '../../../local/emulator-options.ts';
import { hostCheck } from '../../../local/security/allowed-hosts.ts';
import { startProject } from '../fixture-projects.ts';

/** A request with the Host header a rebinding page's browser would send (fetch would not let us set it). */
function get(url: string, host: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: target.hostname, port: target.port, path: target.pathname, method, headers: { host } }, (response) => {
      let body = '';
      // The event feed never ends by itself: its first chunk (the snapshot) is enough.
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
        if (response.headers['content-type']?.startsWith('text/event-stream')) request.destroy();
      });
      const done = () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type'] ?? ''), body });
      response.once('end', done);
      response.once('close', done);
    });
    request.once('error', reject);
    request.end();
  });
}

describe('hostCheck', () => {
  it('allows the loopback names with any port, the bound host and the allowed names; refuses the rest saying why', () => {
    const check = hostCheck('0.0.0.0', ['app', '.example.test']);
    for (const host of ['127.0.0.1:3000', 'localhost', 'LocalHost:8080', '[::1]:3000', '0.0.0.0:3000', 'app:3000', 'example.test', 'a.b.example.test:1', 'localhost.']) {
      expect([host, check(host)]).toEqual([host, undefined]);
    }
    for (const host of ['rebind.example:3000', 'localhost.rebind.example', '127.0.0.1.nip.io', 'app.evil', 'notexample.test', '[::2]:3000']) {
      expect(check(host)).toMatch(/^Host ".+" is not a name this server is served as \(127\.0\.0\.1, localhost, \[::1\], 0\.0\.0\.0, app, \*\.example\.test\)/);
    }
    expect(check(undefined)).toMatch(/^A Host header is required/);
    expect(hostCheck('::')('[::]:3001')).toBeUndefined();
  });

  it('takes --allowed-host more than once, and refuses names that are no host names', () => {
    expect(cliOptions(['--host', '0.0.0.0', '--allowed-host', 'app', '--allowed-host', '.example.test'])).toMatchObject({ host: '0.0.0.0', allowedHosts: ['app', '.example.test'] });
    expect(emulatorOptions({}).allowedHosts).toEqual([]);
    expect(() => emulatorOptions({ allowedHosts: ['http://app/'] })).toThrow(/^Option "allowedHosts" must be a list of host names/);
    expect(() => emulatorOptions({ allowedHosts: 'app' as never })).toThrow(/^Option "allowedHosts"/);
  });
});

describe('the pages, the event feed, the inspector actions and the tables API', () => {
  let emulator: Emulator;
  let allowing: Emulator;
  beforeAll(async () => {
    [emulator, allowing] = await Promise.all([startProject('behaviour', { httpPort: 0 }), startProject('behaviour', { httpPort: 0, allowedHosts: ['app'] })]);
  });
  afterAll(() => Promise.all([emulator.stop(), allowing.stop()]));

  it.each([
    ['GET', ''],
    ['GET', 'inspector'],
    ['GET', 'config.json'],
    ['GET', 'inspector/events'],
    ['POST', 'inspector/connections/AAAAAAAAAAAAAAA=/disconnect'],
    ['POST', 'inspector/connections/AAAAAAAAAAAAAAA=/messages'],
    ['POST', 'inspector/clear'],
    ['GET', 'inspector/schedules'],
    ['POST', 'inspector/schedules/any/fire'],
    ['GET', 'client'],
    ['GET', 'assets/client.js'],
    ['GET', 'favicon.svg'],
    ['GET', 'tables'],
    ['GET', 'tables/api'],
    ['GET', 'tables/api/connections/items'],
    ['GET', 'tables/api/connections/query'],
  ])('refuse %s /%s for a Host they are not served as with 403 saying why', async (method, path) => {
    const refused = await get(`${emulator.pageUrl}${path}`, `rebind.example:${new URL(emulator.pageUrl!).port}`, method);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).message).toMatch(/^Host "rebind\.example:\d+" is not a name this server is served as .*against DNS rebinding/);
  });

  it('serve the loopback names, and a name allowed with allowedHosts', async () => {
    const port = new URL(emulator.pageUrl!).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) expect((await get(`${emulator.pageUrl}config.json`, host)).status).toBe(200);
    const feed = await get(`${allowing.pageUrl}inspector/events`, 'app:3000');
    expect([feed.status, feed.type]).toEqual([200, 'text/event-stream']);
    expect(feed.body).toMatch(/^data: \{"type":"snapshot"/);
    expect((await get(`${allowing.pageUrl}config.json`, 'other:3000')).status).toBe(403);
  });
});
