import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../local/model/config-error.ts';
import { loadConfig } from '../../../../local/readers/serverless/load-config.ts';
import { projectsDir } from '../../fixture-projects.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the behaviour fixture (its handlers) with this serverless.yml. */
function project(name: string, yaml: string): string {
  const dir = join(scratch, name);
  cpSync(join(projectsDir, 'behaviour'), dir, { recursive: true });
  writeFileSync(join(dir, 'serverless.yml'), yaml);
  return join(dir, 'serverless.yml');
}

const minimal = (handler: string, extra = '') =>
  `service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  fn:\n    handler: ${handler}\n${extra}    events:\n      - websocket:\n          route: $default\n`;

const withAuthorizer = (authorizer: string, route = '$connect') => `service: s
provider:
  name: aws
  runtime: nodejs22.x
functions:
  auth-fn:
    handler: handlers.echo
  named:
    name: custom-authorizer-name
    handler: handlers.echo
  connect:
    handler: handlers.connect
    events:
      - websocket:
          route: ${route}
          authorizer: ${authorizer}
`;

async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it.each([
    ['a missing file', () => join(scratch, 'nope.yml'), 'CONFIG_NOT_FOUND', /Cannot read .*nope\.yml.*--config/],
    ['a YAML error, with its line', () => project('yaml', 'service: s\nprovider:\n  name: aws\n   runtime: [\n'), 'CONFIG_SYNTAX', /serverless\.yml:3:\d+: YAML error: Nested mappings/],
    ['a handler file not found, naming the paths tried', () => project('nofile', minimal('src/missing.handler')), 'HANDLER_NOT_FOUND', /"src\/missing\.handler": no handler file found; tried .*src\/missing\.ts, .*src\/missing\.mts, .*src\/missing\.js, .*src\/missing\.mjs, .*src\/missing\.cjs/],
    ['a handler without an export name', () => project('noexportname', minimal('handlers')), 'CONFIG_INVALID', /must look like "path\/file\.exportName"/],
    ['an unsupported runtime', () => project('python', minimal('handlers.echo', '    runtime: python3.12\n')), 'UNSUPPORTED_RUNTIME', /functions\.fn uses runtime "python3\.12".*Node\.js handlers only/],
    ['no websocket function', () => project('http', 'service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: handlers.echo\n'), 'NO_WEBSOCKET_FUNCTIONS', /no function with a websocket, http, httpApi, schedule or stream event/],
    ['no service', () => project('noservice', minimal('handlers.echo').replace('service: s\n', '')), 'CONFIG_INVALID', /"service" is missing/],
    ['an unresolvable self reference', () => project('self', minimal('handlers.echo').replace('runtime: nodejs22.x', 'runtime: ${self:custom.nothing}')), 'VARIABLE_UNRESOLVED', /\$\{self:custom\.nothing\} at provider\.runtime has no value/],
    ['a route declared twice', () => project('twice', `${minimal('handlers.echo')}  other:\n    handler: handlers.echo\n    events:\n      - websocket: $default\n`), 'CONFIG_INVALID', /route "\$default" is declared by both functions\.fn and functions\.other/],
  ])('reports %s as a ConfigError that says what to fix', async (_label, path, code, message) => {
    const error = await errorOf(() => loadConfig(path()));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ name: 'ConfigError', code, message: expect.stringMatching(message) });
  });

  it('resolves routes, names, timeouts, memory and route responses', async () => {
    const config = await loadConfig(join(projectsDir, 'behaviour', 'serverless.yml'));
    expect(config.stage).toBe('test');
    expect(config.routeSelectionExpression).toBe('$request.body.action');
    expect([...config.routes.keys()].sort()).toEqual(['$connect', '$disconnect', 'boom', 'echo', 'env', 'post', 'quiet', 'slow', 'stray']);
    expect(config.routes.get('slow')).toMatchObject({ functionKey: 'slow', functionName: 'behaviour-test-slow', timeoutMs: 1_000, memorySize: 1024, routeResponse: false });
    expect(config.routes.get('echo')).toMatchObject({ timeoutMs: 6_000, routeResponse: true, handler: { exportName: 'echo', file: join(projectsDir, 'behaviour', 'handlers.ts') } });
  });

  it('takes the stage from the option, else provider.stage (resolved), else dev', async () => {
    expect((await loadConfig(join(projectsDir, 'behaviour', 'serverless.yml'), { stage: 'qa' })).routes.get('env')?.environment).toMatchObject({ GREETING: 'hello-qa', TABLE_NAME: 'items-qa' });
    expect(await loadConfig(join(projectsDir, 'runtimes', 'serverless.yml'))).toMatchObject({ stage: 'local', region: 'eu-west-1' });
    expect(await loadConfig(join(projectsDir, 'templated', 'serverless.yml'))).toMatchObject({ stage: 'dev', region: 'us-east-1' });
  });

  it('looks only at websocket functions: another runtime or a missing handler elsewhere is fine', async () => {
    const config = await loadConfig(join(projectsDir, 'runtimes', 'serverless.yml'));
    expect([...config.routes.values()].map((route) => route.functionKey)).not.toContain('http');
  });

  it('reads CloudFormation short tags and resolves table references in the environment', async () => {
    const config = await loadConfig(join(projectsDir, 'tables', 'serverless.yml'), { stage: 'ci' });
    expect(config.routes.get('$default')?.environment).toEqual({
      NOTES_TABLE: 'notes-ci',
      NOTES_ARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/notes-ci',
      AUDIT_TABLE: 'AuditTable',
      STACK_TABLE: 'tables-ci-stacked',
    });
    expect(config.tables.map((t) => [t.logicalId, t.tableName])).toEqual([['NotesTable', 'notes-ci'], ['AuditTable', 'AuditTable'], ['StackedTable', 'tables-ci-stacked']]);
    expect(config.warnings).toEqual([expect.stringContaining('QUEUE_URL')]);
  });
});

