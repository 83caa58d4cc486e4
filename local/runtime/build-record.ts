import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageInfo } from '../package-info.ts';
import type { HandlerLoad } from './environment-protocol.ts';

/**
 * What a handler's last build gave, kept on disk beside the build (`<name>.build.json`), so that the next start of the
 * emulator on an unchanged project needs no esbuild at all (its module and its service process cost ~100–300 ms of the
 * first handshake). A record holds for as long as every file it names has the same content: the build's own inputs, the
 * handler's package.json (its `type` decides the module kind) and the tsconfig.json nearest to each input (or the one
 * given, and what those extend by a relative path), and the package.json of each package whose path an ESM build wrote.
 * What it cannot see is a file that did not exist at the build and would now be resolved first, or a tsconfig a
 * package provides (`"extends": "@tsconfig/node22"`): such a change is picked up by the watcher while the emulator
 * runs, and by the next start once a file of the build changes.
 */
export interface BuildRecord {
  load: HandlerLoad;
  /** The build's own inputs (outside node_modules), the watcher's files. */
  files: string[];
}

interface StoredRecord extends BuildRecord {
  key: string;
  /** Every file the record depends on -> the sha256 of its content ('' when it did not exist). */
  inputs: Record<string, string>;
}

let tools: Record<string, string> | undefined;

/** The same build options give the same key: wsgate's and esbuild's versions, Node's major (the target), the rest as given. */
export function buildKey(options: Record<string, unknown>): string {
  tools ??= {
    wsgate: packageInfo().version,
    esbuild: (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version,
    node: process.versions.node.split('.')[0]!,
  };
  return createHash('sha256').update(JSON.stringify({ ...tools, ...options })).digest('hex');
}

/** The nearest of `names` in the folder of `from` or a folder above it (the first name found in a folder wins). */
export function nearestFile(from: string, names: readonly string[]): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const name = names.find((candidate) => existsSync(join(dir, candidate)));
    if (name) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}

function recordFile(dir: string, name: string): string {
  return join(dir, `${name}.build.json`);
}

/** The record of the last build with `key`, if every file it depends on is as it was (and a compiled module is still there). */
export async function readBuildRecord(dir: string, name: string, key: string): Promise<BuildRecord | undefined> {
  try {
    const stored = JSON.parse(await readFile(recordFile(dir, name), 'utf8')) as StoredRecord;
    if (stored.key !== key) return undefined;
    if (stored.load.kind === 'compiled' && !existsSync(fileURLToPath(stored.load.url))) return undefined;
    const now = await contentHashes(Object.keys(stored.inputs));
    for (const [path, hash] of Object.entries(stored.inputs)) if (now[path] !== hash) return undefined;
    return { load: stored.load, files: stored.files };
  } catch {
    return undefined; // none yet, or unreadable, or not a record: built again
  }
}

/**
 * Records a build: `files` are its own inputs, `configs` the other files its output depends on. Whole or not at all,
 * and not at all when one of them was modified after the build began (`since`): which of its contents the build read
 * cannot be told, so the next start builds again.
 */
export async function writeBuildRecord(dir: string, name: string, key: string, record: BuildRecord, configs: string[], since: number): Promise<void> {
  const paths = [...new Set([...record.files, ...configs])];
  const modified = await Promise.all(paths.map((path) => stat(path).then((info) => info.mtimeMs, () => 0)));
  // `since` is Date.now(), in whole milliseconds: a file written in the millisecond the build began counts as before it.
  if (modified.some((mtime) => mtime >= since + 1)) return;
  const inputs = await contentHashes(paths);
  const stored: StoredRecord = { key, ...record, inputs };
  const file = recordFile(dir, name);
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await mkdir(dir, { recursive: true });
  await writeFile(temporary, JSON.stringify(stored));
  await rename(temporary, file);
}

/**
 * The config files esbuild reads for these inputs: the handler's package.json, the nearest tsconfig.json (or
 * jsconfig.json) of each input, or the one given, and the files those extend by a relative path.
 */
export function configFiles(handler: string, inputs: Iterable<string>, tsconfig: string | undefined): string[] {
  const found = new Set<string>();
  const withBases = (config: string | undefined, depth = 0): void => {
    if (config === undefined || found.has(config) || depth > 10) return;
    found.add(config);
    for (const base of relativeExtends(config)) withBases(base, depth + 1);
  };
  const manifest = nearestFile(handler, ['package.json']);
  if (manifest) found.add(manifest);
  if (tsconfig) withBases(tsconfig);
  else for (const input of inputs) withBases(nearestFile(input, ['tsconfig.json', 'jsconfig.json']));
  return [...found];
}

/** The files a tsconfig extends by a relative path (`"extends": "./base"` or an array of them); a package's are left out. */
function relativeExtends(config: string): string[] {
  try {
    // JSON with comments: the comments go first, so an `extends` commented out is not followed.
    const text = readFileSync(config, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const value = /"extends"\s*:\s*("[^"]*"|\[[^\]]*\])/.exec(text)?.[1];
    if (value === undefined) return [];
    const bases = (JSON.parse(value) as string | string[]);
    return (Array.isArray(bases) ? bases : [bases])
      .filter((base) => typeof base === 'string' && /^\.{1,2}\//.test(base))
      .map((base) => {
        const path = resolve(dirname(config), base);
        return existsSync(path) || path.endsWith('.json') ? path : `${path}.json`;
      });
  } catch {
    return [];
  }
}

async function contentHashes(paths: string[]): Promise<Record<string, string>> {
  const hashes = await Promise.all(
    paths.map((path) =>
      readFile(path).then(
        (content) => createHash('sha256').update(content).digest('hex'),
        () => '',
      ),
    ),
  );
  return Object.fromEntries(paths.map((path, index) => [path, hashes[index]!]));
}
