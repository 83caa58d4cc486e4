import { ConfigError } from '../../model/config-error.ts';
import { cloudFormationString } from './cloudformation-values.ts';
import type { StackFacts } from './cloudformation-values.ts';

/**
 * Evaluates a template's `Conditions` (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`) against the
 * parameters and pseudo parameters. A condition that cannot be known offline (it compares an import, say) is a
 * ConfigError: it decides what exists, so guessing would serve another app.
 */
export function evaluateConditions(declared: Record<string, unknown>, facts: StackFacts): Map<string, boolean> {
  const values = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const byName = (name: string): boolean => {
    const known = values.get(name);
    if (known !== undefined) return known;
    if (!(name in declared)) throw new ConfigError('CONFIG_INVALID', `Condition "${name}" is used but not declared in Conditions`);
    if (evaluating.has(name)) throw new ConfigError('CONFIG_INVALID', `Condition "${name}" depends on itself`);
    evaluating.add(name);
    const value = evaluate(declared[name], name);
    values.set(name, value);
    return value;
  };
  const evaluate = (expression: unknown, name: string): boolean => {
    if (typeof expression === 'boolean') return expression;
    const entries = typeof expression === 'object' && expression !== null ? Object.entries(expression) : [];
    const [operator, argument] = entries.length === 1 ? entries[0]! : [undefined, undefined];
    const list = Array.isArray(argument) ? argument : [];
    switch (operator) {
      case 'Condition':
        return byName(String(argument));
      case 'Fn::Not':
        return !evaluate(list[0], name);
      case 'Fn::And':
        return list.every((item) => evaluate(item, name));
      case 'Fn::Or':
        return list.some((item) => evaluate(item, name));
      case 'Fn::Equals': {
        const [left, right] = list.map((item) => cloudFormationString(item, { ...facts, conditions: values }));
        if (left === undefined || right === undefined) {
          throw new ConfigError('CONFIG_INVALID', `Condition "${name}" compares ${JSON.stringify(list)}, which cannot be known offline`);
        }
        return left === right;
      }
      default:
        throw new ConfigError('CONFIG_INVALID', `Condition "${name}" is ${JSON.stringify(expression)}; expected Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition`);
    }
  };
  for (const name of Object.keys(declared)) byName(name);
  return values;
}

/**
 * The template as deployed under these conditions: resources whose `Condition` is false are gone, each `Fn::If`
 * is replaced by the branch it picks, and a value of `Ref: AWS::NoValue` removes its property or list item.
 */
export function applyConditions(value: unknown, conditions: Map<string, boolean>): unknown {
  if (Array.isArray(value)) return value.map((item) => applyConditions(item, conditions)).filter((item) => item !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && object.Ref === 'AWS::NoValue') return NO_VALUE;
  if (keys.length === 1 && Array.isArray(object['Fn::If'])) {
    const [condition, whenTrue, whenFalse] = object['Fn::If'] as unknown[];
    const holds = conditions.get(String(condition));
    if (holds === undefined) throw new ConfigError('CONFIG_INVALID', `Fn::If names condition "${String(condition)}", which Conditions does not declare`);
    return applyConditions(holds ? whenTrue : whenFalse, conditions);
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    const applied = applyConditions(item, conditions);
    if (applied !== NO_VALUE) result[key] = applied;
  }
  return result;
}

const NO_VALUE = Symbol('AWS::NoValue');
