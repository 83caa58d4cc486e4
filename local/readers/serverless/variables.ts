import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { cloudFormationTags } from '../cloudformation/cloudformation-tags.ts';
import { ConfigError } from '../../model/config-error.ts';

export interface VariableSources {
  /** The raw (unresolved) config, for `${self:…}`. */
  self: Record<string, unknown>;
  stage: string;
  region: string;
  options: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
  /** The config's folder, for `${file(./x.yml):key}`. Default: the working directory. */
  dir?: string;
  /** Told about each variable the emulator cannot resolve offline (ssm:, cf:, s3:, …) and that has no fallback. */
  warn(message: string): void;
}

const FAKE_ACCOUNT_ID = '000000000000';
const MAX_DEPTH = 10;
/** What the Serverless Framework treats as its own variable; anything else (`${AWS::Region}`, `${MyBucket}`) is Fn::Sub's. */
const SERVERLESS_VARIABLE = /^\s*(?:[a-zA-Z][\w-]*:(?!:)|file\(|\$\{)/;
const UNRESOLVED = Symbol('unresolved');

/**
 * Resolves Serverless Framework variables (`${sls:stage}`, `${self:custom.x}`, `${opt:stage, 'dev'}`,
 * `${env:X, 'default'}`, `${aws:region}`, `${aws:accountId}`, `${file(./f.yml):key}`, nested and with fallbacks) through
 * a config value. A string that is exactly one variable takes the variable's value and type; otherwise values are
 * interpolated. `${self:…}`/`${sls:…}`/`${aws:…}` with no value is a ConfigError; other sources are left unset with a
 * warning (secrets from SSM or another stack do not exist offline).
 *
 * @example resolveVariables('${self:service}-${sls:stage}', sources) // 'chat-dev'
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

/** A string with variables: one whole variable keeps its value's type; several are interpolated. */
function resolveString(text: string, sources: VariableSources, where: string, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new ConfigError('VARIABLE_UNRESOLVED', `Variables nest or refer to each other too deeply at ${where}`);
  const pieces = splitVariables(text);
  if (pieces.length === 1 && typeof pieces[0] !== 'string') {
    const value = resolveVariable(pieces[0]!.inner, sources, where, depth);
    return value === UNRESOLVED ? undefined : value;
  }
  let out = '';
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      out += piece;
      continue;
    }
    const value = resolveVariable(piece.inner, sources, where, depth);
    if (value === UNRESOLVED) return undefined;
    out += typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** `a-${x:y, ${z:w}}-b` -> ['a-', { inner: 'x:y, ${z:w}' }, '-b']; CloudFormation's `${AWS::Region}` stays text. */
function splitVariables(text: string): (string | { inner: string })[] {
  const pieces: (string | { inner: string })[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const end = text.startsWith('${', i) ? closingBrace(text, i + 2) : -1;
    if (end === -1 || !SERVERLESS_VARIABLE.test(text.slice(i + 2, end))) {
      literal += text[i];
      i += 1;
      continue;
    }
    if (literal) pieces.push(literal);
    literal = '';
    pieces.push({ inner: text.slice(i + 2, end) });
    i = end + 1;
  }
  if (literal || pieces.length === 0) pieces.push(literal);
  return pieces;
}

/**
 * Walks `text` from `from`, skipping quoted strings and nested `${…}`, and calls `visit` with each character at the
 * top level (a `}` that closes nothing included); stops at the first index `visit` returns true for.
 */
function walkTopLevel(text: string, from: number, visit: (char: string, index: number) => boolean): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '$' && text[i + 1] === '{') {
      depth += 1;
      i += 1;
    } else if (char === '}' && depth > 0) depth -= 1;
    else if (depth === 0 && visit(char, i)) return i;
  }
  return -1;
}

/** The index of the `}` closing a `${` whose content starts at `from`. */
function closingBrace(text: string, from: number): number {
  return walkTopLevel(text, from, (char) => char === '}');
}

/** `source:address, fallback, …`: the first candidate with a value wins. */
function resolveVariable(inner: string, sources: VariableSources, where: string, depth: number): unknown {
  const candidates = splitTopLevel(inner).map((c) => c.trim()).filter((c) => c !== '');
  for (const candidate of candidates) {
    const value = candidateValue(candidate, sources, where, depth);
    if (value !== undefined && value !== null && value !== UNRESOLVED) return value;
  }
  const reference = candidates[0] ?? '';
  if (/^(self|sls|aws):/.test(reference)) {
    throw new ConfigError('VARIABLE_UNRESOLVED', `\${${inner}} at ${where || 'the top level'} has no value: check the path or add a fallback`);
  }
  warnOnce(sources, inner, `\${${inner}} at ${where || 'the top level'} has no value offline; it is left unset: ${howToSupply(reference, where)}`);
  return UNRESOLVED;
}

/** Each missing variable is reported once, at the first place it is used. */
const warned = new WeakMap<VariableSources['warn'], Set<string>>();
function warnOnce(sources: VariableSources, key: string, message: string): void {
  let seen = warned.get(sources.warn);
  if (seen === undefined) warned.set(sources.warn, (seen = new Set()));
  if (seen.has(key)) return;
  seen.add(key);
  sources.warn(message);
}

