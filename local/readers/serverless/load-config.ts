import { dirname, resolve } from 'node:path';
import type { EmulatorConfig } from '../../model/app-model.ts';
import { readServerlessConfig } from './config-file.ts';
import { withDotenv } from './dotenv-files.ts';
import { serverlessModel } from './serverless-model.ts';
import { resolveVariables } from './variables.ts';

export type { AuthorizerConfig, EmulatorConfig, FunctionFacts, IdentitySource, RouteConfig, TableDefinition } from '../../model/app-model.ts';
export { SERVERLESS_CONFIG_NAMES } from './config-file.ts';
export { serverlessModel } from './serverless-model.ts';
export type { ServerlessContext } from './serverless-model.ts';

export interface LoadOptions {
  /** `--stage`: beats `provider.stage`. */
  stage?: string;
  region?: string;
  /** For `${env:…}`. Default: `process.env` (read, never changed). */
  env?: Record<string, string | undefined>;
}

/**
 * Reads a serverless config (`serverless.yml`, `.yaml`, `.json`, `.js`, `.mjs`, `.cjs`, `.ts`) into what the emulator
 * serves: its variables resolved as the Framework resolves them (with `.env` files when `useDotenv` is on), then
 * {@link serverlessModel}.
 */
/**
 * The model of a configuration the Serverless Framework has already resolved (`serverless.configurationInput`, every
 * variable substituted by the Framework's own resolvers, its `.env` loaded), for the file at `configPath`: the stage
 * and region are picked as {@link loadConfig} picks them.
 */
export function resolvedConfigModel(resolved: Record<string, unknown>, configPath: string, options: Pick<LoadOptions, 'stage' | 'region'> = {}): EmulatorConfig {
  const path = resolve(configPath);
  const config = structuredClone(resolved) as Record<string, any>;
  const stage = String(options.stage ?? config.custom?.wsgate?.stage ?? config.provider?.stage ?? 'dev');
  const region = String(options.region ?? config.provider?.region ?? 'us-east-1');
  return serverlessModel(config, { configPath: path, dir: dirname(path), stage, region, warnings: [] });
}

export async function loadConfig(configPath: string, options: LoadOptions = {}): Promise<EmulatorConfig> {
  const path = resolve(configPath);
  const raw = await readServerlessConfig(configPath);
  const warnings: string[] = [];
  const dir = dirname(path);
  let env = options.env ?? process.env;
  const base = { self: raw, options: { stage: options.stage, region: options.region }, dir, warn: (m: string) => warnings.push(m) };
  const region = String(options.region ?? resolveVariables(raw.provider && (raw.provider as any).region, { ...base, env, stage: options.stage ?? 'dev', region: 'us-east-1' }, 'provider.region') ?? 'us-east-1');
  // The stage a project runs under locally (custom.wsgate.stage) beats the one it deploys to (provider.stage).
  const declaredStage = (raw.custom as any)?.wsgate?.stage !== undefined ? ['custom.wsgate.stage', (raw.custom as any).wsgate.stage] : ['provider.stage', (raw.provider as any)?.stage];
  const stage = String(options.stage ?? resolveVariables(declaredStage[1], { ...base, env, stage: 'dev', region }, declaredStage[0]) ?? 'dev');
  if (raw.useDotenv === true) env = withDotenv(dir, stage, env);
  const config = resolveVariables(raw, { ...base, env, stage, region });
  return serverlessModel(config, { configPath: path, dir, stage, region, warnings });
}
