import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../../../local/readers/cloudformation/load-template.ts';
import { projectsDir } from '../../fixture-projects.ts';

describe('templateLimits', () => {
  it('says once, naming the resource, everything a template asks that is not emulated, and still serves the Lambda route', () => {
    const [config, ...others] = loadTemplate(join(projectsDir, 'sam-limits', 'template.yaml'));
    expect(others).toEqual([]);
    expect(config!.warnings).toEqual([
      'Transform "AWS::LanguageExtensions" is not applied (only AWS::Serverless-2016-10-31 is understood); the template is read as written',
      'Resources.EchoModel (AWS::ApiGatewayV2::Model): request models (validation) are not emulated',
      'Resources.Domain (AWS::ApiGatewayV2::DomainName): custom domain names and their MutualTlsAuthentication (mTLS) are not emulated; clients connect to the local URL without a certificate',
      'Resources.Mapping (AWS::ApiGatewayV2::ApiMapping): API mappings of custom domains are not emulated',
      'Resources.Key (AWS::ApiGateway::ApiKey): API keys are not emulated',
      'Resources.Plan (AWS::ApiGateway::UsagePlan): usage plans (API keys, quotas) are not emulated',
      'Resources.EchoUrl (AWS::Lambda::Url): function URLs are not served; invoke the function through the Lambda endpoint or an HTTP API route',
      'Resources.Seed (Custom::SeedTable): custom resources are not run (nothing they would create or seed exists locally)',
      'Resources.Nested (AWS::CloudFormation::Stack): nested stacks are not read; their resources are not served (a CDK NestedStack is one)',
      'Resources.Global (AWS::DynamoDB::GlobalTable): global tables are not read; the table is not created (use AWS::DynamoDB::Table locally)',
      'Resources.EchoFunction: VpcConfig is not emulated; the handler reaches the network as this machine does',
      "Resources.EchoFunction: Layers are not emulated (Shared, arn:aws:lambda:us-east-1:123456789012:layer:remote:3); their code is not on the handler's module path, so install what they provide in the function's folder",
      'Resources.EchoFunction: FileSystemConfigs (EFS) is not emulated',
      'Resources.EchoFunction: FunctionUrlConfig is not emulated; the function URL is not served',
      'Resources.EchoFunction: EventInvokeConfig is not emulated; asynchronous invokes are not retried or sent anywhere on failure',
      'Resources.Api: ApiKeySelectionExpression is not emulated; no route asks for an API key',
      'Resources.Stage.Properties.DefaultRouteSettings is not emulated',
      'Resources.EchoRoute: ApiKeyRequired is not emulated; the route is served without an API key',
      'Resources.EchoRoute.Properties.RequestModels is not emulated; requests are not validated against it',
      'Resources.EchoRoute.Properties.ModelSelectionExpression is not emulated; requests are not validated against it',
      "Resources.EchoIntegration.Properties.TimeoutInMillis (5000) is not emulated; the route times out at the emulator's integration timeout (29 s, API Gateway's maximum, by default)",
      'Resources.MockIntegration (route "mock") is an integration of type MOCK; only AWS_PROXY (Lambda) integrations are emulated, so this route is not served',
      'Resources.HttpIntegration (route "http") is an integration of type HTTP_PROXY; only AWS_PROXY (Lambda) integrations are emulated, so this route is not served',
    ]);
    expect([...config!.routes.keys()]).toEqual(['echo']);
    expect(config!.tables).toEqual([]);
  });
});
