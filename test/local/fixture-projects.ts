import { join } from 'node:path';
import { startEmulator } from '../../local/emulator.ts';
import type { Emulator, EmulatorOptions } from '../../local/emulator.ts';

export const projectsDir = join(import.meta.dirname, '..', 'fixtures', 'projects');

type HandlerEvent = Record<string, any>;
const waiters = new Set<() => void>();

/** The fixture handlers run in this process and push what they saw here; a push wakes the tests waiting for it. */
class SeenEvents extends Array<HandlerEvent> {
  override push(...items: HandlerEvent[]): number {
    const length = super.push(...items);
    for (const wake of waiters) wake();
    return length;
  }
}
const store = globalThis as { __wsgateFixtureEvents?: HandlerEvent[] };
store.__wsgateFixtureEvents ??= new SeenEvents();

export function handlerEvents(): HandlerEvent[] {
  return store.__wsgateFixtureEvents!;
}

/** Resolves with the first event a handler has seen (or will see) that matches; rejects after `timeoutMs`. */
export function eventSeen(match: (event: HandlerEvent) => boolean, timeoutMs = 5_000): Promise<HandlerEvent> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const found = handlerEvents().find(match);
      if (found === undefined) return;
      waiters.delete(look);
      clearTimeout(timer);
      resolve(found);
    };
    const timer = setTimeout(() => {
      waiters.delete(look);
      reject(new Error(`no matching handler event within ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.add(look);
    look();
  });
}

/** A fixture project on free ports, silent, without pages or watching unless asked. */
export function startProject(name: string, options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ configPath: join(projectsDir, name, 'serverless.yml'), port: 0, log: false, watch: false, ...options });
}
