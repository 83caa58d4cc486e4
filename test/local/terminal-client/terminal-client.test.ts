import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../../local/emulator.ts';
import type { Emulator } from '../../../local/emulator.ts';
import { frameFor } from '../../../local/terminal-client/terminal-client.ts';
import { freePorts } from '../../support/free-port.ts';

const root = join(import.meta.dirname, '..', '..', '..');
process.env.LOG_LEVEL = 'silent';

describe('frameFor', () => {
  it.each([
    ['hello there', { room: 'lobby' }, { send: '{"action":"sendmessage","room":"lobby","data":"hello there"}' }],
    ['/join ops', { room: 'ops' }, { send: '{"action":"join","room":"ops"}' }],
    ['/leave ops', { room: 'lobby' }, { send: '{"action":"leave","room":"ops"}' }],
    ['/whoami', { room: 'lobby' }, { send: '{"action":"whoami"}' }],
    ['/raw {"action":"dance"}', { room: 'lobby' }, { send: '{"action":"dance"}' }],
    ['/room ops', { room: 'ops' }, { none: true }],
    ['/join', { room: 'lobby' }, { error: '/join needs a room name' }],
    ['/quit', { room: 'lobby' }, { quit: true }],
    ['   ', { room: 'lobby' }, { none: true }],
  ])('%s', (line, stateAfter, action) => {
    const state = { room: 'lobby' };
    expect(frameFor(line, state)).toEqual(action);
    expect(state).toEqual(stateAfter);
  });
});

describe('npm run client', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ configPath: join(root, 'serverless.yml'), port: 0, httpPort: false, log: false, watch: false });
  });
  afterAll(() => emulator.stop());

  it('sends typed lines and prints the frames it gets back', async () => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['local/terminal-client/terminal-client.ts', `${emulator.wsUrl}?room=term&name=Tess`], { cwd: root });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stdin.end('hello from a terminal\n/whoami\n');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^\* connected to ws:\/\/127\.0\.0\.1:\d+\/dev\?room=term&name=Tess \(room term\)$/);
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: 'message', room: 'term', name: 'Tess', data: 'hello from a terminal' });
    expect(JSON.parse(lines[2]!)).toMatchObject({ type: 'whoami', name: 'Tess', rooms: ['term'] });
    expect(lines.at(-1)).toBe('* closed 1000');
  }, 30_000);

  it('exits 1 with the reason when it cannot connect', async () => {
    const [port] = await freePorts(1); // nothing listens there
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['local/terminal-client/terminal-client.ts', `ws://127.0.0.1:${port}/dev`], { cwd: root });
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdin.end();
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/^! connect ECONNREFUSED 127\.0\.0\.1:\d+$/m);
  }, 30_000);
});
