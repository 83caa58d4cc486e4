import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Watches the files handlers imported, telling which function each belongs to. It watches their folders (never
 * node_modules) rather than the whole app folder recursively: on Linux, Node 20's recursive fs.watch walks and
 * watches every folder, node_modules included, which cost more than the rest of the start-up.
 */
export class SourceWatcher {
  /** file -> the function keys whose environments imported it. */
  private readonly owners = new Map<string, Set<string>>();
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly lastReported = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly changed: (file: string, functionKeys: string[], repeated: boolean) => void,
    private readonly cannotWatch: (folder: string, error: Error) => void,
  ) {}

  add(functionKey: string, files: string[]): void {
    for (const file of files) {
      let owners = this.owners.get(file);
      if (owners === undefined) this.owners.set(file, (owners = new Set()));
      owners.add(functionKey);
      this.watchFolderOf(file);
    }
  }

  private watchFolderOf(file: string): void {
    const folder = dirname(file);
    if (this.closed || this.watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, name) => {
        const path = name === null ? undefined : join(folder, name.toString());
        const owners = path === undefined ? undefined : this.owners.get(path);
        if (path !== undefined && owners !== undefined) this.report(path, [...owners]);
      });
    } catch (error) {
      this.cannotWatch(folder, error as Error);
      return;
    }
    watcher.on('error', () => {}); // a vanished folder must not take the emulator down
    watcher.unref();
    this.watchers.set(folder, watcher);
  }

  /** Editors write a file in several steps: `repeated` marks the later steps of a burst (to be logged once). */
  private report(file: string, functionKeys: string[]): void {
    const now = Date.now();
    const repeated = (this.lastReported.get(file) ?? 0) > now - 200;
    this.lastReported.set(file, now);
    this.changed(file, functionKeys, repeated);
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
