import { describe, expect, it } from 'vitest';
import { invokedAs } from '../../local/invoked-as.ts';

describe('invokedAs', () => {
  it.each([
    [{ npm_command: 'start', npm_lifecycle_event: 'start' }, '/repo/local/cli.ts', 'npm start --'],
    [{ npm_command: 'run', npm_lifecycle_event: 'dev' }, '/repo/local/cli.ts', 'npm run dev --'],
    [{ npm_command: 'exec', npm_lifecycle_event: 'npx' }, '/p/node_modules/.bin/wsgate', 'npx wsgate'],
    [{}, '/repo/local/cli.ts', 'node --import tsx local/cli.ts'],
    [{}, '/p/node_modules/.bin/wsgate', 'wsgate'],
  ])('%o running %s reads as "%s"', (env, script, command) => {
    expect(invokedAs(env, script, 'wsgate', '/repo')).toBe(command);
  });
});
