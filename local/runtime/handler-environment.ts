import type { EmulatorConfig } from '../model/app-model.ts';

/**
 * Handlers run in one process, so they share `process.env`: the union of every function's environment
 * (provider + function). Two functions giving one key different values is reported; the last wins.
 */
export function handlerEnvironment(config: EmulatorConfig): { environment: Record<string, string>; conflicts: string[] } {
  const environment: Record<string, string> = {};
  const owner: Record<string, string> = {};
  const conflicts: string[] = [];
  // Every function, not only those behind a route: HTTP events, invokes, schedules and streams run the others.
  const functions = [...config.functions.values()].map((fn) => ({ key: fn.functionKey, environment: fn.environment }));
  for (const fn of functions) {
    for (const [key, value] of Object.entries(fn.environment)) {
      if (environment[key] !== undefined && environment[key] !== value) {
        conflicts.push(`${key} is "${environment[key]}" in functions.${owner[key]} but "${value}" in functions.${fn.key}; handlers share one process, so all see "${value}"`);
      }
      environment[key] = value;
      owner[key] = fn.key;
    }
  }
  return { environment, conflicts };
}

/** Each running emulator's variables, oldest first; the newest that sets a key wins. */
const layers: Map<string, string>[] = [];
/** What process.env held before any emulator touched a key (undefined: unset). */
const original = new Map<string, string | undefined>();

/** A variable as the user set it, ignoring what emulators in this process set. */
export function userEnvironmentValue(key: string): string | undefined {
  return original.has(key) ? original.get(key) : process.env[key];
}

/**
 * Sets the handlers' environment, and the SDK's standard variables unless the user set them (so
 * `AWS_ENDPOINT_URL_DYNAMODB=http://localhost:8000 npm start` wins). Returns a function that takes them back out.
 * Emulators started side by side in one process (as tests do) stack: the newest wins while it runs, and stopping any of
 * them leaves the others' values, or the user's, in place.
 */
export function applyEnvironment(environment: Record<string, string>, defaults: Record<string, string>): () => void {
  const layer = new Map<string, string>();
  for (const [key, value] of Object.entries(defaults)) if (!userEnvironmentValue(key)) layer.set(key, value);
  for (const [key, value] of Object.entries(environment)) layer.set(key, value);
  for (const key of layer.keys()) if (!original.has(key)) original.set(key, process.env[key]);
  layers.push(layer);
  for (const [key, value] of layer) process.env[key] = value;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    layers.splice(layers.indexOf(layer), 1);
    for (const key of layer.keys()) {
      const winner = layers.findLast((other) => other.has(key));
      if (winner) process.env[key] = winner.get(key);
      else {
        const value = original.get(key);
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
        original.delete(key);
      }
    }
  };
}
