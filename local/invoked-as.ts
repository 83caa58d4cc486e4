import { relative } from 'node:path';

/**
 * The command as the user typed it, for usage text: `npm start --`, `npm run NAME --`, `npx wsgate`, or the bin's
 * name. npm tells a script how it was run through `npm_command` / `npm_lifecycle_event` (`start`/`start`,
 * `run`/NAME, `exec`/`npx`).
 */
export function invokedAs(env: NodeJS.ProcessEnv, script: string | undefined, bin = 'wsgate', cwd = process.cwd()): string {
  const event = env.npm_lifecycle_event;
  if (env.npm_command === 'exec' || event === 'npx') return `npx ${bin}`;
  if (event && env.npm_command === 'start' && event === 'start') return 'npm start --';
  if (event && (env.npm_command === 'run' || env.npm_command === 'run-script')) return `npm run ${event} --`;
  if (script && /\.ts$/.test(script)) return `node --import tsx ${relative(cwd, script)}`;
  return bin;
}