/** What the user can do about a variable that has no value offline. */
function howToSupply(reference: string, where: string): string {
  const source = /^([a-zA-Z][\w-]*):/.exec(reference)?.[1] ?? '';
  const environmentKey = /(?:^|\.)environment\.([^.[\]]+)$/.exec(where)?.[1];
  const fallback = `add a fallback (\${${reference || 'source:address'}, 'local value'})`;
  const override = environmentKey ? ` or set it with --env ${environmentKey}=VALUE (or custom.wsgate.environment.${environmentKey})` : '';
  if (source === 'env') return `set ${reference.slice(4).trim()} in the shell (or in .env with useDotenv: true), or ${fallback}${override}`;
  if (source === 'param') return `define ${reference.slice(6).trim()} under params.<stage> or params.default, or ${fallback}${override}`;
  return `${fallback}${override}`;
}

function candidateValue(candidate: string, sources: VariableSources, where: string, depth: number): unknown {
  const quoted = /^(['"])([\s\S]*)\1$/.exec(candidate);
  if (quoted) return resolveString(quoted[2]!, sources, where, depth + 1);
  if (/^-?\d+(\.\d+)?$/.test(candidate)) return Number(candidate);
  if (candidate === 'true' || candidate === 'false') return candidate === 'true';
  // A whole nested variable (`${env:X, ${self:y}}`) keeps its value and type, whatever characters that value holds.
  const pieces = splitVariables(candidate);
  if (pieces.length === 1 && typeof pieces[0] !== 'string') {
    const value = resolveVariable(pieces[0]!.inner, sources, where, depth + 1);
    return value === UNRESOLVED ? undefined : value;
  }
  // A reference, possibly built from variables: `self:custom.${sls:stage}.table`.
  const reference = resolveString(candidate, sources, where, depth + 1);
  return typeof reference === 'string' ? lookUp(reference, sources, where, depth) : undefined;
}

function lookUp(reference: string, sources: VariableSources, where: string, depth: number): unknown {
  const file = /^file\((.+?)\)(?::(.*))?$/.exec(reference);
  if (file) return fromFile(file[1]!.trim(), file[2]?.trim() ?? '', sources, where, depth);
  const separator = reference.indexOf(':');
  if (separator === -1) return undefined;
  const source = reference.slice(0, separator);
  const address = reference.slice(separator + 1).trim();
  switch (source) {
    case 'sls':
      return address === 'stage' ? sources.stage : address === 'instanceId' ? 'wsgate-local' : undefined;
    case 'opt':
      return sources.options[address];
    case 'env':
      return sources.env[address];
    case 'aws':
      return address === 'region' ? sources.region : address === 'accountId' ? FAKE_ACCOUNT_ID : undefined;
    case 'self': {
      const found = resolvedAt(sources.self, address, sources, 'self:', depth);
      // The Framework exposes provider.stage/region as written, defaulting to dev / us-east-1 (serverless#7990).
      if (found === undefined && address === 'provider.stage') return 'dev';
      if (found === undefined && address === 'provider.region') return 'us-east-1';
      return found;
    }
    case 'param': {
      // `params:` of the config: the stage's own value, else `default` (the Framework's stage parameters).
      const params = resolvedAt(sources.self, 'params', sources, 'self:', depth) as Record<string, unknown> | undefined;
      const stageParams = params?.[sources.stage] as Record<string, unknown> | undefined;
      const defaults = params?.default as Record<string, unknown> | undefined;
      return stageParams?.[address] ?? defaults?.[address];
    }
    default:
      return undefined; // ssm:, cf:, s3:, … have no offline value: their fallback, else a warning
  }
}

/** `${file(./config.yml):a.b}`: a YAML or JSON file next to serverless.yml, whole or at a path. */
function fromFile(path: string, address: string, sources: VariableSources, where: string, depth: number): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(sources.dir ?? '.', path), 'utf8');
  } catch (error) {
    throw new ConfigError('VARIABLE_UNRESOLVED', `\${file(${path})} at ${where}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const content = parse(text, { customTags: cloudFormationTags }) as Record<string, unknown>;
  return resolvedAt(content, address, sources, `file(${path}):`, depth);
}

/**
 * The value at `a.b.c` under `root`, resolved. A step that is itself a variable is resolved before going on, as the
 * Framework does: `${self:custom.secrets.KEY}` where `custom.secrets: ${file(./secrets.json)}`.
 */
function resolvedAt(root: unknown, address: string, sources: VariableSources, prefix: string, depth: number): unknown {
  let node = root;
  let path = '';
  for (const key of address.split('.').filter((k) => k !== '')) {
    if (typeof node === 'string') node = resolveValue(node, sources, `${prefix}${path}`, depth + 1);
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
    path = path ? `${path}.${key}` : key;
  }
  return node === undefined ? undefined : resolveValue(node, sources, `${prefix}${address}`, depth + 1);
}

/** `a, 'b, c', ${d:e, f}` -> ['a', " 'b, c'", ' ${d:e, f}'] */
function splitTopLevel(expression: string): string[] {
  const parts: string[] = [];
  let start = 0;
  walkTopLevel(expression, 0, (char, index) => {
    if (char === ',') {
      parts.push(expression.slice(start, index));
      start = index + 1;
    }
    return false;
  });
  parts.push(expression.slice(start));
  return parts;
}
