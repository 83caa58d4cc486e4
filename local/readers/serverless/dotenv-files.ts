import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { expand } from 'dotenv-expand';
import { ConfigError } from '../../model/config-error.ts';

/**
 * What `useDotenv: true` loads, as the Framework loads it (osls lib/cli/load-dotenv.js): `.env.{stage}` from the
 * service folder if it exists, else `.env` — one file, never both — with `$OTHER` expanded by dotenv-expand.
 * Variables already set in `env` win (dotenv never overrides). Returns the environment to resolve `${env:…}` against;
 * `env` itself is not changed.
 */
export function withDotenv(dir: string, stage: string, env: Record<string, string | undefined>): Record<string, string | undefined> {
  for (const name of [`.env.${stage}`, '.env']) {
    let text: string;
    try {
      text = readFileSync(join(dir, name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new ConfigError('CONFIG_NOT_FOUND', `Cannot read ${join(dir, name)} (useDotenv is on): ${(error as Error).message}`, { cause: error });
    }
    const processEnv: Record<string, string> = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const { parsed } = expand({ parsed: parse(text), processEnv });
    return { ...parsed, ...env };
  }
  return env;
}
