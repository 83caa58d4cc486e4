import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { ConfigError } from '../config/config-error.ts';
import type { HandlerRef } from '../config/resolve-handler.ts';

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
  private watcher: FSWatcher | undefined;

  constructor(private readonly onReload: (file: string) => void = () => {}) {}

  /** Watches `dir` (recursively) for edits to files a handler imported. */
  watch(dir: string): void {
    this.watcher = watch(dir, { recursive: true }, (_event, name) => {
      if (name === null) return;
      const file = join(dir, name.toString());
      if (!this.sources.has(file)) return;
      this.generation += 1;
      this.onReload(file);
    });
    this.watcher.on('error', () => {}); // a vanished folder must not take the emulator down
  }

  async load(ref: HandlerRef): Promise<LambdaHandler> {
    let cached = this.modules.get(ref.file);
    if (cached === undefined || cached.generation !== this.generation) {
      cached = { generation: this.generation, module: this.importFresh(ref.file) };
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
    return tsImport(pathToFileURL(file).href, {
      parentURL: import.meta.url,
      onImport: (url: string) => {
        if (url.startsWith('file:') && !url.includes('/node_modules/')) this.sources.add(new URL(url).pathname);
      },
    }) as Promise<Record<string, unknown>>;
  }

  close(): void {
    this.watcher?.close();
  }
}
