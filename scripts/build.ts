/**
 * `npm run build` (run by `prepack`): the published package in dist/.
 * - tsc (tsconfig.build.json) compiles everything under local/ to JavaScript + .d.ts, one file per source;
 * - every page folder's entry (`local/pages/NAME/NAME.ts`) is bundled for the browser by esbuild to where its compiled
 *   file would be (`dist/local/pages/NAME/NAME.js`), so the installed emulator serves pages without bundling at start;
 * - every other file under local/ that is not TypeScript (the pages' html and css) is copied beside them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { bundlePage } from '../local/pages/bundle-page.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const pages = join(root, 'local', 'pages');
for (const name of readdirSync(pages)) {
  const entry = join(pages, name, `${name}.ts`);
  if (!existsSync(entry)) continue;
  const outfile = join(dist, 'local', 'pages', name, `${name}.js`);
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, await bundlePage(entry, outfile));
}

const copyAssets = (folder: string) => {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (!/\.[cm]?ts$/.test(name)) cpSync(path, join(dist, relative(root, path)));
  }
};
copyAssets(join(root, 'local'));
console.log(`built ${relative(root, dist)}/ from ${relative(root, dirname(pages))}/`);
