import type { Emulator } from './emulator.ts';

/** What `wsgate` (and `serverless wsgate`) prints once the emulator accepts connections. */
export function banner(emulator: Emulator, wsUrl = emulator.wsUrl): string {
  const routes = [...emulator.config.routes.keys()].join(', ');
  return [
    `wsgate is serving ${emulator.config.configPath} (stage ${emulator.stage}; routes ${routes})`,
    `  WebSocket     ${wsUrl}`,
    `  @connections  ${emulator.connectionsUrl}/@connections/{connectionId}`,
    ...(emulator.pageUrl ? [`  chat page     ${emulator.pageUrl}`, `  inspector     ${emulator.pageUrl}inspector`] : []),
    `  DynamoDB      ${emulator.dynamodbEndpoint}`,
  ].join('\n');
}
