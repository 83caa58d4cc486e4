import { stdoutLine } from './log/line-batch.ts';

/** Everything `startEmulator` takes; each has a documented default. */
export interface EmulatorOptions {
  /**
   * The serverless.yml to serve. Default `./serverless.yml` — when none of `configPath`, `templatePath`, `cdkOut` is
   * given, the project is found in the working folder (serverless.yml first, then a SAM template, then cdk.out/).
   */
  configPath: string;
  /**
   * The configuration the Serverless Framework resolved (what its plugin hands over: `serverless.configurationInput`),
   * read instead of the file at `configPath` — whose folder still roots the handlers and `.env` files. Default: the
   * file is read and resolved by wsgate.
   */
  serverlessConfig?: Record<string, unknown>;
  /** A CloudFormation/SAM template to serve instead (YAML or JSON). */
  templatePath?: string;
  /** A CDK cloud assembly (`cdk.out/` from `cdk synth`) to serve instead. */
  cdkOut?: string;
  /** A template's or assembly's parameters, as `--parameter-overrides` takes them: `Key=Value …`, or an object. */
  parameterOverrides?: string | Record<string, string>;
  /** WebSocket + @connections port; 0 picks a free one. Default 3001. */
  port: number;
  /** Serve the browser pages on this port (0 picks a free one). Default: none (the CLI serves them on 3000). */
  httpPort?: number | false;
  /** Interface to bind. Default `127.0.0.1`. */
  host: string;
  /**
   * More `Host` names the pages and the @connections API answer to, besides the loopback names and `host` (against
   * DNS rebinding, others get 403): e.g. `['app']` for a compose service name, `['.example.test']` for a domain and
   * its subdomains. Default none.
   */
  allowedHosts: string[];
  /** Default: `provider.stage` (resolved), else `dev`. */
  stage?: string;
  /** Keep the embedded DynamoDB's data in this folder across restarts. Default: in memory. */
  persistDir?: string;
  /** Use this DynamoDB (DynamoDB Local, LocalStack) instead of the embedded one. Default: `AWS_ENDPOINT_URL_DYNAMODB` when set. */
  dynamodbEndpoint?: string;
  /** API Gateway closes a connection idle this long with 1001. Default 600,000 (10 min). */
  idleTimeoutMs: number;
  /** API Gateway closes every connection after this long with 1001. Default 7,200,000 (2 h). */
  maxDurationMs: number;
  /** API Gateway gives up on an integration after this long (or the function's `timeout`, if lower). Default 29,000. */
  integrationTimeoutMs: number;
  /** New connections per second before handshakes get 429, as API Gateway's account quota. Default 500; `Infinity` for none. */
  connectionsPerSecond: number;
  /**
   * How much faster than real time schedule rules run (60: `rate(1 minute)` fires every second). Default 1.
   * `emulator.trigger(functionKey)` fires a function's schedules at once, whatever this is.
   */
  scheduleSpeed: number;
  /** Reload a handler when a file it imports changes. Default true. */
  watch: boolean;
  /** Set in every function's environment, over what the config gives (`--env KEY=VALUE`, `custom.wsgate.environment`). Default none. */
  environment: Record<string, string>;
  /** Route the handlers' requests for AWS hostnames (execute-api, DynamoDB) to the emulator, inside their environments. Default true. */
  intercept: boolean;
  /** One readable line per event; false is silent. Default: to stdout, the lines of one turn of the event loop in one write. */
  log: ((line: string) => void) | false;
  /** `text` for people, `json` (one object per line, Lambda's field names) for machines. Default `text`. */
  logFormat: 'text' | 'json';
  /** ANSI colours in text lines. Default: on when `log` is the default and stdout is a terminal, off with NO_COLOR. */
  color?: boolean;
  /**
   * `environments` (default): each function runs in execution environments of its own (worker threads), as on Lambda;
   * the options below apply to it. `in-process`: handlers are imported into the emulator's process and share its
   * `process.env` and globals (quicker to start, nothing isolated: see the README's "where it is not AWS").
   */
  isolation: 'in-process' | 'environments';
  /** Execution environments per function at most (a function's reservedConcurrency lowers it); more invocations queue. Default 10. */
  maxConcurrency: number;
  /** Start one environment per function in the background after the start, and again after an edit. Default true. */
  warm: boolean;
  /** An execution environment idle this long is ended (one per function stays while `warm`). Default 600,000 (10 min). */
  environmentIdleMs: number;
  /**
   * Frames of one connection run one after the other, in order (default true). API Gateway gives no such promise: its
   * integrations of one connection can run concurrently and finish out of order; false does that.
   */
  orderedFrames: boolean;
  /** Modules every execution environment imports before its handler (absolute paths or file: URLs). Default none. */
  preload: string[];
}

export const EMULATOR_DEFAULTS: Readonly<EmulatorOptions> = {
  configPath: 'serverless.yml',
  port: 3001,
  host: '127.0.0.1',
  allowedHosts: [],
  idleTimeoutMs: 600_000,
  maxDurationMs: 7_200_000,
  integrationTimeoutMs: 29_000,
  connectionsPerSecond: 500,
  scheduleSpeed: 1,
  watch: true,
  environment: {},
  intercept: true,
  log: stdoutLine,
  logFormat: 'text',
  isolation: 'environments',
  maxConcurrency: 10,
  warm: true,
  environmentIdleMs: 600_000,
  orderedFrames: true,
  preload: [],
};

