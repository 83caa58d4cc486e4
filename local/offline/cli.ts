import { parseArgs } from 'node:util';
import { startServerlessOffline } from './serverless-offline.ts';

/**
 * `npm run offline`: serverless-offline on our serverless.yml with the embedded DynamoDB, for teams that already
 * use it. wsgate's own emulator (`npm start`) is the faithful one; the README lists the differences.
 */
const { values } = parseArgs({
  options: {
    config: { type: 'string', default: 'serverless.yml' },
    stage: { type: 'string', default: 'dev' },
    port: { type: 'string', default: '3001' },
    'http-port': { type: 'string', default: '3000' },
    'lambda-port': { type: 'string', default: '3002' },
  },
});

const offline = await startServerlessOffline({
  configPath: values.config!,
  stage: values.stage!,
  websocketPort: Number(values.port),
  httpPort: Number(values['http-port']),
  lambdaPort: Number(values['lambda-port']),
});
console.log(`\nserverless-offline is serving ${offline.wsUrl} (@connections at ${offline.connectionsUrl}, DynamoDB at ${offline.dynamodbEndpoint})`);
const stop = () => void offline.stop().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
offline.process.once('exit', (code) => void offline.stop().then(() => process.exit(code ?? 1)));
