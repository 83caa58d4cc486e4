/** Everything `startEmulator` takes; each has a documented default. */
export interface EmulatorOptions {
  /** The serverless.yml to serve. Default `./serverless.yml`. */
  configPath: string;
  /** WebSocket + @connections port; 0 picks a free one. Default 3001. */
  port: number;
  /** Browser pages port; 0 picks a free one; false serves none. Default 3000. */
  httpPort: number | false;
  /** Interface to bind. Default `127.0.0.1`. */
  host: string;
  /** Default: `provider.stage`, else `dev`. */
  stage?: string;
  /** Keep the embedded DynamoDB's data in this folder across restarts. Default: in memory. */
  persistDir?: string;
  /** Use this DynamoDB instead of the embedded one. Default: `AWS_ENDPOINT_URL_DYNAMODB` when set. */
  dynamodbEndpoint?: string;
  /** API Gateway closes a connection idle this long with 1001. Default 600,000 (10 min). */
  idleTimeoutMs: number;
  /** API Gateway closes every connection after this long with 1001. Default 7,200,000 (2 h). */
  maxDurationMs: number;
  /** API Gateway gives up on an integration after this long. Default 29,000. */
  integrationTimeoutMs: number;
  /** Reload a handler when a file it imports changes. Default true. */
  watch: boolean;
  /** One readable line per event; false is silent. Default `console.log`. */
  log: ((line: string) => void) | false;
}

export const EMULATOR_DEFAULTS: EmulatorOptions = {
  configPath: 'serverless.yml',
  port: 3001,
  httpPort: 3000,
  host: '127.0.0.1',
  idleTimeoutMs: 600_000,
  maxDurationMs: 7_200_000,
  integrationTimeoutMs: 29_000,
  watch: true,
  log: (line) => console.log(line),
};

/** Merges options over the defaults; an invalid value fails at once with a TypeError naming the key. */
export function emulatorOptions(given: Partial<EmulatorOptions> = {}): EmulatorOptions {
  const options = { ...EMULATOR_DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
  const known = new Set([...Object.keys(EMULATOR_DEFAULTS), 'stage', 'persistDir', 'dynamodbEndpoint']);
  for (const key of Object.keys(given)) if (!known.has(key)) throw new TypeError(`Unknown emulator option "${key}"`);
  const port = (key: 'port' | 'httpPort') => {
    const value = options[key];
    if (key === 'httpPort' && value === false) return;
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65_535) {
      throw new TypeError(`Option "${key}" must be a port number from 0 to 65535; got ${JSON.stringify(value)}`);
    }
  };
  port('port');
  port('httpPort');
  for (const key of ['idleTimeoutMs', 'maxDurationMs', 'integrationTimeoutMs'] as const) {
    if (!Number.isFinite(options[key]) || options[key] <= 0) throw new TypeError(`Option "${key}" must be a positive number of milliseconds; got ${JSON.stringify(options[key])}`);
  }
  if (typeof options.configPath !== 'string' || options.configPath === '') throw new TypeError('Option "configPath" must be a path');
  if (typeof options.host !== 'string' || options.host === '') throw new TypeError('Option "host" must be an interface address');
  if (options.log !== false && typeof options.log !== 'function') throw new TypeError('Option "log" must be a function or false');
  return options;
}
