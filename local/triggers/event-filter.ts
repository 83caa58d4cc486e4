/**
 * Lambda's event filtering (invocation-eventfiltering) for stream records, the common subset: a pattern is an object
 * whose leaves are arrays of allowed values — exact strings, numbers, booleans or null, or `{ prefix }`,
 * `{ exists: true|false }`, `{ "anything-but": [...] }`, `{ numeric: [">", 0, "<=", 5] }`. Nested objects match
 * nested fields; every key of the pattern must match. (Suffix, wildcard, `$or` and `cidr` are not read.)
 */
export function matchesPattern(value: unknown, pattern: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return expected.some((rule) => matchesRule(actual, rule));
    if (expected !== null && typeof expected === 'object') return actual !== undefined && matchesPattern(actual, expected as Record<string, unknown>);
    return false;
  });
}

function matchesRule(actual: unknown, rule: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return actual === rule || (Array.isArray(actual) && actual.includes(rule));
  const spec = rule as Record<string, unknown>;
  if ('exists' in spec) return (actual !== undefined) === (spec.exists === true);
  if (actual === undefined) return false;
  if ('prefix' in spec) return typeof actual === 'string' && actual.startsWith(String(spec.prefix));
  if ('anything-but' in spec) {
    const excluded = Array.isArray(spec['anything-but']) ? spec['anything-but'] : [spec['anything-but']];
    return !excluded.includes(actual);
  }
  if ('numeric' in spec) {
    const number = Number(actual);
    const terms = spec.numeric as unknown[];
    for (let i = 0; i + 1 < terms.length; i += 2) {
      const bound = Number(terms[i + 1]);
      const ok = { '>': number > bound, '>=': number >= bound, '<': number < bound, '<=': number <= bound, '=': number === bound }[String(terms[i])];
      if (!ok) return false;
    }
    return Number.isFinite(number);
  }
  return false;
}
