import { ConfigError } from './config-error.ts';

export interface VariableSources {
  /** The raw (unresolved) config, for `${self:…}`. */
  self: Record<string, unknown>;
  stage: string;
  region: string;
  options: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
  /** Told about each variable the emulator cannot resolve offline (ssm:, cf:, s3:, …) and that has no fallback. */
  warn(message: string): void;
}

const FAKE_ACCOUNT_ID = '000000000000';
const VARIABLE = /\$\{([^${}]+)\}/; // innermost first: no `${` or `}` inside
const UNRESOLVED = Symbol('unresolved');
const SERVERLESS_SOURCE = /^\s*(?:[a-z][A-Za-z0-9]*:(?!:)|file\()/;

/**
 * Resolves Serverless Framework variables (`${sls:stage}`, `${self:custom.x}`, `${opt:stage, 'dev'}`,
 * `${env:X, 'default'}`, `${aws:region}`, `${aws:accountId}`, nested and with fallbacks) through a config value.
 * A string that is exactly one variable takes the variable's value and type; otherwise values are interpolated.
 */
export function resolveVariables<T>(value: T, sources: VariableSources, where = ''): T {
  return resolveValue(value, sources, where, 0) as T;
}

function resolveValue(value: unknown, sources: VariableSources, where: string, depth: number): unknown {
  if (typeof value === 'string') return resolveString(value, sources, where, depth);
  if (Array.isArray(value)) return value.map((item, i) => resolveValue(item, sources, `${where}[${i}]`, depth));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveValue(item, sources, where ? `${where}.${key}` : key, depth)]),
    );
  }
  return value;
}

function resolveString(text: string, sources: VariableSources, where: string, depth: number): unknown {
  if (depth > 10) throw new ConfigError('VARIABLE_UNRESOLVED', `Variables nest or refer to each other too deeply at ${where}`);
  let current: unknown = text;
  let from = 0;
  while (typeof current === 'string') {
    const pattern = new RegExp(VARIABLE.source, 'g');
    pattern.lastIndex = from;
    const match = pattern.exec(current);
    if (!match) break;
    // `${AWS::Region}` or `${MyResource}` inside Fn::Sub belong to CloudFormation: leave them.
    if (!SERVERLESS_SOURCE.test(match[1]!)) {
      from = match.index + match[0].length;
      continue;
    }
    const resolved = resolveOne(match[1]!, sources, where, depth);
    if (resolved === UNRESOLVED) return undefined;
    current =
      match[0] === current
        ? resolved
        : current.replace(match[0], typeof resolved === 'string' ? resolved : JSON.stringify(resolved));
    from = 0;
  }
  return current;
}

function resolveOne(expression: string, sources: VariableSources, where: string, depth: number): unknown {
  const [reference, ...fallbacks] = splitTopLevel(expression);
  for (const [index, candidate] of [reference!, ...fallbacks].entries()) {
    const value = lookUp(candidate.trim(), sources, where, depth);
    if (value !== undefined && value !== null) return value;
    // A fallback that was itself a variable arrives here already resolved, as a bare value.
    if (index > 0 && !/^[a-z][A-Za-z0-9]*:/.test(candidate.trim()) && candidate.trim() !== '') return candidate.trim();
  }
  const trimmed = reference!.trim();
  if (/^(self|sls|opt|env|aws):/.test(trimmed) && !trimmed.startsWith('env:') && !trimmed.startsWith('opt:')) {
    throw new ConfigError('VARIABLE_UNRESOLVED', `\${${expression}} at ${where} has no value: check the path or add a fallback`);
  }
  sources.warn(`\${${expression}} at ${where} has no value offline; it is left unset`);
  return UNRESOLVED;
}

function lookUp(candidate: string, sources: VariableSources, where: string, depth: number): unknown {
  const literal = /^(['"])(.*)\1$/.exec(candidate);
  if (literal) return literal[2];
  if (/^-?\d+(\.\d+)?$/.test(candidate)) return Number(candidate);
  if (candidate === 'true' || candidate === 'false') return candidate === 'true';
  const separator = candidate.indexOf(':');
  if (separator === -1) return undefined;
  const source = candidate.slice(0, separator);
  const address = candidate.slice(separator + 1).trim();
  switch (source) {
    case 'sls':
      return address === 'stage' ? sources.stage : address === 'instanceId' ? 'wsgate-local' : undefined;
    case 'opt':
      return address === 'stage' ? sources.options.stage : address === 'region' ? sources.options.region : sources.options[address];
    case 'env':
      return sources.env[address];
    case 'aws':
      return address === 'region' ? sources.region : address === 'accountId' ? FAKE_ACCOUNT_ID : undefined;
    case 'self': {
      const found = address.split('.').reduce<unknown>(
        (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
        sources.self,
      );
      return found === undefined ? undefined : resolveValue(found, sources, `self:${address}`, depth + 1);
    }
    default:
      return undefined;
  }
}

/** `a, 'b, c', d` -> ['a', "'b, c'", 'd'] */
function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === ',') {
      parts.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expression.slice(start));
  return parts;
}
