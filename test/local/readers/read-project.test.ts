import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProject, readProject, readSamConfig } from '../../../local/readers/read-project.ts';

const scratch = mkdtempSync(join(tmpdir(), 'wsgate-discovery-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let folders = 0;
/** A folder with these files (path -> content). */
function folder(files: Record<string, string>): string {
  const dir = join(scratch, `p${folders++}`);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const TEMPLATE = `
Resources:
  Api: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action } }
  Route: { Type: AWS::ApiGatewayV2::Route, Properties: { ApiId: !Ref Api, RouteKey: $default, Target: !Sub 'integrations/\${Integ}' } }
  Integ: { Type: AWS::ApiGatewayV2::Integration, Properties: { ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn } }
  Fn: { Type: AWS::Serverless::Function, Properties: { Runtime: nodejs22.x, Handler: h.handler } }
`;
const SERVERLESS = 'service: s\nprovider: { name: aws, runtime: nodejs22.x }\nfunctions:\n  f:\n    handler: h.handler\n    events: [{ websocket: $default }]\n';

describe('findProject', () => {
  it.each([
    ['serverless.yml', { 'serverless.yml': SERVERLESS }, 'serverless', 'serverless.yml'],
    ['serverless.yaml', { 'serverless.yaml': SERVERLESS }, 'serverless', 'serverless.yaml'],
    ['template.yaml', { 'template.yaml': TEMPLATE }, 'template', 'template.yaml'],
    ['template.json', { 'template.json': '{}' }, 'template', 'template.json'],
    ["samconfig.toml's template_file", { 'samconfig.toml': 'version = 0.1\n[default.deploy.parameters]\ntemplate_file = "infra/app.yaml"\n', 'infra/app.yaml': TEMPLATE }, 'template', 'infra/app.yaml'],
    ['cdk.out/', { 'cdk.out/manifest.json': '{}' }, 'cdk', 'cdk.out'],
  ])('finds %s', (_name, files, kind, path) => {
    const dir = folder(files);
    expect(findProject(dir)).toEqual({ found: expect.objectContaining({ kind, path: join(dir, path) }), others: [] });
  });

  it('prefers serverless.yml, then a template, then cdk.out/, and names the others', () => {
    const dir = folder({ 'serverless.yml': SERVERLESS, 'template.yml': TEMPLATE, 'cdk.out/manifest.json': '{}' });
    const { found, others } = findProject(dir);
    expect(found).toEqual({ kind: 'serverless', path: join(dir, 'serverless.yml') });
    expect(others.map((o) => o.kind)).toEqual(['template', 'cdk']);
  });
});

describe('readProject', () => {
  it('reads what it finds, with a warning naming what it did not serve', async () => {
    const dir = folder({ 'serverless.yml': SERVERLESS, 'template.yaml': TEMPLATE, 'h.ts': 'export const handler = async () => ({ statusCode: 200 });' });
    const config = await readProject({ dir });
    expect(config.service).toBe('s');
    expect(config.warnings).toEqual(['also found template.yaml (template); serving serverless.yml. Pass --template to serve the other']);
    expect((await readProject({ templatePath: join(dir, 'template.yaml') })).routes.get('$default')?.functionKey).toBe('Fn');
  });

  it('takes the stack name, region and parameter overrides from samconfig.toml', async () => {
    const dir = folder({
      'samconfig.toml': 'version = 0.1\n[default.global.parameters]\nstack_name = "chat-stack"\nregion = "eu-west-1"\n[default.deploy.parameters]\nparameter_overrides = "Name=fromconfig"\n',
      'template.yaml': `Parameters: { Name: { Type: String } }\n${TEMPLATE.replace('Handler: h.handler', 'Handler: h.handler, Environment: { Variables: { NAME: !Ref Name, STACK: !Ref AWS::StackName, REGION: !Ref AWS::Region } }')}`,
      'h.ts': 'export const handler = async () => ({ statusCode: 200 });',
    });
    expect((await readProject({ dir })).routes.get('$default')?.environment).toEqual({ NAME: 'fromconfig', STACK: 'chat-stack', REGION: 'eu-west-1' });
    expect((await readProject({ dir, parameterOverrides: 'Name=fromflag' })).routes.get('$default')?.environment.NAME).toBe('fromflag');
  });

  it('models the configuration the Serverless Framework resolved (its plugin passes it) instead of reading the file again', async () => {
    const dir = folder({ 'serverless.yml': SERVERLESS.replace('provider: { name: aws, runtime: nodejs22.x }', "provider:\n  name: aws\n  runtime: nodejs22.x\n  environment:\n    WHO: ${param:who, 'the file'}"), 'h.ts': 'export const handler = async () => ({ statusCode: 200 });' });
    const configPath = join(dir, 'serverless.yml');
    expect((await readProject({ configPath })).routes.get('$default')?.environment.WHO).toBe('the file');
    const resolved = { service: 's', provider: { name: 'aws', runtime: 'nodejs22.x', stage: 'qa', environment: { WHO: 'the Framework' } }, functions: [{ f: { handler: 'h.handler', events: [{ websocket: '$default' }] } }] };
    const config = await readProject({ configPath, serverlessConfig: resolved });
    expect(config.routes.get('$default')?.environment.WHO).toBe('the Framework');
    expect(config.stage).toBe('qa');
    expect(config.configPath).toBe(configPath);
    expect(resolved.functions).toHaveLength(1); // the Framework's object is not changed (its list form stays a list)
  });

  it.each([
    [{ configPath: 'a.yml', templatePath: 'b.yaml' }, 'CONFIG_INVALID', /choose one project: --config and --template/],
    [{ dir: join(scratch, 'empty') }, 'CONFIG_NOT_FOUND', /no project in .*looked for serverless\.yml, serverless\.yaml, .*template\.yaml, .*cdk\.out\/\. Pass --config, --template or --cdk-out/],
    [{ cdkOut: join(scratch, 'nowhere') }, 'CONFIG_NOT_FOUND', /has no manifest\.json: run `cdk synth` first/],
  ])('fails clearly for %j', async (selection, code, message) => {
    mkdirSync(join(scratch, 'empty'), { recursive: true });
    await expect(readProject(selection)).rejects.toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('readSamConfig', () => {
  it('reads the default environment, a command section over global', () => {
    const dir = folder({
      'samconfig.toml': [
        'version = 0.1',
        '[default.global.parameters]',
        'stack_name = "global-name"',
        "region = 'us-west-2' # a comment",
        '[default.deploy.parameters]',
        'stack_name = "deploy-name"',
        'parameter_overrides = "A=1 B=\\"two words\\""',
        '[prod.deploy.parameters]',
        'stack_name = "prod-name"',
      ].join('\n'),
    });
    expect(readSamConfig(join(dir, 'samconfig.toml'))).toEqual({
      path: join(dir, 'samconfig.toml'),
      stackName: 'deploy-name',
      region: 'us-west-2',
      parameterOverrides: 'A=1 B="two words"',
    });
  });

  it('reads samconfig.yaml too', () => {
    const dir = folder({ 'samconfig.yaml': 'version: 0.1\ndefault:\n  global:\n    parameters:\n      stack_name: yaml-name\n      template_file: t.yaml\n' });
    expect(readSamConfig(join(dir, 'samconfig.yaml'))).toMatchObject({ stackName: 'yaml-name', templateFile: 't.yaml' });
  });
});
