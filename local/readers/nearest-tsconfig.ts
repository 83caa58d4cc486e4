import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The tsconfig.json TypeScript would use for files in `dir`: the first one found walking up from it. Handlers (and a
 * serverless.ts) resolve their `paths` aliases and `baseUrl` with it wherever wsgate itself was started from.
 */
export function nearestTsconfig(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}
