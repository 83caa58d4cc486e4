import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../local/config/config-error.ts';
import { loadConfig } from '../../local/config/load-config.ts';
import { resolveVariables } from '../../local/config/variables.ts';
import { startEmulator } from '../../local/emulator.ts';
import { projectsDir } from './fixture-projects.ts';

const root = join(import.meta.dirname, '..', '..');
// Inside the repo (git-ignored), so copied handlers still resolve the repo's node_modules.
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function project(name: string, yaml: string, files: Record<string, string> = {}): string {
  const dir = join(scratch, name);
  cpSync(join(projectsDir, 'behaviour'), dir, { recursive: true });
  writeFileSync(join(dir, 'serverless.yml'), yaml);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return join(dir, 'serverless.yml');
}

const minimal = (handler: string, extra = '') =>
  `service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  fn:\n    handler: ${handler}\n${extra}    events:\n      - websocket:\n          route: $default\n`;

describe('loadConfig', () => {
  it.each([
    ['a missing file', () => join(scratch, 'nope.yml'), 'CONFIG_NOT_FOUND', /Cannot read .*nope\.yml.*--config/],
    ['a YAML error, with its line', () => project('yaml', 'service: s\nprovider:\n  name: aws\n   runtime: [\n'), 'CONFIG_SYNTAX', /serverless\.yml:3:\d+: YAML error: Nested mappings/],
    ['a handler file not found, naming the paths tried', () => project('nofile', minimal('src/missing.handler')), 'HANDLER_NOT_FOUND', /src\/missing\.ts, .*src\/missing\.mts, .*src\/missing\.js, .*src\/missing\.mjs, .*src\/missing\.cjs/],
    ['an unsupported runtime', () => project('python', minimal('handlers.echo', '    runtime: python3.12\n')), 'UNSUPPORTED_RUNTIME', /python3\.12.*Node\.js handlers only/],
    ['no websocket function', () => project('http', 'service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: handlers.echo\n'), 'NO_WEBSOCKET_FUNCTIONS', /no function with a websocket event/],
    ['an unresolvable self reference', () => project('self', minimal('handlers.echo').replace('runtime: nodejs22.x', 'runtime: ${self:custom.nothing}')), 'VARIABLE_UNRESOLVED', /self:custom\.nothing/],
  ])('reports %s with a ConfigError that says what to fix', (_label, path, code, message) => {
    let caught: unknown;
    try {
      loadConfig(path());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('resolves routes, names, timeouts and the stage from options, provider or the default', () => {
    const config = loadConfig(join(projectsDir, 'behaviour', 'serverless.yml'));
    expect(config.stage).toBe('test');
    expect([...config.routes.keys()].sort()).toEqual(['$connect', '$disconnect', 'boom', 'echo', 'env', 'post', 'quiet', 'slow']);
    expect(config.routes.get('slow')).toMatchObject({ functionName: 'behaviour-test-slow', timeoutMs: 1_000, routeResponse: false });
    expect(config.routes.get('echo')).toMatchObject({ timeoutMs: 6_000, routeResponse: true, handler: { exportName: 'echo' } });
    expect(loadConfig(join(projectsDir, 'behaviour', 'serverless.yml'), { stage: 'qa' }).routes.get('env')?.environment).toMatchObject({
      GREETING: 'hello-qa',
      TABLE_NAME: 'items-qa',
    });
    expect(loadConfig(join(projectsDir, 'templated', 'serverless.yml')).stage).toBe('dev');
  });

  it('reads CloudFormation short tags and resolves a table Ref to its name', () => {
    const config = loadConfig(join(projectsDir, 'tables', 'serverless.yml'), { stage: 'ci' });
    expect(config.routes.get('$default')?.environment).toEqual({ NOTES_TABLE: 'notes-ci' });
    expect(config.tables).toEqual([expect.objectContaining({ logicalId: 'NotesTable', properties: expect.objectContaining({ TableName: 'notes-ci' }) })]);
  });
});

describe('resolveVariables', () => {
  const sources = (warnings: string[] = []) => ({
    self: { service: 'svc', custom: { a: 'A-${sls:stage}', n: 3, deep: { table: '${self:custom.a}-t' } } },
    stage: 'prod',
    region: 'eu-west-1',
    options: { stage: 'prod' },
    env: { HOME_DIR: '/home/x' },
    warn: (m: string) => warnings.push(m),
  });

  it.each([
    ['${sls:stage}', 'prod'],
    ['${opt:stage, "dev"}', 'prod'],
    ["${opt:region, 'us-east-2'}", 'us-east-2'],
    ['${env:HOME_DIR}', '/home/x'],
    ["${env:MISSING, 'fallback, with comma'}", 'fallback, with comma'],
    ['${env:MISSING, ${self:service}}', 'svc'],
    ['${self:custom.deep.table}', 'A-prod-t'],
    ['${self:custom.n}', 3],
    ['n=${self:custom.n}', 'n=3'],
    ['${aws:region}/${aws:accountId}', 'eu-west-1/000000000000'],
    ['arn:${AWS::Partition}:x:${AWS::Region}:${MyResource}', 'arn:${AWS::Partition}:x:${AWS::Region}:${MyResource}'],
  ])('%s -> %j', (input, expected) => {
    expect(resolveVariables(input, sources())).toEqual(expected);
  });

  it('leaves an offline-unresolvable source unset, with a warning', () => {
    const warnings: string[] = [];
    expect(resolveVariables({ KEY: '${ssm:/app/key}' }, sources(warnings))).toEqual({ KEY: undefined });
    expect(warnings).toEqual([expect.stringContaining('${ssm:/app/key} at KEY has no value offline')]);
  });
});

describe('startEmulator', () => {
  it('fails on an export the handler file does not have, naming what it exports', async () => {
    const path = project('noexport', minimal('handlers.nothingHere'));
    await expect(startEmulator({ configPath: path, port: 0, httpPort: false, log: false })).rejects.toMatchObject({
      code: 'EXPORT_NOT_FOUND',
      message: expect.stringMatching(/no exported function "nothingHere" \(it exports: .*echo/),
    });
  });

  it.each([
    [{ port: -1 }, /"port" must be a port number/],
    [{ httpPort: 'x' as never }, /"httpPort" must be a port number/],
    [{ idleTimeoutMs: 0 }, /"idleTimeoutMs" must be a positive number/],
    [{ colour: 'blue' } as never, /Unknown emulator option "colour"/],
  ])('rejects bad options %j with a TypeError naming the key', async (options, message) => {
    await expect(startEmulator(options)).rejects.toThrow(message);
  });
});

describe('the CLI', () => {
  const cli = (args: string[]) =>
    promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'local', 'cli.ts'), ...args], { cwd: root, timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('exits 1 with a message that says what to fix', async () => {
    const missing = await cli(['--config', 'does/not/exist.yml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^wsgate: Cannot read does\/not\/exist\.yml.*Pass --config/m);
    const badFlag = await cli(['--prot', '1']);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/wsgate: Unknown option '--prot'/);
    const badPort = await cli(['--port', 'abc']);
    expect(badPort.stderr).toMatch(/wsgate: --port must be a number; got "abc"/);
  });

  it('prints its usage with --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--config PATH');
  });
});
