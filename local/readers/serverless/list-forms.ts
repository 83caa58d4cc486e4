import { ConfigError } from '../../model/config-error.ts';

/**
 * `functions:` and `resources:` may be lists of mappings (typically `- ${file(./functions/chat.yml)}`); the Framework
 * merges each list into one mapping, deeply, later items winning (osls lib/classes/service.js `mergeArrays`, with
 * lib/utils/merge-plain-objects.js: mappings merge key by key, lists index by index). An empty item is skipped.
 */
export function mergeListForms<T extends Record<string, unknown>>(config: T): T {
  const merged: Record<string, unknown> = { ...config };
  for (const key of ['functions', 'resources'] as const) {
    const value = config[key];
    if (!Array.isArray(value)) continue;
    merged[key] = value.reduce<Record<string, unknown>>((memo, item, index) => {
      if (item === undefined || item === null || item === '') return memo;
      if (!isPlainObject(item)) throw new ConfigError('CONFIG_INVALID', `${key}[${index}] must be a mapping (the Framework merges the items of a ${key} list); got ${JSON.stringify(item)}`);
      return mergeInto(memo, item);
    }, {});
  }
  return merged as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    target[key] = mergeValue(target[key], value);
  }
  return target;
}

function mergeValue(target: unknown, source: unknown): unknown {
  if (isPlainObject(target) && isPlainObject(source)) return mergeInto({ ...target }, source);
  if (Array.isArray(target) && Array.isArray(source)) {
    const out = [...target];
    source.forEach((item, i) => {
      if (item !== undefined) out[i] = mergeValue(out[i], item);
    });
    return out;
  }
  return source;
}
