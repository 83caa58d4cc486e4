import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import type { EmulatorConfig } from '../model/app-model.ts';
import { ConfigError } from '../model/config-error.ts';
import { loadAssembly } from './cdk/load-assembly.ts';
import { loadTemplate } from './cloudformation/load-template.ts';
import { parseParameterOverrides } from './cloudformation/template-parameters.ts';
import { SERVERLESS_CONFIG_NAMES } from './serverless/config-file.ts';
import { loadConfig, resolvedConfigModel } from './serverless/load-config.ts';

/** The Serverless Framework's file names, in the order it looks for them. */
export const SERVERLESS_FILE_NAMES = SERVERLESS_CONFIG_NAMES;
/** The SAM CLI's default template names (`sam build`/`sam deploy` without `--template-file`). */
export const TEMPLATE_FILE_NAMES = ['template.yaml', 'template.yml', 'template.json'] as const;
export const SAMCONFIG_FILE_NAMES = ['samconfig.toml', 'samconfig.yaml', 'samconfig.yml'] as const;
export const CDK_OUT_DIR = 'cdk.out';

export type ProjectSource =
  | { kind: 'serverless'; path: string }
  | { kind: 'template'; path: string; samconfig?: SamConfig }
  | { kind: 'cdk'; path: string };

/** What `samconfig.*` says for the `default` environment (any command's section; `global` is read last). */
export interface SamConfig {
  path: string;
  templateFile?: string;
  stackName?: string;
  region?: string;
  parameterOverrides?: string;
}

export interface ProjectSelection {
  /** A serverless.yml (`--config`). */
  configPath?: string;
  /** `configPath` as the Serverless Framework resolved it (its plugin passes it): modelled as given, not read again. */
  serverlessConfig?: Record<string, unknown>;
  /** A CloudFormation/SAM template (`--template`). */
  templatePath?: string;
  /** A CDK cloud assembly folder (`--cdk-out`). */
  cdkOut?: string;
  /** `--parameter-overrides` for a template or assembly: `Key=Value …` or parsed. */
  parameterOverrides?: string | Record<string, string>;
  stage?: string;
  region?: string;
  /** Where to look when nothing is chosen. Default: the working folder. */
  dir?: string;
}

/**
 * Finds the project in a folder, in this order: a serverless config (the Framework's names and order), a SAM template (`template.yaml|yml|json`,
 * or the `template_file` a `samconfig.*` names), a CDK assembly (`cdk.out/manifest.json`). When more than one is
 * there, the first wins and `others` names the rest.
 */
export function findProject(dir: string): { found?: ProjectSource; others: ProjectSource[] } {
  const candidates: ProjectSource[] = [];
  const serverless = SERVERLESS_FILE_NAMES.map((name) => join(dir, name)).find((path) => existsSync(path));
  if (serverless) candidates.push({ kind: 'serverless', path: serverless });
  const samconfigPath = SAMCONFIG_FILE_NAMES.map((name) => join(dir, name)).find((path) => existsSync(path));
  const samconfig = samconfigPath ? readSamConfig(samconfigPath) : undefined;
  const template = samconfig?.templateFile ? resolve(dir, samconfig.templateFile) : TEMPLATE_FILE_NAMES.map((name) => join(dir, name)).find((path) => existsSync(path));
  if (template) candidates.push({ kind: 'template', path: template, ...(samconfig ? { samconfig } : {}) });
  if (existsSync(join(dir, CDK_OUT_DIR, 'manifest.json'))) candidates.push({ kind: 'cdk', path: join(dir, CDK_OUT_DIR) });
  const [found, ...others] = candidates;
  return { ...(found ? { found } : {}), others };
}

/**
 * The one front door: reads the project chosen (`configPath`, `templatePath` or `cdkOut`; at most one), else the one
 * {@link findProject} finds, with whichever reader it needs. Everything downstream sees only the model. A template or
 * assembly with several WebSocket APIs gives the first one, the others in `additionalApis`.
 */
