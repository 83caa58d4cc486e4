import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../local/emulator.ts';
import { startServerlessOffline } from '../../local/offline/serverless-offline.ts';
import { freePorts } from '../support/free-port.ts';

export interface Target {
  name: 'wsgate' | 'serverless-offline';
  wsUrl: string;
  /** The endpoint for the SDK's ApiGatewayManagementApiClient. */
  connectionsUrl: string;
  dynamodbEndpoint: string;
  stop(): Promise<void>;
}

const resultsDir = join(import.meta.dirname, '..', '..', 'test-results');
mkdirSync(resultsDir, { recursive: true });
/** serverless-offline's own output, for when one of its scenarios fails. */
const offlineLog = join(resultsDir, 'serverless-offline.log');

const appConfig = join(import.meta.dirname, '..', '..', 'serverless.yml');

export const TARGETS: Record<Target['name'], (configPath?: string) => Promise<Target>> = {
  async wsgate(configPath = appConfig) {
    const emulator = await startEmulator({ configPath, port: 0, httpPort: false, log: false, watch: false });
    return { name: 'wsgate', ...emulator, stop: () => emulator.stop() };
  },
  async 'serverless-offline'(configPath = appConfig) {
    // Ports are chosen free but bound later by another process: another test may take one in between, so retry.
    for (let attempt = 1; ; attempt++) {
      const [websocketPort, httpPort, lambdaPort] = (await freePorts(3)) as [number, number, number];
      try {
        const offline = await startServerlessOffline({ configPath, stage: 'dev', websocketPort, httpPort, lambdaPort, output: (chunk) => appendFileSync(offlineLog, chunk) });
        return { name: 'serverless-offline', ...offline, stop: () => offline.stop() };
      } catch (error) {
        if (attempt === 3 || !String(error).includes('EADDRINUSE')) throw error;
      }
    }
  },
};
