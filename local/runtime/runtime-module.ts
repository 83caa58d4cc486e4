import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildKey, readBuildRecord, writeBuildRecord } from './build-record.ts';
import { privateCacheDir, writeCacheFile } from './cache-file.ts';

const compiledBootstrap = new URL('./bootstrap/bootstrap.js', import.meta.url);
const modules = new Map<string, Promise<string | undefined>>();

/**
 * The environment's own code as one JavaScript module (its URL), when the emulator runs from its TypeScript sources:
 * the preload modules, in order, then bootstrap.ts, bundled once per process, so that an environment whose handler is
 * JavaScript or compiled needs no TypeScript loader for the emulator's part either. From the published package
 * (compiled bootstrap.js beside this file) there is nothing to build: undefined.
 */
export function runtimeModule(preload: readonly string[]): Promise<string | undefined> {
  if (existsSync(fileURLToPath(compiledBootstrap))) return Promise.resolve(undefined);
  const key = preload.join('\n');
  let module = modules.get(key);
  if (module === undefined) {
    module = build(preload);
    modules.set(key, module);
  }
  return module;
}

async function build(preload: readonly string[]): Promise<string> {
  const files = [...preload.map((module) => (module.startsWith('file:') ? fileURLToPath(module) : module)), fileURLToPath(new URL('./bootstrap/bootstrap.ts', import.meta.url))];
  // As a handler's build: the one of an earlier start serves while none of its files changed (no esbuild at all).
  const started = Date.now();
  const [dir, name, key] = [privateCacheDir(), `runtime-${createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 8)}`, buildKey({ runtime: files })];
  const recorded = await readBuildRecord(dir, name, key);
  if (recorded?.load.kind === 'compiled') return recorded.load.url;
  const { build } = await import('esbuild');
  const resolveDir = fileURLToPath(new URL('./bootstrap/', import.meta.url));
  const result = await build({
    stdin: { contents: files.map((file) => `import ${JSON.stringify(file)};`).join('\n'), resolveDir, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    metafile: true,
    absWorkingDir: resolveDir,
    logLevel: 'silent',
  });
  const url = pathToFileURL(await writeCacheFile(dir, 'runtime', 'mjs', result.outputFiles[0]!.contents)).href;
  const inputs = Object.keys(result.metafile.inputs).filter((input) => input !== '<stdin>').map((input) => resolve(resolveDir, input));
  await writeBuildRecord(dir, name, key, { load: { kind: 'compiled', url, files: inputs }, files: inputs }, [], started).catch(() => {});
  return url;
}
