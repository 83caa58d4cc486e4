/**
 * Evaluates a WebSocket route selection expression against a frame, as API Gateway does
 * (apigateway-websocket-api-selection-expressions): `$request.body.a.b`, or a template such as
 * `${request.body.service}/${request.body.action}`, evaluated once (no recursion). `\$` is a literal dollar sign, so
 * `\$default` selects the `$default` key. Returns undefined when the body is not JSON or a `$request.body…` path is
 * missing (API Gateway then uses `$default`); inside a template, a missing path becomes the empty string
 * (`${request.body.action}-${request.body.v}` on `{"action":"join"}` selects `join-`).
 */
export function selectRoute(expression: string, body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (expression.startsWith('$request.body')) return stringify(valueAt(parsed, expression.slice('$request.body'.length)));
  let selected = '';
  const token = /\\\$|\$\{request\.body([^}]*)\}/g;
  let last = 0;
  for (let match = token.exec(expression); match !== null; match = token.exec(expression)) {
    selected += expression.slice(last, match.index) + (match[0] === '\\$' ? '$' : (stringify(valueAt(parsed, match[1]!)) ?? ''));
    last = token.lastIndex;
  }
  return selected + expression.slice(last);
}

function valueAt(root: unknown, path: string): unknown {
  return path
    .split('.')
    .filter((key) => key !== '')
    .reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), root);
}

/** `42` -> `42`, `true` -> `true`, `["item1","item2"]` -> `[item1, item2]` (as AWS documents); an object as JSON. */
function stringify(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return `[${value.map((item) => stringify(item) ?? 'null').join(', ')}]`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
