import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'wsgate-package-'));
let template: { Resources: Record<string, { Type: string; Properties: any; DependsOn?: unknown }>; Outputs: Record<string, any> };
const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

beforeAll(async () => {
  // `osls package` works offline: fake credentials, no telemetry, nothing leaves the machine.
  await promisify(execFile)(join(root, 'node_modules', '.bin', 'osls'), ['package', '--stage', 'ci', '--package', out], {
    cwd: root,
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    },
  });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('serverless.yml, packaged for stage ci', () => {
  it('routes every action with $request.body.action', () => {
    const [[, api]] = ofType('AWS::ApiGatewayV2::Api') as unknown as [[string, { Properties: any }]];
    expect(api.Properties).toMatchObject({ ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey).sort();
    expect(routes).toEqual(['$connect', '$default', '$disconnect', 'join', 'leave', 'sendmessage', 'whoami']);
  });

  it('declares a pay-per-request table keyed pk/sk with TTL on expiresAt', () => {
    const [[, table]] = ofType('AWS::DynamoDB::Table') as unknown as [[string, { Properties: any }]];
    expect(table.Properties).toMatchObject({
      TableName: 'wsgate-connections-ci',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('runs every function on nodejs22.x with the table name and our own role', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(7);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Environment.Variables.CONNECTIONS_TABLE).toBe('wsgate-connections-ci');
      expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': ['LambdaExecutionRole', 'Arn'] });
    }
  });

  it('carries the stage in every name', () => {
    const names = [
      ...ofType('AWS::Lambda::Function').map(([, r]) => r.Properties.FunctionName),
      ...ofType('AWS::Logs::LogGroup').map(([, r]) => r.Properties.LogGroupName),
      ...ofType('AWS::ApiGatewayV2::Api').map(([, r]) => r.Properties.Name),
      ...ofType('AWS::DynamoDB::Table').map(([, r]) => r.Properties.TableName),
      ...ofType('AWS::IAM::Role').map(([, r]) => r.Properties.RoleName),
      ...ofType('AWS::ApiGatewayV2::Stage').map(([, r]) => r.Properties.StageName),
    ];
    expect(names.length).toBeGreaterThanOrEqual(7 + 7 + 1 + 1 + 1 + 1);
    for (const name of names) expect(JSON.stringify(name)).toMatch(/(^|[-/"])ci([-/"]|$)/);
  });

  it('grants least privilege: no wildcard resources, PostToConnection on this API and stage only', () => {
    const statements = ofType('AWS::IAM::Role').flatMap(([, role]) =>
      role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement),
    );
    for (const statement of statements) {
      for (const resource of statement.Resource) {
        expect(resource).not.toBe('*');
        expect(JSON.stringify(resource)).not.toMatch(/:\*:\*:|execute-api:\*/);
      }
    }
    const manage = statements.filter((s: any) => s.Action.includes('execute-api:ManageConnections'));
    expect(manage).toEqual([
      {
        Effect: 'Allow',
        Action: ['execute-api:ManageConnections'],
        Resource: [
          { 'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebsocketsApi}/ci/POST/@connections/*' },
        ],
      },
    ]);
    const dynamo = statements.find((s: any) => s.Action.some((a: string) => a.startsWith('dynamodb:')));
    expect(dynamo.Action.sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(dynamo.Resource).toEqual([{ 'Fn::GetAtt': ['ConnectionsTable', 'Arn'] }]);
  });

  it('outputs the wss URL and the @connections endpoint', () => {
    expect(template.Outputs.WebSocketUrl.Value['Fn::Sub']).toBe(
      'wss://${WebsocketsApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/ci',
    );
    expect(template.Outputs.ConnectionsEndpoint.Value['Fn::Sub']).toMatch(/\/ci\/@connections$/);
  });

  it('bundles each function with esbuild, leaving the AWS SDK to the runtime', () => {
    const zips = readdirSync(out).filter((f) => f.endsWith('.zip'));
    expect(zips.sort()).toEqual(['connect.zip', 'default.zip', 'disconnect.zip', 'join.zip', 'leave.zip', 'sendmessage.zip', 'whoami.zip']);
    for (const zip of zips) {
      const size = statSync(join(out, zip)).size;
      // A bundle carrying the SDK would be hundreds of KB; ours is our code plus nothing.
      expect(size).toBeGreaterThan(1_000);
      expect(size).toBeLessThan(100_000);
    }
  });
});
