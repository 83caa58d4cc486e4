import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { ConfigError } from '../model/config-error.ts';
import type { HandlerRef } from '../model/app-model.ts';

export type LambdaHandler = (event: unknown, context: unknown, callback?: (error?: unknown, result?: unknown) => void) => unknown;

/**
 * Imports handler files (TypeScript or JavaScript, no build step) and re-imports them after an edit: tsx's
 * `tsImport` loads each call in a fresh namespace, so the edited file and everything it imports are read again.
 * Open connections are untouched; the next event runs the new code.
 */
export class HandlerLoader {
  private generation = 0;
  private readonly modules = new Map<string, { generation: number; module: Promise<Record<string, unknown>> }>();
  /** Files any handler imported (outside node_modules): an edit to one of them reloads. */
  private readonly sources = new Set<string>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly lastReported = new Map<string, number>();
  private watching = false;

  /** `tsconfig`: the project's (its `paths` and `baseUrl`), so handlers resolve as they do in the project's own tools. */
  constructor(
    private readonly onReload: (file: string) => void = () => {},
    private readonly options: { tsconfig?: string } = {},
  ) {}

  /**
   * Watches the folders of the files handlers imported (never node_modules), rather than the whole config folder
   * recursively: on Linux, Node 20's recursive fs.watch walks and watches every folder, node_modules included, which
   * cost more than the rest of the start-up. A file imported later (after an edit) gets its folder watched then.
   */
  watch(): void {
    this.watching = true;
    for (const file of this.sources) this.watchFolderOf(file);
  }

  private watchFolderOf(file: string): void {
    const folder = dirname(file);
    if (!this.watching || this.watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => {
        if (name === null || !this.sources.has(join(folder, name.toString()))) return;
        this.generation += 1;
        this.reported(join(folder, name.toString()));
      });
    } catch (error) {
      this.onReload(`${folder} (cannot watch it: ${(error as Error).message}; edits there need a restart)`);
      return;
    }
    watcher.on('error', () => {}); // a vanished folder must not take the emulator down
    this.watchers.set(folder, watcher);
  }

  /** Editors write a file in several steps: one log line per file and burst. */
  private reported(file: string): void {
    const now = Date.now();
    if ((this.lastReported.get(file) ?? 0) > now - 200) return;
    this.lastReported.set(file, now);
    this.onReload(file);
  }

  async load(ref: HandlerRef): Promise<LambdaHandler> {
    let cached = this.modules.get(ref.file);
    if (cached === undefined || cached.generation !== this.generation) {
      const module = this.importFresh(ref.file);
      cached = { generation: this.generation, module };
      this.modules.set(ref.file, cached);
    }
    let module: Record<string, unknown>;
    try {
      module = await cached.module;
    } catch (error) {
      this.modules.delete(ref.file); // a syntax error fixed by the next edit must be retried
      throw error;
    }
    const handler = module[ref.exportName] ?? (module.default as Record<string, unknown> | undefined)?.[ref.exportName];
    if (typeof handler !== 'function') {
      const exported = Object.keys(module).filter((k) => k !== 'default');
      throw new ConfigError(
        'EXPORT_NOT_FOUND',
        `handler "${ref.declared}": ${ref.file} has no exported function "${ref.exportName}" (it exports: ${exported.join(', ') || 'nothing'})`,
      );
    }
    return handler as LambdaHandler;
  }

  private importFresh(file: string): Promise<Record<string, unknown>> {
    const { tsconfig } = this.options;
    // tsx's CommonJS side reads its tsconfig from TSX_TSCONFIG_PATH when tsImport registers it, synchronously, within
    // this call; its ESM side takes the option.
    const before = process.env.TSX_TSCONFIG_PATH;
    if (tsconfig) process.env.TSX_TSCONFIG_PATH = tsconfig;
    try {
      return this.tsImport(file, tsconfig);
    } finally {
      if (before === undefined) delete process.env.TSX_TSCONFIG_PATH;
      else process.env.TSX_TSCONFIG_PATH = before;
    }
  }

  private tsImport(file: string, tsconfig: string | undefined): Promise<Record<string, unknown>> {
    return tsImport(pathToFileURL(file).href, {
      parentURL: import.meta.url,
      ...(tsconfig ? { tsconfig } : {}),
      // Reported from tsx's loader thread, so possibly after the import has resolved: each file is watched as it comes.
      onImport: (url: string) => {
        if (!url.startsWith('file:') || url.includes('/node_modules/')) return;
        const file = fileURLToPath(url.split('?')[0]!);
        this.sources.add(file);
        this.watchFolderOf(file);
      },
    }) as Promise<Record<string, unknown>>;
  }

  close(): void {
    this.watching = false;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
