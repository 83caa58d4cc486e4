import { join } from 'node:path';
import { startEmulator } from '../../local/emulator.ts';
import type { Emulator, EmulatorOptions } from '../../local/emulator.ts';

export const projectsDir = join(import.meta.dirname, '..', 'fixtures', 'projects');

/** What the fixture handlers saw: they run in this process and push their events onto globalThis. */
export function handlerEvents(): Record<string, any>[] {
  return ((globalThis as Record<string, unknown>).__wsgateFixtureEvents ??= []) as Record<string, any>[];
}

/** Waits (bounded) until a handler has seen an event matching `match`. */
export async function eventSeen(match: (event: Record<string, any>) => boolean, timeoutMs = 5_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = handlerEvents().find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('no matching handler event');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function startProject(name: string, options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  return startEmulator({ configPath: join(projectsDir, name, 'serverless.yml'), port: 0, httpPort: false, log: false, watch: false, ...options });
}
