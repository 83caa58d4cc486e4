import { readFileSync } from 'node:fs';
import { parse, YAMLParseError } from 'yaml';
import { ConfigError } from '../../model/config-error.ts';
import { cloudFormationTags } from './cloudformation-tags.ts';

/** A CloudFormation template's top-level sections, as far as the emulator reads them. */
export interface TemplateDocument {
  Transform?: unknown;
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, TemplateResource>;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, unknown>;
  Condition?: string;
}

/** Reads a template, YAML (short-form tags such as `!Ref` included) or JSON: JSON is YAML, so one parser reads both. */
export function readTemplateFile(path: string, shownAs: string): TemplateDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_NOT_FOUND', `Cannot read ${shownAs}: ${(error as Error).message}. Pass --template PATH/template.yaml`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = parse(text, { customTags: cloudFormationTags, prettyErrors: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0];
      throw new ConfigError('CONFIG_SYNTAX', `${shownAs}${line ? `:${line.line}:${line.col}` : ''}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`, { cause: error });
    }
    throw error;
  }
  const document = raw as TemplateDocument | null;
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new ConfigError('CONFIG_INVALID', `${shownAs} must be a mapping`);
  if (document.Resources === null || typeof document.Resources !== 'object') throw new ConfigError('CONFIG_INVALID', `${shownAs} has no Resources`);
  return document;
}