export async function readProject(selection: ProjectSelection = {}): Promise<EmulatorConfig> {
  const chosen = (['configPath', 'templatePath', 'cdkOut'] as const).filter((key) => selection[key] !== undefined);
  if (chosen.length > 1) throw new ConfigError('CONFIG_INVALID', `choose one project: ${chosen.map(flagOf).join(' and ')} were both given`);
  const dir = resolve(selection.dir ?? process.cwd());
  let source: ProjectSource;
  const notes: string[] = [];
  if (selection.configPath !== undefined) source = { kind: 'serverless', path: selection.configPath };
  else if (selection.templatePath !== undefined) {
    const samconfigPath = SAMCONFIG_FILE_NAMES.map((name) => join(dirname(resolve(selection.templatePath!)), name)).find((path) => existsSync(path));
    source = { kind: 'template', path: selection.templatePath, ...(samconfigPath ? { samconfig: readSamConfig(samconfigPath) } : {}) };
  } else if (selection.cdkOut !== undefined) source = { kind: 'cdk', path: selection.cdkOut };
  else {
    const { found, others } = findProject(dir);
    if (found === undefined) {
      throw new ConfigError(
        'CONFIG_NOT_FOUND',
        `no project in ${relative(process.cwd(), dir) || dir}: looked for ${[...SERVERLESS_FILE_NAMES, ...TEMPLATE_FILE_NAMES, ...SAMCONFIG_FILE_NAMES, `${CDK_OUT_DIR}/`].join(', ')}. Pass --config, --template or --cdk-out`,
      );
    }
    source = found;
    for (const other of others) notes.push(`also found ${relative(dir, other.path)} (${other.kind}); serving ${relative(dir, found.path)}. Pass ${flagOf(keyOf(other.kind))} to serve the other`);
  }
  if (source.kind === 'serverless' && selection.parameterOverrides !== undefined) {
    throw new ConfigError('CONFIG_INVALID', '--parameter-overrides is for a template or CDK assembly; serverless.yml takes --stage and its own variables');
  }

  let configs: EmulatorConfig[];
  if (source.kind === 'serverless') {
    configs = [
      selection.serverlessConfig
        ? resolvedConfigModel(selection.serverlessConfig, source.path, { stage: selection.stage, region: selection.region })
        : await loadConfig(source.path, { stage: selection.stage, region: selection.region }),
    ];
  }
  else {
    const samconfig = source.kind === 'template' ? source.samconfig : undefined;
    const overrides = {
      ...parseParameterOverrides(samconfig?.parameterOverrides ?? ''),
      ...(typeof selection.parameterOverrides === 'string' ? parseParameterOverrides(selection.parameterOverrides) : (selection.parameterOverrides ?? {})),
    };
    const region = selection.region ?? samconfig?.region;
    configs =
      source.kind === 'cdk'
        ? loadAssembly(source.path, { stage: selection.stage, region, parameterOverrides: overrides })
        : loadTemplate(source.path, {
            stage: selection.stage,
            region,
            parameterOverrides: overrides,
            // SAM's default stack name is sam-app (`sam deploy --guided`); a samconfig names the real one.
            stackName: samconfig?.stackName ?? basename(dirname(resolve(source.path))),
          });
  }
  const [primary, ...additionalApis] = configs as [EmulatorConfig, ...EmulatorConfig[]];
  primary.warnings.unshift(...notes);
  return additionalApis.length > 0 ? { ...primary, additionalApis } : primary;
}

/**
 * A samconfig file, read only as far as wsgate needs: the `default` environment's `template_file`, `stack_name`,
 * `region` and `parameter_overrides` (from any command's `parameters`, `global` last). TOML is read line by line —
 * `[section]` headers and `key = "string"` pairs, which is all SAM writes — so no TOML package is needed.
 */
export function readSamConfig(path: string): SamConfig {
  const text = readFileSync(path, 'utf8');
  const sections: Record<string, Record<string, string>> = {};
  if (path.endsWith('.toml')) {
    let section = '';
    for (const line of text.split(/\r?\n/)) {
      const header = /^\s*\[([^\]]+)\]\s*(#.*)?$/.exec(line);
      if (header) {
        section = header[1]!.trim();
        continue;
      }
      const pair = /^\s*([A-Za-z0-9_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^#\s][^#]*?))\s*(#.*)?$/.exec(line);
      if (pair) (sections[section] ??= {})[pair[1]!] = pair[2] !== undefined ? pair[2].replace(/\\(.)/g, '$1') : (pair[3] ?? pair[4]!);
    }
  } else {
    const document = (parse(text) ?? {}) as Record<string, Record<string, { parameters?: Record<string, unknown> }>>;
    for (const [command, value] of Object.entries(document.default ?? {})) {
      const parameters = value?.parameters ?? {};
      sections[`default.${command}.parameters`] = Object.fromEntries(
        Object.entries(parameters).map(([key, item]) => [key, Array.isArray(item) ? item.join(' ') : String(item)]),
      );
    }
  }
  const ordered = Object.entries(sections)
    .filter(([name]) => /^default\.[^.]+\.parameters$/.test(name))
    .sort(([a], [b]) => Number(a === 'default.global.parameters') - Number(b === 'default.global.parameters'));
  const value = (key: string) => ordered.find(([, pairs]) => pairs[key] !== undefined)?.[1][key];
  const config: SamConfig = { path };
  const templateFile = value('template_file');
  if (templateFile !== undefined) config.templateFile = templateFile;
  const stackName = value('stack_name');
  if (stackName !== undefined) config.stackName = stackName;
  const region = value('region');
  if (region !== undefined) config.region = region;
  const parameterOverrides = value('parameter_overrides');
  if (parameterOverrides !== undefined) config.parameterOverrides = parameterOverrides;
  return config;
}

function flagOf(key: 'configPath' | 'templatePath' | 'cdkOut'): string {
  return { configPath: '--config', templatePath: '--template', cdkOut: '--cdk-out' }[key];
}

function keyOf(kind: ProjectSource['kind']): 'configPath' | 'templatePath' | 'cdkOut' {
  return ({ serverless: 'configPath', template: 'templatePath', cdk: 'cdkOut' } as const)[kind];
}
