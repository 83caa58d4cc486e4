import { parseArgs } from 'node:util';
import { ConfigError } from './model/config-error.ts';
import type { EmulatorOptions } from './emulator-options.ts';

export const USAGE = `usage: npm start -- [options]

  --config PATH        serverless.yml to serve (default ./serverless.yml)
  --port N             WebSocket + @connections port (default 3001; 0 = any free port)
  --http-port N        chat page + inspector port (default 3000; 0 = any free port)
  --stage S            stage (default provider.stage, else dev)
  --host ADDR          interface to bind (default 127.0.0.1)
  --persist DIR        keep the embedded DynamoDB's data in DIR
  --idle-timeout S     close idle connections after S seconds (default 600)
  --max-duration S     close every connection after S seconds (default 7200)
  --no-watch           do not reload handlers when their files change
  -h, --help           this text

AWS_ENDPOINT_URL_DYNAMODB=URL uses that DynamoDB (DynamoDB Local, LocalStack) instead of the embedded one.`;

/** The CLI's flags as emulator options; a bad flag is a ConfigError that says what to fix. */
export function cliOptions(argv: string[]): Partial<EmulatorOptions> | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        'http-port': { type: 'string' },
        stage: { type: 'string' },
        host: { type: 'string' },
        persist: { type: 'string' },
        'idle-timeout': { type: 'string' },
        'max-duration': { type: 'string' },
        'no-watch': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', `${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.help) return 'help';
  const number = (flag: string, value: string | undefined, scale = 1) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new ConfigError('CONFIG_INVALID', `--${flag} must be a number; got "${value}"\n\n${USAGE}`);
    if (scale !== 1 && n === 0) throw new ConfigError('CONFIG_INVALID', `--${flag} must be more than 0 seconds`);
    return n * scale;
  };
  return {
    configPath: parsed.config,
    port: number('port', parsed.port),
    httpPort: number('http-port', parsed['http-port']) ?? 3000, // the CLI always serves the pages
    stage: parsed.stage,
    host: parsed.host,
    persistDir: parsed.persist,
    idleTimeoutMs: number('idle-timeout', parsed['idle-timeout'], 1000),
    maxDurationMs: number('max-duration', parsed['max-duration'], 1000),
    watch: parsed['no-watch'] ? false : undefined,
  };
}
