import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { EmulatorConfig } from '../../model/app-model.ts';
import { ConfigError } from '../../model/config-error.ts';
import { loadTemplate } from '../cloudformation/load-template.ts';

interface ArtifactManifest {
  type: string;
  environment?: string;
  properties?: { templateFile?: string; stackName?: string; directoryName?: string };
}

export interface AssemblyOptions {
  stage?: string;
  region?: string;
  parameterOverrides?: Record<string, string>;
}

/**
 * Reads a CDK cloud assembly (`cdk.out/`, written by `cdk synth`): every stack the manifest lists (nested assemblies
 * of CDK Stages included) through the CloudFormation reader, each Lambda's code from its asset folder (the
 * `aws:asset:path` metadata `cdk synth` writes), so what runs is what was synthesized — `NodejsFunction` bundles as
 * built. Returns one config per WebSocket API, first stack first.
 */
export function loadAssembly(assemblyDir: string, options: AssemblyOptions = {}): EmulatorConfig[] {
  const configs: EmulatorConfig[] = [];
  const problems: ConfigError[] = [];
  for (const stack of stacksOf(resolve(assemblyDir))) {
    try {
      configs.push(
        ...loadTemplate(stack.templatePath, {
          stackName: stack.stackName,
          region: options.region ?? stack.region,
          stage: options.stage,
          parameterOverrides: options.parameterOverrides,
          shownAs: relative(process.cwd(), stack.templatePath) || stack.templatePath,
        }),
      );
    } catch (error) {
      // A stack without a WebSocket API (a shared table stack, say) is not an error of the app.
      if (error instanceof ConfigError && error.code === 'NO_WEBSOCKET_FUNCTIONS') problems.push(error);
      else throw error;
    }
  }
  if (configs.length === 0) {
    throw new ConfigError('NO_WEBSOCKET_FUNCTIONS', `${assemblyDir} has no stack with a WebSocket API (AWS::ApiGatewayV2::Api, ProtocolType WEBSOCKET)${problems.length ? `: ${problems.map((p) => p.message).join('; ')}` : ''}`);
  }
  // A stack with triggers but no WebSocket API (an HTTP API stack, say) is no API of its own: it joins the first.
  const [first, ...others] = [...configs.filter((config) => config.apiName !== undefined), ...configs.filter((config) => config.apiName === undefined)];
  // `cdk synth` rewrites the manifest last, after the templates and asset folders it names.
  first!.rereadOn = join(resolve(assemblyDir), 'manifest.json');
  // One process, one DynamoDB, one set of triggers: the other stacks' tables, triggers and warnings go with the first
  // API, and their functions join its function map (the Invoke API and the triggers look them up there).
  for (const other of others) {
    first!.warnings.push(...other.warnings);
    first!.tables.push(...other.tables);
    first!.httpRoutes.push(...other.httpRoutes);
    first!.schedules.push(...other.schedules);
    first!.streams.push(...other.streams);
    if (other.functions !== first!.functions) {
      const functions = new Map(first!.functions);
      for (const [key, fn] of other.functions) if (!functions.has(key)) functions.set(key, fn);
      first!.functions = functions;
    }
    other.warnings = [];
    other.tables = [];
    other.httpRoutes = [];
    other.schedules = [];
    other.streams = [];
  }
  return [first!, ...others.filter((config) => config.apiName !== undefined)];
}

/** The stacks of an assembly and of the assemblies nested in it (one per CDK Stage), in manifest order. */
function stacksOf(dir: string): { stackName: string; templatePath: string; region?: string }[] {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new ConfigError('CONFIG_NOT_FOUND', `${dir} has no manifest.json: run \`cdk synth\` first, or pass --cdk-out with the assembly's folder`);
  let manifest: { artifacts?: Record<string, ArtifactManifest> };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new ConfigError('CONFIG_SYNTAX', `${manifestPath}: ${(error as Error).message}`, { cause: error });
  }
  const stacks: { stackName: string; templatePath: string; region?: string }[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      // `aws://ACCOUNT/REGION`, or unknown-account/unknown-region for environment-agnostic stacks.
      const region = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '')?.[1];
      stacks.push({
        stackName: artifact.properties.stackName ?? artifactId,
        templatePath: join(dir, artifact.properties.templateFile),
        ...(region && region !== 'unknown-region' ? { region } : {}),
      });
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...stacksOf(join(dir, artifact.properties.directoryName)));
    }
  }
  return stacks;
}
