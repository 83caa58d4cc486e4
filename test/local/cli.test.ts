import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from '../support/ws-client.ts';
import { projectsDir } from './fixture-projects.ts';

const root = join(import.meta.dirname, '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * How long a function's first frame may take: in execution environments (the CLI's default) it includes that
 * function's cold start (a worker, tsx, the handler), which took up to 13 s on this 2-core machine under load.
 * Later frames of a warm function keep the 5 s default.
 */
const FIRST_FRAME_MS = 30_000;

/** What `npm start -- ARGS` runs. */
const cliArgs = (args: string[]) => ['--import', 'tsx', join(root, 'local', 'cli.ts'), ...args];

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, cliArgs(args), { cwd: root, timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

describe('the CLI', () => {
  it.each([
    ['in execution environments (the default)', []],
    ['in its own process (--no-isolate)', ['--no-isolate']],
  ])('prints the URLs once it accepts connections, then one line per event; survives stray handler errors %s; exits 0 on SIGINT', async (_how, flags) => {
    const child = spawn(process.execPath, cliArgs(['--config', join(projectsDir, 'behaviour', 'serverless.yml'), '--port', '0', '--http-port', '0', ...flags]), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const waiters = new Set<() => void>();
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      for (const wake of waiters) wake();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      for (const wake of waiters) wake();
    });
    const output = (pattern: RegExp, timeoutMs = 15_000) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const look = () => {
          const match = pattern.exec(stdout + stderr);
          if (!match) return;
          waiters.delete(look);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in output within ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
        waiters.add(look);
        look();
      });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const [, wsUrl] = await output(/WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+\/test)\n/);
      const [, connectionsUrl] = await output(/@connections\s+(http:\/\/127\.0\.0\.1:\d+\/test)\/@connections\/\{connectionId\}\n/);
      const [, pageUrl] = await output(/client\s+(http:\/\/127\.0\.0\.1:\d+\/)\n/);
      expect(new URL(connectionsUrl!).port).toBe(new URL(wsUrl!).port);
      expect(new URL(pageUrl!).port).not.toBe(new URL(wsUrl!).port);
      expect((await fetch(`${pageUrl}config.json`)).status).toBe(200);
      if (flags.length === 0) {
        // Once the background warm-up is done, the CLI says so: every function has an environment ready.
        const [, warm, all] = await output(/ {2}warm {10}(\d+) of (\d+) functions, \d+ ms after the start\n/, 60_000);
        expect(Number(warm)).toBe(Number(all));
        expect(Number(all)).toBeGreaterThan(1);
      }

      const client = await connectClient(wsUrl!);
      client.send({ action: 'echo', n: 1 });
      expect(await client.next(() => true, FIRST_FRAME_MS)).toEqual({ action: 'echo', n: 1 });
      const [line] = await output(/^\d\d:\d\d:\d\d\.\d{3} {2}[\w-]{15}= {2}MESSAGE {4}echo {12}200 {7}\d+\.\d ms$/m);
      expect(line).toContain('echo');
      expect(stdout).toMatch(/CONNECT {4}\$connect {8}200 /);

      client.send({ action: 'stray' });
      expect(await client.next(() => true, FIRST_FRAME_MS)).toEqual({ raw: 'stray done' });
      if (flags.length === 0) {
        // As on Lambda, what a handler throws after it returned ends its environment, and nothing else.
        await output(/stray {2}an environment crashed between invocations and was discarded: .*a stray (rejection|throw) from the fixture/);
        expect(stdout).toMatch(/echo {2}REPORT RequestId: [0-9a-f-]{36}\tDuration: /);
      } else {
        await output(/wsgate: unhandled rejection .*a stray rejection from the fixture/);
        await output(/wsgate: uncaught exception .*a stray throw from the fixture/);
      }
      client.send({ action: 'echo', n: 2 });
      expect(await client.next(() => true)).toEqual({ action: 'echo', n: 2 });
      client.socket.close();
      await output(/DISCONNECT \$disconnect {5}200 /);
      if (flags.length > 0) expect(stdout).not.toMatch(/ {2}warm {10}/); // no environments, nothing was warmed
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 120_000); // up to three cold starts (FIRST_FRAME_MS) in environments

  it.each([
    ['in execution environments (the default)', []],
    ['in its own process (--no-isolate)', ['--no-isolate']],
  ])('stops when whoever reads its output goes away (EPIPE), instead of looping on the error of reporting it, %s', async (_how, flags) => {
    const child = spawn(process.execPath, cliArgs(['--config', join(projectsDir, 'behaviour', 'serverless.yml'), '--port', '0', '--http-port', '0', ...flags]), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const wsUrl = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        const timer = setTimeout(() => reject(new Error(`no WebSocket URL within 15 s:\n${stdout}`)), 15_000);
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const url = /WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+\/test)\n/.exec(stdout)?.[1];
          if (url) {
            clearTimeout(timer);
            resolve(url);
          }
        });
      });
      // The parent stops reading, as a test runner killed mid-test does: the event line of the next connection
      // cannot be written any more.
      child.stdout.destroy();
      child.stderr.destroy();
      // The first line that cannot be written may come during the handshake ($connect's START in environments, a
      // line of the handler in-process) or after it (the connection's event line): the stop then ends the handshake
      // itself, or closes the open connection with 1001, or the stop comes before the connection is even accepted
      // (reset or refused). Which one is a matter of timing; either way it is let go.
      const client = await connectClient(wsUrl).catch((error: Error) => error);
      const closed = client instanceof Error ? Promise.resolve(client.message.replace(/ [\d.]+:\d+$/, '')) : new Promise<number>((resolve) => client.socket.once('close', resolve));
      const code = await Promise.race([exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000))]);
      expect(code).toBe(0);
      // It stopped as on Ctrl-C: its clients were closed, not left hanging.
      expect([1001, 'socket hang up', 'read ECONNRESET', 'connect ECONNRESET', 'connect ECONNREFUSED']).toContain(await closed);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('exits 1 with "wsgate: <what to fix>" on bad config and bad flags', async () => {
    const python = file('python.yml', 'service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  f:\n    handler: h.main\n    events:\n      - websocket: $default\n');
    const yaml = file('broken.yml', 'service: s\nprovider:\n  name: aws\n   runtime: nodejs22.x\n');
    const outcomes = await Promise.all([
      run(['--config', 'does/not/exist.yml']),
      run(['--config', yaml]),
      run(['--config', python]),
      run(['--config', join(projectsDir, 'behaviour', 'serverless.yml'), '--port', 'abc']),
      run(['--prot', '1']),
    ]);
    expect(outcomes.map((o) => o.code)).toEqual([1, 1, 1, 1, 1]);
    const [missing, syntax, runtime, port, flag] = outcomes.map((o) => o.stderr);
    expect(missing).toMatch(/^wsgate: Cannot read does\/not\/exist\.yml: .*Pass --config PATH\/serverless\.yml$/m);
    expect(syntax).toMatch(/^wsgate: .*broken\.yml:3:\d+: YAML error: Nested mappings/m);
    expect(runtime).toMatch(/^wsgate: functions\.f uses runtime "python3\.12"; wsgate runs Node\.js handlers only/m);
    expect(port).toMatch(/^wsgate: --port must be a number; got "abc"/m);
    expect(flag).toMatch(/^wsgate: Unknown option '--prot'/m);
  });

  it('prints its usage with --help', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--config PATH', '--port N', '--http-port N', '--stage S', '--host ADDR', '--persist DIR', '--idle-timeout S', '--max-duration S', '--no-isolate', '--isolate ', '--no-intercept', '--max-concurrency N']) {
      expect(help.stdout).toContain(flag);
    }
  });
});
