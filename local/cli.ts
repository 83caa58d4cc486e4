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
  // The CLI always serves the pages (functions run in execution environments of their own, as for every caller).
  const emulator = await startEmulator(options, { httpPort: 3000 });
  const routes = [...emulator.config.routes.keys()].join(', ');
  console.log(
    [
      `wsgate is serving ${emulator.config.configPath} (stage ${emulator.stage}; routes ${routes})`,
      `  WebSocket     ${emulator.wsUrl}`,
      `  @connections  ${emulator.connectionsUrl}/@connections/{connectionId}`,
      ...(emulator.pageUrl
        ? [
            ...(emulator.config.pages ? [`  app page      ${emulator.pageUrl}`] : []),
            `  client        ${emulator.pageUrl}${emulator.config.pages ? 'client' : ''}`,
            `  inspector     ${emulator.pageUrl}inspector`,
            `  tables        ${emulator.pageUrl}tables`,
          ]
        : []),
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
  stopEmulator = () => emulator.stop();
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await emulator.warmed();
  // After the background warm-up (environments only): from here on, the first event of a function pays no cold start.
  const keys = [...emulator.config.functions.keys()];
  const warm = keys.filter((key) => emulator.environmentsOf(key) > 0).length;
  if (warm > 0 && !stopping) console.log(`  warm          ${warm} of ${keys.length} functions, ${Math.round(performance.now())} ms after the start`);
}

let stopEmulator = async (): Promise<void> => {};
let stopping = false;
function shutdown(): void {
  if (stopping) return;
  stopping = true;
  void stopEmulator().finally(() => process.exit(0));
}

/**
 * Whoever reads our output went away (a closed terminal, a parent that died): every later write fails with EPIPE.
 * Reporting that failure is itself a write, so without this the error handler below would loop forever at full CPU
 * in an orphaned process. Nothing can be told to anyone any more: stop as on Ctrl-C.
 */
function isClosedOutput(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (isClosedOutput(error)) shutdown();
    else throw error;
  });
}

// With --no-isolate handlers run in this process: a stray rejection or a throw from a handler's timer is logged, never
// fatal, so the emulator keeps serving every other connection (on AWS it would only have failed that one invocation).
process.on('unhandledRejection', (reason) => console.error('wsgate: unhandled rejection (from a handler?):', reason));
process.on('uncaughtException', (error) => {
  if (isClosedOutput(error)) shutdown();
  else console.error('wsgate: uncaught exception (from a handler?):', error);
});

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof TypeError) console.error(`wsgate: ${error.message}`);
  else console.error('wsgate: could not start:', error);
  process.exit(1);
});
