import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { HandlerRef } from '../model/app-model.ts';
import { ConfigError } from '../model/config-error.ts';

export type { HandlerRef } from '../model/app-model.ts';

/** The extensions tried, in order, for a handler `dir/file.export` (TypeScript first: it runs without a build). */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'] as const;

/** Resolves `dir/file.export` relative to the config's folder (or a template's code folder); names every path tried when none exists. */
export function resolveHandler(declared: string, configDir: string, functionKey: string, where = `functions.${functionKey}.handler`): HandlerRef {
  const dot = declared.lastIndexOf('.');
  if (dot <= 0 || dot === declared.length - 1) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `${where} "${declared}" must look like "path/file.exportName"`,
    );
  }
  const base = join(configDir, declared.slice(0, dot));
  const tried = HANDLER_EXTENSIONS.map((extension) => base + extension);
  const file = tried.find((candidate) => existsSync(candidate));
  if (file === undefined) {
    throw new ConfigError(
      'HANDLER_NOT_FOUND',
      `${where} "${declared}": no handler file found; tried ${tried.map((t) => relative(process.cwd(), t) || t).join(', ')}`,
    );
  }
  return { declared, file, exportName: declared.slice(dot + 1) };
}
