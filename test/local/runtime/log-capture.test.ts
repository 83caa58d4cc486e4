import { setTimeout as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type CapturedLogLine, captureLogs } from '../../../local/runtime/log-capture.ts';

describe('captureLogs', () => {
  it('gives each of two concurrent runs its own console lines, those of its timers included, formatted as console prints them', async () => {
    const first: CapturedLogLine[] = [];
    const second: CapturedLogLine[] = [];
    const run = async (name: string) => {
      console.log('start %s', name, { n: 1 });
      await tick(5);
      setTimeout(() => console.warn(`timer of ${name}`), 0);
      await tick(10);
      console.error(new Error(`boom in ${name}`).message);
      return name;
    };
    const results = await Promise.all([captureLogs(first, () => run('a')), captureLogs(second, () => run('b'))]);
    expect(results).toEqual(['a', 'b']);
    const shape = (lines: CapturedLogLine[]) => lines.map(({ level, message }) => [level, message]);
    expect(shape(first)).toEqual([['log', 'start a { n: 1 }'], ['warn', 'timer of a'], ['error', 'boom in a']]);
    expect(shape(second)).toEqual([['log', 'start b { n: 1 }'], ['warn', 'timer of b'], ['error', 'boom in b']]);
    for (const line of first) expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('records nothing outside a run, and keeps a rejected run\'s lines', async () => {
    const lines: CapturedLogLine[] = [];
    console.info('not inside any run');
    await expect(
      captureLogs(lines, async () => {
        console.debug('about to fail');
        throw new Error('failed');
      }),
    ).rejects.toThrow('failed');
    console.info('after the run');
    expect(lines.map((l) => [l.level, l.message])).toEqual([['debug', 'about to fail']]);
  });
});
