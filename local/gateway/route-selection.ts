/**
 * Evaluates a WebSocket route selection expression against a frame: `$request.body.a.b` or a template such as
 * `${request.body.service}/${request.body.action}`. Returns undefined when the body is not JSON or a path is missing
 * (API Gateway then uses `$default`).
 */
export function selectRoute(expression: string, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (expression.startsWith('$request.body')) return stringify(valueAt(parsed, expression.slice('$request.body'.length)));
  if (!expression.includes('${')) return expression; // a constant expression selects itself
  let missing = false;
  const selected = expression.replace(/\$\{request\.body([^}]*)\}/g, (_all, path: string) => {
    const value = stringify(valueAt(parsed, path));
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : selected;
}

function valueAt(root: unknown, path: string): unknown {
  return path
    .split('.')
    .filter((key) => key !== '')
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

function stringify(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