describe('authorizers in serverless.yml', () => {
  it.each([
    ['a function name', 'auth-fn', 'auth-fn'],
    ['{ name, identitySource }', '{ name: auth-fn, identitySource: [route.request.querystring.token, route.request.header.X-Key] }', 'auth-fn'],
    ['an ARN of a function of this service', 'arn:aws:lambda:us-east-1:123456789012:function:custom-authorizer-name', 'named'],
    ['{ arn: !GetAtt …LambdaFunction.Arn }', '{ arn: !GetAtt AuthDashfnLambdaFunction.Arn }', 'auth-fn'],
  ])('reads %s', async (_label, authorizer, functionKey) => {
    const config = await loadConfig(project(`auth-${functionKey}-${authorizer.length}`, withAuthorizer(authorizer)));
    expect(config.routes.get('$connect')?.authorizer).toMatchObject({ functionKey, handler: { exportName: 'echo' } });
  });

  it('defaults the identity source to the Auth header, as the Framework does', async () => {
    const config = await loadConfig(project('auth-default', withAuthorizer('auth-fn')));
    expect(config.routes.get('$connect')?.authorizer?.identitySources).toEqual([{ in: 'header', name: 'Auth' }]);
    const both = await loadConfig(project('auth-both', withAuthorizer('{ name: auth-fn, identitySource: [route.request.querystring.token, route.request.header.X-Key] }')));
    expect(both.routes.get('$connect')?.authorizer?.identitySources).toEqual([{ in: 'querystring', name: 'token' }, { in: 'header', name: 'X-Key' }]);
  });

  it.each([
    ['an ARN of another service', 'arn:aws:lambda:us-east-1:1:function:elsewhere', /not a function of this service, so it cannot run offline/],
    ['a name that is no function', 'nobody', /authorizer "nobody" is not a function of this service/],
    ['an identity source API Gateway does not know', '{ name: auth-fn, identitySource: [method.request.header.Auth] }', /identity source "method\.request\.header\.Auth" must be/],
  ])('refuses %s', async (_label, authorizer, message) => {
    expect(await errorOf(() => loadConfig(project(`bad-${authorizer.length}`, withAuthorizer(authorizer))))).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) });
  });

  it('refuses an authorizer on a route other than $connect', async () => {
    expect(await errorOf(() => loadConfig(project('auth-route', withAuthorizer('auth-fn', 'join'))))).toMatchObject({ message: expect.stringMatching(/only be set on the \$connect route/) });
  });
});

