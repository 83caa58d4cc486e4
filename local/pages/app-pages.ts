import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { PagesConfig } from '../model/app-model.ts';
import { freshBundle } from './fresh-bundle.ts';

/**
 * An app's own pages (`custom.wsgate.pages`): its entries bundled, again whenever a file they import changed (an edit
 * shows on reload, as the handlers' do), then its folder as static files. Mounted after the emulator's own routes, which therefore win.
 */
export function appPages(pages: PagesConfig): express.Router {
  const router = express.Router();
  for (const entry of pages.entries) {
    const current = freshBundle(entry.file);
    router.get(entry.urlPath, (_req, res) => {
      current().then(
        (code) => void res.type('js').set('cache-control', 'no-store').send(code),
        (error: unknown) => {
          console.error(`wsgate: cannot bundle ${entry.file}:`, error instanceof Error ? error.message : error);
          res.status(500).type('text').send(`Cannot bundle ${entry.file}: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    });
  }
  router.use(express.static(pages.dir, { index: false, dotfiles: 'ignore' }));
  return router;
}

/** The app's start page, when its folder has an index.html. */
export function appIndexOf(pages: PagesConfig | undefined): string | undefined {
  const index = pages && join(pages.dir, 'index.html');
  return index && existsSync(index) ? index : undefined;
}
