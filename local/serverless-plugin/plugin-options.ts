import { resolve } from 'node:path';
import { ConfigError } from '../model/config-error.ts';
import type { EmulatorOptions } from '../emulator-options.ts';

/**
 * `serverless wsgate`'s flags. Each wsgate flag has the serverless-offline name its users know beside it, so a
 * project moving from `serverless offline` keeps its scripts: `--websocketPort`, `--httpPort` (our pages),
 * `--webSocketIdleTimeout`, `--webSocketHardTimeout`, `--noPrependStageInUrl`. `custom.wsgate` is read by the emulator
 * itself, as for `npx wsgate`.
 */
export const PLUGIN_FLAGS = {
  port: { usage: 'WebSocket + @connections port (default 3001; 0 = any free port)', type: 'string' },
  websocketPort: { usage: "Same as --port (serverless-offline's name)", type: 'string' },
  'http-port': { usage: 'Chat page + inspector port (default 3000)', type: 'string' },
  httpPort: { usage: "Same as --http-port (serverless-offline's name; wsgate serves its pages there)", type: 'string' },
  host: { usage: 'Interface to bind (default 127.0.0.1)', type: 'string' },
  persist: { usage: "Keep the embedded DynamoDB's data in this folder", type: 'string' },
  'idle-timeout': { usage: 'Close idle connections after this many seconds (default 600)', type: 'string' },
  webSocketIdleTimeout: { usage: "Same as --idle-timeout (serverless-offline's name)", type: 'string' },
  'max-duration': { usage: 'Close every connection after this many seconds (default 7200)', type: 'string' },
  webSocketHardTimeout: { usage: "Same as --max-duration (serverless-offline's name)", type: 'string' },
  'no-watch': { usage: 'Do not reload handlers when their files change', type: 'boolean' },
  noPrependStageInUrl: { usage: 'Print the WebSocket URL without the stage (wsgate answers with and without it)', type: 'boolean' },
} as const;

export type PluginFlags = Partial<Record<keyof typeof PLUGIN_FLAGS | 'stage' | 'region', string | boolean | undefined>>;

/**
 * The emulator's options for `serverless wsgate`, as two layers: `given` (the flags, which beat `custom.wsgate`) and
 * `defaults` (the ports, host and timeouts of `custom.serverless-offline`, below `custom.wsgate`, so switching a
 * project over is one line in `plugins`; and the pages on 3000, as the CLI). A bad value is a ConfigError naming it.
 */
export function pluginEmulatorOptions(
  flags: PluginFlags,
  custom: Record<string, unknown> | undefined,
  serviceDir: string,
): { given: Partial<EmulatorOptions>; defaults: Partial<EmulatorOptions>; prependStage: boolean } {
  const offline = (custom?.['serverless-offline'] ?? {}) as Record<string, unknown>;
  const number = (name: string, value: unknown, { seconds = false } = {}): number | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n) || n < 0 || (seconds && n === 0)) throw new ConfigError('CONFIG_INVALID', `${name} must be ${seconds ? 'a number of seconds above 0' : 'a port number'}; got ${JSON.stringify(value)}`);
    return seconds ? n * 1000 : n;
  };
  const first = (candidates: [string, unknown][], options?: { seconds?: boolean }) => {
    const found = candidates.find(([, value]) => value !== undefined && value !== null);
    return found ? number(found[0], found[1], options) : undefined;
  };
  const persist = flags.persist as string | undefined;
  return {
    given: {
      port: first([['--port', flags.port], ['--websocketPort', flags.websocketPort]]),
      httpPort: first([['--http-port', flags['http-port']], ['--httpPort', flags.httpPort]]),
      host: flags.host as string | undefined,
      stage: flags.stage as string | undefined,
      persistDir: persist === undefined ? undefined : resolve(serviceDir, persist),
      idleTimeoutMs: first([['--idle-timeout', flags['idle-timeout']], ['--webSocketIdleTimeout', flags.webSocketIdleTimeout]], { seconds: true }),
      maxDurationMs: first([['--max-duration', flags['max-duration']], ['--webSocketHardTimeout', flags.webSocketHardTimeout]], { seconds: true }),
      watch: flags['no-watch'] ? false : undefined,
    },
    defaults: Object.fromEntries(
      Object.entries({
        httpPort: first([['custom.serverless-offline.httpPort', offline.httpPort]]) ?? 3000,
        port: first([['custom.serverless-offline.websocketPort', offline.websocketPort]]),
        host: offline.host as string | undefined,
        idleTimeoutMs: first([['custom.serverless-offline.webSocketIdleTimeout', offline.webSocketIdleTimeout]], { seconds: true }),
        maxDurationMs: first([['custom.serverless-offline.webSocketHardTimeout', offline.webSocketHardTimeout]], { seconds: true }),
      }).filter(([, value]) => value !== undefined),
    ),
    prependStage: !(flags.noPrependStageInUrl ?? offline.noPrependStageInUrl),
  };
}
