import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { HandlerLoad } from '../../../local/runtime/environment-protocol.ts';
import { ExecutionEnvironment } from '../../../local/runtime/execution-environment.ts';
import { HandlerBundler } from '../../../local/runtime/handler-bundler.ts';
import { privateCacheDir } from '../../../local/runtime/cache-file.ts';
import { runtimeModule } from '../../../local/runtime/runtime-module.ts';

// esbuild as it is, with its builds counted: a later start on an unchanged project must not run one.
const esbuildBuilds = vi.hoisted(() => ({ count: 0 }));
vi.mock('esbuild', async (importOriginal) => {
  const esbuild = await importOriginal<typeof import('esbuild')>();
  return { ...esbuild, build: ((options: Parameters<typeof esbuild.build>[0]) => (esbuildBuilds.count++, esbuild.build(options))) as typeof esbuild.build };
});

const root = join(import.meta.dirname, '..', '..', '..');
// Inside the repo (git-ignored), so the projects written here resolve the repo's node_modules (aws-sdk, the SDK v3).
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'bundler-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes a project of `files` (path → source) into a folder of its own; returns that folder. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  return dir;
}

async function compiled(load: Promise<HandlerLoad>): Promise<Extract<HandlerLoad, { kind: 'compiled' }>> {
  const result = await load;
  if (result.kind !== 'compiled') throw new Error(`expected a compiled handler, got ${result.kind}`);
  return result;
}

/** TypeScript that goes to tsx: a file other than the handler reads its own location; a syntax error. */
const TSX_FALLBACKS = {
  'location.ts': "import { here } from './lib/here.ts';\nexport const handler = async () => here;\n",
  'lib/here.ts': 'export const here = __dirname;\n',
  'broken.ts': 'export async function handler( {\n',
};

