/** What a CloudFormation expression (in serverless.yml's resources, a SAM template or a CDK assembly) resolves against. */
export interface StackFacts {
  stackName: string;
  region: string;
  accountId: string;
  /** Table logical id -> its TableName. */
  tables: Map<string, string>;
  /** Other resources the emulator stands in for (the WebSocket API), by logical id: what `Ref` and `Fn::GetAtt` give. */
  resources?: Map<string, { ref: string; attributes: Record<string, string> }>;
  /** Other logical ids (parameters, functions, APIs, routes, integrations…) -> what `Ref` gives. */
  refs?: Map<string, string>;
  /** `LogicalId.Attribute` -> what `Fn::GetAtt` gives (e.g. `OnConnect.Arn`). */
  attributes?: Map<string, string>;
  /** Condition name -> its value, for `Fn::If`. */
  conditions?: Map<string, boolean>;
}

/**
 * Resolves the CloudFormation expressions the emulator can know offline to a string: `Ref` of a table (its name), a
 * resource the emulator stands in for (serverless.yml's WebsocketsApi: its id), a parameter, a pseudo parameter or
 * another resource the reader modelled, `Fn::GetAtt` of a table's or function's
 * `Arn` (or another attribute the reader knows), `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split` and `Fn::If` over
 * those. Returns undefined for anything else (a queue URL, another stack's output): the caller warns and leaves it unset.
 *
 * @example cloudFormationString({ Ref: 'ConnectionsTable' }, facts) // 'wsgate-connections-dev'
 */
export function cloudFormationString(value: unknown, facts: StackFacts): string | undefined {
  const resolved = cloudFormationValue(value, facts);
  return typeof resolved === 'string' ? resolved : undefined;
}

/** As {@link cloudFormationString}, but a list stays a list (for `Fn::Join`, `Fn::Select`). */
function cloudFormationValue(value: unknown, facts: StackFacts): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const items = value.map((item) => cloudFormationString(item, facts));
    return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
  }
  const expression = value as Record<string, unknown>;
  const keys = Object.keys(expression);
  if (keys.length !== 1) return undefined;
  if ('Ref' in expression) return reference(String(expression.Ref), facts);
  if ('Fn::GetAtt' in expression) {
    const target = expression['Fn::GetAtt'];
    const [logicalId = '', attribute = ''] = Array.isArray(target) ? target.map(String) : String(target).split('.');
    return attributeOf(logicalId, attribute, facts);
  }
  if ('Fn::Join' in expression) {
    const [separator, items] = (expression['Fn::Join'] ?? []) as [unknown, unknown];
    const list = cloudFormationValue(items, facts);
    return typeof separator === 'string' && Array.isArray(list) ? list.join(separator) : undefined;
  }
  if ('Fn::Select' in expression) {
    const [index, items] = (expression['Fn::Select'] ?? []) as [unknown, unknown];
    const list = cloudFormationValue(items, facts);
    const at = Number(cloudFormationString(index, facts));
    return Array.isArray(list) && Number.isInteger(at) ? list[at] : undefined;
  }
  if ('Fn::Split' in expression) {
    const [separator, source] = (expression['Fn::Split'] ?? []) as [unknown, unknown];
    const text = cloudFormationString(source, facts);
    return typeof separator === 'string' && text !== undefined ? text.split(separator) : undefined;
  }
  if ('Fn::If' in expression) {
    const [condition, whenTrue, whenFalse] = (expression['Fn::If'] ?? []) as [unknown, unknown, unknown];
    const holds = facts.conditions?.get(String(condition));
    return holds === undefined ? undefined : cloudFormationValue(holds ? whenTrue : whenFalse, facts);
  }
  if ('Fn::Sub' in expression) {
    const argument = expression['Fn::Sub'];
    const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
    if (typeof template !== 'string') return undefined;
    let missing = false;
    // `${!Literal}` is written out as `${Literal}`, unresolved (Fn::Sub's escape).
    const result = template.replace(/\$\{(!?)([^}]+)\}/g, (_all, bang: string, name: string) => {
      if (bang === '!') return `\${${name}}`;
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
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${facts.region}:${facts.accountId}:stack/${facts.stackName}/00000000-0000-0000-0000-000000000000`;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return facts.tables.get(name) ?? facts.resources?.get(name)?.ref ?? facts.refs?.get(name);
  }
}

function attributeOf(logicalId: string, attribute: string, facts: StackFacts): string | undefined {
  const stoodIn = facts.resources?.get(logicalId);
  if (stoodIn !== undefined) return stoodIn.attributes[attribute];
  const known = facts.attributes?.get(`${logicalId}.${attribute}`);
  if (known !== undefined) return known;
  const table = facts.tables.get(logicalId);
  if (table !== undefined && attribute === 'Arn') return `arn:aws:dynamodb:${facts.region}:${facts.accountId}:table/${table}`;
  return undefined; // StreamArn and the like do not exist offline
}

/** `${Table}` or `${Table.Arn}` inside Fn::Sub. */
function subReference(name: string, facts: StackFacts): string | undefined {
  const dot = name.indexOf('.');
  return dot === -1 ? reference(name, facts) : attributeOf(name.slice(0, dot), name.slice(dot + 1), facts);
}
