import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverlessModel } from '../../../../local/readers/serverless/serverless-model.ts';
import { projectsDir } from '../../fixture-projects.ts';

const dir = join(projectsDir, 'behaviour');
const context = { configPath: join(dir, 'serverless.yml'), dir, stage: 'prod', region: 'eu-central-1' };

describe('serverlessModel', () => {
  it('turns an already-resolved configuration object into the model, reading no config file', () => {
    // What a Framework plugin sees in serverless.service: variables resolved, intrinsics left for CloudFormation.
    const resolved = {
      service: 'plugin-made',
      provider: { name: 'aws', environment: { TABLE: { Ref: 'Items' } } },
      functions: { ws: { handler: 'handlers.echo', events: [{ websocket: { route: '$default' } }] } },
      resources: { Resources: { Items: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'items-prod' } } } },
    };
    const config = serverlessModel(resolved, { ...context, configPath: join(dir, 'not-read-at-all.yml') });
    expect(config).toMatchObject({ service: 'plugin-made', stage: 'prod', region: 'eu-central-1', configPath: join(dir, 'not-read-at-all.yml'), dir });
    expect(config.routes.get('$default')).toMatchObject({ functionName: 'plugin-made-prod-ws', environment: { TABLE: 'items-prod' }, handler: { file: join(dir, 'handlers.ts') } });
    expect(config.tables.map((t) => t.tableName)).toEqual(['items-prod']);
  });

  it('merges functions and resources given as lists, deeply and in order, as the Framework merges them', () => {
    const config = serverlessModel(
      {
        service: 'lists',
        functions: [{ a: { handler: 'handlers.echo', events: [{ websocket: '$connect' }] } }, null, { b: { handler: 'handlers.echo', events: [{ websocket: '$default' }] } }],
        resources: [
          { Resources: { One: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'one', BillingMode: 'PROVISIONED' } } } },
          { Resources: { One: { Properties: { BillingMode: 'PAY_PER_REQUEST' } }, Two: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'two' } } } },
        ],
      },
      context,
    );
    expect([...config.routes.keys()]).toEqual(['$connect', '$default']);
    expect(config.tables.map((t) => [t.tableName, t.properties.BillingMode])).toEqual([['one', 'PAY_PER_REQUEST'], ['two', undefined]]);
  });

  it('refuses a list item that is not a mapping, naming it', () => {
    expect(() => serverlessModel({ service: 's', functions: [{ a: { handler: 'handlers.echo' } }, 'oops'] }, context)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/functions\[1\] must be a mapping/) }),
    );
  });
});
