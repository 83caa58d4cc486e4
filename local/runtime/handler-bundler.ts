import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';
import { buildKey, configFiles, nearestFile, readBuildRecord, writeBuildRecord } from './build-record.ts';
import { privateCacheDir, writeCacheFile } from './cache-file.ts';
import type { HandlerLoad } from './environment-protocol.ts';

/**
 * Builds a TypeScript handler for its execution environments, once per edit: one module of the project's own files
 * (esbuild, `paths` aliases resolved with the project's tsconfig), the packages left to Node, written beside the
 * project's packages (`node_modules/.cache/wsgate/`) so that they resolve exactly as they would from the handler's own
 * folder. The environment then imports plain JavaScript, as Lambda runs what serverless-esbuild, SAM's esbuild build or
 * CDK's NodejsFunction deploy, and needs no TypeScript loader of its own: a cold start without one is about half
 * (tsx registers ESM hooks on a thread of their own, through which every later import then goes).
 *
 * The module keeps the kind Node would give the source: ESM for `.mts` and for `.ts` under `"type": "module"`,
 * CommonJS otherwise. What a bundle would change is left to tsx instead (the environment registers it as before): a
 * build error or warning (`import.meta` in CommonJS, say), a module named at run time (`require(name)`, `import(name)`),
 * or a file other than the handler's own that reads its location (`__dirname`, `import.meta`).
 */
export class HandlerBundler {
  private readonly builds = new Map<string, { load: Promise<HandlerLoad>; files: Set<string> }>();
  private readonly scans = new Map<string, Promise<string[]>>();
  private esbuild?: Promise<typeof import('esbuild')>;

  constructor(private readonly options: { tsconfig?: string } = {}) {}

  /** How an environment loads `file`: `native` for JavaScript, `compiled` for TypeScript that bundles cleanly, else `tsx`. */
  load(file: string): Promise<HandlerLoad> {
    if (!TYPESCRIPT.has(extname(file))) return Promise.resolve({ kind: 'native' });
    let build = this.builds.get(file);
    if (build === undefined) {
      const files = new Set([file]);
      build = { files, load: this.build(file, files) };
      this.builds.set(file, build);
    }
    return build.load;
  }

  /**
   * The project's own files a JavaScript handler imports, for the watcher: Node's loader reports none (tsx's hook used
   * to), so they are read from a build that is not run. Just the file itself when that build fails.
   */
  imports(file: string): Promise<string[]> {
    let scan = this.scans.get(file);
    if (scan === undefined) {
      scan = this.scan(file);
      this.scans.set(file, scan);
    }
    return scan;
  }

  /** `file` was edited: the builds (and scans) that include it are made again when next asked for. */
  changed(file: string): void {
    for (const [entry, build] of this.builds) if (build.files.has(file)) this.builds.delete(entry);
    // A scan's files are known only once it is done; one still running is dropped too (it may have read the old file).
    for (const entry of this.scans.keys()) this.scans.delete(entry);
  }

  private async scan(file: string): Promise<string[]> {
    try {
      this.esbuild ??= import('esbuild');
      const result = await (await this.esbuild).build({ entryPoints: [file], bundle: true, packages: 'external', platform: 'node', format: moduleKind(file), write: false, metafile: true, logLevel: 'silent', absWorkingDir: dirname(file) });
      return ownFiles(file, result.metafile!);
    } catch {
      return [file];
    }
  }

  private async build(file: string, files: Set<string>): Promise<HandlerLoad> {
    const started = Date.now();
    const manifests = new Set<string>(); // the package.json files the ESM bundle's package paths were read from
    let record: { dir: string; name: string; key: string; load: HandlerLoad };
    try {
      const format = moduleKind(file);
      const [dir, name, extension] = [cacheDir(file), safeName(file), format === 'esm' ? 'mjs' : 'cjs'];
      const where = { url: pathToFileURL(file).href, dirname: dirname(file) };
      const options: BuildOptions = {
        entryPoints: [file],
        bundle: true,
        // Packages stay Node's to load, as they do on Lambda beside a bundle that excludes them.
        ...(format === 'esm' ? { plugins: [esmPackages(manifests)] } : { packages: 'external' as const }),
        format,
        platform: 'node',
        target: `node${process.versions.node.split('.')[0]}`,
        keepNames: true,
        sourcemap: 'inline',
        sourcesContent: false,
        outfile: join(dir, `${name}.${extension}`), // where the source map's paths are relative to
        write: false,
        metafile: true,
        logLevel: 'silent',
        absWorkingDir: dirname(file),
        ...(this.options.tsconfig ? { tsconfig: this.options.tsconfig } : {}),
        // The handler's own location stays its own, not the bundle's.
        define:
          format === 'esm'
            ? { 'import.meta.url': JSON.stringify(where.url), 'import.meta.dirname': JSON.stringify(where.dirname), 'import.meta.filename': JSON.stringify(file) }
            : { __dirname: JSON.stringify(where.dirname), __filename: JSON.stringify(file), 'import.meta.url': JSON.stringify(where.url) },
      };
      // The build of an earlier start, when nothing it was made from has changed since: no esbuild at all.
      const key = buildKey({ file, format, tsconfig: this.options.tsconfig ?? null });
      const recorded = await readBuildRecord(dir, name, key);
      if (recorded) {
        for (const input of recorded.files) files.add(input);
        return recorded.load;
      }
      this.esbuild ??= import('esbuild');
      const result = await (await this.esbuild).build(options);
      for (const input of ownFiles(file, result.metafile!)) files.add(input);
      const load: HandlerLoad =
        result.warnings.length > 0 || (await Promise.all([...files].map((input) => movedByBundling(input, input === file)))).some(Boolean)
          ? { kind: 'tsx' }
          : { kind: 'compiled', url: pathToFileURL(await writeCacheFile(dir, name, extension, result.outputFiles![0]!.contents)).href, files: [...files] };
      record = { dir, name, key, load };
    } catch {
      // A build error, which tsx reports as it always has (a syntax error, a missing file), or no folder to keep the
      // build in: the handler goes to tsx, and nothing is recorded.
      return { kind: 'tsx' };
    }
    // A record that cannot be written only costs the next start a build.
    const configs = [...configFiles(file, files, this.options.tsconfig), ...manifests];
    await writeBuildRecord(record.dir, record.name, record.key, { load: record.load, files: [...files] }, configs, started).catch(() => {});
    return record.load;
  }
}

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
const INNER = Symbol('resolving for esmPackages');

