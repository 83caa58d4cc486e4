import { cliOptions, USAGE } from './cli-options.ts';
import { ConfigError } from './config/config-error.ts';
import { startEmulator } from './emulator.ts';

async function main(): Promise<void> {
  const options = cliOptions(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(options);
  const routes = [...emulator.config.routes.keys()].join(', ');
  console.log(
    [
      `wsgate is serving ${emulator.config.configPath} (stage ${emulator.stage}; routes ${routes})`,
      `  WebSocket     ${emulator.wsUrl}`,
      `  @connections  ${emulator.connectionsUrl}/@connections/{connectionId}`,
      ...(emulator.pageUrl ? [`  chat page     ${emulator.pageUrl}`, `  inspector     ${emulator.pageUrl}inspector`] : []),
      `  DynamoDB      ${emulator.dynamodbEndpoint}`,
    ].join('\n'),
  );
  const shutdown = () => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

// A handler's stray rejection is logged, never fatal: the emulator keeps serving everyone else.
process.on('unhandledRejection', (reason) => console.error('wsgate: unhandled rejection in a handler:', reason));

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof TypeError) console.error(`wsgate: ${error.message}`);
  else console.error('wsgate: could not start:', error);
  process.exit(1);
});
