import { describe, expect, it } from 'vitest';
import { projectOptions } from '../../local/project-options.ts';

const settings = (values: Record<string, unknown>) => ({ where: 'custom.wsgate', values });

describe('projectOptions', () => {
  it('reads every CLI option by the flag\'s name or in camelCase, with the CLI\'s units', () => {
    expect(projectOptions(settings({ port: 4001, 'http-port': 4000, host: '0.0.0.0', persist: '.data', 'idle-timeout': 60, maxDuration: '120', watch: false, 'no-intercept': true, environment: { A: 'x', N: 3 } }))).toEqual({
      port: 4001,
      httpPort: 4000,
      host: '0.0.0.0',
      persistDir: '.data',
      idleTimeoutMs: 60_000,
      maxDurationMs: 120_000,
      watch: false,
      intercept: false,
      environment: { A: 'x', N: '3' },
    });
    expect(projectOptions(undefined)).toEqual({});
  });

  it('reads the runtime options: isolate / no-isolate, warm / no-warm, maxConcurrency, unordered, logFormat', () => {
    expect(projectOptions(settings({ isolate: false, 'no-warm': true, 'max-concurrency': 4, unordered: true, logFormat: 'json' }))).toEqual({ isolation: 'in-process', warm: false, maxConcurrency: 4, orderedFrames: false, logFormat: 'json' });
    expect(projectOptions(settings({ noIsolate: false, warm: true }))).toEqual({ isolation: 'environments', warm: true });
    expect(() => projectOptions(settings({ maxConcurrency: 1.5 }))).toThrow(/custom\.wsgate\.maxConcurrency must be a whole number ≥ 1; got 1\.5/);
    expect(() => projectOptions(settings({ logFormat: 'xml' }))).toThrow(/custom\.wsgate\.logFormat must be text or json; got "xml"/);
  });

  it.each([
    [{ idelTimeout: 5 }, /custom\.wsgate\.idelTimeout is not an option of wsgate; did you mean custom\.wsgate\.idleTimeout\?/],
    [{ prot: 5 }, /did you mean custom\.wsgate\.port\?/],
    [{ port: 'abc' }, /--custom\.wsgate\.port must be a number; got "abc"|custom\.wsgate\.port must be a number/],
    [{ watch: 'no' }, /custom\.wsgate\.watch must be true or false; got "no"/],
    [{ environment: ['A=1'] }, /custom\.wsgate\.environment must be a mapping/],
  ])('refuses %j, saying what to fix', (values, message) => {
    expect(() => projectOptions(settings(values))).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) }));
  });
});
