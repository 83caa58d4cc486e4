import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * wsgate's own package.json, found by walking up from this file: it sits one folder up from the sources
 * (`local/`) and two from the compiled files (`dist/local/`).
 */
export function packageInfo(from = import.meta.dirname): { name: string; version: string } {
  for (let folder = from; ; folder = dirname(folder)) {
    const file = join(folder, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (json.name === 'wsgate' && json.version) return { name: json.name, version: json.version };
    }
    if (dirname(folder) === folder) return { name: 'wsgate', version: 'unknown' };
  }
}
