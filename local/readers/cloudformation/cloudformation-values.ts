/** What a CloudFormation expression in serverless.yml can be resolved against offline. */
export interface StackFacts {
  stackName: string;
  region: string;
  accountId: string;
  /** Table logical id -> its TableName. */
  tables: Map<string, string>;
  /** Other resources the emulator stands in for (the WebSocket API), by logical id: what `Ref` and `Fn::GetAtt` give. */
  resources?: Map<string, { ref: string; attributes: Record<string, string> }>;
}

/**
 * Resolves the CloudFormation expressions the emulator can know offline to a string: `Ref` of a table (its name), of a
 * resource the emulator stands in for (the WebSocket API: its id) or of a pseudo parameter, `Fn::GetAtt [Table, Arn]`
 * and `[WebsocketsApi, ApiEndpoint]`, `Fn::Sub` and `Fn::Join` over those. Returns undefined for anything
 * else (a queue URL, another stack's output): the caller warns and leaves it unset.
 *
 * @example cloudFormationString({ Ref: 'ConnectionsTable' }, facts) // 'wsgate-connections-dev'
 */
export function cloudFormationString(value: unknown, facts: StackFacts): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const expression = value as Record<string, unknown>;
  const keys = Object.keys(expression);
  if (keys.length !== 1) return undefined;
  if ('Ref' in expression) return reference(String(expression.Ref), facts);
  if ('Fn::GetAtt' in expression) {
    const target = expression['Fn::GetAtt'];
    const [logicalId, attribute] = Array.isArray(target) ? target.map(String) : String(target).split('.');
    const stoodIn = facts.resources?.get(logicalId ?? '');
    if (stoodIn !== undefined) return stoodIn.attributes[attribute ?? ''];
    const name = facts.tables.get(logicalId ?? '');
    if (name === undefined) return undefined;
    if (attribute === 'Arn') return `arn:aws:dynamodb:${facts.region}:${facts.accountId}:table/${name}`;
    return undefined; // StreamArn and the like do not exist offline
  }
  if ('Fn::Join' in expression) {
    const [separator, items] = (expression['Fn::Join'] ?? []) as [unknown, unknown];
    if (typeof separator !== 'string' || !Array.isArray(items)) return undefined;
    const parts = items.map((item) => cloudFormationString(item, facts));
    return parts.every((part) => part !== undefined) ? parts.join(separator) : undefined;
  }
  if ('Fn::Sub' in expression) {
    const argument = expression['Fn::Sub'];
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof template !== 'string') return undefined;
    let missing = false;
    const result = template.replace(/\$\{([^}!]+)\}/g, (_all, name: string) => {
      const given = (variables as Record<string, unknown>)?.[name];
      const resolved = given !== undefined ? cloudFormationString(given, facts) : subReference(name, facts);
      if (resolved === undefined) missing = true;
      return resolved ?? '';
    });
    return missing ? undefined : result;
  }
  return undefined;
}

function reference(name: string, facts: StackFacts): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return facts.region;
    case 'AWS::AccountId':
      return facts.accountId;
    case 'AWS::StackName':
      return facts.stackName;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return facts.tables.get(name) ?? facts.resources?.get(name)?.ref;
  }
}

/** `${Table}` or `${Table.Arn}` inside Fn::Sub. */
function subReference(name: string, facts: StackFacts): string | undefined {
  const dot = name.indexOf('.');
  return dot === -1 ? reference(name, facts) : cloudFormationString({ 'Fn::GetAtt': [name.slice(0, dot), name.slice(dot + 1)] }, facts);
}
