import { resolve } from 'node:path';
import { ConfigError } from '../model/config-error.ts';
import type { EmulatorOptions } from '../emulator-options.ts';

/**
 * `custom.wsgate` in serverless.yml. Ports and timeouts as numbers; timeouts in seconds, as the CLI and
 * serverless-offline take them.
 */
export interface WsgateCustomOptions {
  port?: number;
  httpPort?: number | false;
  host?: string;
  persistDir?: string;
  idleTimeout?: number;
  maxDuration?: number;
  watch?: boolean;
}

const CUSTOM_KEYS = ['port', 'httpPort', 'host', 'persistDir', 'idleTimeout', 'maxDuration', 'watch'] as const;

/**
 * `serverless wsgate`'s flags. Each wsgate flag has the serverless-offline name its users know beside it, so a
 * project moving from `serverless offline` keeps its scripts: `--websocketPort`, `--httpPort` (our pages),
 * `--webSocketIdleTimeout`, `--webSocketHardTimeout`, `--noPrependStageInUrl`.
 */
export const PLUGIN_FLAGS = {
  port: { usage: 'WebSocket + @connections port (default 3001; 0 = any free port)', type: 'string' },
  websocketPort: { usage: 'Same as --port (serverless-offline\'s name)', type: 'string' },
  'http-port': { usage: 'Chat page + inspector port (default 3000)', type: 'string' },
  httpPort: { usage: 'Same as --http-port (serverless-offline\'s name; wsgate serves its pages there)', type: 'string' },
  host: { usage: 'Interface to bind (default 127.0.0.1)', type: 'string' },
  persist: { usage: 'Keep the embedded DynamoDB\'s data in this folder', type: 'string' },
  'idle-timeout': { usage: 'Close idle connections after this many seconds (default 600)', type: 'string' },
  webSocketIdleTimeout: { usage: 'Same as --idle-timeout (serverless-offline\'s name)', type: 'string' },
  'max-duration': { usage: 'Close every connection after this many seconds (default 7200)', type: 'string' },
  webSocketHardTimeout: { usage: 'Same as --max-duration (serverless-offline\'s name)', type: 'string' },
  'no-watch': { usage: 'Do not reload handlers when their files change', type: 'boolean' },
  noPrependStageInUrl: { usage: 'Print the WebSocket URL without the stage (wsgate answers with and without it)', type: 'boolean' },
} as const;

export type PluginFlags = Partial<Record<keyof typeof PLUGIN_FLAGS | 'stage' | 'region', string | boolean | undefined>>;

/**
 * The emulator's options for `serverless wsgate`: flags win over `custom.wsgate`, which wins over the ports and host
 * of `custom.serverless-offline` (so switching a project over is one line in `plugins`), over wsgate's defaults.
 * A bad value is a ConfigError naming the flag or key.
 */
export function pluginEmulatorOptions(
  flags: PluginFlags,
  custom: Record<string, unknown> | undefined,
  serviceDir: string,
): Partial<EmulatorOptions> & { prependStage: boolean } {
  const wsgate = (custom?.wsgate ?? {}) as Record<string, unknown>;
  if (typeof wsgate !== 'object' || wsgate === null || Array.isArray(wsgate)) throw new ConfigError('CONFIG_INVALID', 'custom.wsgate must be an object');
  for (const key of Object.keys(wsgate)) {
    if (!(CUSTOM_KEYS as readonly string[]).includes(key)) throw new ConfigError('CONFIG_INVALID', `custom.wsgate.${key} is not a wsgate option; known: ${CUSTOM_KEYS.join(', ')}`);
  }
  const offline = (custom?.['serverless-offline'] ?? {}) as Record<string, unknown>;

  const number = (name: string, value: unknown, { seconds = false } = {}): number | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n) || n < 0 || (seconds && n === 0)) throw new ConfigError('CONFIG_INVALID', `${name} must be ${seconds ? 'a number of seconds above 0' : 'a port number'}; got ${JSON.stringify(value)}`);
    return seconds ? n * 1000 : n;
  };
  const first = (...candidates: [string, unknown][]) => candidates.find(([, value]) => value !== undefined && value !== null);
  const pick = (candidates: [string, unknown][], options?: { seconds?: boolean }) => {
    const found = first(...candidates);
    return found ? number(found[0], found[1], options) : undefined;
  };

  const httpPortCustom = wsgate.httpPort === false ? false : undefined;
  const persist = (flags.persist as string | undefined) ?? (wsgate.persistDir as string | undefined);
  if (wsgate.watch !== undefined && typeof wsgate.watch !== 'boolean') throw new ConfigError('CONFIG_INVALID', 'custom.wsgate.watch must be true or false');
  return {
    configPath: undefined,
    port: pick([['--port', flags.port], ['--websocketPort', flags.websocketPort], ['custom.wsgate.port', wsgate.port], ['custom.serverless-offline.websocketPort', offline.websocketPort]]),
    httpPort:
      httpPortCustom ??
      pick([['--http-port', flags['http-port']], ['--httpPort', flags.httpPort], ['custom.wsgate.httpPort', wsgate.httpPort], ['custom.serverless-offline.httpPort', offline.httpPort]]) ??
      3000,
    host: (flags.host as string | undefined) ?? (wsgate.host as string | undefined) ?? (offline.host as string | undefined),
    stage: flags.stage as string | undefined,
    persistDir: persist === undefined ? undefined : resolve(serviceDir, persist),
    idleTimeoutMs: pick(
      [['--idle-timeout', flags['idle-timeout']], ['--webSocketIdleTimeout', flags.webSocketIdleTimeout], ['custom.wsgate.idleTimeout', wsgate.idleTimeout], ['custom.serverless-offline.webSocketIdleTimeout', offline.webSocketIdleTimeout]],
      { seconds: true },
    ),
    maxDurationMs: pick(
      [['--max-duration', flags['max-duration']], ['--webSocketHardTimeout', flags.webSocketHardTimeout], ['custom.wsgate.maxDuration', wsgate.maxDuration], ['custom.serverless-offline.webSocketHardTimeout', offline.webSocketHardTimeout]],
      { seconds: true },
    ),
    watch: flags['no-watch'] ? false : (wsgate.watch as boolean | undefined),
    prependStage: !(flags.noPrependStageInUrl ?? offline.noPrependStageInUrl),
  };
}