describe('loadConfig: every function of the app', () => {
  it('lists functions no route uses, and leaves out with a warning those that cannot run here', async () => {
    const path = project(
      'all-functions',
      `service: s
provider:
  name: aws
  runtime: nodejs22.x
functions:
  ws:
    handler: handlers.echo
    events:
      - websocket: $default
  worker:
    handler: handlers.echo
    reservedConcurrency: 3
    timeout: 12
  python:
    handler: app.main
    runtime: python3.12
  missing:
    handler: nowhere/file.main
`,
    );
    const config = await loadConfig(path);
    expect([...config.functions.keys()].sort()).toEqual(['worker', 'ws']);
    expect(config.functions.get('worker')).toMatchObject({ functionName: 's-dev-worker', timeoutMs: 12_000, reservedConcurrency: 3 });
    expect(config.functions.get('ws')).not.toHaveProperty('routeKey');
    expect(config.warnings.filter((w) => w.includes('left out')).map((w) => w.split(' ')[0])).toEqual(['functions.python', 'functions.missing']);
  });
});

describe('loadConfig: a config split across files, as larger services write theirs', () => {
  const splitConfig = join(projectsDir, 'split-config', 'serverless.yml');

  it('merges functions and resources given as lists of ${file()}, and reads variables through files and params', async () => {
    const config = await loadConfig(splitConfig, { env: {} });
    expect([...config.routes.keys()]).toEqual(['$connect', '$disconnect', 'settings']);
    expect(config.tables.map((t) => t.tableName)).toEqual(['split-config-messages-dev']);
    expect(config.routes.get('settings')?.environment).toMatchObject({
      API_KEY: 'key-from-secrets-json', // ${self:custom.secrets.API_KEY}, custom.secrets being ${file(./secrets.json)}
      LEVEL: 'debug', // ${file(./config/settings.json):levels.${sls:stage}}
      BUCKET: 'uploads-dev', // ${param:bucket}: params.dev
      SIGNING_KEY: 'local-signing-key', // ${ssm:…, 'fallback'}
      TABLE_NAME: 'split-config-messages-dev',
    });
  });

  it.each([
    ['dev', { GREETING: 'hello-from-dotenv-dev', EXPANDED: 'dev-expanded', ONLY_IN_DEFAULT_ENV: 'not-loaded', BUCKET: 'uploads-dev', LEVEL: 'debug' }],
    ['qa', { GREETING: 'hello-from-dotenv', EXPANDED: 'not-expanded', ONLY_IN_DEFAULT_ENV: 'yes', BUCKET: 'uploads-default', LEVEL: 'info' }],
  ])('with useDotenv, stage %s reads .env.{stage} if it exists, else .env (never both), expanded', async (stage, expected) => {
    expect((await loadConfig(splitConfig, { stage, env: {} })).routes.get('settings')?.environment).toMatchObject(expected);
  });

  it('lets the shell beat .env, as dotenv never overrides', async () => {
    expect((await loadConfig(splitConfig, { env: { GREETING: 'from-the-shell' } })).routes.get('settings')?.environment.GREETING).toBe('from-the-shell');
  });

  it('warns once per variable with no offline value, saying how to supply it', async () => {
    const path = project('ssm', minimal('handlers.echo', "    environment:\n      SECRET: ${ssm:/app/secret}\n      AGAIN: ${ssm:/app/secret}\n      DOMAIN: ${param:domain}\n"));
    const config = await loadConfig(path, { env: {} });
    expect(config.warnings).toEqual([
      expect.stringMatching(/^\$\{ssm:\/app\/secret\} at functions\.fn\.environment\.SECRET has no value offline; .*add a fallback \(\$\{ssm:\/app\/secret, 'local value'\}\) or set it with --env SECRET=VALUE \(or custom\.wsgate\.environment\.SECRET\)/),
      expect.stringMatching(/^\$\{param:domain\} at functions\.fn\.environment\.DOMAIN .*define domain under params\.<stage> or params\.default/),
    ]);
  });
});
