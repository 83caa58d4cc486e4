import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../local/emulator.ts';
import type { Emulator } from '../../local/emulator.ts';
import { projectsDir } from './fixture-projects.ts';
import { linkedTempDir } from '../support/cdk-synth.ts';
import { connectClient } from '../support/ws-client.ts';
import type { TestClient } from '../support/ws-client.ts';

describe('reloadOnChange', () => {
  let emulator: Emulator | undefined;
  let dir: string | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await emulator?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  /** Resolves with the first log line that matches, from now on. */
  const logged = (lines: string[], match: RegExp) =>
    expect.poll(() => lines.find((line) => match.test(line)), { timeout: 60_000, interval: 50 }).toBeDefined();

  it.each(['in-process', 'environments'] as const)("re-reads a template after an edit: a function's new Handler runs on the open connection (%s)", async (isolation) => {
    dir = linkedTempDir('wsgate-sam-reload-');
    cpSync(join(projectsDir, 'sam-two-apis'), dir, { recursive: true });
    writeFileSync(join(dir, 'other.mjs'), 'export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ from: "other" }) });\n');
    const lines: string[] = [];
    emulator = await startEmulator({ templatePath: join(dir, 'template.yaml'), port: 0, log: (line) => lines.push(line), isolation });
    await emulator.warmed(); // environments start in the background
    const chat = await connectClient(emulator.wsUrl);
    clients.push(chat);
    chat.send({ action: 'hello' });
    expect(await chat.next((f) => f.routeKey !== undefined, 30_000)).toMatchObject({ routeKey: '$default', stage: 'chat' });

    const template = join(dir, 'template.yaml');
    writeFileSync(template, readFileSync(template, 'utf8').replace('Properties: { Handler: echo.handler, Environment: { Variables: { API: chat } } }', 'Properties: { Handler: other.handler, Environment: { Variables: { API: chat } } }'));
    await logged(lines, /^re-read template\.yaml/);

    expect(lines.filter((line) => line.startsWith('re-read') || line.startsWith('warning:'))).toEqual(['re-read template.yaml: new code for ChatFunction']);
    chat.send({ action: 'hello' });
    // In environments, the new code starts a new environment: a cold start.
    expect(await chat.next((f) => f.from !== undefined, 30_000)).toEqual({ from: 'other' });
  });
});