describe('HandlerBundler', () => {
  const bundler = new HandlerBundler();

  it('builds an ESM TypeScript handler (a "type": "module" package) into an .mjs of its own files, packages left to Node', async () => {
    const dir = project('esm', {
      'package.json': '{ "type": "module" }',
      'src/handler.ts': [
        "import AWS from 'aws-sdk';",
        "import DynamoDB from 'aws-sdk/clients/dynamodb';", // no extension, no `exports`: tsx took it, Node's ESM loader does not
        "import { shout } from './lib/shout.ts';",
        'export const handler = async (event: { word: string }) => ({',
        '  word: shout(event.word), sameClient: DynamoDB === AWS.DynamoDB, url: import.meta.url, dirname: import.meta.dirname,',
        '});',
      ].join('\n'),
      'src/lib/shout.ts': 'export const shout = (word: string): string => `${word.toUpperCase()}!`;\n',
    });
    const file = join(dir, 'src', 'handler.ts');
    const load = await compiled(bundler.load(file));
    expect(load.url).toMatch(/\/node_modules\/\.cache\/wsgate\/src-handler-[0-9a-f]{8}-[0-9a-f]{12}\.mjs$/);
    expect(load.files.sort()).toEqual([file, join(dir, 'src', 'lib', 'shout.ts')]);
    const { handler } = (await import(load.url)) as { handler: (event: { word: string }) => Promise<unknown> };
    // The handler's own location, not the bundle's.
    expect(await handler({ word: 'hi' })).toEqual({ word: 'HI!', sameClient: true, url: pathToFileURL(file).href, dirname: join(dir, 'src') });
  });

  it('builds a CommonJS TypeScript handler (no "type") with tsconfig paths into a .cjs, with its own __dirname', async () => {
    const dir = project('cjs', {
      'package.json': '{ "name": "cjs-project" }',
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@libs/*': ['src/libs/*'] } } }),
      'src/functions/handler.ts': "import { greeting } from '@libs/greeting';\nexport const main = async () => ({ greeting: greeting('you'), dirname: __dirname, filename: __filename });\n",
      'src/libs/greeting.ts': 'export const greeting = (name: string) => `hello, ${name}`;\n',
    });
    const file = join(dir, 'src', 'functions', 'handler.ts');
    const load = await compiled(new HandlerBundler({ tsconfig: join(dir, 'tsconfig.json') }).load(file));
    expect(load.url).toMatch(/\.cjs$/);
    expect(load.files).toContain(join(dir, 'src', 'libs', 'greeting.ts'));
    const namespace = (await import(load.url)) as { default: { main: () => Promise<unknown> } };
    expect(await namespace.default.main()).toEqual({ greeting: 'hello, you', dirname: join(dir, 'src', 'functions'), filename: file });
  });

  it('loads JavaScript as it is, and lists the files it imports for the watcher', async () => {
    const dir = project('js', { 'package.json': '{ "type": "module" }', 'handler.js': "import { x } from './x.js';\nexport const handler = () => x;\n", 'x.js': 'export const x = 1;\n' });
    expect(await bundler.load(join(dir, 'handler.js'))).toEqual({ kind: 'native' });
    expect((await bundler.imports(join(dir, 'handler.js'))).sort()).toEqual([join(dir, 'handler.js'), join(dir, 'x.js')]);
  });

  it('leaves to tsx what a bundle would change: a module that reads its own location, top-level await in CommonJS, a computed require, a syntax error', async () => {
    const dir = project('fallback', {
      'package.json': '{}',
      ...TSX_FALLBACKS,
      'await.ts': 'const value = await Promise.resolve(1);\nexport const handler = async () => value;\n',
      'computed.ts': "const name = 'node:' + 'os';\nexport const handler = async () => require(name).platform();\n",
    });
    for (const name of ['location.ts', 'await.ts', 'computed.ts', 'broken.ts']) expect([name, await bundler.load(join(dir, name))]).toEqual([name, { kind: 'tsx' }]);
  });

  it('keeps the TypeScript lines in the stack trace of an error thrown in its environment', async () => {
    const dir = project('stack', {
      'package.json': '{ "type": "module" }',
      'handler.ts': "import { check } from './lib/check.ts';\ntype Event = { n: number };\nexport const handler = async (event: Event) => check(event.n);\n",
      'lib/check.ts': "interface Limits { max: number }\nconst limits: Limits = { max: 0 };\nexport function check(n: number): never {\n  throw new Error(`over ${limits.max}: ${n}`);\n}\n",
    });
    const file = join(dir, 'handler.ts');
    const [load, runtime] = await Promise.all([compiled(bundler.load(file)), runtimeModule([])]);
    const setup = { handler: { declared: 'handler.handler', file, exportName: 'handler' }, load, ...(runtime ? { runtime } : {}), functionName: 'stack', memorySize: 128, region: 'eu-west-1', preload: [] };
    const environment = new ExecutionEnvironment(setup, { PATH: process.env.PATH ?? '' }, { files() {}, log() {}, ended() {} });
    try {
      await environment.ready;
      const outcome = await environment.invoke('r1', { n: 7 }, 10_000);
      expect(outcome.error?.message).toBe('over 0: 7');
      expect(outcome.error?.stack).toContain(`${join(dir, 'lib', 'check.ts')}:4:`);
      expect(outcome.error?.stack).toContain(`${file}:3:`);
    } finally {
      await environment.end();
    }
  });

  it('builds again after an edit to a file the handler imports, and only then', async () => {
    const dir = project('edits', { 'package.json': '{ "type": "module" }', 'handler.ts': "import { n } from './n.ts';\nexport const handler = async () => n;\n", 'n.ts': 'export const n = 1;\n' });
    const file = join(dir, 'handler.ts');
    const first = await compiled(bundler.load(file));
    expect(await compiled(bundler.load(file))).toBe(first); // one build, shared by every environment of every function on it
    writeFileSync(join(dir, 'n.ts'), 'export const n = 2;\n');
    bundler.changed(join(dir, 'n.ts'));
    const second = await compiled(bundler.load(file));
    expect(second.url).not.toBe(first.url);
    expect(await ((await import(second.url)) as { handler: () => Promise<number> }).handler()).toBe(2);
    bundler.changed(join(dir, 'elsewhere.ts'));
    expect(await compiled(bundler.load(file))).toBe(second);
  });

  it('starts from the last build when nothing it was made from changed (no esbuild); an edit, a change to the tsconfig it extends or a deleted module builds again', async () => {
    const dir = project('record', {
      'package.json': '{ "type": "module" }',
      'tsconfig.json': '{\n  // as people write them\n  "extends": "./tsconfig.base"\n}\n',
      'tsconfig.base.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@n': ['n.ts'] } } }),
      'handler.ts': "import { n } from '@n';\nexport const handler = async () => n;\n",
      'n.ts': 'export const n = 1;\n',
      'm.ts': 'export const n = 10;\n',
    });
    const file = join(dir, 'handler.ts');
    // Each start of the emulator has a bundler of its own: what carries over is only the record on disk.
    const start = async (expected: number) => {
      const before = esbuildBuilds.count;
      const load = await compiled(new HandlerBundler().load(file));
      expect(await ((await import(load.url)) as { handler: () => Promise<number> }).handler()).toBe(expected);
      return { load, builds: esbuildBuilds.count - before };
    };
    const first = await start(1);
    expect(first.builds).toBe(1);
    const again = await start(1);
    expect(again).toEqual({ load: first.load, builds: 0 });

    writeFileSync(join(dir, 'n.ts'), 'export const n = 2;\n');
    expect((await start(2)).builds).toBe(1);
    expect((await start(2)).builds).toBe(0);

    writeFileSync(join(dir, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@n': ['m.ts'] } } }));
    const retargeted = await start(10);
    expect(retargeted.builds).toBe(1);
    expect(retargeted.load.files.sort()).toEqual([file, join(dir, 'm.ts')]);

    unlinkSync(fileURLToPath(retargeted.load.url));
    expect((await start(10)).builds).toBe(1);
  });

  it('records what goes to tsx as well, but never a build that failed', async () => {
    const dir = project('record-tsx', { 'package.json': '{}', ...TSX_FALLBACKS });
    const builds = async (name: string) => {
      const before = esbuildBuilds.count;
      expect(await new HandlerBundler().load(join(dir, name))).toEqual({ kind: 'tsx' });
      return esbuildBuilds.count - before;
    };
    expect([await builds('location.ts'), await builds('location.ts')]).toEqual([1, 0]);
    expect([await builds('broken.ts'), await builds('broken.ts')]).toEqual([1, 1]);
  });

  it('keeps generated modules outside a project in a folder of the user\'s own, never in one that others can open or a link', () => {
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = mkdtempSync(join(scratch, 'tmp-'));
    try {
      const dir = privateCacheDir();
      expect(dir).toBe(join(process.env.TMPDIR, `wsgate-bundles-${process.getuid!()}`));
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      chmodSync(dir, 0o777); // as if another user had made it first for everyone
      expect(() => privateCacheDir()).toThrow(/is not a folder of this user's that only this user can open/);
      rmSync(dir, { recursive: true });
      // A link of that name (made by someone who could later point it elsewhere), even to a folder of the user's own.
      const elsewhere = mkdtempSync(join(scratch, 'elsewhere-'));
      chmodSync(elsewhere, 0o700);
      symlinkSync(elsewhere, dir);
      expect(() => privateCacheDir()).toThrow(/is not a folder of this user's/);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
  });
});
