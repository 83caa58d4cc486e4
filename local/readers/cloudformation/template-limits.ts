import type { TemplateDocument, TemplateResource } from './template-file.ts';

/** Resources the emulator reads past, by type: each is said once, naming the resource. */
const NOT_EMULATED: Record<string, string> = {
  'AWS::ApiGatewayV2::DomainName': 'custom domain names are not emulated; connect to the local URL',
  'AWS::ApiGatewayV2::ApiMapping': 'API mappings of custom domains are not emulated',
  'AWS::ApiGatewayV2::IntegrationResponse': 'integration responses are not emulated (AWS_PROXY integrations return the handler result as is)',
  'AWS::ApiGatewayV2::Model': 'request models (validation) are not emulated',
  'AWS::ApiGatewayV2::VpcLink': 'VPC links are not emulated',
  'AWS::ApiGateway::ApiKey': 'API keys are not emulated',
  'AWS::ApiGateway::UsagePlan': 'usage plans (API keys, quotas) are not emulated',
  'AWS::ApiGateway::UsagePlanKey': 'usage plans (API keys, quotas) are not emulated',
  'AWS::ApiGateway::RestApi': "REST APIs written as resources (AWS::ApiGateway::Resource/Method) are not served; SAM's Api events are",
  'AWS::CloudFormation::Stack': 'nested stacks are not read; their resources are not served (a CDK NestedStack is one)',
  'AWS::Serverless::Application': 'nested applications are not read; their resources are not served',
  'AWS::DynamoDB::GlobalTable': 'global tables are not read; the table is not created (use AWS::DynamoDB::Table locally)',
  'AWS::Lambda::Url': 'function URLs are not served; invoke the function through the Lambda endpoint or an HTTP API route',
  'AWS::Lambda::EventInvokeConfig': 'asynchronous invoke settings (retries, destinations) are not emulated',
  'AWS::CloudFormation::CustomResource': 'custom resources are not run (nothing they would create or seed exists locally)',
};

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

/**
 * What a template asks for that no reader of it emulates, one warning each, naming the resource: custom domains (and
 * their mTLS), API keys and usage plans, nested stacks, layers, transforms other than SAM's. Nothing is silently dropped.
 */
export function templateLimits(document: TemplateDocument, resources: Record<string, TemplateResource>, warn: (message: string) => void): void {
  const transforms = document.Transform === undefined ? [] : Array.isArray(document.Transform) ? document.Transform : [document.Transform];
  for (const transform of transforms) {
    if (transform !== SAM_TRANSFORM) warn(`Transform ${JSON.stringify(transform)} is not applied (only ${SAM_TRANSFORM} is understood); the template is read as written`);
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    const type = resource.Type;
    if (type === 'AWS::ApiGatewayV2::DomainName' && resource.Properties?.MutualTlsAuthentication !== undefined) {
      warn(`Resources.${logicalId} (${type}): custom domain names and their MutualTlsAuthentication (mTLS) are not emulated; clients connect to the local URL without a certificate`);
    } else if (NOT_EMULATED[type]) warn(`Resources.${logicalId} (${type}): ${NOT_EMULATED[type]}`);
    else if (type.startsWith('Custom::')) warn(`Resources.${logicalId} (${type}): ${NOT_EMULATED['AWS::CloudFormation::CustomResource']}`);
  }
}
