import { isAbsolute, join } from 'node:path';
import type { FunctionFacts } from '../../model/app-model.ts';
import { ConfigError } from '../../model/config-error.ts';
import { resolveHandler } from '../resolve-handler.ts';
import { cloudFormationString } from './cloudformation-values.ts';
import type { StackFacts } from './cloudformation-values.ts';
import type { TemplateResource } from './template-file.ts';

export const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

// Lambda's own defaults, which SAM keeps: 3 s and 128 MB (AWS::Lambda::Function Timeout / MemorySize).
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;

export interface TemplateFunctions {
  /** Every function the emulator can run, by logical id. */
  runnable: Map<string, FunctionFacts>;
  /** Functions that cannot run offline, by logical id -> why; a route to one is a ConfigError. */
  unrunnable: Map<string, ConfigError>;
}

/** The names every function's `Ref` and `Fn::GetAtt …Arn` give, set before any environment is resolved. */
export function registerFunctionNames(resources: Record<string, TemplateResource>, facts: StackFacts): void {
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!FUNCTION_TYPES.has(resource.Type)) continue;
    // CloudFormation names an unnamed function `{stack}-{LogicalId}-{random}`; the random suffix is left out here.
    const name = cloudFormationString(resource.Properties?.FunctionName, facts) ?? `${facts.stackName}-${logicalId}`.slice(0, 64);
    facts.refs!.set(logicalId, name);
    facts.attributes!.set(`${logicalId}.Arn`, `arn:aws:lambda:${facts.region}:${facts.accountId}:function:${name}`);
  }
}

/**
 * Functions from `AWS::Serverless::Function` (SAM `Globals.Function` merged under each) and `AWS::Lambda::Function`:
 * `CodeUri`/`Code` as a local folder (or the `aws:asset:path` metadata of a CDK assembly), `Handler`, `Runtime`,
 * `Timeout`, `MemorySize`, `Environment.Variables`, `FunctionName`, `ReservedConcurrentExecutions`. What is not
 * emulated (VPC, layers, EFS) is one warning per function; `Events` are read by template-triggers.ts.
 */
export function templateFunctions(
  resources: Record<string, TemplateResource>,
  globals: Record<string, unknown>,
  at: { dir: string; facts: StackFacts; warn: (message: string) => void },
): TemplateFunctions {
  const runnable = new Map<string, FunctionFacts>();
  const unrunnable = new Map<string, ConfigError>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!FUNCTION_TYPES.has(resource.Type)) continue;
    const where = `Resources.${logicalId}`;
    const sam = resource.Type === 'AWS::Serverless::Function';
    const own = resource.Properties ?? {};
    const properties: Record<string, any> = sam ? { ...globals, ...own } : own;
    const variables = { ...(sam ? ((globals.Environment as any)?.Variables ?? {}) : {}), ...(own.Environment?.Variables ?? {}) };
    try {
      const runtime = String(properties.Runtime ?? '');
      if (properties.PackageType === 'Image') throw new ConfigError('UNSUPPORTED_RUNTIME', `${where} is a container image function, which wsgate cannot run (Node.js code on disk only)`);
      if (!runtime.startsWith('nodejs')) throw new ConfigError('UNSUPPORTED_RUNTIME', `${where} uses runtime "${runtime}"; wsgate runs Node.js handlers only (nodejs18.x … nodejs22.x)`);
      if (typeof properties.Handler !== 'string') throw new ConfigError('CONFIG_INVALID', `${where}.Properties.Handler is missing`);
      const codeDir = codeFolder(logicalId, resource, properties, at.dir);
      const name = at.facts.refs!.get(logicalId)!;
      runnable.set(logicalId, {
        functionKey: logicalId,
        functionName: name,
        handler: resolveHandler(properties.Handler, codeDir, logicalId, `${where}.Properties.Handler`),
        timeoutMs: Number(properties.Timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        memorySize: Number(properties.MemorySize ?? DEFAULT_MEMORY_MB),
        environment: environmentOf(variables, at.facts, `${where}.Properties.Environment.Variables`, at.warn),
        ...(properties.ReservedConcurrentExecutions !== undefined ? { reservedConcurrency: Number(properties.ReservedConcurrentExecutions) } : {}),
      });
      limitsOf(where, properties, at.warn);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      unrunnable.set(logicalId, error);
    }
  }
  return { runnable, unrunnable };
}

/** The folder the handler path is relative to. */
function codeFolder(logicalId: string, resource: TemplateResource, properties: Record<string, any>, dir: string): string {
  const where = `Resources.${logicalId}.Properties`;
  // `cdk synth` (and `sam build`) record where an asset's code is on disk; the S3 location in Code is not.
  const asset = resource.Metadata?.['aws:asset:path'];
  if (typeof asset === 'string') return isAbsolute(asset) ? asset : join(dir, asset);
  const code = resource.Type === 'AWS::Serverless::Function' ? properties.CodeUri : properties.Code;
  if (resource.Type === 'AWS::Serverless::Function' && properties.InlineCode !== undefined) {
    throw new ConfigError('CONFIG_INVALID', `${where}.InlineCode is not emulated; put the code in a file and point CodeUri at its folder`);
  }
  if (code === undefined) return dir; // SAM: no CodeUri is the template's folder
  if (typeof code === 'string' && !code.startsWith('s3://')) return isAbsolute(code) ? code : join(dir, code);
  const field = resource.Type === 'AWS::Serverless::Function' ? 'CodeUri' : 'Code';
  throw new ConfigError('CONFIG_INVALID', `${where}.${field} is ${JSON.stringify(code)}, not a local folder: wsgate runs code on disk only (an S3 object or inline ZipFile cannot run offline)`);
}

/** What the function asks for that the emulator does not do: said once, never silently dropped. */
function limitsOf(where: string, properties: Record<string, any>, warn: (message: string) => void): void {
  if (properties.VpcConfig !== undefined) warn(`${where}: VpcConfig is not emulated; the handler reaches the network as this machine does`);
  if (Array.isArray(properties.Layers) && properties.Layers.length > 0) {
    // A layer in the template (its folder on disk) or one by ARN (not on disk): neither is on Lambda's /opt path here.
    const names = properties.Layers.map((layer: unknown) => (typeof layer === 'string' ? layer : typeof layer === 'object' && layer !== null && 'Ref' in layer ? String(layer.Ref) : JSON.stringify(layer)));
    warn(`${where}: Layers are not emulated (${names.join(', ')}); their code is not on the handler's module path, so install what they provide in the function's folder`);
  }
  if (properties.FileSystemConfigs !== undefined) warn(`${where}: FileSystemConfigs (EFS) is not emulated`);
  if (properties.FunctionUrlConfig !== undefined) warn(`${where}: FunctionUrlConfig is not emulated; the function URL is not served`);
  for (const key of ['EventInvokeConfig', 'DeadLetterQueue'] as const) {
    if (properties[key] !== undefined) warn(`${where}: ${key} is not emulated; asynchronous invokes are not retried or sent anywhere on failure`);
  }
}

function environmentOf(declared: Record<string, unknown>, facts: StackFacts, where: string, warn: (message: string) => void): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) {
    if (value === undefined || value === null) continue;
    const resolved = cloudFormationString(value, facts);
    if (resolved !== undefined) environment[key] = resolved;
    else warn(`${where}.${key} is ${JSON.stringify(value)}, which the emulator cannot resolve offline; it is left unset`);
  }
  return environment;
}
