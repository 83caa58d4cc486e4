import { parseArgs } from 'node:util';
import { ConfigError } from './model/config-error.ts';
import type { EmulatorOptions } from './emulator-options.ts';
import { nearestName } from './nearest-name.ts';

/** The usage text, naming the command as the user typed it (see invokedAs). */
export const usage = (command: string) => `usage: ${command} [options]

  --config PATH        serverless.yml (.yaml .json .js .mjs .cjs .ts) to serve
  --template PATH      a CloudFormation/SAM template to serve (YAML or JSON)
  --cdk-out DIR        a CDK cloud assembly to serve (the cdk.out/ folder \`cdk synth\` writes)
  --parameter-overrides "K=V …"
                       a template's or assembly's Parameters (as the SAM CLI takes them)
                       With none of --config/--template/--cdk-out, the folder is searched: serverless.*,
                       then template.yaml|yml|json (or samconfig.toml's template_file), then cdk.out/.
  --port N             WebSocket + @connections port (default 3001; 0 = any free port)
  --http-port N        pages port (client, inspector, tables, the app's own) (default 3000; 0 = any free port)
  --stage S            stage (default custom.wsgate.stage, else provider.stage, else dev)
  --host ADDR          interface to bind (default 127.0.0.1)
  --allowed-host NAME  also answer pages and @connections requests for Host NAME (repeatable; .NAME for
                       subdomains too); loopback names and --host are always allowed, others get 403
  --persist DIR        keep the embedded DynamoDB's data in DIR
  --idle-timeout S     close idle connections after S seconds (default 600)
  --max-duration S     close every connection after S seconds (default 7200)
  --schedule-speed X   run schedule rules X times faster than real time (default 1)
  --env KEY=VALUE      set KEY in every function's environment, over the config (repeatable)
  --no-watch           do not reload handlers when their files change
  --no-intercept       do not route the handlers' requests for AWS hostnames to the emulator
  --no-isolate         run the handlers in the emulator's own process, sharing its env and globals (faster cold
                       starts; no interception of AWS hostnames); default: each function in execution environments
                       of its own, as Lambda does (worker threads; the two flags below apply to them)
  --isolate            execution environments even where custom.wsgate has isolate: false
  --no-warm            do not start one environment per function after the start (see every cold start)
  --max-concurrency N  execution environments per function at most (default 10; more invocations queue)
  --unordered          run a connection's frames concurrently, as API Gateway may (default: one at a time, in order)
  --log-format F       text (default) or json (one object per line)
  -v, --version        print wsgate's version
  -h, --help           this text

Every option except --config can also be set in the config, under custom.wsgate (httpPort or http-port,
idleTimeout, environment: {KEY: VALUE}, watch: false, intercept: false, …); a flag beats it.
AWS_ENDPOINT_URL_DYNAMODB=URL uses that DynamoDB (DynamoDB Local, LocalStack) instead of the embedded one.`;

/** The usage as the installed command names itself, for errors found after the flags (custom.wsgate values). */
export const USAGE = usage('wsgate');

const FLAGS = {
  config: { type: 'string' },
  template: { type: 'string' },
  'cdk-out': { type: 'string' },
  'parameter-overrides': { type: 'string' },
  port: { type: 'string' },
  'http-port': { type: 'string' },
  stage: { type: 'string' },
  host: { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  persist: { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-duration': { type: 'string' },
  'schedule-speed': { type: 'string' },
  env: { type: 'string', multiple: true },
  'no-watch': { type: 'boolean' },
  'no-intercept': { type: 'boolean' },
  isolate: { type: 'boolean' },
  'no-isolate': { type: 'boolean' },
  'no-warm': { type: 'boolean' },
  'max-concurrency': { type: 'string' },
  unordered: { type: 'boolean' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The CLI's flags as emulator options (only those given); a bad flag is a ConfigError that says what to fix. */
export function cliOptions(argv: string[], command = 'wsgate'): Partial<EmulatorOptions> | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, strict: true }).values;
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /^Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const suggestion = unknown === undefined ? undefined : nearestName(unknown, Object.keys(FLAGS).map((flag) => `--${flag}`));
    const said = unknown === undefined ? message : `Unknown option '${unknown}'.${suggestion ? ` Did you mean ${suggestion}?` : ''}`;
    throw new ConfigError('CONFIG_INVALID', `${said}\n\n${usage(command)}`);
  }
  if (parsed.help) return 'help';
  if (parsed.version) return 'version';
  return {
    configPath: parsed.config,
    templatePath: parsed.template,
    cdkOut: parsed['cdk-out'],
    parameterOverrides: parsed['parameter-overrides'],
    port: secondsOrNumber('port', parsed.port),
    httpPort: secondsOrNumber('http-port', parsed['http-port']),
    stage: parsed.stage,
    host: parsed.host,
    allowedHosts: parsed['allowed-host'],
    persistDir: parsed.persist,
    idleTimeoutMs: secondsOrNumber('idle-timeout', parsed['idle-timeout'], 1000),
    maxDurationMs: secondsOrNumber('max-duration', parsed['max-duration'], 1000),
    scheduleSpeed: secondsOrNumber('schedule-speed', parsed['schedule-speed']),
    environment: parsed.env === undefined ? undefined : environmentPairs(parsed.env),
    watch: parsed['no-watch'] ? false : undefined,
    intercept: parsed['no-intercept'] ? false : undefined,
    isolation: isolation(parsed.isolate, parsed['no-isolate']),
    warm: parsed['no-warm'] ? false : undefined,
    maxConcurrency: concurrency(parsed['max-concurrency']),
    orderedFrames: parsed.unordered ? false : undefined,
    logFormat: logFormat(parsed['log-format']),
  };
}

function isolation(isolate: boolean | undefined, noIsolate: boolean | undefined): EmulatorOptions['isolation'] | undefined {
  if (isolate && noIsolate) throw new ConfigError('CONFIG_INVALID', '--isolate and --no-isolate contradict each other: give one');
  return isolate ? 'environments' : noIsolate ? 'in-process' : undefined;
}

function concurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError('CONFIG_INVALID', `--max-concurrency must be a whole number ≥ 1; got "${value}"`);
  return n;
}

function logFormat(value: string | undefined): 'text' | 'json' | undefined {
  if (value === undefined || value === 'text' || value === 'json') return value;
  throw new ConfigError('CONFIG_INVALID', `--log-format must be text or json; got "${value}"`);
}

/** A flag's number; with a scale, seconds as milliseconds (and 0 seconds refused). */
export function secondsOrNumber(flag: string, value: string | number | undefined, scale = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isFinite(n) || n < 0) throw new ConfigError('CONFIG_INVALID', `--${flag} must be a number; got "${value}"\n\n${USAGE}`);
  if (scale !== 1 && n === 0) throw new ConfigError('CONFIG_INVALID', `--${flag} must be more than 0 seconds`);
  return n * scale;
}

/** `--env A=1 --env B=x=y` -> `{ A: '1', B: 'x=y' }`; the last of a key wins. */
function environmentPairs(pairs: string[]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new ConfigError('CONFIG_INVALID', `--env takes KEY=VALUE; got "${pair}"`);
    environment[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return environment;
}
