/**
 * wsgate as a user installs it: `npm pack`, the tarball installed into a fresh project outside the repo (its own
 * serverless.yml, TypeScript handler, SDK and test suite), then the bin, the typed API, the user's `tsc` and the
 * Serverless plugin, each as the README tells a user to run them. One install serves every case.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnWatched } from './support/child-output.ts';
import { connectClient } from './support/ws-client.ts';

const root = join(import.meta.dirname, '..');
const exec = promisify(execFile);
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
/** The versions this repo already installed, so the project's install comes from the npm cache. */
const locked = (name: string) => lock.packages[`node_modules/${name}`]!.version;

// Whatever npm script runs this suite, the project's own npm commands must not inherit it.
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') && key !== 'INIT_CWD')), NO_COLOR: '1', FORCE_COLOR: '0' };
const npm = (args: string[], cwd: string) => exec('npm', args, { cwd, env, maxBuffer: 16 * 2 ** 20 });

let scratch: string;
let project: string;
let packed: { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] };

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'wsgate-package-'));
  const { stdout } = await npm(['pack', '--json', '--pack-destination', scratch], root);
  packed = (JSON.parse(stdout.slice(stdout.indexOf('['))) as (typeof packed)[])[0]!;

  project = join(scratch, 'project');
  cpSync(join(root, 'test', 'fixtures', 'installed-project'), project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'installed-echo',
      private: true,
      type: 'module',
      dependencies: { '@aws-sdk/client-apigatewaymanagementapi': locked('@aws-sdk/client-apigatewaymanagementapi') },
      devDependencies: {
        wsgate: `file:${join(scratch, packed.filename)}`,
        osls: locked('osls'),
        vitest: locked('vitest'),
        typescript: locked('typescript'),
        '@types/node': locked('@types/node'),
        '@types/aws-lambda': locked('@types/aws-lambda'),
      },
    }),
  );
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--legacy-peer-deps'], project);
}, 600_000); // npm pack's build and a full install from the cache: minutes on a loaded 2-core machine

afterAll(() => rm(scratch, { recursive: true, force: true }), 120_000); // a whole node_modules

describe('the packed package', () => {
  it('holds the compiled entry points, their types and the prebuilt pages, and no tests, benchmarks or CI', () => {
    const files = packed.files.map((f) => f.path);
    const pages = ['client', 'inspector', 'tables'].flatMap((page) => [`dist/local/pages/${page}/${page}.js`, `dist/local/pages/${page}/index.html`]);
    for (const needed of ['package.json', 'README.md', 'dist/local/cli.js', 'dist/local/index.js', 'dist/local/index.d.ts', ...pages]) {
      expect(files).toContain(needed);
    }
    // The emulator carries nothing of our chat app: its page lives in web/ and is served from there by custom.wsgate.pages.
    expect(files.filter((f) => /(^|\/)(web|chat)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /^(test|bench|\.ci|scripts|domain|infrastructure)\/|\.ts$(?<!\.d\.ts)|(^|\/)tsconfig[^/]*\.json$/.test(f))).toEqual([]);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    writeFileSync(
      join(root, 'test-results', 'package.md'),
      `${packed.filename}: ${(packed.size / 1000).toFixed(1)} kB packed, ${(packed.unpackedSize / 1000).toFixed(1)} kB unpacked, ${packed.entryCount} files (Node ${process.version})\n`,
    );
  });
});

// Each case runs real npm/npx/tsc/vitest processes of the project, side by side: minutes on a loaded 2-core machine.
describe.concurrent('installed into a project of its own', { timeout: 300_000 }, () => {
  it('npx wsgate --version and --help name the package and the command as typed', async () => {
    const [version, help] = await Promise.all([exec('npx', ['wsgate', '--version'], { cwd: project, env }), exec('npx', ['wsgate', '--help'], { cwd: project, env })]);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    expect(help.stdout).toMatch(/^usage: npx wsgate \[options\]\n/);
  });

  it('npx wsgate serves its serverless.yml: a real client gets the TypeScript handler\'s reply, and the pages load', async () => {
    const wsgate = spawnWatched('npx', ['wsgate', '--port', '0', '--http-port', '0'], { cwd: project, env });
    try {
      const [, wsUrl] = await wsgate.waitFor(/WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+\/local)\n/, 60_000);
      const [, pageUrl] = await wsgate.waitFor(/client\s+(http:\/\/\S+\/)\n/);
      const client = await connectClient(wsUrl!);
      client.send('hi');
      expect(await client.next(() => true)).toEqual({ raw: 'echo: hi' });
      // The project has no pages of its own: / is the generic client, whose script was bundled by the build.
      expect(await (await fetch(pageUrl!)).text()).toContain('/assets/client.js');
      const script = await fetch(`${pageUrl}assets/client.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
      const code = await script.text();
      expect(code).toContain('config.json');
      expect(code).not.toContain('sourceMappingURL'); // prebuilt by npm run build, not bundled from sources at start
      client.socket.close();
    } finally {
      await wsgate.stop();
    }
    expect(wsgate.output()).not.toContain('could not start');
    // The SDK warns below Node 22, which wsgate's engines no longer include (Node 20 is still tested while it is this
    // machine's default); on a supported Node the output is wsgate's own.
    expect(wsgate.output().includes('NodeVersionSupportWarning')).toBe(Number(process.versions.node.split('.')[0]) < 22);
  });

  it('its Vitest suites pass: startEmulator per file, and one emulator from a globalSetup', async () => {
    const perFile = await exec('npx', ['vitest', 'run'], { cwd: project, env });
    const global = await exec('npx', ['vitest', 'run', '--config', 'vitest.global.config.ts'], { cwd: project, env });
    expect(perFile.stdout).toMatch(/Tests\s+\S*1 passed/);
    expect(global.stdout).toMatch(/Tests\s+\S*1 passed/);
  });

  it('its tsc --noEmit passes with skipLibCheck false, so wsgate\'s .d.ts are checked too', async () => {
    expect(JSON.parse(readFileSync(join(project, 'tsconfig.json'), 'utf8')).compilerOptions.skipLibCheck).toBe(false);
    const { stdout } = await exec('npx', ['tsc', '--noEmit', '-p', '.'], { cwd: project, env });
    expect(stdout).toBe('');
  });

  it('npx osls wsgate starts it through the plugin, on the configuration the Framework resolved (--param), with serverless-offline\'s --websocketPort', async () => {
    const osls = spawnWatched('npx', ['osls', 'wsgate', '--websocketPort', '0', '--param', 'prefix=resolved by the Framework'], { cwd: project, env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' } });
    try {
      const [, wsUrl] = await osls.waitFor(/WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+\/local)\n/, 90_000);
      const client = await connectClient(wsUrl!);
      client.send('through the plugin');
      expect(await client.next(() => true)).toEqual({ raw: 'resolved by the Framework: through the plugin' });
      await osls.stop();
      expect((await client.closed).code).toBe(1001); // the emulator's stop: every connection goes away
    } finally {
      await osls.stop();
    }
  });
});
