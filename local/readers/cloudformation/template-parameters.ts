import { ConfigError } from '../../model/config-error.ts';

/**
 * Parses `--parameter-overrides` as the SAM CLI takes it: `Key=Value Other=Value` or
 * `ParameterKey=Key,ParameterValue=Value …`, values optionally quoted ("a b" or 'a b').
 *
 * @example parseParameterOverrides('TableName=chat Stage="dev"') // { TableName: 'chat', Stage: 'dev' }
 */
export function parseParameterOverrides(text: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  const words = [...text.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map((match) => match[0]);
  for (const word of words) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(word);
    const short = /^([A-Za-z0-9]+)=(.*)$/.exec(word);
    const [key, value] = long ? [long[1]!, long[2]!] : short ? [short[1]!, short[2]!] : [undefined, undefined];
    if (key === undefined) throw new ConfigError('CONFIG_INVALID', `--parameter-overrides: "${word}" must be Key=Value or ParameterKey=Key,ParameterValue=Value`);
    overrides[key] = value!.replace(/^"(.*)"$|^'(.*)'$/, (_all, double?: string, single?: string) => double ?? single ?? '');
  }
  return overrides;
}

/**
 * Each parameter's value: the override, else its `Default`. A parameter with neither, an unknown override, or a value
 * outside `AllowedValues` fails with a ConfigError naming it. SSM-typed parameters are resolved by CloudFormation from
 * Parameter Store, which is not offline: without an override they are left unresolved, with a warning when a resource
 * uses them.
 */
export function parameterValues(
  declared: Record<string, Record<string, unknown>>,
  overrides: Record<string, string>,
  warn: (message: string) => void,
  isReferenced: (name: string) => boolean = () => true,
): Map<string, string> {
  for (const key of Object.keys(overrides)) {
    if (!(key in declared)) throw new ConfigError('CONFIG_INVALID', `--parameter-overrides names "${key}", which is not in the template's Parameters (${Object.keys(declared).join(', ') || 'none'})`);
  }
  const values = new Map<string, string>();
  for (const [name, parameter] of Object.entries(declared)) {
    const type = String(parameter?.Type ?? 'String');
    const given = overrides[name] ?? (parameter?.Default === undefined ? undefined : Array.isArray(parameter.Default) ? parameter.Default.join(',') : String(parameter.Default));
    if (type.startsWith('AWS::SSM::Parameter::Value') && overrides[name] === undefined) {
      // CDK's BootstrapVersion is one, read only by the template's Rules: not worth a warning when no resource uses it.
      if (isReferenced(name)) warn(`Parameters.${name} is read from SSM Parameter Store (${String(parameter?.Default ?? '')}), which is not emulated; pass --parameter-overrides ${name}=VALUE`);
      continue;
    }
    if (given === undefined) throw new ConfigError('CONFIG_INVALID', `Parameters.${name} has no Default: pass --parameter-overrides ${name}=VALUE`);
    const allowed = parameter?.AllowedValues;
    if (Array.isArray(allowed) && !allowed.map(String).includes(given)) {
      throw new ConfigError('CONFIG_INVALID', `Parameters.${name} is "${given}", not one of its AllowedValues (${allowed.join(', ')})`);
    }
    values.set(name, given);
  }
  return values;
}
