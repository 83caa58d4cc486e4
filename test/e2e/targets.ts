import { join } from 'node:path';
import { startEmulator } from '../../local/emulator.ts';
import { startServerlessOffline } from '../../local/offline/serverless-offline.ts';
import { freePort } from '../support/free-port.ts';

export interface Target {
  name: 'wsgate' | 'serverless-offline';
  wsUrl: string;
  /** The endpoint for the SDK's ApiGatewayManagementApiClient. */
  connectionsUrl: string;
  dynamodbEndpoint: string;
  stop(): Promise<void>;
}

const appConfig = join(import.meta.dirname, '..', '..', 'serverless.yml');

export const TARGETS: Record<Target['name'], () => Promise<Target>> = {
  async wsgate() {
    const emulator = await startEmulator({ configPath: appConfig, port: 0, httpPort: false, log: false, watch: false });
    return { name: 'wsgate', ...emulator, stop: () => emulator.stop() };
  },
  async 'serverless-offline'() {
    const [websocketPort, httpPort, lambdaPort] = [await freePort(), await freePort(), await freePort()];
    const offline = await startServerlessOffline({ configPath: appConfig, stage: 'dev', websocketPort, httpPort, lambdaPort, output: () => {} });
    return { name: 'serverless-offline', ...offline, stop: () => offline.stop() };
  },
};
