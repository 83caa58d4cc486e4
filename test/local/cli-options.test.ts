import { describe, expect, it } from 'vitest';
import { cliOptions } from '../../local/cli-options.ts';

describe('cliOptions', () => {
  it('returns only the flags given, so the project\'s custom.wsgate fills in the rest', () => {
    expect(cliOptions(['--port', '4001'])).toEqual({ port: 4001 });
    expect(cliOptions(['--idle-timeout', '60', '--no-watch', '--no-intercept'])).toEqual({ idleTimeoutMs: 60_000, watch: false, intercept: false });
  });

  it('takes the runtime flags: --isolate / --no-isolate, --no-warm, --max-concurrency, --unordered, --log-format', () => {
    expect(cliOptions(['--no-isolate'])).toEqual({ isolation: 'in-process' });
    expect(cliOptions(['--isolate', '--no-warm', '--max-concurrency', '3', '--unordered', '--log-format', 'json'])).toEqual({ isolation: 'environments', warm: false, maxConcurrency: 3, orderedFrames: false, logFormat: 'json' });
    expect(() => cliOptions(['--isolate', '--no-isolate'])).toThrow(/--isolate and --no-isolate contradict each other/);
    expect(() => cliOptions(['--max-concurrency', '0'])).toThrow(/--max-concurrency must be a whole number ≥ 1; got "0"/);
    expect(() => cliOptions(['--log-format', 'xml'])).toThrow(/--log-format must be text or json; got "xml"/);
  });

  it('takes --env KEY=VALUE, repeatable, the value keeping any "="', () => {
    expect(cliOptions(['--env', 'A=1', '--env', 'URL=http://x/?q=1', '--env', 'A=2', '--env', 'EMPTY='])).toEqual({ environment: { A: '2', URL: 'http://x/?q=1', EMPTY: '' } });
    expect(() => cliOptions(['--env', 'NOEQUALS'])).toThrow(/--env takes KEY=VALUE; got "NOEQUALS"/);
  });

  it.each([
    ['--prot', '--port'],
    ['--idel-timeout', '--idle-timeout'],
    ['--http-prot', '--http-port'],
    ['--no-wach', '--no-watch'],
    ['--stag', '--stage'],
    ['--envv', '--env'],
  ])('suggests the nearest flag for a typo: %s -> %s', (typo, flag) => {
    expect(() => cliOptions([typo, '1'])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(new RegExp(`^Unknown option '${typo}'\\. Did you mean ${flag}\\?\n`)) }));
  });

  it('suggests nothing for a flag like no other', () => {
    expect(() => cliOptions(['--completely-different'])).toThrow(expect.objectContaining({ message: expect.not.stringContaining('Did you mean') }));
  });

  it('takes --template, --cdk-out and --parameter-overrides', () => {
    expect(cliOptions(['--template', 'infra/template.yaml', '--parameter-overrides', 'A=1 B=2'])).toMatchObject({ templatePath: 'infra/template.yaml', parameterOverrides: 'A=1 B=2' });
    expect(cliOptions(['--cdk-out', 'cdk.out'])).toMatchObject({ cdkOut: 'cdk.out', configPath: undefined });
  });
});
