import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../local/emulator.ts';
import type { EmulatorOptions } from '../../local/emulator.ts';
import { connectClient } from '../support/ws-client.ts';
import { projectsDir } from '../local/fixture-projects.ts';

/*
 * Projects written the way public Serverless WebSocket projects are written, each run unmodified end to end through
 * real `ws` clients. Each fixture's handlers answer with what they saw, so nothing here reaches into the handlers.
 */

const root = join(import.meta.dirname, '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'real-projects-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run<T>(configPath: string, options: Partial<EmulatorOptions>, body: (wsUrl: string) => Promise<T>): Promise<T> {
  const emulator = await startEmulator({ configPath, port: 0, log: false, watch: false, ...options });
  try {
    return await body(emulator.wsUrl);
  } finally {
    await emulator.stop();
  }
}

/** Sends one frame and resolves with the first frame back. */
async function ask(wsUrl: string, frame: unknown): Promise<Record<string, any>> {
  const client = await connectClient(wsUrl);
  try {
    client.send(frame);
    return await client.next(() => true, 10_000);
  } finally {
    client.socket.close();
  }
}

describe('a config split across files (functions/resources lists of ${file()}, secrets, .env, params, custom.wsgate)', () => {
  const splitConfig = join(projectsDir, 'split-config', 'serverless.yml');

  it('runs with every value the Framework would give it, custom.wsgate.environment over provider.environment, IS_OFFLINE set', async () => {
    const seen = await run(splitConfig, {}, (url) => ask(url, { action: 'settings' }));
    expect(seen).toEqual({
      API_KEY: 'key-from-secrets-json',
      GREETING: 'hello-from-dotenv-dev',
      EXPANDED: 'dev-expanded',
      ONLY_IN_DEFAULT_ENV: 'not-loaded',
      BUCKET: 'uploads-dev',
      LEVEL: 'debug',
      SIGNING_KEY: 'local-signing-key',
      LOCAL_ONLY: 'from-custom-wsgate',
      FROM_CLI: null,
      TABLE_NAME: 'split-config-messages-dev',
      IS_OFFLINE: 'true',
    });
  });

  it('lets --env beat custom.wsgate.environment and the config, and reads .env (not .env.dev) for another stage', async () => {
    const seen = await run(splitConfig, { stage: 'qa', environment: { LOCAL_ONLY: 'from-the-flag', FROM_CLI: 'yes' } }, (url) => ask(url, { action: 'settings' }));
    expect(seen).toMatchObject({ GREETING: 'hello-from-dotenv', ONLY_IN_DEFAULT_ENV: 'yes', BUCKET: 'uploads-default', LEVEL: 'info', LOCAL_ONLY: 'from-the-flag', FROM_CLI: 'yes' });
  });

  it('takes the emulator\'s own options from custom.wsgate: idleTimeout: 1 closes an idle connection with 1001', async () => {
    const dir = join(scratch, 'idle');
    cpSync(join(projectsDir, 'split-config'), dir, { recursive: true });
    const path = join(dir, 'serverless.yml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('idleTimeout: 120', 'idleTimeout: 1'));
    const closed = await run(path, {}, async (url) => (await connectClient(url)).closed);
    expect(closed).toEqual({ code: 1001, reason: 'Going away' });
  });
});

describe('the WebSocket API as AWS names it (domainName, Ref/GetAtt of WebsocketsApi, ${aws:accountId}, IS_OFFLINE)', () => {
  it('gives events the AWS domainName and resolves endpoints the config builds on WebsocketsApi', async () => {
    const configPath = join(projectsDir, 'aws-endpoints', 'serverless.yml');
    const seen = await run(configPath, {}, (url) => ask(url, { action: 'info' }));
    expect(seen.apiId).toMatch(/^[a-z0-9]{10}$/);
    const domainName = `${seen.apiId}.execute-api.eu-west-1.amazonaws.com`;
    expect(seen).toEqual({
      domainName,
      apiId: seen.apiId,
      stage: 'dev',
      mode: 'offline',
      JOINED_ENDPOINT: `https://${domainName}/dev`,
      API_ENDPOINT: `wss://${domainName}`,
      SUB_ENDPOINT: `https://${domainName}/dev`,
      ACCOUNT_ID: '000000000000',
    });
    // Fixed per project: a restart gives the same id, so URLs built on it stay valid.
    expect((await run(configPath, {}, (url) => ask(url, { action: 'info' }))).apiId).toBe(seen.apiId);
  });
});

describe('a serverless.ts project with tsconfig path aliases (the Framework\'s TypeScript template), run from another folder', () => {
  it('loads the config and its handlers through the project\'s own tsconfig, whatever the working directory', async () => {
    const configPath = join(projectsDir, 'ts-paths', 'serverless.ts');
    expect(process.cwd()).not.toBe(join(projectsDir, 'ts-paths')); // the repo's own tsconfig has no such aliases
    const seen = await run(configPath, {}, (url) => ask(url, { name: 'Ann' }));
    expect(seen).toEqual({ reply: 'hello, Ann, through a path alias' });
  });
});
