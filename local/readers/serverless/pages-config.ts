import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../../model/config-error.ts';
import type { PagesConfig } from '../../model/app-model.ts';

/**
 * Reads an app's own browser pages from `custom.wsgate.pages` in serverless.yml. The emulator carries nothing
 * app-specific: a project that sets no `pages` gets only the emulator's own tools (client, inspector, tables).
 *
 * @example
 * custom:
 *   wsgate:
 *     pages:
 *       dir: web            # served as static files at /, its index.html is the page `npm start` prints
 *       entries: [chat.ts]  # bundled by esbuild in memory, served as /chat.js
 *
 * Undefined when the project asks for no pages. Paths are relative to serverless.yml.
 */
export function pagesConfigOf(custom: unknown, configDir: string): PagesConfig | undefined {
  const pages = (custom as { wsgate?: { pages?: unknown } } | undefined)?.wsgate?.pages;
  if (pages === undefined || pages === null) return undefined;
  const where = 'custom.wsgate.pages';
  if (typeof pages !== 'object' || Array.isArray(pages)) throw new ConfigError('CONFIG_INVALID', `${where} must be a mapping like { dir: web, entries: [app.ts] }`);
  const { dir, entries = [], ...unknown } = pages as { dir?: unknown; entries?: unknown };
  const extra = Object.keys(unknown);
  if (extra.length > 0) throw new ConfigError('CONFIG_INVALID', `${where}.${extra[0]} is not an option (dir, entries)`);
  if (typeof dir !== 'string' || dir === '') throw new ConfigError('CONFIG_INVALID', `${where}.dir must name a folder relative to serverless.yml`);
  const folder = resolve(configDir, dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ConfigError('CONFIG_INVALID', `${where}.dir "${dir}" is not a folder (looked for ${folder})`);
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'string' || e === '')) {
    throw new ConfigError('CONFIG_INVALID', `${where}.entries must be a list of files inside ${dir}, e.g. [app.ts]`);
  }
  return {
    dir: folder,
    entries: (entries as string[]).map((entry, index) => {
      const file = resolve(folder, entry);
      const inside = relative(folder, file);
      if (inside.startsWith('..') || isAbsolute(inside)) throw new ConfigError('CONFIG_INVALID', `${where}.entries[${index}] "${entry}" is outside ${dir}`);
      if (!existsSync(file)) throw new ConfigError('CONFIG_INVALID', `${where}.entries[${index}] "${entry}" does not exist (looked for ${join(dir, entry)})`);
      return { file, urlPath: `/${inside.split(/[\\/]/).join('/').replace(/\.[cm]?[jt]sx?$/, '')}.js` };
    }),
  };
}
