import { secondsOrNumber } from './cli-options.ts';
import type { EmulatorOptions } from './emulator-options.ts';
import type { LocalSettings } from './model/app-model.ts';
import { ConfigError } from './model/config-error.ts';
import { nearestName } from './nearest-name.ts';

/** custom.wsgate's keys: each CLI flag by its own name or in camelCase, with the CLI's units (seconds). */
const KEYS: Record<string, (value: unknown, key: string) => Partial<EmulatorOptions>> = {
  port: (v, k) => ({ port: secondsOrNumber(k, number(v, k)) }),
  httpPort: (v, k) => ({ httpPort: v === false ? false : secondsOrNumber(k, number(v, k)) }),
  host: (v, k) => ({ host: text(v, k) }),
  allowedHost: (v, k) => ({ allowedHosts: hosts(v, k) }),
  allowedHosts: (v, k) => ({ allowedHosts: hosts(v, k) }),
  stage: () => ({}), // read with the config itself: the stage decides how its variables resolve
  pages: () => ({}), // read with the config itself: the app's own pages are part of its model (pages-config.ts)
  persist: (v, k) => ({ persistDir: text(v, k) }),
  idleTimeout: (v, k) => ({ idleTimeoutMs: secondsOrNumber(k, number(v, k), 1000) }),
  maxDuration: (v, k) => ({ maxDurationMs: secondsOrNumber(k, number(v, k), 1000) }),
  scheduleSpeed: (v, k) => ({ scheduleSpeed: secondsOrNumber(k, number(v, k)) }),
  watch: (v, k) => ({ watch: bool(v, k) }),
  noWatch: (v, k) => ({ watch: !bool(v, k) }),
  intercept: (v, k) => ({ intercept: bool(v, k) }),
  noIntercept: (v, k) => ({ intercept: !bool(v, k) }),
  environment: (v, k) => ({ environment: environment(v, k) }),
  isolate: (v, k) => ({ isolation: bool(v, k) ? 'environments' : 'in-process' }),
  noIsolate: (v, k) => ({ isolation: bool(v, k) ? 'in-process' : 'environments' }),
  warm: (v, k) => ({ warm: bool(v, k) }),
  noWarm: (v, k) => ({ warm: !bool(v, k) }),
  maxConcurrency: (v, k) => ({ maxConcurrency: wholeNumber(v, k) }),
  unordered: (v, k) => ({ orderedFrames: !bool(v, k) }),
  logFormat: (v, k) => ({ logFormat: oneOf(v, k, ['text', 'json'] as const) }),
};

/**
 * The emulator's own options a project sets for itself (serverless.yml's `custom.wsgate`): every CLI flag but
 * `--config`, by the flag's name (`idle-timeout`) or in camelCase (`idleTimeout`). The caller lets flags beat them.
 * An unknown key fails, suggesting the nearest known one.
 *
 * @example projectOptions({ where: 'custom.wsgate', values: { port: 4001, 'idle-timeout': 60 } }) // { port: 4001, idleTimeoutMs: 60000 }
 */
export function projectOptions(settings: LocalSettings | undefined): Partial<EmulatorOptions> {
  if (settings === undefined) return {};
  const options: Partial<EmulatorOptions> = {};
  for (const [key, value] of Object.entries(settings.values)) {
    const camel = key.replace(/-([a-z])/g, (_all, letter: string) => letter.toUpperCase());
    const read = KEYS[camel];
    if (read === undefined) {
      const suggestion = nearestName(camel, Object.keys(KEYS));
      throw new ConfigError('CONFIG_INVALID', `${settings.where}.${key} is not an option of wsgate${suggestion ? `; did you mean ${settings.where}.${suggestion}?` : ''} (known: ${Object.keys(KEYS).join(', ')})`);
    }
    Object.assign(options, read(value, `${settings.where}.${key}`));
  }
  return options;
}

function number(value: unknown, key: string): number {
  if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) return Number(value);
  throw new ConfigError('CONFIG_INVALID', `${key} must be a number; got ${JSON.stringify(value)}`);
}

function text(value: unknown, key: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ConfigError('CONFIG_INVALID', `${key} must be a string; got ${JSON.stringify(value)}`);
}

/** One name or a list of them. */
function hosts(value: unknown, key: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.every((name) => typeof name === 'string' && name !== '')) return list as string[];
  throw new ConfigError('CONFIG_INVALID', `${key} must be a host name or a list of them; got ${JSON.stringify(value)}`);
}

function wholeNumber(value: unknown, key: string): number {
  const n = number(value, key);
  if (Number.isInteger(n) && n >= 1) return n;
  throw new ConfigError('CONFIG_INVALID', `${key} must be a whole number ≥ 1; got ${JSON.stringify(value)}`);
}

function oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  throw new ConfigError('CONFIG_INVALID', `${key} must be ${allowed.join(' or ')}; got ${JSON.stringify(value)}`);
}

function bool(value: unknown, key: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new ConfigError('CONFIG_INVALID', `${key} must be true or false; got ${JSON.stringify(value)}`);
}

function environment(value: unknown, key: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError('CONFIG_INVALID', `${key} must be a mapping of variable names to values`);
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