/**
 * Leaves packages to Node in an ESM bundle, like `packages: 'external'`, but a deep import written without its extension
 * (`aws-sdk/clients/dynamodb`), which CommonJS, tsx and TypeScript's `node` resolution accept and Node's ESM loader does
 * not (for a package without `exports`), names the file esbuild finds for it: the bundle loads where its source did.
 */
function esmPackages(manifests: Set<string>): Plugin {
  return {
    name: 'wsgate-esm-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === INNER) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: INNER });
        if (resolved.errors.length > 0) return { path: args.path, external: true }; // Node reports it as the handler loads, as it would
        if (!resolved.path.includes(`${sep}node_modules${sep}`)) return undefined; // a tsconfig `paths` alias to the project's own file
        return { path: nodeSpecifier(args.path, resolved.path, manifests), external: true };
      });
    },
  };
}

/** `pkg/sub/path` as Node's ESM loader finds it: as written when the package has `exports` (or it is the package itself). */
function nodeSpecifier(specifier: string, resolved: string, manifests: Set<string>): string {
  const parts = specifier.split('/');
  const nameParts = specifier.startsWith('@') ? 2 : 1;
  if (parts.length <= nameParts) return specifier;
  const name = parts.slice(0, nameParts).join('/');
  const marker = `${sep}node_modules${sep}${name.replaceAll('/', sep)}${sep}`;
  const at = resolved.lastIndexOf(marker);
  if (at === -1) return specifier;
  const root = resolved.slice(0, at + marker.length);
  manifests.add(join(root, 'package.json')); // its `exports` decide the path written: a reinstall may change them
  try {
    if ((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports?: unknown }).exports !== undefined) return specifier;
  } catch {
    return specifier;
  }
  return `${name}/${resolved.slice(root.length).split(sep).join('/')}`;
}

/** The build's inputs outside node_modules, as absolute paths (esbuild gives them relative to its working folder). */
function ownFiles(file: string, metafile: Metafile): string[] {
  return Object.keys(metafile.inputs)
    .map((input) => resolve(dirname(file), input))
    .filter((input) => !input.includes(`${sep}node_modules${sep}`));
}

/** The module kind Node (and tsx) gives a TypeScript file: by its extension, else its package's `type`. */
function moduleKind(file: string): 'esm' | 'cjs' {
  const extension = extname(file);
  if (extension === '.mts') return 'esm';
  if (extension === '.cts') return 'cjs';
  const manifest = nearestFile(file, ['package.json']);
  if (manifest === undefined) return 'cjs';
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module' ? 'esm' : 'cjs';
  } catch {
    return 'cjs';
  }
}

/**
 * The nearest `node_modules` above the handler, where a bundle resolves packages as the handler itself would (Node skips
 * a folder named node_modules when it walks up); a folder of this user's own in the system's temporary folder (privateCacheDir) when the project has none.
 */
function cacheDir(file: string): string {
  const modules = nearestFile(file, ['node_modules']);
  return modules === undefined ? privateCacheDir() : join(modules, '.cache', 'wsgate');
}

function safeName(file: string): string {
  const base = file.split(/[\\/]/).slice(-2).join('-').replace(/\.[^.]+$/, '');
  return `${base.replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(file).digest('hex').slice(0, 8)}`;
}

/**
 * Whether the file does something a bundle in another folder would change: names a module to load at run time (a
 * relative one would then be looked for beside the bundle), or, unless it is the handler itself (whose location the
 * build keeps), reads its own location.
 */
async function movedByBundling(file: string, isHandler: boolean): Promise<boolean> {
  try {
    const source = await readFile(file, 'utf8');
    if (/\brequire(?:\.resolve)?\s*\(\s*[^'"`\s)]|\bimport\s*\(\s*[^'"`\s)]/.test(source)) return true;
    return !isHandler && /\b__dirname\b|\b__filename\b|\bimport\.meta\b/.test(source);
  } catch {
    return true;
  }
}