const OPTIONAL_KEYS = ['httpPort', 'stage', 'persistDir', 'dynamodbEndpoint', 'serverlessConfig', 'templatePath', 'cdkOut', 'parameterOverrides', 'color'] as const;

/**
 * Merges options over the defaults (an `undefined` value keeps the default); an unknown key or an invalid value fails
 * at once with a TypeError naming the key.
 */
export function emulatorOptions(given: Partial<EmulatorOptions> = {}): EmulatorOptions {
  if (given === null || typeof given !== 'object') throw new TypeError('startEmulator takes an options object');
  const known = new Set<string>([...Object.keys(EMULATOR_DEFAULTS), ...OPTIONAL_KEYS]);
  for (const key of Object.keys(given)) if (!known.has(key)) throw new TypeError(`Unknown emulator option "${key}"; known: ${[...known].join(', ')}`);
  const options: EmulatorOptions = { ...EMULATOR_DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };

  const fail = (key: keyof EmulatorOptions, expected: string): never => {
    throw new TypeError(`Option "${key}" must be ${expected}; got ${JSON.stringify(options[key]) ?? String(options[key])}`);
  };
  const isPort = (value: unknown) => Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65_535;
  if (!isPort(options.port)) fail('port', 'a port number from 0 to 65535');
  if (options.httpPort !== undefined && options.httpPort !== false && !isPort(options.httpPort)) fail('httpPort', 'a port number from 0 to 65535, or false');
  for (const key of ['idleTimeoutMs', 'maxDurationMs', 'integrationTimeoutMs', 'environmentIdleMs'] as const) {
    if (typeof options[key] !== 'number' || !Number.isFinite(options[key]) || options[key] <= 0) fail(key, 'a positive number of milliseconds');
  }
  if (typeof options.connectionsPerSecond !== 'number' || !(options.connectionsPerSecond >= 1)) fail('connectionsPerSecond', 'a number ≥ 1 (Infinity for no limit)');
  if (typeof options.scheduleSpeed !== 'number' || !Number.isFinite(options.scheduleSpeed) || options.scheduleSpeed <= 0) fail('scheduleSpeed', 'a positive number (1 is real time)');
  if (typeof options.configPath !== 'string' || options.configPath === '') fail('configPath', 'the path of a serverless.yml');
  if (options.serverlessConfig !== undefined && (typeof options.serverlessConfig !== 'object' || options.serverlessConfig === null || Array.isArray(options.serverlessConfig))) {
    fail('serverlessConfig', 'the configuration object the Serverless Framework resolved');
  }
  for (const key of ['templatePath', 'cdkOut'] as const) if (options[key] !== undefined && (typeof options[key] !== 'string' || options[key] === '')) fail(key, 'a path');
  if (options.parameterOverrides !== undefined && typeof options.parameterOverrides !== 'string' && (typeof options.parameterOverrides !== 'object' || options.parameterOverrides === null)) {
    fail('parameterOverrides', 'a "Key=Value …" string or an object of strings');
  }
  if (typeof options.host !== 'string' || options.host === '') fail('host', 'an interface address such as 127.0.0.1');
  if (!Array.isArray(options.allowedHosts) || !options.allowedHosts.every((h) => typeof h === 'string' && /^\.?[^\s/?#@]+$/.test(h))) {
    fail('allowedHosts', 'a list of host names such as ["app", ".example.test"]');
  }
  // API Gateway stage names: letters, digits, hyphens and underscores.
  if (options.stage !== undefined && (typeof options.stage !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(options.stage))) fail('stage', 'letters, digits, "-" or "_"');
  if (options.persistDir !== undefined && (typeof options.persistDir !== 'string' || options.persistDir === '')) fail('persistDir', 'a folder path');
  if (options.dynamodbEndpoint !== undefined && (typeof options.dynamodbEndpoint !== 'string' || !/^https?:\/\/./.test(options.dynamodbEndpoint))) {
    fail('dynamodbEndpoint', 'an http(s) URL such as http://127.0.0.1:8000');
  }
  for (const key of ['watch', 'warm', 'orderedFrames'] as const) if (typeof options[key] !== 'boolean') fail(key, 'true or false');
  if (options.color !== undefined && typeof options.color !== 'boolean') fail('color', 'true or false');
  if (options.logFormat !== 'text' && options.logFormat !== 'json') fail('logFormat', '"text" or "json"');
  if (options.isolation !== 'in-process' && options.isolation !== 'environments') fail('isolation', '"in-process" or "environments"');
  if (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 1) fail('maxConcurrency', 'a whole number ≥ 1');
  if (!Array.isArray(options.preload) || options.preload.some((m) => typeof m !== 'string' || !(m.startsWith('/') || m.startsWith('file:')))) {
    fail('preload', 'a list of absolute paths or file: URLs');
  }
  if (typeof options.intercept !== 'boolean') fail('intercept', 'true or false');
  const environment = options.environment as unknown;
  if (environment === null || typeof environment !== 'object' || Array.isArray(environment) || Object.values(environment).some((v) => typeof v !== 'string')) {
    fail('environment', 'an object of string values');
  }
  if (options.log !== false && typeof options.log !== 'function') fail('log', 'a function or false');
  return options;
}
