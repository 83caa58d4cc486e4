import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { EmulatorConfig, FunctionFacts } from './model/app-model.ts';

/**
 * Points the running functions at the code a fresh read of the project names, in place (routes, authorizers and
 * triggers hold the same function objects, or copies carrying the function key): a CDK asset folder changes name with
 * its content, so after `cdk synth` the handler files are new ones. Open connections stay. What a restart would change
 * besides the code — routes, functions, tables added or removed — is returned, not applied.
 */
export function swapCode(running: EmulatorConfig[], fresh: EmulatorConfig[]): { updated: string[]; needsRestart: string[] } {
  const freshFunctions = new Map(fresh.flatMap((config) => [...config.functions]));
  const updated = new Set<string>();
  const swap = (fn: FunctionFacts) => {
    const next = freshFunctions.get(fn.functionKey);
    if (next === undefined || next.handler.file === fn.handler.file) return;
    fn.handler = next.handler;
    updated.add(fn.functionKey);
  };
  for (const config of running) {
    for (const fn of config.functions.values()) swap(fn);
    for (const route of config.routes.values()) {
      swap(route);
      if (route.authorizer) swap(route.authorizer);
    }
  }
  const needsRestart: string[] = [];
  const shape = (configs: EmulatorConfig[]) =>
    JSON.stringify(configs.map((c) => [c.apiName, c.stage, [...c.routes.keys()].sort(), [...c.functions.keys()].sort(), c.tables.map((t) => t.tableName).sort(), c.httpRoutes.length, c.schedules.length, c.streams.length]));
  if (shape(running) !== shape(fresh)) needsRestart.push('the APIs, routes, functions, tables or triggers changed');
  return { updated: [...updated], needsRestart };
}

/**
 * Watches the file a reader says to re-read on (a CDK assembly's manifest.json, which every `cdk synth` rewrites; a
 * template itself) and swaps the new code in after each change. Returns the function that stops watching.
 */
export function reloadOnChange(
  file: string,
  reread: () => Promise<EmulatorConfig[]>,
  running: () => EmulatorConfig[],
  log: { info(type: string, message: string): void; warning(message: string): void },
  swapped: (functionKeys: string[]) => void = () => {},
): () => void {
  let pending: NodeJS.Timeout | undefined;
  let reading = Promise.resolve();
  const reload = () => {
    reading = reading.then(async () => {
      try {
        const { updated, needsRestart } = swapCode(running(), await reread());
        swapped(updated);
        log.info('reload', `re-read ${basename(file)}: ${updated.length > 0 ? `new code for ${updated.join(', ')}` : 'no code changed'}`);
        for (const change of needsRestart) log.warning(`${change} in ${basename(file)}; restart wsgate to serve them`);
      } catch (error) {
        log.warning(`cannot re-read ${basename(file)} (${(error as Error).message}); still serving the code read before`);
      }
    });
  };
  const watcher = watch(dirname(file), (_event, name) => {
    if (name?.toString() !== basename(file)) return;
    // A tool writes a file in several steps: one re-read per burst.
    clearTimeout(pending);
    pending = setTimeout(reload, 100);
  });
  watcher.on('error', () => {}); // a removed folder (cdk.out deleted) must not take the emulator down
  return () => {
    clearTimeout(pending);
    watcher.close();
  };
}
