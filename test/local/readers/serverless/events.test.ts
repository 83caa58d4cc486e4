import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { triggerEventsOf } from '../../../../local/readers/serverless/events.ts';
import { loadConfig } from '../../../../local/readers/serverless/load-config.ts';
import { projectsDir } from '../../fixture-projects.ts';

const tables = [
  { logicalId: 'ItemsTable', tableName: 'items', properties: { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } } },
  { logicalId: 'PlainTable', tableName: 'plain', properties: {} },
];

function read(config: Record<string, unknown>, runnable = ['f']) {
  const warnings: string[] = [];
  const events = triggerEventsOf(config, { tables, runnable: new Set(runnable), nameOf: (key) => `svc-dev-${key}`, warn: (m) => warnings.push(m) });
  return { ...events, warnings };
}

describe('triggerEventsOf', () => {
  it('reads the fixture project: REST and HTTP API routes, schedules with input and enabled, a stream per view type', async () => {
    const config = await loadConfig(join(projectsDir, 'triggers', 'serverless.yml'));
    expect(config.warnings).toEqual([]);
    expect(config.httpRoutes).toContainEqual({
      functionKey: 'notifyRest', api: 'REST', payloadVersion: '1.0', method: 'POST', path: '/notify/{connectionId}',
      cors: { allowOrigins: ['*'], allowHeaders: ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Amzn-Trace-Id'], allowMethods: ['OPTIONS', 'POST'], exposeHeaders: [], allowCredentials: false },
    });
    expect(config.httpRoutes).toContainEqual(expect.objectContaining({ functionKey: 'echoRest', api: 'REST', method: 'ANY', path: '/echo/{proxy+}' }));
    expect(config.httpRoutes).toContainEqual({
      functionKey: 'notifyHttp', api: 'HTTP', payloadVersion: '2.0', method: 'POST', path: '/notify/{connectionId}',
      cors: { allowOrigins: ['https://app.example'], allowHeaders: ['Content-Type'], allowMethods: ['OPTIONS', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], exposeHeaders: [], allowCredentials: true, maxAge: 600 },
    });
    expect(config.httpRoutes).toContainEqual(expect.objectContaining({ functionKey: 'echoHttp', method: 'ANY', path: '/echo/{proxy+}' }));
    expect(config.schedules).toEqual([
      { functionKey: 'tick', name: 'triggers-test-tick-schedule-1', expression: 'rate(1 minute)', enabled: true, input: { source: 'fixture' } },
      { functionKey: 'tick', name: 'triggers-test-tick-schedule-2', expression: 'cron(0 12 * * ? *)', enabled: true },
      { functionKey: 'dormant', name: 'triggers-test-dormant-schedule-1', expression: 'rate(5 minutes)', enabled: false },
    ]);
    expect(config.streams.map((s) => [s.functionKey, s.tableName, s.viewType])).toEqual([
      ['onKeys', 'triggers-keys', 'KEYS_ONLY'],
      ['onNew', 'triggers-new', 'NEW_IMAGE'],
      ['onOld', 'triggers-old', 'OLD_IMAGE'],
      ['onBoth', 'triggers-both', 'NEW_AND_OLD_IMAGES'],
    ]);
    expect(config.streams[0]).toMatchObject({ batchSize: 100, maximumBatchingWindowInSeconds: 0, startingPosition: 'LATEST', enabled: true, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, filterPatterns: [] });
  });

  it("reads httpApi's catch-all, the string forms and payload 1.0", () => {
    const { httpRoutes } = read({ provider: { httpApi: { payload: '1.0' } }, functions: { f: { events: [{ httpApi: '*' }, { http: 'get /a/{b}' }, { httpApi: 'PUT /x' }] } } });
    expect(httpRoutes).toEqual([
      { functionKey: 'f', api: 'HTTP', payloadVersion: '1.0', method: 'ANY', path: '$default' },
      { functionKey: 'f', api: 'REST', payloadVersion: '1.0', method: 'GET', path: '/a/{b}' },
      { functionKey: 'f', api: 'HTTP', payloadVersion: '1.0', method: 'PUT', path: '/x' },
    ]);
  });

  it('reads stream options by the Framework\'s names and an EventSourceMapping resource by its CloudFormation names', () => {
    const { streams, warnings } = read({
      functions: { f: { events: [{ stream: { type: 'dynamodb', arn: { 'Fn::GetAtt': ['ItemsTable', 'StreamArn'] }, batchSize: 5, batchWindow: 2, maximumRetryAttempts: 3, bisectBatchOnFunctionError: true, filterPatterns: [{ eventName: ['INSERT'] }] } }] } },
      resources: { Resources: { Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { 'Fn::GetAtt': ['FLambdaFunction', 'Arn'] }, EventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/items/stream/2026-01-01T00:00:00.000', StartingPosition: 'TRIM_HORIZON', BatchSize: 7, Enabled: false, FilterCriteria: { Filters: [{ Pattern: '{"eventName":["REMOVE"]}' }] } } } } },
    });
    expect(warnings).toEqual([]);
    expect(streams).toEqual([
      { functionKey: 'f', tableName: 'items', viewType: 'NEW_IMAGE', batchSize: 5, maximumBatchingWindowInSeconds: 2, startingPosition: 'LATEST', enabled: true, maximumRetryAttempts: 3, bisectBatchOnFunctionError: true, filterPatterns: [{ eventName: ['INSERT'] }] },
      { functionKey: 'f', tableName: 'items', viewType: 'NEW_IMAGE', batchSize: 7, maximumBatchingWindowInSeconds: 0, startingPosition: 'TRIM_HORIZON', enabled: false, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, filterPatterns: [{ eventName: ['REMOVE'] }] },
    ]);
  });

  it('leaves out, with a warning, streams it cannot emulate', () => {
    const { streams, warnings } = read({
      functions: {
        f: { events: [{ stream: { type: 'kinesis', arn: 'arn:aws:kinesis:us-east-1:1:stream/s' } }, { stream: { type: 'dynamodb', arn: { 'Fn::GetAtt': ['PlainTable', 'StreamArn'] } } }, { stream: { arn: { 'Fn::GetAtt': ['Elsewhere', 'StreamArn'] } } }] },
      },
    });
    expect(streams).toEqual([]);
    expect(warnings).toEqual([
      'functions.f.events: a kinesis stream cannot be emulated; only DynamoDB streams are',
      'functions.f.events: table PlainTable has no StreamSpecification.StreamViewType, so it has no stream to read',
      'functions.f.events: the stream {"Fn::GetAtt":["Elsewhere","StreamArn"]} is not the StreamArn of a table in resources, so it cannot be emulated',
    ]);
  });
});
