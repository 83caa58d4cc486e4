import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse, YAMLParseError } from 'yaml';
import { ConfigError } from '../../model/config-error.ts';
import { cloudFormationTags } from '../cloudformation/cloudformation-tags.ts';
import { nearestTsconfig } from '../nearest-tsconfig.ts';

/**
 * The names the Serverless Framework looks for in a service folder, in its order: the first that exists is the
 * service's config (osls lib/cli/resolve-configuration-path.js, `supportedExtensions`: yml, yaml, json, js, mjs, cjs, ts).
 */
export const SERVERLESS_CONFIG_NAMES = [
  'serverless.yml',
  'serverless.yaml',
  'serverless.json',
  'serverless.js',
  'serverless.mjs',
  'serverless.cjs',
  'serverless.ts',
] as const;

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/**
 * Reads a serverless config file by its extension into its raw object (variables unresolved): YAML with CloudFormation's
 * short tags, JSON, or a JavaScript/TypeScript module whose export (an object, a promise, or a default export) is the
 * config. Modules run through tsx in a worker thread, with the tsconfig nearest the file.
 */
export async function readServerlessConfig(configPath: string): Promise<Record<string, unknown>> {
  const extension = extname(configPath).toLowerCase();
  // Messages name the path as the user gave it (`--config does/not/exist.yml`); the file system gets it resolved.
  if (!existsSync(resolve(configPath))) throw new ConfigError('CONFIG_NOT_FOUND', `Cannot read ${configPath}: no such file. Pass --config PATH/serverless.yml`);
  const raw = MODULE_EXTENSIONS.has(extension) ? await importConfigModule(configPath) : parseText(configPath, await readText(resolve(configPath), configPath), extension);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('CONFIG_INVALID', `${configPath} must ${MODULE_EXTENSIONS.has(extension) ? 'export an object' : 'hold a mapping'}`);
  }
  return raw as Record<string, unknown>;
}

async function readText(path: string, configPath: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', `Cannot read ${configPath}: ${(error as Error).message}. Pass --config PATH/serverless.yml`, { cause: error });
  }
}

function parseText(configPath: string, text: string, extension: string): unknown {
  if (extension === '.json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ConfigError('CONFIG_SYNTAX', `${configPath}: JSON error: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    return parse(text, { customTags: cloudFormationTags, prettyErrors: true }) ?? {};
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0];
      throw new ConfigError('CONFIG_SYNTAX', `${configPath}${line ? `:${line.line}:${line.col}` : ''}: YAML error: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, { cause: error });
    }
    throw error;
  }
}

function importConfigModule(configPath: string): Promise<unknown> {
  const file = resolve(configPath);
  const tsconfig = nearestTsconfig(dirname(file));
  return new Promise((answer, reject) => {
    const worker = new Worker(new URL('./config-module.mjs', import.meta.url), {
      workerData: { file, tsconfig },
      // tsx's CommonJS side reads its tsconfig from TSX_TSCONFIG_PATH (its ESM side takes the option): the worker's own
      // copy of the environment carries it, the emulator's is untouched.
      env: { ...process.env, ...(tsconfig ? { TSX_TSCONFIG_PATH: tsconfig } : {}) },
      // Not the emulator's own `--import tsx`: tsImport registers tsx in the worker once, with the project's tsconfig.
      execArgv: [],
    });
    let answered = false;
    worker.once('message', (message: { ok: true; json: string } | { ok: false; message: string }) => {
      answered = true;
      void worker.terminate();
      if (message.ok) answer(JSON.parse(message.json));
      else reject(new ConfigError('CONFIG_SYNTAX', `${basename(configPath)} could not be loaded: ${message.message}`));
    });
    worker.once('error', (error) => reject(new ConfigError('CONFIG_SYNTAX', `${basename(configPath)} could not be loaded: ${error.message}`, { cause: error })));
    worker.once('exit', (code) => {
      if (!answered) reject(new ConfigError('CONFIG_SYNTAX', `${basename(configPath)} exited (code ${code}) before exporting a config`));
    });
  });
}
