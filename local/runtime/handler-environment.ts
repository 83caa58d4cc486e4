import type { EmulatorConfig } from '../config/load-config.ts';

/**
 * Handlers run in one process, so they share `process.env`: the union of every function's environment
 * (provider + function). Two functions giving one key different values is reported; the last wins.
 */
export function handlerEnvironment(config: EmulatorConfig): { environment: Record<string, string>; conflicts: string[] } {
  const environment: Record<string, string> = {};
  const owner: Record<string, string> = {};
  const conflicts: string[] = [];
  const functions = [...config.routes.values()].flatMap((route) => [
    { key: route.functionKey, environment: route.environment },
    ...(route.authorizer ? [{ key: route.authorizer.functionKey, environment: route.authorizer.environment }] : []),
  ]);
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

/**
 * Sets the handlers' environment, and the SDK's standard variables unless the user already set them
 * (so `AWS_ENDPOINT_URL_DYNAMODB=http://localhost:8000 npm start` wins). Returns a function that restores
 * what was there before, so emulators started one after another in one process do not see each other's.
 */
export function applyEnvironment(environment: Record<string, string>, defaults: Record<string, string>): () => void {
  const saved = new Map<string, string | undefined>();
  const set = (key: string, value: string) => {
    if (!saved.has(key)) saved.set(key, process.env[key]);
    process.env[key] = value;
  };
  for (const [key, value] of Object.entries(defaults)) if (!process.env[key] || ownedByEmulators.has(key)) set(key, value);
  for (const [key, value] of Object.entries(environment)) set(key, value);
  for (const key of Object.keys(defaults)) if (saved.has(key)) ownedByEmulators.add(key);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
      if (value === undefined) ownedByEmulators.delete(key);
    }
  };
}

/** Variables an emulator in this process set (not the user): a later emulator may replace them. */
const ownedByEmulators = new Set<string>();
