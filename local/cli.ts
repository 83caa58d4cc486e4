#!/usr/bin/env node
import { cliOptions, usage } from './cli-options.ts';
import { ConfigError } from './model/config-error.ts';
import { invokedAs } from './invoked-as.ts';
import { packageInfo } from './package-info.ts';

async function main(): Promise<void> {
  const command = invokedAs(process.env, process.argv[1]);
  const options = cliOptions(process.argv.slice(2), command);
  if (options === 'help') {
    console.log(usage(command));
    return;
  }
  if (options === 'version') {
    console.log(packageInfo().version);
    return;
  }
  // Loaded once the flags are known good: --help, --version and a bad flag answer without loading the emulator.
  const { startEmulator } = await import('./emulator.ts');
  const emulator = await startEmulator(options, { httpPort: 3000 }); // the CLI always serves the pages
  const routes = [...emulator.config.routes.keys()].join(', ');
  console.log(
    [
      `wsgate is serving ${emulator.config.configPath} (stage ${emulator.stage}; routes ${routes})`,
      `  WebSocket     ${emulator.wsUrl}`,
      `  @connections  ${emulator.connectionsUrl}/@connections/{connectionId}`,
      ...(emulator.pageUrl ? [`  chat page     ${emulator.pageUrl}`, `  inspector     ${emulator.pageUrl}inspector`] : []),
      `  DynamoDB      ${emulator.dynamodbEndpoint}`,
      `  Lambda        ${emulator.lambdaUrl} (AWS_ENDPOINT_URL_LAMBDA)`,
      ...emulator.config.httpRoutes.map((r) => `  ${r.api === 'REST' ? 'REST API' : 'HTTP API'}      ${r.method} ${emulator.httpUrl}${r.api === 'REST' ? `/${emulator.stage}` : ''}${r.path === '$default' ? '/*' : r.path}`),
      ...emulator.config.schedules.map((r) => `  schedule      ${r.name}: ${r.expression}${r.enabled ? '' : ' (disabled)'} -> ${r.functionKey}`),
      ...emulator.config.streams.map((r) => `  stream        ${r.tableName} (${r.viewType}) -> ${r.functionKey}`),
      ...emulator.additionalApis.flatMap((api) => [
        `and ${api.config.apiName} (stage ${api.stage}; routes ${[...api.config.routes.keys()].join(', ')})`,
        `  WebSocket     ${api.wsUrl}`,
        `  @connections  ${api.connectionsUrl}/@connections/{connectionId}`,
      ]),
    ].join('\n'),
  );
  const shutdown = () => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

// Handlers run in this process: a stray rejection or a throw from a handler's timer is logged, never fatal, so the
// emulator keeps serving every other connection (on AWS it would only have failed that one invocation).
process.on('unhandledRejection', (reason) => console.error('wsgate: unhandled rejection (from a handler?):', reason));
process.on('uncaughtException', (error) => console.error('wsgate: uncaught exception (from a handler?):', error));

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof TypeError) console.error(`wsgate: ${error.message}`);
  else console.error('wsgate: could not start:', error);
  process.exit(1);
});
