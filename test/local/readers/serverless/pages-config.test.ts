import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../local/readers/serverless/load-config.ts';
import { pagesConfigOf } from '../../../../local/readers/serverless/pages-config.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const project = mkdtempSync(join(tmpdir(), 'wsgate-pages-'));
mkdirSync(join(project, 'web', 'src'), { recursive: true });
writeFileSync(join(project, 'web', 'src', 'app.ts'), 'export {};');
writeFileSync(join(project, 'web', 'index.html'), '<!doctype html>');

describe('pagesConfigOf (custom.wsgate.pages)', () => {
  it('resolves the folder and each entry, served as /<path>.js', () => {
    expect(pagesConfigOf({ wsgate: { pages: { dir: 'web', entries: ['src/app.ts'] } } }, project)).toEqual({
      dir: join(project, 'web'),
      entries: [{ file: join(project, 'web', 'src', 'app.ts'), urlPath: '/src/app.js' }],
    });
  });

  it('is undefined when the project asks for no pages', () => {
    expect(pagesConfigOf(undefined, project)).toBeUndefined();
    expect(pagesConfigOf({ wsgate: {} }, project)).toBeUndefined();
  });

  it.each([
    [{ dir: 'missing' }, /^custom\.wsgate\.pages\.dir "missing" is not a folder/],
    [{ entries: ['a.ts'] }, /^custom\.wsgate\.pages\.dir must name a folder/],
    [{ dir: 'web', entries: ['../outside.ts'] }, /^custom\.wsgate\.pages\.entries\[0\] "\.\.\/outside\.ts" is outside web$/],
    [{ dir: 'web', entries: ['nope.ts'] }, /^custom\.wsgate\.pages\.entries\[0\] "nope\.ts" does not exist/],
    [{ dir: 'web', entries: 'app.ts' }, /^custom\.wsgate\.pages\.entries must be a list/],
    [{ dir: 'web', index: 'x.html' }, /^custom\.wsgate\.pages\.index is not an option \(dir, entries\)$/],
    ['web', /^custom\.wsgate\.pages must be a mapping/],
  ])('%j fails with a CONFIG_INVALID naming the key', (pages, message) => {
    expect(() => pagesConfigOf({ wsgate: { pages } }, project)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) }));
  });

  it('our serverless.yml asks for web/ with the chat page', async () => {
    expect((await loadConfig(join(root, 'serverless.yml'))).pages).toEqual({ dir: join(root, 'web'), entries: [{ file: join(root, 'web', 'chat.ts'), urlPath: '/chat.js' }] });
  });
});
