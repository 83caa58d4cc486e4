import type { TableDefinition } from '../../model/app-model.ts';
import { cloudFormationString } from './cloudformation-values.ts';
import type { StackFacts } from './cloudformation-values.ts';
import type { TemplateResource } from './template-file.ts';

// SAM's SimpleTable key types, as DynamoDB attribute types (AWS::Serverless::SimpleTable PrimaryKeyObject).
const SIMPLE_TYPES: Record<string, string> = { String: 'S', Number: 'N', Binary: 'B' };

/**
 * Tables from `AWS::DynamoDB::Table` (as written) and `AWS::Serverless::SimpleTable` (`PrimaryKey` — default `id`
 * of type String — `TableName`, `ProvisionedThroughput`, SAM `Globals.SimpleTable`), each named by its resolved
 * `TableName`, or its logical id when it has none (CloudFormation would generate a name; the id is stable offline).
 */
export function templateTables(
  resources: Record<string, TemplateResource>,
  globals: Record<string, unknown>,
  facts: StackFacts,
  warn: (message: string) => void,
): TableDefinition[] {
  const tables: TableDefinition[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    let properties: Record<string, unknown>;
    if (resource.Type === 'AWS::DynamoDB::Table') properties = resource.Properties ?? {};
    else if (resource.Type === 'AWS::Serverless::SimpleTable') properties = simpleTableProperties({ ...globals, ...(resource.Properties ?? {}) });
    else continue;
    const declared = properties.TableName;
    let tableName = declared === undefined ? logicalId : cloudFormationString(declared, facts);
    if (tableName === undefined) {
      warn(`Resources.${logicalId}.Properties.TableName cannot be resolved offline; the table is named ${logicalId}`);
      tableName = logicalId;
    }
    tables.push({ logicalId, tableName, properties });
    facts.tables.set(logicalId, tableName);
  }
  return tables;
}

function simpleTableProperties(simple: Record<string, any>): Record<string, unknown> {
  const name = String(simple.PrimaryKey?.Name ?? 'id');
  const type = SIMPLE_TYPES[String(simple.PrimaryKey?.Type ?? 'String')] ?? 'S';
  return {
    ...(simple.TableName !== undefined ? { TableName: simple.TableName } : {}),
    AttributeDefinitions: [{ AttributeName: name, AttributeType: type }],
    KeySchema: [{ AttributeName: name, KeyType: 'HASH' }],
    ...(simple.ProvisionedThroughput ? { ProvisionedThroughput: simple.ProvisionedThroughput } : { BillingMode: 'PAY_PER_REQUEST' }),
  };
}
