import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadConfig } from '../readers/serverless/load-config.ts';
import { createTables, startEmbeddedDynamoDb } from '../dynamodb/embedded-dynamodb.ts';

export interface OfflineOptions {
  configPath: string;
  stage: string;
  websocketPort: number;
  httpPort: number;
  lambdaPort: number;
  /** Where serverless-offline's output goes. Default: this process's stdout/stderr. */
  output?: (chunk: string) => void;
}

export interface RunningOffline {
  wsUrl: string;
  connectionsUrl: string;
  dynamodbEndpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * serverless-offline 14 under osls on the same serverless.yml and handlers, with the same embedded DynamoDB the
 * wsgate emulator uses. serverless-offline serves @connections at `http://host:websocketPort/@connections/{id}`,
 * with no stage in the path, so that is what AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI names.
 */
export async function startServerlessOffline(options: OfflineOptions): Promise<RunningOffline> {
  const config = await loadConfig(options.configPath, { stage: options.stage });
  const dynamo = process.env.AWS_ENDPOINT_URL_DYNAMODB ? undefined : await startEmbeddedDynamoDb();
  const dynamodbEndpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB ?? dynamo!.endpoint;
  await createTables(dynamodbEndpoint, config.region, config.tables);
  const connectionsUrl = `http://127.0.0.1:${options.websocketPort}`;
  const root = dirname(config.configPath);
  const offlineConfig = withoutBundler(config.configPath);
  // serverless-offline reads the generated copy while it runs; it goes when this stops, or when this process exits
  // however it exits (process.exit from a signal handler included).
  const removeCopy = () => rmSync(offlineConfig, { force: true });
  process.once('exit', removeCopy);
  const child = spawn(
    join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'osls'),
    ['offline', 'start', '--config', basename(offlineConfig), '--stage', options.stage, '--host', '127.0.0.1',
      '--websocketPort', String(options.websocketPort), '--httpPort', String(options.httpPort), '--lambdaPort', String(options.lambdaPort)],
    {
      cwd: root,
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
        AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: process.env.AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI ?? connectionsUrl,
        AWS_REGION: config.region,
        AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'wsgate-local',
        AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'wsgate-local',
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = options.output ?? ((chunk: string) => process.stdout.write(chunk));
  let seen = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        output(text);
        seen = (seen + text).slice(-10_000);
        // "[websocket] listening" comes first, before the HTTP server it rides on accepts: wait for the latter.
        if (seen.includes('[http for websocket] listening on http://')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`serverless-offline exited (${code}) before listening:\n${seen}`)));
    });
  } catch (error) {
    removeCopy();
    await dynamo?.stop();
    throw error;
  }
  return {
    wsUrl: `ws://127.0.0.1:${options.websocketPort}`,
    connectionsUrl,
    dynamodbEndpoint,
    process: child,
    async stop() {
      removeCopy(); // first, before anything that may wait: a second Ctrl-C or a kill must not leave it behind
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await dynamo?.stop();
    },
  };
}

/**
 * A copy of the config, beside it, without serverless-esbuild and with serverless-offline: serverless-offline then
 * runs the TypeScript handlers from source with its own loader (tsx), and never shares a `.esbuild/` folder with a
 * concurrent `osls package`.
 */
function withoutBundler(configPath: string): string {
  const document = parseDocument(readFileSync(configPath, 'utf8'));
  const declared = (document.toJS() as { plugins?: unknown }).plugins;
  const plugins = (Array.isArray(declared) ? declared : []).filter((plugin) => plugin !== 'serverless-esbuild');
  if (!plugins.includes('serverless-offline')) plugins.push('serverless-offline');
  document.set('plugins', plugins);
  const copy = join(dirname(configPath), `.wsgate-offline-${process.pid}-${Date.now()}.yml`);
  writeFileSync(copy, document.toString());
  return copy;
}
